package io.locus.auth;

import static io.locus.auth.OAuthSignature.baseString;
import static io.locus.auth.OAuthSignature.baseStringUri;
import static io.locus.auth.OAuthSignature.decodeForm;
import static io.locus.auth.OAuthSignature.hmacSha1;
import static io.locus.auth.OAuthSignature.parseAuthorizationHeader;
import static io.locus.auth.OAuthSignature.percentDecode;
import static io.locus.auth.OAuthSignature.percentEncode;
import static io.locus.auth.OAuthSignature.sameSignature;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.locus.auth.OAuthSignature.Param;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RFC 5849 (OAuth 1.0) signature primitives.
 *
 * <p>Every expected signature below was recomputed independently of this code, from the base string
 * printed in the cited source, with {@code printf '%s' BASE | openssl dgst -sha1 -hmac KEY -binary |
 * base64} and with Python's {@code hmac}; each matched the value published in that source (or, for
 * RFC 5849 §3.4.1.1, the corrected value of verified Errata ID 2550).
 */
@DisplayName("OAuthSignature")
class OAuthSignatureTest {

  private static Param p(String name, String value) {
    return new Param(name, value);
  }

  /** The base string's third component, decoded: the normalized parameter string (§3.4.1.3.2). */
  private static String normalizedParameters(String baseString) {
    return percentDecode(baseString.split("&")[2]);
  }

  @Nested
  @DisplayName("RFC 5849 §3.4.1 example request")
  class RfcBaseStringExample {
    // RFC 5849 §3.4.1.1 (and §3.4.1.3.1/§3.4.1.3.2): the request, its parameters and the
    // normalized parameter string and base string, all printed verbatim in the RFC.
    private static final String RAW_QUERY = "b5=%3D%253D&a3=a&c%40=&a2=r%20b";
    private static final String FORM_BODY = "c2&a3=2+q";
    private static final String AUTHORIZATION =
        "OAuth realm=\"Example\", oauth_consumer_key=\"9djdj82h48djs9d2\","
            + " oauth_token=\"kkk9d7dh3k39sjv7\", oauth_signature_method=\"HMAC-SHA1\","
            + " oauth_timestamp=\"137131201\", oauth_nonce=\"7d8f3e4a\","
            + " oauth_signature=\"bYT5CMsGcbgUdFHObYMEfcx6bsw%3D\"";
    private static final String NORMALIZED =
        "a2=r%20b&a3=2%20q&a3=a&b5=%3D%253D&c%40=&c2=&oauth_consumer_key=9djdj82h48djs9d2"
            + "&oauth_nonce=7d8f3e4a&oauth_signature_method=HMAC-SHA1"
            + "&oauth_timestamp=137131201&oauth_token=kkk9d7dh3k39sjv7";
    private static final String BASE_STRING =
        "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da"
            + "%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2"
            + "%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1"
            + "%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7";
    // RFC 5849 §3.1: client shared-secret and token shared-secret of this example.
    private static final String CLIENT_SECRET = "j49sk3j29djd";
    private static final String TOKEN_SECRET = "dh893hdasih9";

    private List<Param> signedParameters() {
      List<Param> params = new ArrayList<>();
      for (Param param : parseAuthorizationHeader(AUTHORIZATION)) {
        if (!param.name().equals("oauth_signature")) {
          params.add(param);
        }
      }
      params.addAll(decodeForm(RAW_QUERY));
      params.addAll(decodeForm(FORM_BODY));
      return params;
    }

    @Test
    @DisplayName("decodes the parameters of the RFC's table in §3.4.1.3.1")
    void decodesParameters() {
      assertThat(decodeForm(RAW_QUERY))
          .containsExactly(p("b5", "=%3D"), p("a3", "a"), p("c@", ""), p("a2", "r b"));
      assertThat(decodeForm(FORM_BODY)).containsExactly(p("c2", ""), p("a3", "2 q"));
      assertThat(parseAuthorizationHeader(AUTHORIZATION))
          .containsExactly(
              p("oauth_consumer_key", "9djdj82h48djs9d2"),
              p("oauth_token", "kkk9d7dh3k39sjv7"),
              p("oauth_signature_method", "HMAC-SHA1"),
              p("oauth_timestamp", "137131201"),
              p("oauth_nonce", "7d8f3e4a"),
              p("oauth_signature", "bYT5CMsGcbgUdFHObYMEfcx6bsw="));
    }

