package io.locus.support;

import com.github.scribejava.core.builder.ServiceBuilder;
import com.github.scribejava.core.builder.api.DefaultApi10a;
import com.github.scribejava.core.model.OAuth1AccessToken;
import com.github.scribejava.core.model.OAuthConstants;
import com.github.scribejava.core.model.OAuthRequest;
import com.github.scribejava.core.model.Verb;
import com.github.scribejava.core.oauth.OAuth10aService;
import java.util.Locale;
import java.util.Map;

/**
 * A two-legged OAuth 1.0 (RFC 5849) HMAC-SHA1 request signer for tests, built on ScribeJava 8.3.3
 * so that it shares no code with {@code io.locus.auth.OAuthSignature}.
 *
 * <p>What ScribeJava puts in the header it returns ({@code OAuth name="value", ...}, values
 * percent-encoded, no realm, in no particular order): {@code oauth_consumer_key}, {@code
 * oauth_signature_method="HMAC-SHA1"}, {@code oauth_timestamp} (current epoch seconds), {@code
 * oauth_nonce} (epoch seconds plus a random int, as a decimal string that may be negative), {@code
 * oauth_version="1.0"} and {@code oauth_signature}. Two-legged signing uses the empty access token
 * {@code OAuth1AccessToken("", "")}: ScribeJava then sends <em>no</em> {@code oauth_token} parameter
 * at all (not even an empty one) and signs with the key {@code encode(consumerSecret) + "&"}, i.e.
 * an empty token secret.
 *
 * <p>Signed are the query parameters of {@code url} and the given form-body parameters; a JSON (or
 * any non-form) body is not part of the signature, so pass an empty map for it. The caller sends
 * the form parameters as the {@code application/x-www-form-urlencoded} body itself.
 *
 * <p>Known ScribeJava 8.3.3 deviations from RFC 5849, to keep out of test requests: it cuts a query
 * value at a second raw '=' ("a=b=c" is signed as a="b"), and it sorts parameters by their decoded
 * rather than their percent-encoded form, which orders differently for values of the same name such
 * as "z" and "é" (RFC order: "%C3%A9" before "z").
 *
 * <p>Thread-safe: the ScribeJava service is immutable, and each call builds its own request, nonce
 * generator and signature service.
 */
public final class OAuthClient {
  private static final OAuth1AccessToken TWO_LEGGED = new OAuth1AccessToken("", "");

  private final OAuth10aService service;

  /** A signer for the client credentials {@code consumerKey} / {@code consumerSecret}. */
  public OAuthClient(String consumerKey, String consumerSecret) {
    this.service = new ServiceBuilder(consumerKey).apiSecret(consumerSecret).build(new TwoLeggedApi());
  }

  /**
   * The {@code Authorization} header value for a request without form-body parameters.
   *
   * @see #authorization(String, String, Map)
   */
  public String authorization(String method, String url) {
    return authorization(method, url, Map.of());
  }

  /**
   * The {@code Authorization} header value ({@code OAuth ...}) for a request, with a fresh nonce and
   * the current timestamp.
   *
   * @param method the HTTP method, e.g. "GET" (case-insensitive)
   * @param url the absolute request URL as it will be sent, query string included
   * @param formParams the {@code application/x-www-form-urlencoded} body parameters, decoded; empty
   *     for a JSON body or no body
   */
  public String authorization(String method, String url, Map<String, String> formParams) {
    OAuthRequest request = new OAuthRequest(Verb.valueOf(method.toUpperCase(Locale.ROOT)), url);
    formParams.forEach(request::addBodyParameter);
    service.signRequest(TWO_LEGGED, request);
    return request.getHeaders().get(OAuthConstants.HEADER);
  }

  /** An API with no token endpoints: only {@link OAuth10aService#signRequest} is used. */
  private static final class TwoLeggedApi extends DefaultApi10a {
    @Override
    public String getRequestTokenEndpoint() {
      throw new UnsupportedOperationException("two-legged OAuth has no request token endpoint");
    }

    @Override
    public String getAccessTokenEndpoint() {
      throw new UnsupportedOperationException("two-legged OAuth has no access token endpoint");
    }

    @Override
    protected String getAuthorizationBaseUrl() {
      throw new UnsupportedOperationException("two-legged OAuth has no authorization endpoint");
    }
  }
}
