package io.locus.bench;

import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.LocalMapStats;
import io.locus.auth.NonceGuard;
import io.locus.auth.RateLimit;
import io.locus.auth.RateLimiter;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.FileNotFoundException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What a signed request's replay and rate-limit checks cost: {@link NonceGuard#firstUse} on one
 * node and against a two-member Hazelcast cluster (both members in this JVM, configured from
 * {@code conf/hazelcast.xml} on ports 5801-5802 under a cluster name of their own), the same
 * {@code putIfAbsent} with the key and value Locus stored before the keys were digests, and
 * {@link RateLimiter#admit} in the cluster. {@link #main} measures what an entry of the nonce map
 * costs Hazelcast in memory, both formats. Run with {@code make bench-nonces}; figures in
 * docs/performance.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class NonceBenchmark {
  static final String CONSUMER = "locus-dev";
  static final String OLD_MAP = "bench.oauth.nonces.old";
  static final int SKEW = 300;
  /** Calls in one {@link #admit} invocation: enough to span several leases of the larger limit. */
  static final int ADMITS = 1_000;

  /** A 32-character nonce (16 random bytes in hex, as {@code SignCommand} makes them), unique per call. */
  static String nonce(String prefix, long n) {
    return prefix + HexFormat.of().toHexDigits(n);
  }

  /** One node, not clustered. Time advances a second every 10,000 calls, so stale buckets are dropped as they would be. */
  @State(Scope.Benchmark)
  public static class Local {
    Vertx vertx;
    NonceGuard guard;
    final String prefix = Long.toHexString(Double.doubleToLongBits(Math.random()) | Long.MIN_VALUE);
    long calls;

    @Setup
    public void setup() {
      vertx = Vertx.vertx();
      guard = new NonceGuard(vertx, SKEW);
    }

    @TearDown
    public void close() {
      vertx.close().await();
    }
  }

  /** Two clustered Vert.x instances in this JVM; requests go through the first. */
  @State(Scope.Benchmark)
  public static class Cluster {
    final List<Vertx> members = new ArrayList<>();
    final List<HazelcastInstance> hazelcasts = new ArrayList<>();
    NonceGuard guard;
    AsyncMap<String, String> oldNonces;
    final String oldPrefix = UUID.randomUUID() + ":";
    final AtomicLong oldTokens = new AtomicLong();
    final String prefix = Long.toHexString(Double.doubleToLongBits(Math.random()) | Long.MIN_VALUE);
    final AtomicLong calls = new AtomicLong();

    @Setup
    public void setup() {
      String name = "locus-bench-" + UUID.randomUUID();
      for (int port = 5801; port <= 5802; port++) {
        HazelcastClusterManager manager = new HazelcastClusterManager(hazelcastConfig(name, port));
        VertxOptions options =
            new VertxOptions().setEventBusOptions(new EventBusOptions().setHost("127.0.0.1").setPort(0));
        members.add(join(Vertx.builder().with(options).withClusterManager(manager).buildClustered()));
        hazelcasts.add(manager.getHazelcastInstance());
      }
      guard = new NonceGuard(members.get(0), SKEW);
      oldNonces = join(members.get(0).sharedData().<String, String>getAsyncMap(OLD_MAP));
    }

    @TearDown
    public void close() {
      for (Vertx member : members) {
        member.close().toCompletionStage().toCompletableFuture().join();
      }
    }

    /** The nonce check as Locus made it before: the strings themselves as key, a UUID and counter as token. */
    Future<Boolean> firstUseOldFormat(String consumerKey, long timestamp, String nonce, long now) {
      return firstUseOldFormat(oldNonces, consumerKey, timestamp, nonce, now);
    }

    Future<Boolean> firstUseOldFormat(AsyncMap<String, String> map, String consumerKey, long timestamp, String nonce, long now) {
      long ttlMs = Math.max(1, timestamp + SKEW - now + 1) * 1000;
      String token = oldPrefix + oldTokens.incrementAndGet();
      return map
          .putIfAbsent(timestamp + "\n" + consumerKey + '\n' + nonce, token, ttlMs)
          .map(previous -> previous == null || previous.equals(token));
    }

    /** Owned and backup entry memory of one map, summed over both members. */
    long[] memory(String map) {
      long owned = 0;
      long backup = 0;
      long entries = 0;
      for (HazelcastInstance hazelcast : hazelcasts) {
        LocalMapStats stats = hazelcast.getMap(map).getLocalMapStats();
        owned += stats.getOwnedEntryMemoryCost();
        backup += stats.getBackupEntryMemoryCost();
        entries += stats.getOwnedEntryCount();
      }
      return new long[] {owned, backup, entries};
    }
  }

  /** A rate limiter on one of the first member's event loops, one consumer. */
  @State(Scope.Benchmark)
  public static class Admit {
    /** 5/s: every admit goes to the map (a lease of one token); 5,000/s (the development default): leases of 500. */
    @Param({"5", "5000"})
    public int requestsPerSecond;

    Context context;
    RateLimiter limiter;
    RateLimit limit;

    @Setup
    public void setup(Cluster cluster) {
      limit = new RateLimit(requestsPerSecond, Integer.MAX_VALUE); // never refused during the run
      context = cluster.members.get(0).getOrCreateContext();
      CompletableFuture<RateLimiter> made = new CompletableFuture<>();
      context.runOnContext(v -> made.complete(new RateLimiter(cluster.members.get(0))));
      limiter = made.join();
    }

    /** {@code count} admits one after the other on the limiter's event loop. */
    void run(int count, String consumer, Promise<Void> done) {
      int left = count;
      while (left > 0) {
        Future<Void> admitted = limiter.admit(consumer, limit);
        left--;
        if (!admitted.isComplete()) {
          int rest = left;
          admitted.onComplete(r -> {
            if (r.failed()) {
              done.fail(r.cause());
            } else {
              run(rest, consumer, done);
            }
          });
          return;
        }
        if (admitted.failed()) {
          done.fail(admitted.cause());
          return;
        }
      }
      done.complete();
    }
  }

  static Config hazelcastConfig(String clusterName, int port) {
    Config config;
    try {
      config = new FileSystemXmlConfig("conf/hazelcast.xml");
    } catch (FileNotFoundException e) {
      throw new UncheckedIOException("run from the project's directory (conf/hazelcast.xml)", e);
    }
    config.setClusterName(clusterName);
    config.getNetworkConfig().setPort(port).setPortAutoIncrement(false);
    config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
    config.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(true).setMembers(List.of("127.0.0.1:5801", "127.0.0.1:5802"));
    return config;
  }

  static <T> T join(Future<T> future) {
    return future.toCompletionStage().toCompletableFuture().join();
  }

  @Benchmark
  public Future<Boolean> localFirstUse(Local local) {
    long n = local.calls++;
    long now = 1_700_000_000L + n / 10_000;
    return local.guard.firstUse(CONSUMER, now, nonce(local.prefix, n), now);
  }

  /** The digest alone: what the compact key adds to each request. */
  @Benchmark
  public String key(Local local) {
    return NonceGuard.key(CONSUMER, 1_700_000_000L, nonce(local.prefix, local.calls++));
  }

  @Benchmark
  public Boolean clusterFirstUse(Cluster cluster) {
    long now = System.currentTimeMillis() / 1000;
    return join(cluster.guard.firstUse(CONSUMER, now, nonce(cluster.prefix, cluster.calls.incrementAndGet()), now));
  }

  @Benchmark
  public Boolean clusterFirstUseOldFormat(Cluster cluster) {
    long now = System.currentTimeMillis() / 1000;
    return join(cluster.firstUseOldFormat(CONSUMER, now, nonce(cluster.prefix, cluster.calls.incrementAndGet()), now));
  }

  @Benchmark
  @OperationsPerInvocation(ADMITS)
  public void clusterAdmit(Admit admit) {
    Promise<Void> done = Promise.promise();
    admit.context.runOnContext(v -> admit.run(ADMITS, CONSUMER, done));
    join(done.future());
  }

  /**
   * Memory per nonce entry in the cluster map, as Hazelcast counts it ({@code
   * getOwnedEntryMemoryCost} and {@code getBackupEntryMemoryCost} over both members), after
   * {@code N} first uses (default 100,000; first argument), in the current and the former format,
   * with 32-character nonces and with the longest accepted (128).
   */
  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    Cluster cluster = new Cluster();
    cluster.setup();
    try {
      long now = System.currentTimeMillis() / 1000;
      fill(n, i -> cluster.guard.firstUse(CONSUMER, now, nonce(cluster.prefix, i), now));
      fill(n, i -> cluster.firstUseOldFormat(CONSUMER, now, nonce(cluster.prefix, i), now));
      AsyncMap<String, String> longNonces = join(cluster.members.get(0).sharedData().getAsyncMap(OLD_MAP + ".long"));
      String longest = "n".repeat(128 - 16);
      fill(n, i -> cluster.firstUseOldFormat(longNonces, CONSUMER, now, nonce(longest, i), now));
      fill(n, i -> cluster.guard.firstUse(CONSUMER, now, nonce(longest, i), now)); // same map, new entries
      report("digest key, Long token   (32- and 128-character nonces)", cluster.memory("locus.oauth.nonces"), 2 * n);
      report("former key, UUID token   (32-character nonces)", cluster.memory(OLD_MAP), n);
      report("former key, UUID token  (128-character nonces)", cluster.memory(OLD_MAP + ".long"), n);
    } finally {
      cluster.close();
    }
  }

  private interface Call {
    Future<Boolean> call(long i);
  }

  private static void fill(int n, Call call) {
    int batch = 500;
    for (int from = 0; from < n; from += batch) {
      List<Future<Boolean>> calls = new ArrayList<>(batch);
      for (int i = from; i < Math.min(n, from + batch); i++) {
        calls.add(call.call(i));
      }
      join(Future.all(calls));
      for (Future<Boolean> first : calls) {
        if (!first.result()) {
          throw new IllegalStateException("a fresh nonce was refused");
        }
      }
    }
  }

  private static void report(String what, long[] memory, int n) {
    System.out.printf(
        "%s: %,d entries; owned %,d bytes (%.1f a first use), backup %,d bytes (%.1f), together %.1f bytes a first use%n",
        what, memory[2], memory[0], memory[0] / (double) n, memory[1], memory[1] / (double) n,
        (memory[0] + memory[1]) / (double) n);
  }
}
