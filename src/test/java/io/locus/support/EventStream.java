package io.locus.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A client of a change stream ({@code GET /0.1/layers/{layer}/changes}) reading its Server-Sent Events into a queue. */
public final class EventStream implements AutoCloseable {
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** One Server-Sent Event: its id (null for a {@code close} event), its kind and its data. */
  public record Event(String id, String kind, JsonObject data) {}

  private final BlockingQueue<Object> lines = new LinkedBlockingQueue<>();
  private final HttpResponse<Stream<String>> response;

  private EventStream(HttpResponse<Stream<String>> response) {
    this.response = response;
    Thread reader = new Thread(() -> {
      try {
        response.body().forEach(lines::add);
      } catch (UncheckedIOException closed) {
        // the stream was closed
      }
      lines.add(Boolean.FALSE);
    }, "sse-reader");
    reader.setDaemon(true);
    reader.start();
  }

  public int status() {
    return response.statusCode();
  }

  /** Waits for the opening comment, sent once the subscription listens. */
  public EventStream opened() {
    assertThat(status()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
    String first = (String) take(PATIENCE);
    assertThat(first).isEqualTo(": changes");
    return this;
  }

  /** The next event, skipping comments and retry lines; null when the stream ended or nothing came within {@code wait}. */
  public Event next(Duration wait) {
    String id = null;
    String kind = null;
    StringBuilder data = null;
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      Object line = take(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
      if (line == null || line == Boolean.FALSE) {
        return null;
      }
      String text = (String) line;
      if (text.isEmpty()) {
        if (data != null) {
          return new Event(id, kind, new JsonObject(data.toString()));
        }
      } else if (text.startsWith("id: ")) {
        id = text.substring(4);
      } else if (text.startsWith("event: ")) {
        kind = text.substring(7);
      } else if (text.startsWith("data: ")) {
        data = data == null ? new StringBuilder(text.substring(6)) : data.append('\n').append(text.substring(6));
      }
    }
  }

  /** Exactly {@code count} events, each within {@link #PATIENCE}. */
  public List<Event> next(int count) {
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Event event = next(PATIENCE);
      assertThat(event).as("event %d of %d (got %s)", i + 1, count, events).isNotNull();
      events.add(event);
    }
    return events;
  }

  /** The whole body of a stream that was refused (a JSON error). */
  public String body() {
    StringBuilder body = new StringBuilder();
    for (Object line = take(PATIENCE); line != null && line != Boolean.FALSE; line = take(PATIENCE)) {
      body.append(line);
    }
    return body.toString();
  }

  private Object take(Duration wait) {
    try {
      return lines.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    response.body().close();
  }

  /** Opens {@code path} on {@code http}'s node, signed as it signs, with extra {@code headers}. */
  public static EventStream open(Http http, String path, Map<String, String> headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(http.base() + path))
            .header("Accept", "text/event-stream")
            .header("Authorization", http.authorization("GET", path));
    headers.forEach(request::header);
    try {
      return new EventStream(CLIENT.send(request.GET().build(), HttpResponse.BodyHandlers.ofLines()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
