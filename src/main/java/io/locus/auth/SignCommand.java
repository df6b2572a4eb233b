package io.locus.auth;

import io.locus.auth.OAuthSignature.Param;
import java.net.URI;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.StringJoiner;

/**
 * {@code java -jar locus.jar sign [--key K --secret S] METHOD URL [FORM_BODY]}: prints the
 * {@code Authorization} header value that signs one request (two-legged OAuth 1.0, HMAC-SHA1,
 * fresh nonce and timestamp), so that curl can call a Locus node:
 *
 * <pre>curl -H "Authorization: $(java -jar target/locus.jar sign GET $URL)" $URL</pre>
 *
 * Without {@code --key}/{@code --secret} it signs as the development consumer of the
 * configuration file.
 */
public final class SignCommand {
  private static final SecureRandom RANDOM = new SecureRandom();

  private SignCommand() {}

  /**
   * Runs the command with the arguments after {@code sign}; returns the line to print, or
   * throws {@link IllegalArgumentException} with the usage.
   */
  public static String run(List<String> args, AuthSettings auth) {
    String key = auth.devConsumerKey();
    String secret = auth.devConsumerSecret();
    List<String> rest = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("--key") && i + 1 < args.size()) {
        key = args.get(++i);
      } else if (arg.equals("--secret") && i + 1 < args.size()) {
        secret = args.get(++i);
      } else {
        rest.add(arg);
      }
    }
    if (rest.size() < 2 || rest.size() > 3 || key.isEmpty() || secret.isEmpty()) {
      throw new IllegalArgumentException(
          "usage: java -jar locus.jar [--config FILE] sign [--key KEY --secret SECRET] METHOD URL [FORM_BODY]"
              + " (without --key, signs as the configuration's development consumer)");
    }
    return authorization(rest.get(0), rest.get(1), rest.size() == 3 ? rest.get(2) : null, key, secret);
  }

  /** The header value for one request; {@code formBody} may be null. */
  public static String authorization(String method, String url, String formBody, String key, String secret) {
    URI uri = URI.create(url);
    String authority = uri.getRawAuthority();
    List<Param> oauth = new ArrayList<>();
    oauth.add(new Param("oauth_consumer_key", key));
    oauth.add(new Param("oauth_nonce", HexFormat.of().formatHex(nonce())));
    oauth.add(new Param("oauth_signature_method", "HMAC-SHA1"));
    oauth.add(new Param("oauth_timestamp", String.valueOf(System.currentTimeMillis() / 1000)));
    oauth.add(new Param("oauth_version", "1.0"));
    List<Param> all = new ArrayList<>(oauth);
    all.addAll(OAuthSignature.decodeForm(uri.getRawQuery()));
    all.addAll(OAuthSignature.decodeForm(formBody));
    String base =
        OAuthSignature.baseString(
            method, OAuthSignature.baseStringUri(uri.getScheme(), authority, uri.getRawPath()), all);
    oauth.add(new Param("oauth_signature", OAuthSignature.hmacSha1(base, secret, "")));
    StringJoiner header = new StringJoiner(", ", "OAuth ", "");
    for (Param param : oauth) {
      header.add(param.name() + "=\"" + OAuthSignature.percentEncode(param.value()) + "\"");
    }
    return header.toString();
  }

  private static byte[] nonce() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return bytes;
  }
}