    @Test
    @DisplayName("builds the RFC's exact normalized parameters and base string")
    void buildsBaseString() {
      String base =
          baseString("POST", baseStringUri("http", "example.com", "/request"), signedParameters());

      assertThat(base).isEqualTo(BASE_STRING);
      assertThat(normalizedParameters(base)).isEqualTo(NORMALIZED);
    }

    @Test
    @DisplayName("signs it as corrected by Errata ID 2550, not as printed in the RFC")
    void signsPerErratum() {
      // RFC 5849 Errata ID 2550 (verified): the signature printed in §3.1 and §3.4.1.1,
      // bYT5CMsGcbgUdFHObYMEfcx6bsw=, was computed over the base string with "GET" instead of
      // "POST"; the correct signature of this POST request is r6/TJjbCOr97/+UU0NsvSne7s5g=.
      assertThat(hmacSha1(BASE_STRING, CLIENT_SECRET, TOKEN_SECRET))
          .isEqualTo("r6/TJjbCOr97/+UU0NsvSne7s5g=");
      String asGet =
          baseString("GET", baseStringUri("http", "example.com", "/request"), signedParameters());
      assertThat(hmacSha1(asGet, CLIENT_SECRET, TOKEN_SECRET))
          .isEqualTo("bYT5CMsGcbgUdFHObYMEfcx6bsw=");
    }
  }

  @Nested
  @DisplayName("published signature vectors")
  class SignatureVectors {

    @Test
    @DisplayName("RFC 5849 §1.2: temporary credentials request (HTTPS POST /initiate)")
    void rfcInitiate() {
      // RFC 5849 §1.2: client dpf43f3p2l4k3l03 / kd94hf93k423kf44, no token yet; the RFC's
      // oauth_signature="74KNZJeDHnMBp0EMJ9ZHt%2FXKycU%3D" is confirmed (with the https:// URI the
      // RFC states; signed as http:// it would not match).
      List<Param> params =
          List.of(
              p("oauth_consumer_key", "dpf43f3p2l4k3l03"),
              p("oauth_signature_method", "HMAC-SHA1"),
              p("oauth_timestamp", "137131200"),
              p("oauth_nonce", "wIjqoS"),
              p("oauth_callback", "http://printer.example.com/ready"));
      String base = baseString("POST", baseStringUri("https", "photos.example.net", "/initiate"), params);

      assertThat(hmacSha1(base, "kd94hf93k423kf44", "")).isEqualTo("74KNZJeDHnMBp0EMJ9ZHt/XKycU=");
    }

    @Test
    @DisplayName("RFC 5849 §1.2: token request (HTTPS POST /token)")
    void rfcToken() {
      // RFC 5849 §1.2: temporary credentials hh5s93j4hdidpola / hdhd0244k9j7ao03; the RFC's
      // oauth_signature="gKgrFCywp7rO0OXSjdot%2FIHF7IU%3D" is confirmed.
      List<Param> params =
          List.of(
              p("oauth_consumer_key", "dpf43f3p2l4k3l03"),
              p("oauth_token", "hh5s93j4hdidpola"),
              p("oauth_signature_method", "HMAC-SHA1"),
              p("oauth_timestamp", "137131201"),
              p("oauth_nonce", "walatlh"),
              p("oauth_verifier", "hfdp7dh39dks9884"));
      String base = baseString("POST", baseStringUri("https", "photos.example.net", "/token"), params);

      assertThat(hmacSha1(base, "kd94hf93k423kf44", "hdhd0244k9j7ao03"))
          .isEqualTo("gKgrFCywp7rO0OXSjdot/IHF7IU=");
    }

