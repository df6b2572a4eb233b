package io.locus.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.LongString;
import io.locus.ingest.QueueTopology;
import io.locus.ops.RequestIds;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * What one dead letter says about itself, read defensively: any header or body field may be
 * absent or of another type (a poison message is by definition something Locus could not read),
 * and is then {@code null}, shown as {@value #UNKNOWN}.
 *
 * <p>A writer that gives up on an operation dead-letters it with the headers {@value #ERROR}
 * (why), {@value #SHARD} (the shard queue it came from), {@value #TRIES} (the tries made) and
 * {@value #DEAD_MS} (when, epoch ms), next to the request id ({@link RequestIds#HEADER}). One the
 * broker dead-lettered instead (its delivery limit) keeps its own headers and gains RabbitMQ's
 * {@value #X_DEATH}: a list of tables, the latest death first, each with the {@code queue}, the
 * {@code reason}, a {@code count} and a {@code time}.
 *
 * @param op the operation's kind as on the wire ({@code upsert}, {@code delete}, …)
 * @param layer the operation's layer
 * @param id the record's id ({@code null} for a layer purge)
 * @param shard the shard queue it was dead-lettered from
 * @param tries the tries Locus made before giving up
 * @param deadAtMs when it was dead-lettered, epoch ms
 * @param error the writer's reason
 * @param death the broker's latest dead-lettering, when the broker did it
 * @param requestId the id of the request that wrote it
 */
record DeadLetter(
    String op,
    String layer,
    String id,
    Integer shard,
    Integer tries,
    Long deadAtMs,
    String error,
    BrokerDeath death,
    String requestId) {

  /** Header of a writer's dead letter: why it gave up (text). Also {@code ingest.DeadLetters.ERROR}. */
  static final String ERROR = "x-locus-error";
  /** Header of a writer's dead letter: the shard queue it came from (int). Also {@code ingest.DeadLetters.SHARD}. */
  static final String SHARD = "x-locus-shard";
  /** Header of a writer's dead letter: the tries made before giving up (int). */
  static final String TRIES = "x-locus-tries";
  /** Header of a writer's dead letter: when it was dead-lettered (long, epoch ms). */
  static final String DEAD_MS = "x-locus-dead-ms";
  /** RabbitMQ's header on what the broker dead-lettered. */
  static final String X_DEATH = "x-death";
  /** How anything absent is shown. */
  static final String UNKNOWN = "unknown";

  /** The broker's account of one dead-lettering ({@code x-death}'s latest entry). */
  record BrokerDeath(String queue, String reason, Long count, Long timeMs) {}

  /**
   * Reads a dead letter from its AMQP headers (may be {@code null}), its {@code timestamp}
   * property (may be {@code null}) and its body.
   */
  static DeadLetter read(Map<String, Object> headers, Date timestamp, byte[] body) {
    Map<String, Object> h = headers == null ? Map.of() : headers;
    BrokerDeath death = death(h.get(X_DEATH));
    Long deadAt = number(h.get(DEAD_MS));
    if (deadAt == null && death != null) {
      deadAt = death.timeMs();
    }
    if (deadAt == null && timestamp != null) {
      deadAt = timestamp.getTime();
    }
    JsonNode json = json(body);
    return new DeadLetter(
        field(json, "op"),
        field(json, "layer"),
        field(json, "id"),
        integer(number(h.get(SHARD))),
        integer(number(h.get(TRIES))),
        deadAt,
        text(h.get(ERROR)),
        death,
        text(h.get(RequestIds.HEADER)));
  }

  /** The reason, as an operator reads it: the writer's, else the broker's, else unknown. */
  String reason() {
    if (error != null) {
      return oneLine(error);
    }
    if (death != null) {
      return "broker: " + orUnknown(death.reason())
          + " (count " + (death.count() == null ? UNKNOWN : death.count())
          + ", queue " + orUnknown(death.queue()) + ")";
    }
    return UNKNOWN;
  }

  /** The reason without the broker's per-message details, to count dead letters by. */
  String reasonKind() {
    if (error != null) {
      return oneLine(error);
    }
    return death != null ? "broker: " + orUnknown(death.reason()) : UNKNOWN;
  }

  /** The queue's shard it was dead-lettered from: {@value #SHARD}, else the broker's queue. */
  Integer fromShard(QueueTopology topology) {
    if (shard != null) {
      return shard;
    }
    if (death != null && death.queue() != null) {
      for (int n = 0; n < topology.shards(); n++) {
        if (topology.shardQueue(n).equals(death.queue()) || topology.legacyShardQueue(n).equals(death.queue())) {
          return n;
        }
      }
    }
    return null;
  }

  /**
   * The shard a re-driven copy goes to, or {@code null} when nothing says: the record's shard
   * ({@link QueueTopology#shardOf}) when the body names a layer and an id, else the shard it came
   * from (a layer purge goes to every shard; each shard's copy dead-letters on its own).
   */
  Integer targetShard(QueueTopology topology) {
    if (layer != null && id != null) {
      return topology.shardOf(layer, id);
    }
    Integer from = fromShard(topology);
    return from != null && from >= 0 && from < topology.shards() ? from : null;
  }

  /** {@code layer/id}, {@code layer/*} for a purge of the layer. */
  String record() {
    if (layer == null) {
      return UNKNOWN;
    }
    if (id == null) {
      return layer + ("purge-layer".equals(op) ? "/*" : "/" + UNKNOWN);
    }
    return layer + "/" + id;
  }

  /** Seconds since it was dead-lettered, {@code null} when unknown. */
  Long ageSeconds(long nowMs) {
    return deadAtMs == null ? null : Math.max(0, nowMs - deadAtMs) / 1000;
  }

  private static BrokerDeath death(Object header) {
    if (!(header instanceof List<?> deaths) || deaths.isEmpty() || !(deaths.get(0) instanceof Map<?, ?> latest)) {
      return null;
    }
    Object time = latest.get("time");
    return new BrokerDeath(
        text(latest.get("queue")),
        text(latest.get("reason")),
        number(latest.get("count")),
        time instanceof Date date ? date.getTime() : null);
  }

  private static JsonNode json(byte[] body) {
    if (body == null) {
      return null;
    }
    try {
      return RecordSource.JSON.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }

  private static String field(JsonNode json, String name) {
    return json != null && json.path(name).isTextual() ? json.path(name).asText() : null;
  }

  static String text(Object value) {
    if (value instanceof String string) {
      return string;
    }
    if (value instanceof LongString string) {
      return string.toString();
    }
    if (value instanceof byte[] bytes) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
    return null;
  }

  static Long number(Object value) {
    if (value instanceof Byte || value instanceof Short || value instanceof Integer || value instanceof Long) {
      return ((Number) value).longValue();
    }
    String text = text(value);
    if (text != null) {
      try {
        return Long.parseLong(text.trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  private static Integer integer(Long value) {
    return value == null || value < Integer.MIN_VALUE || value > Integer.MAX_VALUE ? null : value.intValue();
  }

  static String orUnknown(Object value) {
    return value == null ? UNKNOWN : String.valueOf(value);
  }

  /** Control characters (a stack trace's line breaks) as spaces: one dead letter, one line. */
  private static String oneLine(String text) {
    return text.replaceAll("\\p{Cntrl}+", " ").strip();
  }
}
