package io.locus.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("NonceGuard: fixed-size digests, unique tokens, a node's nonces")
class NonceGuardTest {
  private static final Vertx VERTX = Vertx.vertx();
  private static final long T = 1_700_000_000L;

  @AfterAll
  static void close() {
    VERTX.close().await();
  }

  private static NonceGuard.NonceId id(String consumer, long timestamp, String nonce) {
    return NonceGuard.NonceId.of(NonceGuard.digest(consumer, timestamp, nonce));
  }

  @Test
  @DisplayName("a key is 16 bytes (22 characters) whatever the lengths of the consumer key and nonce")
  void fixedSize() {
    String longest = "n".repeat(SignedRequest.MAX_NONCE);
    for (String[] pair : new String[][] {{"k", ""}, {"locus-dev", "7d8f3e4a"}, {"k".repeat(3000), longest}, {"\u00ff\u00fe", "é"}}) {
      assertThat(NonceGuard.digest(pair[0], T, pair[1])).hasSize(NonceGuard.DIGEST_BYTES);
      assertThat(NonceGuard.key(pair[0], T, pair[1])).hasSize(22).matches("[A-Za-z0-9_-]{22}");
    }
  }

  @Test
  @DisplayName("the key is the same on every node and every version: a replay sent to another node finds it")
  void stable() {
    assertThat(NonceGuard.key("locus-dev", T, "7d8f3e4a")).isEqualTo(NonceGuard.key("locus-dev", T, "7d8f3e4a"));
    // Pinned: nodes of two versions in one cluster must derive the same key for the same request.
    assertThat(NonceGuard.key("locus-dev", T, "7d8f3e4a")).isEqualTo("rjgcifh__nkeI3oUchesbQ");
  }

  @Test
  @DisplayName("the key differs when the consumer, the timestamp or the nonce differs, however the characters are split")
  void distinct() {
    Set<String> keys = new HashSet<>();
    keys.add(NonceGuard.key("locus-dev", T, "n1"));
    keys.add(NonceGuard.key("locus-dev2", T, "n1"));
    keys.add(NonceGuard.key("locus-dev", T + 1, "n1"));
    keys.add(NonceGuard.key("locus-dev", T, "n2"));
    keys.add(NonceGuard.key("ab", T, "c"));
    keys.add(NonceGuard.key("a", T, "bc"));
    keys.add(NonceGuard.key("a\nb", T, "c"));
    keys.add(NonceGuard.key("a", T, "b\nc"));
    assertThat(keys).hasSize(8);
  }

  @Test
  @DisplayName("each token a guard stores is its own: no two calls, nor two guards, share one")
  void tokens() {
    NonceGuard one = new NonceGuard(VERTX, 300);
    NonceGuard two = new NonceGuard(VERTX, 300);
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < 100_000; i++) {
      assertThat(seen.add(one.nextToken())).isTrue();
    }
    for (int i = 0; i < 1_000; i++) {
      assertThat(seen.add(two.nextToken())).isTrue();
    }
  }

  @Test
  @DisplayName("on one node: a first use passes, its replay is refused, for every verticle's guard")
  void localReplay() {
    NonceGuard one = new NonceGuard(VERTX, 300);
    NonceGuard other = new NonceGuard(VERTX, 300); // another API verticle of the same node
    String nonce = "replay-" + System.nanoTime();
    assertThat(one.firstUse("locus-dev", T, nonce, T).result()).isTrue();
    assertThat(one.firstUse("locus-dev", T, nonce, T + 10).result()).isFalse();
    assertThat(other.firstUse("locus-dev", T, nonce, T + 10).result()).isFalse();
    assertThat(other.firstUse("someone-else", T, nonce, T + 10).result()).isTrue();
    assertThat(other.firstUse("locus-dev", T + 1, nonce, T + 10).result()).isTrue();
  }

  @Test
  @DisplayName("a node's nonces: stale buckets are dropped whole, and a nonce is accepted again with a fresh timestamp")
  void localBuckets() {
    NonceGuard.LocalNonces nonces = new NonceGuard.LocalNonces();
    assertThat(nonces.firstUse(100, id("key", 100, "n1"), 0)).isTrue();
    assertThat(nonces.firstUse(100, id("key", 100, "n1"), 0)).isFalse();
    assertThat(nonces.firstUse(100, id("other", 100, "n1"), 0)).isTrue();
    assertThat(nonces.firstUse(101, id("key", 101, "n1"), 0)).isTrue();
    assertThat(nonces.buckets()).isEqualTo(2);
    assertThat(nonces.entries()).isEqualTo(3);
    assertThat(nonces.firstUse(500, id("key", 500, "n1"), 400)).isTrue();
    assertThat(nonces.buckets()).isEqualTo(1);
    assertThat(nonces.entries()).isEqualTo(1);
  }

  @Test
  @DisplayName("a node's nonces: a timestamp another verticle already found stale is refused, not taken for a first use")
  void staleByAnotherClock() {
    NonceGuard.LocalNonces nonces = new NonceGuard.LocalNonces();
    assertThat(nonces.firstUse(100, id("key", 100, "n1"), 99)).isTrue();
    // A verticle whose clock has passed the next second drops bucket 100 ...
    assertThat(nonces.firstUse(150, id("key", 150, "n2"), 101)).isTrue();
    // ... and a replay checked against the earlier clock must not find an empty bucket.
    assertThat(nonces.firstUse(100, id("key", 100, "n1"), 99)).isFalse();
    assertThat(nonces.buckets()).isEqualTo(1);
  }
}
