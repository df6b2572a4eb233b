package io.locus.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A webhook receiver that measures: listens on {@code --port} (loopback), answers every POST
 * 204, and takes for each delivery its arrival time less the change's {@code time} (when Locus
 * accepted the write, epoch milliseconds, for records written without {@code created}; the
 * clocks are the same machine's). It stops after {@code --expect} deliveries or {@code
 * --seconds}, whichever comes first, and appends one figure line to {@code --out}: {@code
 * {"scenario":"webhook deliveries","system":"locus","group":"events","throughput" (deliveries/s
 * between the 10th and the 90th percentile of arrival times, so that a slow start or tail, such
 * as retries waiting out their backoff, does not count),"p50Ms","p99Ms" (change to
 * delivery),"requests","errors"}}.
 */
public final class WebhookProbe {
  private WebhookProbe() {}

  public static void main(String[] args) throws Exception {
    Options options =
        Options.parse(
            args,
            "WebhookProbe --port PORT --expect N --out FILE [--seconds 600]",
            "port", null, "expect", null, "out", null, "seconds", "600");
    int expect = options.integer("expect");
    Latencies latencies = new Latencies();
    long[] arrivals = new long[expect];
    int[] arrived = {0};
    long[] errors = {0};
    CountDownLatch done = new CountDownLatch(1);
    Vertx vertx = Vertx.vertx();
    vertx
        .createHttpServer()
        .requestHandler(
            request ->
                request
                    .body()
                    .onSuccess(
                        body -> {
                          long now = System.currentTimeMillis();
                          request.response().setStatusCode(204).end();
                          synchronized (latencies) {
                            if (arrived[0] < arrivals.length) {
                              arrivals[arrived[0]++] = now;
                            }
                            try {
                              latencies.add((now - new JsonObject(body).getLong("time")) * 1_000_000L);
                            } catch (RuntimeException unreadable) {
                              errors[0]++;
                            }
                            if (latencies.size() + errors[0] >= expect) {
                              done.countDown();
                            }
                          }
                        }))
        .listen(options.integer("port"), "127.0.0.1")
        .await();
    System.err.println("webhook probe listening on 127.0.0.1:" + options.integer("port"));
    done.await(options.integer("seconds"), TimeUnit.SECONDS);
    String line;
    synchronized (latencies) {
      int n = arrived[0];
      int from = n / 10;
      int to = Math.max(from, n * 9 / 10 - 1);
      double seconds = Math.max(1, arrivals[to] - arrivals[from]) / 1000.0;
      line =
          new Measurement(
                  "webhook deliveries", "locus", "events", (to - from) / seconds, latencies.percentileMs(0.50),
                  latencies.percentileMs(0.99), latencies.size(), errors[0])
              .toJson()
              .encode();
    }
    Files.writeString(Path.of(options.get("out")), line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    System.out.println(line);
    vertx.close().await();
  }
}
