package io.locus.auth;

import static io.locus.common.ConfigKeys.*;

import io.locus.common.ConfigException;
import io.locus.common.ConfigReader;
import io.vertx.core.json.JsonObject;

/**
 * The {@code auth} section of the configuration, validated.
 *
 * @param timestampSkewSeconds how far an OAuth timestamp may be from this node's clock
 * @param adminKey bearer key of the {@code /admin} surface; empty turns it off
 * @param devConsumerKey consumer created at start in the development profile; empty for none
 * @param devConsumerSecret its secret
 * @param consumerCacheSeconds how long a node trusts a cached consumer (bounds how long a
 *     revoked key keeps working if the revocation broadcast is missed)
 * @param defaultLimit the rate limit of consumers that carry none of their own
 */
public record AuthSettings(
    int timestampSkewSeconds,
    String adminKey,
    String devConsumerKey,
    String devConsumerSecret,
    int consumerCacheSeconds,
    RateLimit defaultLimit) {

  /** The admin key that ships in {@code conf/locus.json}; the production profile refuses it. */
  public static final String DEVELOPMENT_ADMIN_KEY = "locus-development-admin-key";

  /** Shortest admin key the production profile accepts. */
  static final int MIN_PRODUCTION_ADMIN_KEY = 32;

  public static AuthSettings from(JsonObject auth) {
    ConfigReader reader = new ConfigReader(new JsonObject().put(AUTH, auth)).section(AUTH);
    ConfigReader limit = reader.section(AUTH_RATE_LIMIT);
    String devKey = reader.string(AUTH_DEV_CONSUMER_KEY);
    String devSecret = reader.string(AUTH_DEV_CONSUMER_SECRET);
    if (!devKey.isEmpty() && devSecret.length() < 8) {
      throw new ConfigException(
          "config key 'auth.devConsumerSecret' (env LOCUS_AUTH_DEV_CONSUMER_SECRET) must have at least 8 characters");
    }
    return new AuthSettings(
        reader.integer(AUTH_TIMESTAMP_SKEW_SECONDS, 1, 3600),
        reader.string(AUTH_ADMIN_KEY),
        devKey,
        devSecret,
        reader.integer(AUTH_CONSUMER_CACHE_SECONDS, 1, 3600),
        new RateLimit(
            limit.integer(AUTH_REQUESTS_PER_SECOND, 1, 1_000_000), limit.integer(AUTH_BURST, 1, 10_000_000)));
  }

  /**
   * Throws when these settings still carry a development default: the production profile must
   * not start with a known admin key, a short one, or a bootstrapped development consumer.
   */
  public void requireProductionReady() {
    if (!devConsumerKey.isEmpty()) {
      throw new ConfigException(
          "config key 'auth.devConsumerKey' (env LOCUS_AUTH_DEV_CONSUMER_KEY) must be empty in the production profile");
    }
    if (adminKey.equals(DEVELOPMENT_ADMIN_KEY)
        || !adminKey.isEmpty() && adminKey.length() < MIN_PRODUCTION_ADMIN_KEY) {
      throw new ConfigException(
          "config key 'auth.adminKey' (env LOCUS_AUTH_ADMIN_KEY) must be empty (admin surface off) or a secret of at least "
              + MIN_PRODUCTION_ADMIN_KEY + " characters other than the development default in the production profile");
    }
  }

  /** Whether the {@code /admin} surface is on. */
  public boolean adminEnabled() {
    return !adminKey.isEmpty();
  }
}
