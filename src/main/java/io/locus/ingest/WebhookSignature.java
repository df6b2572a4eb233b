package io.locus.ingest;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code X-Locus-Signature} of a webhook: {@code sha256=} and the hex HMAC-SHA256 of the
 * body's bytes, keyed with the layer owner's consumer secret. A receiver computes the same over
 * the raw body it got and compares in constant time.
 */
final class WebhookSignature {
  static final String HEADER = "X-Locus-Signature";

  private WebhookSignature() {}

  static String of(byte[] body, String secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException impossible) {
      throw new IllegalStateException(impossible);
    }
  }
}
