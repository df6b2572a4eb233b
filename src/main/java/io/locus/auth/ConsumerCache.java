package io.locus.auth;

import io.locus.common.Failure;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * An API verticle's copy of the consumers it has seen, so that most requests are verified
 * without leaving the process. An entry is trusted for the configured time; a revocation
 * broadcast drops it at once. Unknown keys are remembered briefly too, so that a flood of
 * made-up keys does not become a flood of reads. When the store cannot be reached, a consumer
 * seen before is served from here whatever its age, so signed traffic keeps flowing through a
 * Cassandra outage. Confined to one event loop.
 */
public final class ConsumerCache {
  /** How long an unknown key is remembered as unknown. */
  static final long UNKNOWN_MS = 2_000;

  private static final int MAX_ENTRIES = 10_000;
  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._~-]{1,128}");

  private final Function<String, Future<JsonObject>> lookup;
  private final long trustMs;
  private final Map<String, Entry> entries =
      new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
          return size() > MAX_ENTRIES;
        }
      };
  private final Map<String, Future<Consumer>> inFlight = new HashMap<>();

  /**
   * @param lookup reads a consumer by key; fails with a 404-coded failure when there is none
   * @param trustMs how long an entry is used without asking again
   */
  public ConsumerCache(Function<String, Future<JsonObject>> lookup, long trustMs) {
    this.lookup = lookup;
    this.trustMs = trustMs;
  }

  /** A consumer as verification needs it. {@code limit} is null when the default applies. */
  public record Consumer(String key, String secret, boolean revoked, RateLimit limit) {
    static Consumer from(JsonObject json) {
      return new Consumer(
          json.getString("key"),
          json.getString("secret"),
          json.getValue("revoked") != null,
          RateLimit.fromJson(json.getJsonObject("rateLimit")));
    }
  }

  private record Entry(Consumer consumer, long fetchedAt) {}

  /** The consumer with this key, or null when there is none. */
  public Future<Consumer> find(String key) {
    if (!KEY.matcher(key).matches()) {
      return Future.succeededFuture(null);
    }
    long now = System.currentTimeMillis();
    Entry entry = entries.get(key);
    if (entry != null && now - entry.fetchedAt < (entry.consumer == null ? UNKNOWN_MS : trustMs)) {
      return Future.succeededFuture(entry.consumer);
    }
    Future<Consumer> pending = inFlight.get(key);
    if (pending != null) {
      return pending;
    }
    Future<Consumer> fetched =
        lookup
            .apply(key)
            .map(Consumer::from)
            .recover(
                cause -> {
                  if (Failure.statusOf(cause) == 404) {
                    return Future.succeededFuture(null);
                  }
                  return entry != null && entry.consumer != null
                      ? Future.succeededFuture(entry.consumer)
                      : Future.failedFuture(cause);
                })
            .onSuccess(consumer -> entries.put(key, new Entry(consumer, System.currentTimeMillis())));
    inFlight.put(key, fetched);
    fetched.onComplete(done -> inFlight.remove(key));
    return fetched;
  }

  /** Drops what is known of this key (it was revoked or changed). */
  public void forget(String key) {
    entries.remove(key);
  }
}
