package io.locus.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.shareddata.Shareable;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Remembers every (consumer, timestamp, nonce) seen while its timestamp is still acceptable, so
 * that a captured request cannot be replayed (RFC 5849 §3.3). A timestamp older than the
 * allowed skew is refused before this is asked, so a nonce need be kept only until its
 * timestamp goes stale; memory is about {@code request rate × 2 × skew} entries.
 *
 * <p>In a cluster the entries live in a Hazelcast map (through Vert.x's cluster-wide {@link
 * AsyncMap}) with a time-to-live, so a request replayed to another node is refused too. Each
 * request stores a token of its own: Hazelcast may run a {@code putIfAbsent} again when a member
 * leaves while it is under way, and the second run then finds the first run's entry; finding its
 * own token is a first use, finding another's a replay. On a single node the entries live in
 * buckets per timestamp second, dropped whole when they go stale.
 */
public final class NonceGuard {
  private static final String CLUSTER_MAP = "locus.oauth.nonces";
  private static final String LOCAL_MAP = "locus.oauth";

  private final int skewSeconds;
  private final Future<AsyncMap<String, String>> clusterNonces;
  /** This guard's part of every token it stores; the counter makes each one unique. */
  private final String tokenPrefix = UUID.randomUUID() + ":";
  private final AtomicLong tokens = new AtomicLong();
  private final LocalNonces localNonces;

  public NonceGuard(Vertx vertx, int skewSeconds) {
    this.skewSeconds = skewSeconds;
    if (vertx.isClustered()) {
      this.clusterNonces = vertx.sharedData().getAsyncMap(CLUSTER_MAP);
      this.localNonces = null;
    } else {
      this.clusterNonces = null;
      this.localNonces =
          (LocalNonces) vertx.sharedData().getLocalMap(LOCAL_MAP).computeIfAbsent("nonces", k -> new LocalNonces());
    }
  }

  /**
   * Succeeds with true the first time this nonce is presented for this consumer and
   * timestamp, false on any later time. The timestamp must already be within the skew.
   */
  public Future<Boolean> firstUse(String consumerKey, long timestamp, String nonce, long nowSeconds) {
    String id = consumerKey + '\n' + nonce;
    if (localNonces != null) {
      return Future.succeededFuture(localNonces.firstUse(timestamp, id, nowSeconds - skewSeconds));
    }
    long ttlMs = Math.max(1, timestamp + skewSeconds - nowSeconds + 1) * 1000;
    String token = tokenPrefix + tokens.incrementAndGet();
    return clusterNonces.compose(
        nonces ->
            nonces
                .putIfAbsent(timestamp + "\n" + id, token, ttlMs)
                .map(previous -> previous == null || previous.equals(token)));
  }

  /** One node's nonces, in buckets per timestamp second, shared by the node's API verticles. */
  static final class LocalNonces implements Shareable {
    private final Map<Long, Set<String>> byTimestamp = new ConcurrentHashMap<>();
    private final AtomicLong sweptBefore = new AtomicLong();

    boolean firstUse(long timestamp, String id, long staleBefore) {
      long previous = sweptBefore.get();
      if (staleBefore > previous && sweptBefore.compareAndSet(previous, staleBefore)) {
        byTimestamp.keySet().removeIf(second -> second < staleBefore);
      }
      return byTimestamp.computeIfAbsent(timestamp, second -> ConcurrentHashMap.newKeySet()).add(id);
    }

    int buckets() {
      return byTimestamp.size();
    }
  }
}
