package io.locus.auth;

import io.vertx.core.json.JsonObject;

/**
 * A token bucket's shape: {@code requestsPerSecond} sustained, up to {@code burst} at once.
 *
 * @param requestsPerSecond tokens added per second
 * @param burst the bucket's size
 */
public record RateLimit(int requestsPerSecond, int burst) {
  public RateLimit {
    if (requestsPerSecond < 1 || burst < 1) {
      throw new IllegalArgumentException("a rate limit needs requestsPerSecond >= 1 and burst >= 1");
    }
  }

  /** The limit in {@code json} ({@link #toJson}'s shape), or null when {@code json} is null. */
  public static RateLimit fromJson(JsonObject json) {
    return json == null ? null : new RateLimit(json.getInteger("requestsPerSecond"), json.getInteger("burst"));
  }

  /** The JSON shape used by the admin surface and the consumers table. */
  public JsonObject toJson() {
    return new JsonObject().put("requestsPerSecond", requestsPerSecond).put("burst", burst);
  }
}
