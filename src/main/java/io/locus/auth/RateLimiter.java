package io.locus.auth;

import io.locus.common.RateLimited;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;
import java.util.HashMap;
import java.util.Map;

/**
 * Per-consumer rate limits, cluster-wide: each consumer has one token bucket in a shared map
 * (Hazelcast's in a cluster, the node's own otherwise). An API verticle does not go to the
 * map for every request: it takes a small lease of tokens at once (a tenth of a second's worth,
 * at least one) and spends it locally for up to {@link #LEASE_MS}; unspent tokens of an expired
 * lease are lost.
 *
 * <p>How approximate: tokens leave the shared bucket before they are spent, so a consumer never
 * gets more than {@code burst + rate × t} over any time {@code t}, plus at most one lease per
 * API verticle spent after the bucket has refilled (leases live one second). It can be refused
 * early by up to one lease per other API verticle holding unspent tokens. With the development
 * default of 5,000/s that is at most 500 requests per verticle either way; a consumer limited to
 * under 10/s is exact.
 *
 * <p>Confined to the event loop of the verticle that owns it.
 */
public final class RateLimiter {
  static final long LEASE_MS = 1_000;
  private static final String MAP = "locus.rate-limits";
  private static final int MAX_ATTEMPTS = 5;

  private final Future<AsyncMap<String, String>> buckets;
  private final Map<String, Lease> leases = new HashMap<>();

  public RateLimiter(Vertx vertx) {
    this.buckets = vertx.sharedData().getAsyncMap(MAP);
  }

  private static final class Lease {
    int tokens;
    long expiresAt;
    Future<Void> pending;
  }

  /** Succeeds when the consumer may make one more request now; fails with {@link RateLimited}. */
  public Future<Void> admit(String consumerKey, RateLimit limit) {
    long now = System.currentTimeMillis();
    Lease lease = leases.computeIfAbsent(consumerKey, key -> new Lease());
    if (lease.tokens > 0 && now < lease.expiresAt) {
      lease.tokens--;
      return Future.succeededFuture();
    }
    if (lease.pending != null) {
      return lease.pending.compose(v -> admit(consumerKey, limit));
    }
    int wanted = Math.max(1, limit.requestsPerSecond() / 10);
    Future<Void> taken =
        buckets
            .compose(map -> take(map, consumerKey, limit, wanted, 1))
            .map(
                granted -> {
                  lease.tokens = granted - 1;
                  lease.expiresAt = System.currentTimeMillis() + LEASE_MS;
                  return null;
                });
    lease.pending = taken;
    taken.onComplete(done -> lease.pending = null);
    return taken;
  }

  /** Takes up to {@code wanted} tokens from the shared bucket: at least one, or fails 429. */
  private static Future<Integer> take(
      AsyncMap<String, String> map, String key, RateLimit limit, int wanted, int attempt) {
    return map.get(key)
        .compose(
            stored -> {
              long now = System.currentTimeMillis();
              TokenBucket bucket =
                  stored == null ? TokenBucket.full(limit, now) : TokenBucket.decode(stored).at(limit, now);
              int granted = bucket.available(wanted);
              if (granted == 0) {
                return Future.failedFuture(new RateLimited(bucket.secondsUntilOne(limit)));
              }
              String next = bucket.take(granted).encode();
              Future<Boolean> written =
                  stored == null
                      ? map.putIfAbsent(key, next).map(previous -> previous == null)
                      : map.replaceIfPresent(key, stored, next);
              return written.compose(
                  won -> {
                    if (won) {
                      return Future.succeededFuture(granted);
                    }
                    return attempt < MAX_ATTEMPTS
                        ? take(map, key, limit, wanted, attempt + 1)
                        : Future.failedFuture(new RateLimited(1));
                  });
            });
  }
}
