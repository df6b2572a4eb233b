package io.locus.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.shareddata.Shareable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Remembers every (consumer, timestamp, nonce) seen while its timestamp is still acceptable, so
 * that a captured request cannot be replayed (RFC 5849 §3.3). A timestamp more than the allowed
 * skew from the clock is refused before this is asked, so a nonce need be kept only until its
 * timestamp goes stale: at most {@code 2 × skew + 1} seconds, about {@code request rate × skew}
 * entries when clients' clocks are right and {@code request rate × 2 × skew} at worst.
 *
 * <p>What is remembered is a fixed-size digest of the three ({@link #digest}: 128 bits of
 * SHA-256), not the strings a client sent, so an entry costs the same whatever the lengths of
 * the consumer key and nonce. Two different requests share a digest with a probability of about
 * {@code entries² / 2¹²⁹}; a collision could only refuse a fresh request, never let a replay
 * through (a replay has the very same digest).
 *
 * <p>In a cluster the entries live in a Hazelcast map (through Vert.x's cluster-wide {@link
 * AsyncMap}), keyed by the digest in 22 characters of Base64 ({@link #key}), with a time-to-live
 * that ends when the timestamp goes stale, so a request replayed to another node is refused
 * too. Each request stores a token of its own (a {@code Long}: this guard's random 64-bit
 * prefix plus a counter, {@link #nextToken}): Hazelcast may run a {@code putIfAbsent} again when
 * a member leaves while it is under way, and the second run then finds the first run's entry;
 * finding its own token is a first use, finding another's a replay. On a single node the digests
 * live in buckets per timestamp second, dropped whole when they go stale.
 */
public final class NonceGuard {
  /** Bytes of a nonce's digest, and so of every key this guard stores. */
  public static final int DIGEST_BYTES = 16;

  private static final String CLUSTER_MAP = "locus.oauth.nonces";
  private static final String LOCAL_MAP = "locus.oauth";
  private static final Base64.Encoder KEY_ENCODING = Base64.getUrlEncoder().withoutPadding();
  private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(NonceGuard::sha256);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final int skewSeconds;
  private final Future<AsyncMap<String, Long>> clusterNonces;
  /** This guard's part of every token it stores; the counter makes each one unique. */
  private final long tokenPrefix = RANDOM.nextLong();
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
    byte[] digest = digest(consumerKey, timestamp, nonce);
    if (localNonces != null) {
      return Future.succeededFuture(localNonces.firstUse(timestamp, NonceId.of(digest), nowSeconds - skewSeconds));
    }
    long ttlMs = Math.max(1, timestamp + skewSeconds - nowSeconds + 1) * 1000;
    Long token = nextToken();
    return clusterNonces.compose(
        nonces ->
            nonces
                .putIfAbsent(KEY_ENCODING.encodeToString(digest), token, ttlMs)
                .map(previous -> previous == null || previous.equals(token)));
  }

  /**
   * The {@link #DIGEST_BYTES} bytes that stand for one (consumer, timestamp, nonce): the first
   * 128 bits of SHA-256 over the consumer key's UTF-8 length and bytes, the timestamp's eight
   * bytes, then the nonce's UTF-8 bytes. The lengths make the encoding unambiguous: no two
   * different triples hash the same input.
   */
  public static byte[] digest(String consumerKey, long timestamp, String nonce) {
    byte[] consumer = consumerKey.getBytes(StandardCharsets.UTF_8);
    byte[] once = nonce.getBytes(StandardCharsets.UTF_8);
    ByteBuffer input = ByteBuffer.allocate(4 + consumer.length + 8 + once.length);
    input.putInt(consumer.length).put(consumer).putLong(timestamp).put(once);
    MessageDigest sha = SHA_256.get();
    byte[] full = sha.digest(input.array());
    byte[] digest = new byte[DIGEST_BYTES];
    System.arraycopy(full, 0, digest, 0, DIGEST_BYTES);
    return digest;
  }

  /**
   * The cluster map's key for one (consumer, timestamp, nonce): its {@link #digest} in URL-safe
   * Base64 without padding, always 22 characters.
   */
  public static String key(String consumerKey, long timestamp, String nonce) {
    return KEY_ENCODING.encodeToString(digest(consumerKey, timestamp, nonce));
  }

  /**
   * A token no other call of this guard returns (until its counter wraps, after 2⁶⁴ calls), and
   * unlikely to be any other guard's: the counter added to this guard's random 64-bit prefix.
   */
  long nextToken() {
    return tokenPrefix + tokens.incrementAndGet();
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** A nonce's digest as a node keeps it: two longs, 32 bytes of heap. */
  record NonceId(long high, long low) {
    static NonceId of(byte[] digest) {
      ByteBuffer bytes = ByteBuffer.wrap(digest);
      return new NonceId(bytes.getLong(), bytes.getLong());
    }
  }

  /** One node's nonces, in buckets per timestamp second, shared by the node's API verticles. */
  static final class LocalNonces implements Shareable {
    private final Map<Long, Set<NonceId>> byTimestamp = new ConcurrentHashMap<>();
    private final AtomicLong sweptBefore = new AtomicLong();

    /**
     * True the first time {@code id} is seen for {@code timestamp}; first drops every bucket
     * older than {@code staleBefore} (their timestamps are refused before this is asked).
     *
     * <p>False, too, for a timestamp another verticle has already found stale (its clock a
     * second ahead at the edge of the window): that timestamp's bucket may be gone, so a replay
     * could not be told from a first use. The check after adding closes the race with a sweep
     * running meanwhile: a sweep raises {@code sweptBefore} before it drops a bucket.
     */
    boolean firstUse(long timestamp, NonceId id, long staleBefore) {
      long previous = sweptBefore.get();
      if (staleBefore > previous && sweptBefore.compareAndSet(previous, staleBefore)) {
        byTimestamp.keySet().removeIf(second -> second < staleBefore);
      }
      if (timestamp < sweptBefore.get()) {
        return false;
      }
      boolean added = byTimestamp.computeIfAbsent(timestamp, second -> ConcurrentHashMap.newKeySet()).add(id);
      return added && timestamp >= sweptBefore.get();
    }

    int buckets() {
      return byTimestamp.size();
    }

    int entries() {
      return byTimestamp.values().stream().mapToInt(Set::size).sum();
    }
  }
}