    @Test
    @DisplayName("RFC 5849 §1.2: protected resource request (GET /photos)")
    void rfcPhotos() {
      // RFC 5849 §1.2: token credentials nnch734d00sl2jdk / pfkkdhi9sl3r4s00; the RFC's
      // oauth_signature="MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D" is confirmed.
      List<Param> params = new ArrayList<>(decodeForm("file=vacation.jpg&size=original"));
      params.addAll(
          parseAuthorizationHeader(
              "OAuth realm=\"Photos\", oauth_consumer_key=\"dpf43f3p2l4k3l03\","
                  + " oauth_token=\"nnch734d00sl2jdk\", oauth_signature_method=\"HMAC-SHA1\","
                  + " oauth_timestamp=\"137131202\", oauth_nonce=\"chapoH\""));
      String base = baseString("GET", baseStringUri("http", "photos.example.net", "/photos"), params);

      assertThat(hmacSha1(base, "kd94hf93k423kf44", "pfkkdhi9sl3r4s00"))
          .isEqualTo("MdpQcU8iPSUjWoN/UDMsK2sui9I=");
    }

    @Test
    @DisplayName("OAuth Core 1.0 Appendix A.5: GET /photos with oauth_version")
    void oauthCoreAppendixA() {
      // OAuth Core 1.0 (and 1.0a) Appendix A.5.1 base string and A.5.2 signature.
      List<Param> params = new ArrayList<>(decodeForm("file=vacation.jpg&size=original"));
      params.addAll(
          List.of(
              p("oauth_consumer_key", "dpf43f3p2l4k3l03"),
              p("oauth_token", "nnch734d00sl2jdk"),
              p("oauth_signature_method", "HMAC-SHA1"),
              p("oauth_timestamp", "1191242096"),
              p("oauth_nonce", "kllo9940pd9333jh"),
              p("oauth_version", "1.0")));
      String base = baseString("GET", baseStringUri("http", "photos.example.net", "/photos"), params);

      assertThat(base)
          .isEqualTo(
              "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg"
                  + "%26oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3Dkllo9940pd9333jh"
                  + "%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1191242096"
                  + "%26oauth_token%3Dnnch734d00sl2jdk%26oauth_version%3D1.0%26size%3Doriginal");
      assertThat(hmacSha1(base, "kd94hf93k423kf44", "pfkkdhi9sl3r4s00"))
          .isEqualTo("tR3+Ty81lMeYAr/Fid0kMTYa/WM=");
    }

    @Test
    @DisplayName("encodes both secrets into the key and accepts an empty token secret")
    void keyEncoding() {
      // Independent: printf '%s' 'base' | openssl dgst -sha1 -hmac 'a%26b&' -binary | base64
      assertThat(hmacSha1("base", "a&b", "")).isEqualTo("tKHA7+X9QGqp7wg/xyW7fPDBIMQ=");
      assertThat(hmacSha1("base", "a&b", "")).isNotEqualTo(hmacSha1("base", "a", "b"));
    }
  }

  @Nested
  @DisplayName("percent-encoding (§3.6)")
  class PercentEncoding {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
        delimiter = '|',
        quoteCharacter = '"',
        value = {
          "AZaz09-._~ | AZaz09-._~",
          "a b | a%20b",
          "a+b | a%2Bb",
          "* | %2A",
          "~ | ~",
          "%3D | %253D",
          "!'()/:?#[]@$&,;= | %21%27%28%29%2F%3A%3F%23%5B%5D%40%24%26%2C%3B%3D",
          "é | %C3%A9",
          "€ | %E2%82%AC",
          "\uD83C\uDF0D | %F0%9F%8C%8D",
          "\"\" | \"\"",
        })
    void encodes(String plain, String encoded) {
      assertThat(percentEncode(plain)).isEqualTo(encoded);
      assertThat(percentDecode(encoded)).isEqualTo(plain);
    }

    @Test
    @DisplayName("decodes lower-case hex, keeps '+' and unescaped non-ASCII as they are")
    void decodes() {
      assertThat(percentDecode("%c3%a9")).isEqualTo("é");
      assertThat(percentDecode("a+b")).isEqualTo("a+b");
      assertThat(percentDecode("café%20é")).isEqualTo("café é");
    }

