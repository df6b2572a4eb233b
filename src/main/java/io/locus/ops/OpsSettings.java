package io.locus.ops;

import static io.locus.common.ConfigKeys.*;

import io.locus.common.ConfigException;
import io.locus.common.ConfigReader;
import io.vertx.core.json.JsonObject;

/**
 * The operational sections of the configuration, validated: {@code metrics}, {@code lifecycle}
 * and {@code logging}.
 *
 * @param metricsEnabled whether {@code /metrics} serves Prometheus metrics
 * @param shutdownDeadlineMs longest a graceful stop may take
 * @param jsonLogs whether logs are one JSON object per line
 */
public record OpsSettings(boolean metricsEnabled, int shutdownDeadlineMs, boolean jsonLogs) {

  /** Reads the three sections from the whole configuration. */
  public static OpsSettings from(JsonObject config) {
    ConfigReader reader = new ConfigReader(config);
    String format = reader.section(LOGGING).string(LOGGING_FORMAT);
    if (!format.equals("text") && !format.equals("json")) {
      throw new ConfigException(
          "config key 'logging.format' (env LOCUS_LOGGING_FORMAT) must be text or json, got \"" + format + "\"");
    }
    return new OpsSettings(
        reader.section(METRICS).bool(METRICS_ENABLED),
        reader.section(LIFECYCLE).integer(LIFECYCLE_SHUTDOWN_DEADLINE_MS, 1_000, 600_000),
        format.equals("json"));
  }
}
