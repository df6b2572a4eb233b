package io.locus.ingest;

import static io.locus.common.ConfigKeys.HOOKS;
import static io.locus.common.ConfigKeys.HOOKS_ALLOW_LOOPBACK;
import static io.locus.common.ConfigKeys.HOOKS_ALLOW_PRIVATE;
import static io.locus.common.ConfigKeys.HOOKS_FIRST_RETRY_MS;
import static io.locus.common.ConfigKeys.HOOKS_IN_FLIGHT;
import static io.locus.common.ConfigKeys.HOOKS_MAX_AGE_SECONDS;
import static io.locus.common.ConfigKeys.HOOKS_MAX_ATTEMPTS;
import static io.locus.common.ConfigKeys.HOOKS_MAX_RETRY_MS;
import static io.locus.common.ConfigKeys.HOOKS_TIMEOUT_MS;

import io.locus.common.CallbackTargets;
import io.locus.common.ConfigException;
import io.locus.common.ConfigReader;
import io.vertx.core.json.JsonObject;

/**
 * The {@code hooks} section of the configuration, validated.
 *
 * @param timeoutMs how long a receiver may take to answer a delivery
 * @param maxAttempts attempts at one delivery before it is dead-lettered
 * @param maxAgeSeconds age (since its change) after which a failed delivery is dead-lettered
 * @param firstRetryMs wait before the second attempt; each later one doubles, with jitter
 * @param maxRetryMs longest wait between attempts
 * @param inFlight deliveries to one receiver in flight at a time
 * @param targets which addresses callback URLs may name
 */
public record HookSettings(
    int timeoutMs,
    int maxAttempts,
    int maxAgeSeconds,
    int firstRetryMs,
    int maxRetryMs,
    int inFlight,
    CallbackTargets targets) {

  public static HookSettings from(JsonObject hooks) {
    ConfigReader reader = new ConfigReader(new JsonObject().put(HOOKS, hooks)).section(HOOKS);
    int firstRetryMs = reader.integer(HOOKS_FIRST_RETRY_MS, 1, 3_600_000);
    int maxRetryMs = reader.integer(HOOKS_MAX_RETRY_MS, 1, 3_600_000);
    if (maxRetryMs < firstRetryMs) {
      throw new ConfigException("config key 'hooks.maxRetryMs' must be at least hooks.firstRetryMs (" + firstRetryMs + ")");
    }
    return new HookSettings(
        reader.integer(HOOKS_TIMEOUT_MS, 50, 600_000),
        reader.integer(HOOKS_MAX_ATTEMPTS, 1, 1_000_000),
        reader.integer(HOOKS_MAX_AGE_SECONDS, 1, 30 * 86_400),
        firstRetryMs,
        maxRetryMs,
        reader.integer(HOOKS_IN_FLIGHT, 1, 10_000),
        new CallbackTargets(reader.bool(HOOKS_ALLOW_LOOPBACK), reader.bool(HOOKS_ALLOW_PRIVATE)));
  }
}
