package io.locus.support;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.ToIntFunction;

/**
 * A webhook receiver for tests: an HTTP server on a loopback port of its own that keeps every
 * request it gets and answers each with the status {@code status} chooses for it.
 */
public final class Receiver implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final Queue<Received> received = new ConcurrentLinkedQueue<>();
  private final HttpServer server;

  /** One request: its path, the {@code X-Locus-*} headers, its body, and the status it was answered. */
  public record Received(String path, String event, String delivery, String signature, String body, int status) {
    public JsonObject json() {
      return new JsonObject(body);
    }
  }

  private Receiver(ToIntFunction<HttpServerRequest> status) {
    server =
        vertx
            .createHttpServer()
            .requestHandler(
                request ->
                    request
                        .body()
                        .onSuccess(
                            body -> {
                              int answer = status.applyAsInt(request);
                              received.add(
                                  new Received(
                                      request.path(), request.getHeader("X-Locus-Event"), request.getHeader("X-Locus-Delivery"),
                                      request.getHeader("X-Locus-Signature"), body.toString(), answer));
                              request.response().setStatusCode(answer).end();
                            }))
            .listen(0, "127.0.0.1")
            .await();
  }

  /** A receiver answering each request with {@code status} of it. */
  public static Receiver start(ToIntFunction<HttpServerRequest> status) {
    return new Receiver(status);
  }

  /** {@code http://127.0.0.1:<port><path>}. */
  public String url(String path) {
    return "http://127.0.0.1:" + server.actualPort() + path;
  }

  /** Every request so far, in arrival order. */
  public List<Received> received() {
    return List.copyOf(received);
  }

  /**
   * The requests answered 2xx, each delivery once (the first time it came): deliveries are at
   * least once, and a repeat carries the same {@code X-Locus-Delivery}.
   */
  public List<Received> once() {
    Set<String> seen = new HashSet<>();
    return received.stream().filter(r -> r.status() / 100 == 2 && seen.add(r.delivery())).toList();
  }

  @Override
  public void close() {
    vertx.close().await();
  }
}
