package io.locus.common;

import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the {@link Operation}s of one address: picks the handler by the action header, reads
 * the typed request, and replies with the handler's answer or with its failure as a status and
 * message ({@link Failure#of}). A handler that throws instead of returning a failed future is
 * answered the same way, so a request never goes unanswered. Failures that are not {@link
 * Failure}s are first passed through the dispatcher's translation (a store's outage becomes a
 * 503, say), then logged once as 500s.
 */
public final class Dispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

  private final String address;
  private final Function<Throwable, Throwable> translation;
  private final Map<String, Function<JsonObject, Future<?>>> handlers = new HashMap<>();

  private Dispatcher(String address, Function<Throwable, Throwable> translation) {
    this.address = address;
    this.translation = translation;
  }

  /** A dispatcher for {@code address} whose unexpected failures pass through {@code translation}. */
  public static Dispatcher of(String address, Function<Throwable, Throwable> translation) {
    return new Dispatcher(address, translation);
  }

  /** Serves {@code operation} with {@code handler}. */
  public <Q extends BusRequest> Dispatcher on(Operation<Q> operation, Function<Q, Future<?>> handler) {
    if (!operation.address().equals(address)) {
      throw new IllegalArgumentException(operation.action() + " belongs to " + operation.address() + ", not " + address);
    }
    handlers.put(operation.action(), body -> handler.apply(operation.decode().apply(body)));
    return this;
  }

  /** Starts consuming the address. */
  public MessageConsumer<JsonObject> register(EventBus bus) {
    return bus.consumer(address, this::handle);
  }

  private void handle(Message<JsonObject> request) {
    Future<?> answer;
    try {
      Function<JsonObject, Future<?>> handler = handlers.get(request.headers().get(Operation.HEADER));
      answer =
          handler == null
              ? Future.failedFuture(Failure.badRequest("unknown operation on " + address))
              : handler.apply(request.body() == null ? new JsonObject() : request.body());
    } catch (RuntimeException thrown) {
      answer = Future.failedFuture(thrown);
    }
    answer.onSuccess(request::reply).onFailure(cause -> fail(request, cause));
  }

  private void fail(Message<JsonObject> request, Throwable cause) {
    Failure failure = Failure.of(cause instanceof Failure ? cause : translation.apply(cause));
    if (failure.status() == 500) {
      LOG.error("{} on {} failed", request.headers().get(Operation.HEADER), address, cause);
    }
    request.fail(failure.status(), failure.getMessage());
  }
}
