package io.locus.auth;

import io.locus.common.Failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("SignedRequest: reading a request's OAuth credentials")
class SignedRequestTest {
  private static final String URI = "http://127.0.0.1:8080/0.1/layers";
  private static final String SECRET = "s3cret-value";

  private static String header(String... params) {
    return "OAuth realm=\"Locus\", " + String.join(", ", params);
  }

  private static final String[] COMPLETE = {
    "oauth_consumer_key=\"key\"", "oauth_nonce=\"n1\"", "oauth_signature_method=\"HMAC-SHA1\"",
    "oauth_timestamp=\"1700000000\"", "oauth_version=\"1.0\""
  };

  /** A header for COMPLETE signed with SECRET, via the primitives (themselves tested on RFC vectors). */
  private static String signedHeader(String rawQuery) {
    SignedRequest unsigned = SignedRequest.parse("GET", URI, rawQuery, null, header(append(COMPLETE, "oauth_signature=\"x\"")));
    String signature = OAuthSignature.hmacSha1(unsigned.baseString(), SECRET, "");
    return header(append(COMPLETE, "oauth_signature=\"" + OAuthSignature.percentEncode(signature) + "\""));
  }

  private static String[] append(String[] params, String extra) {
    String[] all = java.util.Arrays.copyOf(params, params.length + 1);
    all[params.length] = extra;
    return all;
  }

  private static int statusOf(Runnable parse) {
    try {
      parse.run();
      return 200;
    } catch (Failure refused) {
      return refused.status();
    }
  }

  @Test
  @DisplayName("a complete header is read; realm and the signature stay out of the base string; the query is in it")
  void complete() {
    SignedRequest signed = SignedRequest.parse("get", URI, "limit=5&b=a+b", null, signedHeader("limit=5&b=a+b"));
    assertThat(signed.consumerKey()).isEqualTo("key");
    assertThat(signed.timestamp()).isEqualTo(1_700_000_000L);
    assertThat(signed.nonce()).isEqualTo("n1");
    assertThat(signed.baseString())
        .startsWith("GET&http%3A%2F%2F127.0.0.1%3A8080%2F0.1%2Flayers&")
        .contains("b%3Da%2520b")
        .contains("limit%3D5")
        .doesNotContain("realm")
        .doesNotContain("oauth_signature%3D");
    assertThat(signed.signedWith(SECRET)).isTrue();
    assertThat(signed.signedWith("other-secret")).isFalse();
  }

  @Test
  @DisplayName("a query changed after signing no longer matches")
  void changedQuery() {
    String header = signedHeader("limit=5");
    assertThat(SignedRequest.parse("GET", URI, "limit=6", null, header).signedWith(SECRET)).isFalse();
    assertThat(SignedRequest.parse("POST", URI, "limit=5", null, header).signedWith(SECRET)).isFalse();
  }

  @Test
  @DisplayName("protocol parameters may come in the query instead of the header")
  void inQuery() {
    String query = "oauth_consumer_key=key&oauth_nonce=n1&oauth_signature_method=HMAC-SHA1&oauth_timestamp=1700000000&oauth_signature=abc";
    assertThat(SignedRequest.parse("GET", URI, query, null, null).consumerKey()).isEqualTo("key");
  }

  @Test
  @DisplayName("no credentials at all, or a non-OAuth Authorization header: 401")
  void missing() {
    assertThat(statusOf(() -> SignedRequest.parse("GET", URI, "limit=5", null, null))).isEqualTo(401);
    assertThat(statusOf(() -> SignedRequest.parse("GET", URI, null, null, "Basic dXNlcjpwYXNz"))).isEqualTo(401);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "missing nonce | oauth_consumer_key=\"k\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1\", oauth_signature=\"s\" | 400",
        "empty key | oauth_consumer_key=\"\", oauth_nonce=\"n\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1\", oauth_signature=\"s\" | 400",
        "PLAINTEXT | oauth_consumer_key=\"k\", oauth_nonce=\"n\", oauth_signature_method=\"PLAINTEXT\", oauth_timestamp=\"1\", oauth_signature=\"s\" | 400",
        "version 2.0 | oauth_consumer_key=\"k\", oauth_nonce=\"n\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1\", oauth_signature=\"s\", oauth_version=\"2.0\" | 400",
        "timestamp not a number | oauth_consumer_key=\"k\", oauth_nonce=\"n\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"-5\", oauth_signature=\"s\" | 400",
        "unquoted value | oauth_consumer_key=k | 400",
        "three-legged token | oauth_consumer_key=\"k\", oauth_nonce=\"n\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1\", oauth_signature=\"s\", oauth_token=\"t\" | 401",
      })
  @DisplayName("malformed, incomplete or unsupported credentials are refused with the RFC's status")
  void refused(String name, String params, int status) {
    assertThat(statusOf(() -> SignedRequest.parse("GET", URI, null, null, "OAuth " + params))).isEqualTo(status);
  }

  @Test
  @DisplayName("an empty oauth_token (sent by some two-legged clients) is accepted")
  void emptyToken() {
    assertThat(SignedRequest.parse("GET", URI, null, null, header(append(COMPLETE, "oauth_token=\"\", oauth_signature=\"s\"")))
            .consumerKey())
        .isEqualTo("key");
  }

  @Test
  @DisplayName("a protocol parameter given twice (header and query) is refused with 400")
  void duplicated() {
    assertThatThrownBy(() -> SignedRequest.parse("GET", URI, "oauth_nonce=other", null, header(append(COMPLETE, "oauth_signature=\"s\""))))
        .isInstanceOf(Failure.class)
        .hasMessageContaining("oauth_nonce")
        .satisfies(e -> assertThat(((Failure) e).status()).isEqualTo(400));
  }

  @Test
  @DisplayName("an overlong nonce is refused (nonces are remembered, so they are kept short)")
  void longNonce() {
    String nonce = "n".repeat(SignedRequest.MAX_NONCE + 1);
    String header =
        "OAuth oauth_consumer_key=\"k\", oauth_nonce=\"" + nonce + "\", oauth_signature_method=\"HMAC-SHA1\","
            + " oauth_timestamp=\"1\", oauth_signature=\"s\"";
    assertThat(statusOf(() -> SignedRequest.parse("GET", URI, null, null, header))).isEqualTo(400);
  }
}
