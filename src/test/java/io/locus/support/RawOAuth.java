package io.locus.support;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.GeneralSecurityException;
import io.locus.auth.OAuthSignature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A two-legged OAuth 1.0 HMAC-SHA1 signer (RFC 5849 §3.4) for requests whose target is raw bytes
 * that no URI class would accept ({@code %zz}, control bytes, invalid UTF-8): it signs the path
 * exactly as it goes on the request line, the way a server reading the raw path must. Written
 * from the RFC for the tests, independent of {@code io.locus.auth}; {@link OAuthClient} remains the
 * signer of well-formed requests.
 *
 * <p>The request target is given as a string of bytes (one char per byte, ISO-8859-1). Query and
 * form parameters are form-decoded ('+' is a space, escapes are UTF-8); a parameter whose escapes
 * cannot be decoded is left out, since the server must refuse such a request whatever it signs.
 */
public final class RawOAuth {
  private RawOAuth() {}

  /** One parameter, decoded. */
  public record Param(String name, String value) {}

  /**
   * The {@code Authorization: OAuth ...} value for a request.
   *
   * @param method the method as sent
   * @param host the Host header as sent
   * @param rawTarget the request target as sent, one char per byte (origin or absolute form)
   * @param formBody the body when it is sent as {@code application/x-www-form-urlencoded}, else null
   * @param extra further protocol parameters to put in the header (and sign); one named like a
   *     standard parameter ({@code oauth_version}, {@code oauth_signature_method}) replaces it
   */
  public static String authorization(
      String method, String host, String rawTarget, String formBody, String consumerKey, String consumerSecret,
      long timestamp, String nonce, List<Param> extra) {
    List<Param> protocol = new ArrayList<>();
    protocol.add(new Param("oauth_consumer_key", consumerKey));
    protocol.add(new Param("oauth_nonce", nonce));
    protocol.add(new Param("oauth_signature_method", "HMAC-SHA1"));
    protocol.add(new Param("oauth_timestamp", Long.toString(timestamp)));
    protocol.add(new Param("oauth_version", "1.0"));
    for (Param p : extra) {
      protocol.removeIf(existing -> existing.name().equals(p.name()));
      protocol.add(p);
    }
    String signature = signature(method, host, rawTarget, formBody, consumerSecret, protocol);
    StringBuilder header = new StringBuilder("OAuth ");
    for (Param p : protocol) {
      header.append(encode(p.name())).append("=\"").append(encode(p.value())).append("\", ");
    }
    return header.append("oauth_signature=\"").append(encode(signature)).append('"').toString();
  }

  /** The base64 HMAC-SHA1 signature of the request with the given protocol parameters. */
  public static String signature(
      String method, String host, String rawTarget, String formBody, String consumerSecret, List<Param> protocol) {
    String target = rawTarget;
    String lower = target.toLowerCase(Locale.ROOT);
    if (lower.startsWith("http://") || lower.startsWith("https://")) {
      int slash = target.indexOf('/', target.indexOf("://") + 3);
      target = slash < 0 ? "/" : target.substring(slash);
    }
    int question = target.indexOf('?');
    String path = question < 0 ? target : target.substring(0, question);
    String query = question < 0 ? null : target.substring(question + 1);
    int hash = path.indexOf('#');
    if (hash >= 0) {
      path = path.substring(0, hash);
    }
    List<Param> params = new ArrayList<>(form(query));
    params.addAll(form(formBody));
    params.addAll(protocol);
    String normalized =
        params.stream()
            .map(p -> new Param(encode(p.name()), encode(p.value())))
            .sorted(Comparator.comparing(Param::name).thenComparing(Param::value))
            .map(p -> p.name() + "=" + p.value())
            .collect(Collectors.joining("&"));
    String hostPart = host.toLowerCase(Locale.ROOT);
    if (hostPart.endsWith(":80")) {
      hostPart = hostPart.substring(0, hostPart.length() - 3);
    }
    // The path is bytes; as the server holds it, each byte is one char.
    String baseUri = "http://" + hostPart + (path.isEmpty() ? "/" : path);
    String base = encode(method.toUpperCase(Locale.ROOT)) + "&" + encode(baseUri) + "&" + encode(normalized);
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec((encode(consumerSecret) + "&").getBytes(UTF_8), "HmacSHA1"));
      return Base64.getEncoder().encodeToString(mac.doFinal(base.getBytes(UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The decodable parameters of a query string or form body; undecodable ones are skipped. */
  static List<Param> form(String raw) {
    List<Param> params = new ArrayList<>();
    if (raw == null) {
      return params;
    }
    for (String pair : raw.split("&")) {
      try {
        OAuthSignature.decodeForm(pair).forEach(p -> params.add(new Param(p.name(), p.value())));
      } catch (IllegalArgumentException undecodable) {
        // skipped, as the docs above say
      }
    }
    return params;
  }

  /** RFC 5849 §3.6: UTF-8 bytes, unreserved characters kept, every other byte as %XX. */
  public static String encode(String value) {
    StringBuilder out = new StringBuilder();
    for (byte b : value.getBytes(UTF_8)) {
      int c = b & 0xFF;
      if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~') {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16))).append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
      }
    }
    return out.toString();
  }

  /** Bytes as the one-char-per-byte strings this class takes. */
  public static String bytes(byte[] raw) {
    return new String(raw, ISO_8859_1);
  }
}
