package io.locus.bench;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The limits of Locus's write path, measured on the two systems it is made of, one after the
 * other, each with {@code --inflight} operations outstanding, a 3-second warm-up that is not
 * counted, then {@code --seconds} measured:
 *
 * <ol>
 *   <li>RabbitMQ: persistent ~300-byte JSON messages to a durable quorum queue, each done when
 *       the broker confirmed it ({@link RabbitProbe});
 *   <li>Cassandra: a prepared INSERT of the same records into a table of Locus's shape ({@link
 *       CassandraProbe}).
 * </ol>
 *
 * Writes one JSON object a line to {@code --out} and to stdout: {@code {"scenario", "system",
 * "group":"write", "throughput" (operations/s), "p50Ms", "p99Ms", "requests", "errors"}}. Exits
 * with 1 if a probe could not run (the other still does). Run (after {@code mvn -q -f
 * bench/baselines/pom.xml package -DskipTests}):
 *
 * <pre>
 * java -cp "bench/baselines/target/classes:$(cat bench/baselines/target/classpath.txt)" \
 *   io.locus.bench.WritePathProbe --seconds 20 --inflight 64 --rabbitmq 127.0.0.1:5672 \
 *   --cassandra 127.0.0.1:9042 --out write.jsonl
 * </pre>
 */
public final class WritePathProbe {
  static final double WARMUP_SECONDS = 3;

  private WritePathProbe() {}

  public static void main(String[] args) throws IOException {
    Options options =
        Options.parse(
            args,
            "WritePathProbe --out FILE [--seconds 20] [--inflight 64] [--rabbitmq host:port]"
                + " [--cassandra host:port] [--datacenter datacenter1]",
            "seconds", "20", "inflight", "64", "rabbitmq", "127.0.0.1:5672", "cassandra", "127.0.0.1:9042",
            "datacenter", "datacenter1", "out", null);
    int seconds = options.integer("seconds");
    int inflight = options.integer("inflight");
    HostPort rabbitmq = options.hostPort("rabbitmq", 5672);
    HostPort cassandra = options.hostPort("cassandra", 9042);
    Path out = Path.of(options.get("out"));
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    Vertx vertx = Vertx.vertx();
    boolean failed = false;
    try (PrintWriter lines = new PrintWriter(Files.newBufferedWriter(out, StandardCharsets.UTF_8))) {
      try {
        emit(lines, Await.result(RabbitProbe.run(vertx, rabbitmq, inflight, WARMUP_SECONDS, seconds)));
      } catch (RuntimeException e) {
        failed = true;
        System.err.println("RabbitMQ probe failed: " + e.getMessage());
      }
      try {
        emit(lines, Await.result(
            CassandraProbe.run(vertx, cassandra, options.get("datacenter"), inflight, WARMUP_SECONDS, seconds)));
      } catch (RuntimeException e) {
        failed = true;
        System.err.println("Cassandra probe failed: " + e.getMessage());
      }
    } finally {
      Await.result(vertx.close());
    }
    System.exit(failed ? 1 : 0);
  }

  private static void emit(PrintWriter lines, Measurement measurement) {
    String line = measurement.toJson().encode();
    lines.println(line);
    lines.flush();
    System.out.println(line);
  }
}
