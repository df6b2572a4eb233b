package io.locus.serving;

import static io.locus.common.ConfigKeys.*;

import io.locus.common.ConfigReader;
import io.vertx.core.json.JsonObject;

/**
 * The {@code serving} section of the configuration, validated.
 *
 * @param enabled whether query nodes answer from memory once a layer is warm
 * @param maxBytes the memory budget of one node's in-memory indexes; a layer that would pass it
 *     stays on the Cassandra path
 */
public record ServingSettings(boolean enabled, long maxBytes, int loadPartitionsPerRead, int loadReadsInFlight) {

  public static ServingSettings from(JsonObject serving) {
    ConfigReader reader = new ConfigReader(new JsonObject().put(SERVING, serving)).section(SERVING);
    return new ServingSettings(
        reader.bool(SERVING_ENABLED),
        reader.integer(SERVING_MAX_MEGABYTES, 1, 1_048_576) * 1024L * 1024L,
        reader.integer(SERVING_LOAD_PARTITIONS_PER_READ, 1, 1_000),
        reader.integer(SERVING_LOAD_READS_IN_FLIGHT, 1, 256));
  }
}
