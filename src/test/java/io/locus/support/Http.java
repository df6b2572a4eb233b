package io.locus.support;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A blocking HTTP client for tests, independent of the Vert.x under test. Every request is
 * signed (two-legged OAuth 1.0, by ScribeJava through {@link OAuthClient}) as the development
 * consumer unless the client was made with {@link #as} or {@link #unsigned}.
 */
public final class Http {
  /** The development consumer that {@code conf/locus.json} bootstraps. */
  public static final String DEV_KEY = "locus-dev";

  public static final String DEV_SECRET = "locus-dev-secret";

  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String base;
  private final OAuthClient signer;

  public Http(String base) {
    this(base, new OAuthClient(DEV_KEY, DEV_SECRET));
  }

  private Http(String base, OAuthClient signer) {
    this.base = base;
    this.signer = signer;
  }

  /** A client for the same node that signs as another consumer. */
  public Http as(String consumerKey, String consumerSecret) {
    return new Http(base, new OAuthClient(consumerKey, consumerSecret));
  }

  /** A client for the same node that sends no credentials. */
  public Http unsigned() {
    return new Http(base, null);
  }

  /** The node's base URL, e.g. {@code http://127.0.0.1:18080}. */
  public String base() {
    return base;
  }

  /** A response: status, body text and headers, with the body as JSON on demand. */
  public record Response(int status, String body, java.util.Map<String, java.util.List<String>> headers) {
    public JsonObject json() {
      return new JsonObject(body);
    }

    /** The first value of a header (names are case-insensitive), or null. */
    public String header(String name) {
      return headers.entrySet().stream()
          .filter(entry -> entry.getKey().equalsIgnoreCase(name))
          .map(entry -> entry.getValue().get(0))
          .findFirst()
          .orElse(null);
    }
  }

  public Response get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  /** GET {@code path} with one more header, {@code name: value}. */
  public Response get(String path, String name, String value) {
    return send(HttpRequest.newBuilder(uri(path)).header(name, value).GET());
  }

  public Response delete(String path) {
    return send(HttpRequest.newBuilder(uri(path)).DELETE());
  }

  public Response put(String path, String body) {
    return send(HttpRequest.newBuilder(uri(path)).PUT(HttpRequest.BodyPublishers.ofString(body)));
  }

  public Response put(String path, JsonObject body) {
    return put(path, body.encode());
  }

  public Response post(String path, String body) {
    return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  public Response post(String path, JsonObject body) {
    return post(path, body.encode());
  }

  /**
   * POSTs the stream {@code body} gives, chunked (its length unknown beforehand), allowing two
   * minutes for the exchange: a test may write the stream while it does other things.
   */
  public Response postChunked(String path, java.util.function.Supplier<java.io.InputStream> body) {
    return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofInputStream(body)), Duration.ofMinutes(2));
  }

  /** Sends raw bytes, for bodies that are not text. */
  public Response put(String path, byte[] body) {
    return send(HttpRequest.newBuilder(uri(path)).PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  /** Creates a layer with a fresh name starting with {@code prefix}, and returns the name. */
  public String newLayer(String prefix) {
    String layer = prefix + java.util.UUID.randomUUID().toString().substring(0, 8);
    Response created = put("/0.1/layers/" + layer + ".json", "{\"title\":\"test\"}");
    if (created.status() != 200) {
      throw new AssertionError("could not create layer " + layer + ": " + created.body());
    }
    return layer;
  }

  /**
   * The node's serving tier as {@code /health/ready} shows it: {@code {"stale":…,"layers":{name:
   * {"state":…,"records":…}}, …}}; empty when the node has none.
   */
  public JsonObject serving() {
    return unsigned().get("/health/ready").json().getJsonArray("checks").stream()
        .map(JsonObject.class::cast)
        .filter(check -> "serving".equals(check.getString("id")))
        .findFirst()
        .map(check -> check.getJsonObject("data", new JsonObject()))
        .orElse(new JsonObject());
  }

  /** The state of {@code layer} in the node's serving tier ({@link #serving}); empty when it holds none of it. */
  public JsonObject served(String layer) {
    return serving().getJsonObject("layers", new JsonObject()).getJsonObject(layer, new JsonObject());
  }

  /** Polls GET {@code path} until it answers {@code status} (20 s at most). */
  /** The Authorization header this client would send with {@code method path}, or null when it signs nothing. */
  public String authorization(String method, String path) {
    return signer == null ? null : signer.authorization(method, base + path);
  }

  public Response awaitStatus(String path, int status) {
    return Eventually.await(java.time.Duration.ofSeconds(20), () -> get(path), r -> r.status() == status);
  }

  private URI uri(String path) {
    return URI.create(base + path);
  }

  private Response send(HttpRequest.Builder request) {
    return send(request, Duration.ofSeconds(30));
  }

  private Response send(HttpRequest.Builder request, Duration timeout) {
    request.timeout(timeout).header("Content-Type", "application/json");
    if (signer != null) {
      HttpRequest unsignedRequest = request.copy().build();
      request.header("Authorization", signer.authorization(unsignedRequest.method(), unsignedRequest.uri().toString()));
    }
    return exchange(request.build());
  }

  /**
   * Sends a request exactly as built (no signature added), for tests of the signature checks.
   * Every answer is checked against the API's OpenAPI document ({@link ApiContract}).
   */
  public Response exchange(HttpRequest request) {
    try {
      HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
      ApiContract.get().check(request.method(), request.uri().getRawPath(), response.statusCode(),
          response.headers().firstValue("Content-Type").orElse(null), response.body());
      return new Response(response.statusCode(), response.body(), response.headers().map());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
