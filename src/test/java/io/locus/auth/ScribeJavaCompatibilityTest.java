package io.locus.auth;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.locus.auth.OAuthSignature.Param;
import io.locus.support.OAuthClient;
import java.net.URI;
import java.net.URLEncoder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Requests signed by ScribeJava ({@link OAuthClient}) verify with {@link OAuthSignature} used the
 * way the server uses it, and tampered requests do not.
 */
@DisplayName("OAuthSignature verifies ScribeJava-signed requests")
class ScribeJavaCompatibilityTest {
  private static final String KEY = "locus-test-client";
  private static final String SECRET = "s3cr&t+with=odd%chars é";
  private static final OAuthClient CLIENT = new OAuthClient(KEY, SECRET);

  static Stream<Arguments> requests() {
    return Stream.of(
        request("GET", "http://localhost:8080/layers/com.example.places"),
        request("GET", "http://localhost:8080/records/com.example.places/id-1?limit=10&start=0"),
        request("GET", "http://localhost:8080/nearby/37.77,-122.41?q=coffee+shop&name=Blue%20Bottle"),
        request("GET", "http://localhost:8080/search?expr=1%2B1%3D2&pct=100%25&star=*&tilde=~"),
        request("GET", "http://localhost:8080/search?city=M%C3%BCnchen&emoji=%F0%9F%8C%8D&raw=café"),
        request("GET", "http://localhost:8080/search?tag=b&tag=a&tag=a&empty=&flag"),
        request("GET", "https://api.example.com:8443/r%20v/X?id=123"),
        request("GET", "http://[::1]:8080/records?x=1"),
        request("PUT", "http://localhost:8080/records/com.example.places/id-1?ttl=60"),
        request(
            "POST",
            "http://localhost:8080/records/com.example.places",
            form("name", "Café Olé", "note", "a+b & c=d %41", "chars", "~*!'()")),
        request("POST", "http://example.com/request?b5=%3D%253D&a3=a&c3=&a2=r%20b", form("c2", "", "a3", "2 q")),
        request("DELETE", "http://example.com:80/records/com.example.places/id-1"),
        request("DELETE", "https://api.example.com:443/records/com.example.places/id-2?soft=true"));
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("requests")
  @DisplayName("verifies")
  void verifies(String method, String url, Map<String, String> form) {
    String authorization = CLIENT.authorization(method, url, form);

    assertThat(verify(method, url, form, authorization, SECRET)).isTrue();
  }

  @Test
  @DisplayName("ScribeJava sends no oauth_token in two-legged mode, and version 1.0")
  void headerContents() {
    long before = System.currentTimeMillis() / 1000;
    Map<String, String> params =
        OAuthSignature.parseAuthorizationHeader(CLIENT.authorization("GET", "http://localhost:8080/x"))
            .stream()
            .collect(Collectors.toMap(Param::name, Param::value));
    long after = System.currentTimeMillis() / 1000;

    assertThat(params)
        .doesNotContainKey("oauth_token")
        .containsEntry("oauth_consumer_key", KEY)
        .containsEntry("oauth_signature_method", "HMAC-SHA1")
        .containsEntry("oauth_version", "1.0")
        .containsKeys("oauth_nonce", "oauth_signature");
    assertThat(Long.parseLong(params.get("oauth_timestamp"))).isBetween(before, after);
  }

  @Test
  @DisplayName("a tampered query value, method, path, form value or secret does not verify")
  void tampering() {
    String url = "http://localhost:8080/records/com.example.places?limit=10&q=caf%C3%A9";
    Map<String, String> form = form("name", "Café");
    String authorization = CLIENT.authorization("POST", url, form);
    assertThat(verify("POST", url, form, authorization, SECRET)).isTrue();

    String otherValue = "http://localhost:8080/records/com.example.places?limit=11&q=caf%C3%A9";
    String otherPath = "http://localhost:8080/records/com.example.other?limit=10&q=caf%C3%A9";
    String otherPort = "http://localhost:8081/records/com.example.places?limit=10&q=caf%C3%A9";
    assertThat(verify("POST", otherValue, form, authorization, SECRET)).isFalse();
    assertThat(verify("POST", otherPath, form, authorization, SECRET)).isFalse();
    assertThat(verify("POST", otherPort, form, authorization, SECRET)).isFalse();
    assertThat(verify("PUT", url, form, authorization, SECRET)).isFalse();
    assertThat(verify("POST", url, form("name", "Cafe"), authorization, SECRET)).isFalse();
    assertThat(verify("POST", url, Map.of(), authorization, SECRET)).isFalse();
    assertThat(verify("POST", url, form, authorization, SECRET + "x")).isFalse();
  }

  @Test
  @DisplayName("signs correctly from several threads at once, with distinct nonces")
  void concurrent() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<String>> headers = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        String url = "http://localhost:8080/records/l/id-" + i + "?n=" + i;
        headers.add(pool.submit(() -> {
          String authorization = CLIENT.authorization("GET", url);
          assertThat(verify("GET", url, Map.of(), authorization, SECRET)).isTrue();
          return authorization;
        }));
      }
      List<String> nonces = new ArrayList<>();
      for (Future<String> header : headers) {
        OAuthSignature.parseAuthorizationHeader(header.get(30, TimeUnit.SECONDS)).stream()
            .filter(p -> p.name().equals("oauth_nonce"))
            .forEach(p -> nonces.add(p.value()));
      }
      assertThat(nonces).hasSize(200).doesNotHaveDuplicates();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  @DisplayName("known ScribeJava deviations from RFC 5849 (see OAuthClient) do not verify")
  void knownScribeJavaDeviations() {
    // ScribeJava sorts decoded values ("z" < "é"); RFC 5849 §3.4.1.3.2 sorts encoded ones
    // ("%C3%A9" < "z"), so the base strings differ.
    String unsorted = "http://localhost:8080/search?v=z&v=%C3%A9";
    assertThat(verify("GET", unsorted, Map.of(), CLIENT.authorization("GET", unsorted), SECRET)).isFalse();
    // ScribeJava signs "a=b=c" as a="b"; the RFC (and the server) read a="b=c".
    String rawEquals = "http://localhost:8080/search?a=b=c";
    assertThat(verify("GET", rawEquals, Map.of(), CLIENT.authorization("GET", rawEquals), SECRET)).isFalse();
    // Hence ScribeJava cannot sign the RFC's own §3.4.1.1 example: it orders "c2" before "c@"
    // where the RFC orders "c%40" before "c2".
    String rfc = "http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b";
    Map<String, String> rfcForm = form("c2", "", "a3", "2 q");
    assertThat(verify("POST", rfc, rfcForm, CLIENT.authorization("POST", rfc, rfcForm), SECRET)).isFalse();
    // The same requests written the way both agree on do verify.
    String sorted = "http://localhost:8080/search?v=y&v=z&a=b%3Dc";
    assertThat(verify("GET", sorted, Map.of(), CLIENT.authorization("GET", sorted), SECRET)).isTrue();
  }

