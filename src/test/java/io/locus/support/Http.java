package io.locus.support;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A blocking HTTP client for tests, independent of the Vert.x under test. */
public final class Http {
  private final String base;
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public Http(String base) {
    this.base = base;
  }

  /** A response: status and body text, with the body as JSON on demand. */
  public record Response(int status, String body) {
    public JsonObject json() {
      return new JsonObject(body);
    }
  }

  public Response get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET());
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

  /** Polls GET {@code path} until it answers {@code status} (20 s at most). */
  public Response awaitStatus(String path, int status) {
    return Eventually.await(java.time.Duration.ofSeconds(20), () -> get(path), r -> r.status() == status);
  }

  private URI uri(String path) {
    return URI.create(base + path);
  }

  private Response send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response =
          client.send(
              request.timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json").build(),
              HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