    @ParameterizedTest
    @ValueSource(strings = {"%", "%2", "abc%", "%G0", "%0g", "%%41", "%C3", "%FF", "%C3%28"})
    @DisplayName("rejects malformed escapes and invalid UTF-8")
    void rejectsMalformed(String value) {
      assertThatThrownBy(() -> percentDecode(value)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Nested
  @DisplayName("decodeForm (§3.4.1.3.1)")
  class DecodeForm {

    @Test
    @DisplayName("treats '+' as space and decodes escapes in names and values")
    void plusAndEscapes() {
      assertThat(decodeForm("q=coffee+shop&n%20m=a%2Bb&x+y=%E2%82%AC"))
          .containsExactly(p("q", "coffee shop"), p("n m", "a+b"), p("x y", "€"));
    }

    @Test
    @DisplayName("a name without '=' and a name with '=' but nothing after both have value \"\"")
    void emptyValues() {
      assertThat(decodeForm("flag&empty=&eq==")).containsExactly(p("flag", ""), p("empty", ""), p("eq", "="));
    }

    @Test
    @DisplayName("splits on the first '=' only")
    void firstEquals() {
      assertThat(decodeForm("a=b=c")).containsExactly(p("a", "b=c"));
    }

    @Test
    @DisplayName("keeps repeated names in order")
    void repeatedNames() {
      assertThat(decodeForm("tag=b&tag=a&x=1&tag=a"))
          .containsExactly(p("tag", "b"), p("tag", "a"), p("x", "1"), p("tag", "a"));
    }

    @Test
    @DisplayName("empty or null input, and empty segments, carry no parameters")
    void empty() {
      assertThat(decodeForm("")).isEmpty();
      assertThat(decodeForm(null)).isEmpty();
      assertThat(decodeForm("&a=1&&b=2&")).containsExactly(p("a", "1"), p("b", "2"));
    }

    @Test
    @DisplayName("rejects a malformed escape")
    void malformed() {
      assertThatThrownBy(() -> decodeForm("a=%zz")).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Nested
  @DisplayName("parseAuthorizationHeader (§3.5.1)")
  class AuthorizationHeader {

    @Test
    @DisplayName("matches the scheme case-insensitively and allows spaces and tabs around ',' and '='")
    void lenientWhitespace() {
      assertThat(parseAuthorizationHeader("oauth oauth_a=\"1\",oauth_b = \"2\" ,\toauth_c=\t\"3\"  "))
          .containsExactly(p("oauth_a", "1"), p("oauth_b", "2"), p("oauth_c", "3"));
      assertThat(parseAuthorizationHeader("OAUTH   oauth_a=\"1\"")).containsExactly(p("oauth_a", "1"));
    }

    @Test
    @DisplayName("drops realm and every other parameter not starting with oauth_")
    void onlyOAuthParameters() {
      assertThat(
              parseAuthorizationHeader(
                  "OAuth realm=\"Photos, Inc \\\"x\\\"\", oauth_nonce=\"n\", foo=\"bar\", OAUTH_X=\"y\""))
          .containsExactly(p("oauth_nonce", "n"));
    }

    @Test
    @DisplayName("percent-decodes values, leaving '+' as it is")
    void decodesValues() {
      assertThat(parseAuthorizationHeader("OAuth oauth_signature=\"a%2Fb%2Bc%3D+\", oauth_x=\"\""))
          .containsExactly(p("oauth_signature", "a/b+c=+"), p("oauth_x", ""));
    }

    @Test
    @DisplayName("a bare OAuth scheme has no parameters")
    void bareScheme() {
      assertThat(parseAuthorizationHeader("OAuth")).isEmpty();
      assertThat(parseAuthorizationHeader("OAuth   ")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "Basic dXNlcjpwYXNz",
          "Bearer abc",
          "OAuthx oauth_a=\"1\"",
          "",
          "   ",
        })
    @DisplayName("returns null for other schemes")
    void otherSchemes(String header) {
      assertThat(parseAuthorizationHeader(header)).isNull();
    }

    @Test
    @DisplayName("returns null for a missing header")
    void nullHeader() {
      assertThat(parseAuthorizationHeader(null)).isNull();
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "OAuth oauth_a=1",
          "OAuth oauth_a=\"1",
          "OAuth oauth_a",
          "OAuth oauth_a \"1\"",
          "OAuth =\"1\"",
          "OAuth oauth_a=\"1\" oauth_b=\"2\"",
          "OAuth oauth_a=\"1\",",
          "OAuth oauth_a=\"1\",,oauth_b=\"2\"",
          "OAuth oauth_a=\"1\", oauth_a=\"2\"",
          "OAuth realm=\"a\", realm=\"b\"",
          "OAuth oauth_a=\"%zz\"",
        })
    @DisplayName("rejects a malformed OAuth header")
    void malformed(String header) {
      assertThatThrownBy(() -> parseAuthorizationHeader(header))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Nested
  @DisplayName("baseStringUri (§3.4.1.2)")
  class BaseStringUri {

    @ParameterizedTest(name = "{0} {1} {2} -> {3}")
    @CsvSource(
        delimiter = '|',
        quoteCharacter = '\'',
        value = {
          // the two examples of §3.4.1.2
          "HTTP  | EXAMPLE.COM:80         | /r%20v/X?id=123 | http://example.com/r%20v/X",
          "https | www.example.net:8080   | /?q=1           | https://www.example.net:8080/",
          "https | Example.com:443        | /a/B            | https://example.com/a/B",
          "http  | example.com:443        | /               | http://example.com:443/",
          "https | example.com:80         | /x              | https://example.com:80/x",
          "http  | example.com:           | /x              | http://example.com/x",
          "http  | Example.com            | ''              | http://example.com/",
          "http  | example.com            | /a%2Fb#frag     | http://example.com/a%2Fb",
          "http  | [::1]:8080             | /records        | http://[::1]:8080/records",
          "http  | [::1]:80               | /records        | http://[::1]/records",
          "https | [2001:DB8::1]          | /               | https://[2001:db8::1]/",
        })
    void normalizes(String scheme, String host, String rawPath, String expected) {
      assertThat(baseStringUri(scheme, host, rawPath)).isEqualTo(expected);
    }

    @Test
    @DisplayName("a null path becomes \"/\"; a missing Host is rejected")
    void edges() {
      assertThat(baseStringUri("http", "example.com", null)).isEqualTo("http://example.com/");
      assertThatThrownBy(() -> baseStringUri("http", null, "/")).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> baseStringUri("http", "", "/")).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Nested
  @DisplayName("baseString (§3.4.1.1)")
  class BaseString {

    @Test
    @DisplayName("upper-cases the method and sorts by encoded name, then encoded value")
    void sortsEncoded() {
      // Sorted on the encoded forms: "%C3%A9" < "z" and "%5B" < "0", although 'é' > 'z' and
      // '[' > '0' as characters.
      String base =
          baseString(
              "get",
              "http://example.com/",
              List.of(p("v", "z"), p("v", "é"), p("w", "0"), p("w", "["), p("a", "")));

      assertThat(base).startsWith("GET&http%3A%2F%2Fexample.com%2F&");
      assertThat(normalizedParameters(base)).isEqualTo("a=&v=%C3%A9&v=z&w=%5B&w=0");
    }

    @Test
    @DisplayName("an empty parameter list gives an empty third component")
    void noParameters() {
      assertThat(baseString("DELETE", "http://example.com/x", List.of()))
          .isEqualTo("DELETE&http%3A%2F%2Fexample.com%2Fx&");
    }

    @Test
    @DisplayName("rejects oauth_signature among the parameters")
    void rejectsSignature() {
      List<Param> params = List.of(p("oauth_nonce", "n"), p("oauth_signature", "abc="));
      assertThatThrownBy(() -> baseString("GET", "http://example.com/", params))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("oauth_signature");
    }
  }

  @Nested
  @DisplayName("sameSignature")
  class SameSignature {

    @Test
    @DisplayName("is true only for equal non-null signatures")
    void compares() {
      assertThat(sameSignature("tR3+Ty81lMeYAr/Fid0kMTYa/WM=", "tR3+Ty81lMeYAr/Fid0kMTYa/WM=")).isTrue();
      assertThat(sameSignature("tR3+Ty81lMeYAr/Fid0kMTYa/WM=", "tR3+Ty81lMeYAr/Fid0kMTYa/WN=")).isFalse();
      assertThat(sameSignature("abc", "abcd")).isFalse();
      assertThat(sameSignature("", "")).isTrue();
      assertThat(sameSignature(null, "abc")).isFalse();
      assertThat(sameSignature("abc", null)).isFalse();
      assertThat(sameSignature(null, null)).isFalse();
    }
  }
}
