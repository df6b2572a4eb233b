package io.locus.auth;

import io.locus.common.Failure;
import io.locus.auth.OAuthSignature.Param;
import java.util.regex.Pattern;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A request's two-legged OAuth 1.0 credentials, read and checked for form (RFC 5849 §3.1–3.5):
 * protocol parameters from the {@code Authorization} header, the query or a form body (each at
 * most once), the signature base string built from every parameter but {@code
 * oauth_signature}. Whether the signature, timestamp and nonce are good is decided by the
 * caller, who knows the secret, the clock and the nonces seen.
 *
 * @param consumerKey {@code oauth_consumer_key}
 * @param timestamp {@code oauth_timestamp}, epoch seconds
 * @param nonce {@code oauth_nonce}
 * @param signature {@code oauth_signature}, base64
 * @param baseString the signature base string the client must have signed
 */
public record SignedRequest(String consumerKey, long timestamp, String nonce, String signature, String baseString) {
  private static final Pattern TIMESTAMP = Pattern.compile("[0-9]{1,12}");
  /** Longest nonce accepted; nonces are remembered, so they are kept short. */
  static final int MAX_NONCE = 128;

  private static final List<String> REQUIRED =
      List.of("oauth_consumer_key", "oauth_signature_method", "oauth_timestamp", "oauth_nonce", "oauth_signature");

  /**
   * Reads the credentials of a request.
   *
   * @param method the HTTP method
   * @param baseStringUri the request's URI as {@link OAuthSignature#baseStringUri} makes it
   * @param rawQuery the query string as sent (undecoded), or null
   * @param formBody the body when it is {@code application/x-www-form-urlencoded}, else null
   * @param authorization the {@code Authorization} header, or null
   * @throws Failure 401 when the request carries no OAuth credentials at all or a token; 400
   *     when they are malformed, incomplete, duplicated or use another signature method
   */
  public static SignedRequest parse(
      String method, String baseStringUri, String rawQuery, String formBody, String authorization) {
    List<Param> header;
    List<Param> query;
    List<Param> form;
    try {
      header = OAuthSignature.parseAuthorizationHeader(authorization);
      query = OAuthSignature.decodeForm(rawQuery);
      form = OAuthSignature.decodeForm(formBody);
    } catch (IllegalArgumentException malformed) {
      throw new Failure(400, "malformed OAuth request: " + malformed.getMessage());
    }
    List<Param> all = new ArrayList<>(query);
    all.addAll(form);
    if (header != null) {
      all.addAll(header);
    }
    Map<String, String> protocol = new HashMap<>();
    for (Param param : all) {
      if (param.name().startsWith("oauth_") && protocol.put(param.name(), param.value()) != null) {
        throw new Failure(400, "OAuth parameter " + param.name() + " appears more than once");
      }
    }
    if (protocol.isEmpty()) {
      throw Failure.unauthorized("this request must be signed with OAuth 1.0 (HMAC-SHA1, consumer key and secret)");
    }
    for (String name : REQUIRED) {
      if (protocol.getOrDefault(name, "").isEmpty()) {
        throw new Failure(400, "OAuth parameter " + name + " is missing");
      }
    }
    if (!protocol.get("oauth_signature_method").equals("HMAC-SHA1")) {
      throw new Failure(400, "unsupported oauth_signature_method: only HMAC-SHA1");
    }
    if (!protocol.getOrDefault("oauth_version", "1.0").equals("1.0")) {
      throw new Failure(400, "unsupported oauth_version: only 1.0");
    }
    if (!protocol.getOrDefault("oauth_token", "").isEmpty()) {
      throw Failure.unauthorized("tokens are not used: sign with the consumer key and secret alone (two-legged)");
    }
    String nonce = protocol.get("oauth_nonce");
    if (nonce.length() > MAX_NONCE) {
      throw new Failure(400, "oauth_nonce is longer than " + MAX_NONCE + " characters");
    }
    String timestamp = protocol.get("oauth_timestamp");
    if (!TIMESTAMP.matcher(timestamp).matches()) {
      throw new Failure(400, "oauth_timestamp must be whole seconds since the epoch");
    }
    List<Param> signed = all.stream().filter(param -> !param.name().equals("oauth_signature")).toList();
    return new SignedRequest(
        protocol.get("oauth_consumer_key"),
        Long.parseLong(timestamp),
        nonce,
        protocol.get("oauth_signature"),
        OAuthSignature.baseString(method, baseStringUri, signed));
  }

  /** Whether the signature is the HMAC-SHA1 of the base string with this consumer secret. */
  public boolean signedWith(String consumerSecret) {
    return OAuthSignature.sameSignature(OAuthSignature.hmacSha1(baseString, consumerSecret, ""), signature);
  }
}
