package io.locus.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Lookups answer at once and the clock is moved by hand, so every step is synchronous. */
@DisplayName("LayerCache")
class LayerCacheTest {
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final Set<String> existing = new HashSet<>();
  /** Layers looked up in the store, in order. */
  private final List<String> lookups = new ArrayList<>();
  private boolean storeDown;
  private LayerCache cache;

  @BeforeEach
  void setUp() {
    cache =
        new LayerCache(
            layer -> {
              lookups.add(layer);
              return storeDown ? Future.failedFuture("store down") : Future.succeededFuture(existing.contains(layer));
            },
            now::get);
  }

  private boolean exists(String layer) {
    Future<Boolean> answer = cache.exists(layer);
    assertThat(answer.succeeded()).as("lookup of %s succeeded", layer).isTrue();
    return answer.result();
  }

  @Test
  @DisplayName("a layer found is taken as existing, without asking the store, for two seconds")
  void foundIsCached() {
    existing.add("a");
    assertThat(exists("a")).isTrue();
    now.addAndGet(LayerCache.FRESH_MS - 1);
    assertThat(exists("a")).isTrue();
    assertThat(lookups).containsExactly("a");
  }

  @Test
  @DisplayName("after two seconds the store is asked again, and a layer deleted meanwhile is seen gone")
  void staleIsLookedUpAgain() {
    existing.add("a");
    assertThat(exists("a")).isTrue();
    existing.remove("a");
    now.addAndGet(LayerCache.FRESH_MS);
    assertThat(exists("a")).isFalse();
    assertThat(lookups).containsExactly("a", "a");
  }

  @Test
  @DisplayName("a layer not found is asked about every time, so one created meanwhile is seen at once")
  void notFoundIsNotCached() {
    assertThat(exists("b")).isFalse();
    existing.add("b");
    assertThat(exists("b")).isTrue();
    assertThat(lookups).containsExactly("b", "b");
  }

  @Test
  @DisplayName("a forgotten layer is asked about again at once")
  void forget() {
    existing.add("a");
    assertThat(exists("a")).isTrue();
    cache.forget("a");
    existing.remove("a");
    assertThat(exists("a")).isFalse();
    assertThat(lookups).containsExactly("a", "a");
  }

  @Test
  @DisplayName("a failed lookup fails the answer and is not remembered")
  void failedLookup() {
    existing.add("a");
    storeDown = true;
    assertThat(cache.exists("a").failed()).isTrue();
    storeDown = false;
    assertThat(exists("a")).isTrue();
    assertThat(lookups).containsExactly("a", "a");
  }

  @Test
  @DisplayName("layers are remembered each on its own")
  void perLayer() {
    existing.add("a");
    existing.add("b");
    assertThat(exists("a")).isTrue();
    assertThat(exists("b")).isTrue();
    cache.forget("a");
    assertThat(exists("a")).isTrue();
    assertThat(exists("b")).isTrue();
    assertThat(lookups).containsExactly("a", "b", "a");
  }

  @Test
  @DisplayName("operations that ask while a lookup is under way share it: one read of the store, not one each")
  void concurrentAsksShareOneLookup() {
    List<Promise<Boolean>> pending = new ArrayList<>();
    LayerCache slow =
        new LayerCache(
            layer -> {
              lookups.add(layer);
              Promise<Boolean> answer = Promise.promise();
              pending.add(answer);
              return answer.future();
            },
            now::get);
    Future<Boolean> first = slow.exists("c");
    Future<Boolean> second = slow.exists("c");
    assertThat(lookups).containsExactly("c");
    pending.get(0).complete(true);
    assertThat(first.result()).isTrue();
    assertThat(second.result()).isTrue();
    now.addAndGet(LayerCache.FRESH_MS);
    slow.exists("c");
    assertThat(lookups).as("a finished lookup is not shared later").containsExactly("c", "c");
  }
}
