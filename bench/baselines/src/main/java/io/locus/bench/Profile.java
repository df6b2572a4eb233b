package io.locus.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a JVM spent its CPU during one scenario, from a JFR recording: each execution sample is
 * charged to the first frame, from the top of its stack, that belongs to a known library or to
 * Locus (so time in a JDK collection called by the Cassandra driver counts as the driver's);
 * stacks entirely in the JDK count as "JDK". Also the total GC pause time per second.
 */
final class Profile {
  /** Class-name prefixes and the part of the system they stand for, most specific first. */
  private static final Map<String, String> PARTS = new LinkedHashMap<>();

  static {
    PARTS.put("io.locus.", "Locus code");
    PARTS.put("com.datastax.", "Cassandra driver");
    PARTS.put("io.vertx.cassandra.", "Cassandra driver");
    PARTS.put("com.rabbitmq.", "RabbitMQ client");
    PARTS.put("io.vertx.rabbitmq.", "RabbitMQ client");
    PARTS.put("com.fasterxml.jackson.", "JSON");
    PARTS.put("io.vertx.core.json.", "JSON");
    PARTS.put("com.google.common.geometry.", "S2 geometry");
    PARTS.put("io.vertx.core.eventbus.", "event bus");
    PARTS.put("io.vertx.core.http.", "HTTP (Vert.x, Web)");
    PARTS.put("io.vertx.ext.web.", "HTTP (Vert.x, Web)");
    PARTS.put("io.netty.handler.codec.http", "HTTP (Vert.x, Web)");
    PARTS.put("io.netty.", "Netty I/O");
    PARTS.put("io.vertx.", "Vert.x core");
    PARTS.put("com.hazelcast.", "Hazelcast");
    PARTS.put("io.micrometer.", "metrics");
    PARTS.put("ch.qos.logback.", "logging");
    PARTS.put("com.sun.crypto.", "crypto (OAuth HMAC)");
    PARTS.put("javax.crypto.", "crypto (OAuth HMAC)");
  }

  private Profile() {}

  /** {@code {"samples": n, "gcPauseMsPerSecond": x, "shares": {part: percent}}}. */
  static JsonObject summarize(Path jfr) throws IOException {
    Map<String, Integer> counts = new LinkedHashMap<>();
    int samples = 0;
    Duration paused = Duration.ZERO;
    Instant first = null;
    Instant last = null;
    for (RecordedEvent event : RecordingFile.readAllEvents(jfr)) {
      first = first == null || event.getStartTime().isBefore(first) ? event.getStartTime() : first;
      last = last == null || event.getEndTime().isAfter(last) ? event.getEndTime() : last;
      String type = event.getEventType().getName();
      if (type.equals("jdk.ExecutionSample") && event.getStackTrace() != null) {
        counts.merge(part(event.getStackTrace().getFrames()), 1, Integer::sum);
        samples++;
      } else if (type.equals("jdk.GCPhasePause")) {
        paused = paused.plus(event.getDuration());
      }
    }
    JsonObject shares = new JsonObject();
    int total = samples;
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .forEach(entry -> shares.put(entry.getKey(), Math.round(entry.getValue() * 1000.0 / total) / 10.0));
    double seconds = first == null ? 1 : Math.max(1, Duration.between(first, last).toMillis() / 1000.0);
    return new JsonObject()
        .put("samples", samples)
        .put("gcPauseMsPerSecond", Math.round(paused.toMillis() / seconds * 10) / 10.0)
        .put("shares", shares);
  }

  static String part(List<RecordedFrame> frames) {
    for (RecordedFrame frame : frames) {
      if (!frame.isJavaFrame() || frame.getMethod() == null) {
        continue;
      }
      String type = frame.getMethod().getType().getName();
      for (Map.Entry<String, String> part : PARTS.entrySet()) {
        if (type.startsWith(part.getKey())) {
          return part.getValue();
        }
      }
    }
    return "JDK";
  }
}