  /**
   * What the server does with a request: parse the header, decode query and form body, drop
   * oauth_signature, rebuild the base string and compare signatures with the two-legged key.
   */
  private static boolean verify(
      String method, String url, Map<String, String> form, String authorization, String secret) {
    URI uri = URI.create(url);
    String provided = null;
    List<Param> params = new ArrayList<>();
    for (Param param : OAuthSignature.parseAuthorizationHeader(authorization)) {
      if (param.name().equals("oauth_signature")) {
        provided = param.value();
      } else {
        params.add(param);
      }
    }
    params.addAll(OAuthSignature.decodeForm(uri.getRawQuery()));
    params.addAll(OAuthSignature.decodeForm(formBody(form)));
    String baseUri = OAuthSignature.baseStringUri(uri.getScheme(), uri.getRawAuthority(), uri.getRawPath());
    String expected = OAuthSignature.hmacSha1(OAuthSignature.baseString(method, baseUri, params), secret, "");
    return OAuthSignature.sameSignature(expected, provided);
  }

  /** The body an HTML form would send: java.net.URLEncoder, so ' ' is '+' and '*' stays raw. */
  private static String formBody(Map<String, String> form) {
    return form.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), UTF_8) + "=" + URLEncoder.encode(e.getValue(), UTF_8))
        .collect(Collectors.joining("&"));
  }

  private static Arguments request(String method, String url) {
    return request(method, url, Map.of());
  }

  private static Arguments request(String method, String url, Map<String, String> form) {
    return Arguments.of(method, url, form);
  }

  private static Map<String, String> form(String... namesAndValues) {
    Map<String, String> form = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      form.put(namesAndValues[i], namesAndValues[i + 1]);
    }
    return form;
  }
}
