package io.locus.bench;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How soon a change reaches a change-stream subscriber: subscribes to a layer's {@code
 * /changes} (Server-Sent Events) for {@code --seconds} while something else writes to it, and
 * takes, for every event, its arrival time less the event's {@code time} (when Locus accepted
 * the write, epoch milliseconds: the clocks are the same machine's). So the latency covers the
 * whole path of a change: the shard queue, the writer and Cassandra, the change feed, the
 * stream and the HTTP response. Millisecond resolution, as {@code time} has.
 *
 * <p>Appends one figure line to {@code --out}: {@code {"scenario":"change to subscriber",
 * "system":"locus","group":"events","throughput" (events/s),"p50Ms","p99Ms","requests" (events),
 * "errors"}}. The request is signed by the caller ({@code --authorization}, the header's value
 * from {@code java -jar target/locus.jar sign GET URL}).
 */
public final class ChangeLatencyProbe {
  private ChangeLatencyProbe() {}

  /** What the stream delivered: each event's latency, events that could not be read, and when the first and last came. */
  private static final class Arrivals {
    final Latencies latencies = new Latencies();
    long errors;
    long first;
    long last;

    void event(String data, long arrivedMillis) {
      if (first == 0) {
        first = arrivedMillis;
      }
      last = arrivedMillis;
      try {
        latencies.add((arrivedMillis - new JsonObject(data).getLong("time")) * 1_000_000L);
      } catch (RuntimeException unreadable) {
        errors++; // a close event (it has no time), or a line that is not an event of ours
      }
    }

    /** Events a second over the time they came in, not the whole window (the writes start after the subscription). */
    double perSecond() {
      return latencies.size() / (Math.max(1, last - first) / 1000.0);
    }
  }

  public static void main(String[] args) throws IOException, InterruptedException {
    Options options =
        Options.parse(
            args,
            "ChangeLatencyProbe --url URL --authorization HEADER --out FILE [--seconds 30]",
            "url", null, "authorization", null, "out", null, "seconds", "30");
    Arrivals arrivals = new Arrivals();
    read(options.get("url"), options.get("authorization"), options.integer("seconds"), arrivals);
    Measurement measurement =
        new Measurement(
            "change to subscriber", "locus", "events", arrivals.perSecond(), arrivals.latencies.percentileMs(0.50),
            arrivals.latencies.percentileMs(0.99), arrivals.latencies.size(), arrivals.errors);
    String line = measurement.toJson().encode();
    Files.writeString(Path.of(options.get("out")), line + "\n", StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    System.out.println(line);
  }

  /** Reads the stream's lines on this thread for {@code seconds}, then closes it; fails if it does not open. */
  private static void read(String url, String authorization, int seconds, Arrivals arrivals) throws IOException, InterruptedException {
    HttpClient client = HttpClient.newHttpClient();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream").header("Authorization", authorization).GET().build();
    HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("the change stream answered " + response.statusCode());
    }
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    InputStream body = response.body();
    // Closing the body at the deadline ends the blocking read below.
    Thread closer = new Thread(() -> {
      try {
        Thread.sleep(Math.max(0, (deadline - System.nanoTime()) / 1_000_000));
        body.close();
      } catch (IOException | InterruptedException ignored) {
        // the read ends either way
      }
    });
    closer.setDaemon(true);
    closer.start();
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
      String line;
      while (System.nanoTime() < deadline && (line = lines.readLine()) != null) {
        if (line.startsWith("data: ")) {
          arrivals.event(line.substring("data: ".length()), System.currentTimeMillis());
        }
      }
    } catch (IOException closedAtTheDeadline) {
      if (System.nanoTime() < deadline) {
        throw closedAtTheDeadline;
      }
    }
  }
}
