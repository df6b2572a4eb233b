package io.locus.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("ConfirmTracker")
class ConfirmTrackerTest {
  private ConfirmTracker tracker;
  private Map<Long, Future<Void>> futures;

  @BeforeEach
  void setUp() {
    tracker = new ConfirmTracker(Runnable::run);
    futures = new HashMap<>();
  }

  private Future<Void> register(long tag) {
    Promise<Void> promise = Promise.promise();
    tracker.register(tag, promise);
    futures.put(tag, promise.future());
    return promise.future();
  }

  private void registerAll(long... tags) {
    for (long tag : tags) {
      register(tag);
    }
  }

  @Test
  @DisplayName("a single confirm completes only the promise of its own tag")
  void singleConfirm() {
    registerAll(1, 2, 3);
    tracker.settle(2, false, true);
    assertThat(futures.get(2L).succeeded()).isTrue();
    assertThat(futures.get(1L).isComplete()).isFalse();
    assertThat(futures.get(3L).isComplete()).isFalse();
    assertThat(tracker.size()).isEqualTo(2);
  }

  @Test
  @DisplayName("a multiple confirm completes every pending tag up to and including its own")
  void multipleConfirm() {
    registerAll(1, 2, 3, 4);
    tracker.settle(1, false, true);
    tracker.settle(3, true, true);
    assertThat(futures.get(2L).succeeded()).isTrue();
    assertThat(futures.get(3L).succeeded()).isTrue();
    assertThat(futures.get(4L).isComplete()).isFalse();
    assertThat(tracker.size()).isEqualTo(1);
  }

  @Test
  @DisplayName("a single nack fails only its own tag with a message saying the broker refused it")
  void singleNack() {
    registerAll(1, 2);
    tracker.settle(1, false, false);
    assertThat(futures.get(1L).failed()).isTrue();
    assertThat(futures.get(1L).cause()).hasMessageContaining("nack");
    assertThat(futures.get(2L).isComplete()).isFalse();
    assertThat(tracker.size()).isEqualTo(1);
  }

  @Test
  @DisplayName("a multiple nack fails every pending tag up to and including its own")
  void multipleNack() {
    registerAll(5, 6, 7);
    tracker.settle(6, true, false);
    assertThat(futures.get(5L).failed()).isTrue();
    assertThat(futures.get(6L).failed()).isTrue();
    assertThat(futures.get(7L).isComplete()).isFalse();
    tracker.settle(7, false, true);
    assertThat(futures.get(7L).succeeded()).isTrue();
    assertThat(tracker.size()).isZero();
  }

  @Test
  @DisplayName("settling an unknown or already settled tag changes nothing")
  void unknownTags() {
    registerAll(2);
    tracker.settle(1, false, false);
    tracker.settle(9, false, false);
    assertThat(futures.get(2L).isComplete()).isFalse();
    tracker.settle(2, false, true);
    tracker.settle(2, false, false);
    tracker.settle(2, true, false);
    assertThat(futures.get(2L).succeeded()).isTrue();
    assertThat(tracker.size()).isZero();
  }

  @Test
  @DisplayName("abandoning fails every pending promise and every later registration")
  void abandon() {
    registerAll(1, 2);
    tracker.settle(1, false, true);
    tracker.abandon();
    assertThat(futures.get(1L).succeeded()).isTrue();
    assertThat(futures.get(2L).failed()).isTrue();
    assertThat(futures.get(2L).cause()).hasMessageContaining("lost");
    assertThat(tracker.size()).isZero();

    Future<Void> late = register(3);
    assertThat(late.failed()).isTrue();
    assertThat(late.cause()).hasMessageContaining("channel closed");
    assertThat(tracker.size()).isZero();
    tracker.settle(3, true, true);
    assertThat(late.failed()).isTrue();
  }
}
