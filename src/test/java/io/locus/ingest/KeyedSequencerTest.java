package io.locus.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Drives the sequencer with promises completed by hand: outside a Vert.x context the futures
 * notify their listeners on the completing thread, so every step is synchronous.
 */
@DisplayName("KeyedSequencer")
class KeyedSequencerTest {
  private KeyedSequencer sequencer;
  /** Names of tasks in the order they started. */
  private List<String> started;
  /** The promise each started task returned, by name. */
  private Map<String, Promise<Void>> running;

  @BeforeEach
  void setUp() {
    sequencer = new KeyedSequencer();
    started = new ArrayList<>();
    running = new LinkedHashMap<>();
  }

  private Supplier<Future<Void>> task(String name) {
    return () -> {
      started.add(name);
      Promise<Void> promise = Promise.promise();
      running.put(name, promise);
      return promise.future();
    };
  }

  private void finish(String name) {
    assertThat(running).as("task %s should have started", name).containsKey(name);
    running.get(name).complete();
  }

  private void fail(String name) {
    assertThat(running).as("task %s should have started", name).containsKey(name);
    running.get(name).fail("boom " + name);
  }

  @Test
  @DisplayName("tasks of the same key run one at a time in submission order")
  void sameKeyInOrder() {
    Future<Void> a1 = sequencer.submit("a", task("a1"));
    Future<Void> a2 = sequencer.submit("a", task("a2"));
    Future<Void> a3 = sequencer.submit("a", task("a3"));
    assertThat(started).containsExactly("a1");

    finish("a1");
    assertThat(a1.succeeded()).isTrue();
    assertThat(a2.isComplete()).isFalse();
    assertThat(started).containsExactly("a1", "a2");

    finish("a2");
    assertThat(started).containsExactly("a1", "a2", "a3");
    assertThat(a3.isComplete()).isFalse();

    finish("a3");
    assertThat(a2.succeeded()).isTrue();
    assertThat(a3.succeeded()).isTrue();
    assertThat(sequencer.inFlight()).isZero();
  }

  @Test
  @DisplayName("tasks of different keys run concurrently")
  void differentKeysConcurrent() {
    sequencer.submit("a", task("a1"));
    sequencer.submit("b", task("b1"));
    sequencer.submit("c", task("c1"));
    sequencer.submit("a", task("a2"));
    assertThat(started).containsExactly("a1", "b1", "c1");
    assertThat(sequencer.inFlight()).isEqualTo(3);

    finish("b1");
    assertThat(started).containsExactly("a1", "b1", "c1");
    finish("a1");
    assertThat(started).containsExactly("a1", "b1", "c1", "a2");
  }

  @Test
  @DisplayName("a barrier waits for every task submitted before it, whatever their keys")
  void barrierWaitsForEarlierTasks() {
    sequencer.submit("a", task("a1"));
    sequencer.submit("b", task("b1"));
    Future<Void> barrier = sequencer.submitBarrier(task("barrier"));
    assertThat(started).containsExactly("a1", "b1");

    finish("a1");
    assertThat(started).doesNotContain("barrier");
    finish("b1");
    assertThat(started).containsExactly("a1", "b1", "barrier");
    assertThat(barrier.isComplete()).isFalse();
    finish("barrier");
    assertThat(barrier.succeeded()).isTrue();
  }

  @Test
  @DisplayName("every task submitted after a barrier waits for the barrier, even of a key seen before")
  void laterTasksWaitForBarrier() {
    sequencer.submit("a", task("a1"));
    sequencer.submitBarrier(task("barrier"));
    sequencer.submit("a", task("a2"));
    sequencer.submit("z", task("z1"));
    assertThat(started).containsExactly("a1");

    finish("a1");
    assertThat(started).containsExactly("a1", "barrier");
    finish("barrier");
    assertThat(started).containsExactly("a1", "barrier", "a2", "z1");
  }

  @Test
  @DisplayName("two barriers in a row run one after the other")
  void barriersInOrder() {
    sequencer.submitBarrier(task("barrier1"));
    sequencer.submitBarrier(task("barrier2"));
    sequencer.submit("a", task("a1"));
    assertThat(started).containsExactly("barrier1");
    finish("barrier1");
    assertThat(started).containsExactly("barrier1", "barrier2");
    finish("barrier2");
    assertThat(started).containsExactly("barrier1", "barrier2", "a1");
  }

  @Test
  @DisplayName("a failed task fails its own future and does not block the next task of its key")
  void failureDoesNotBlockKey() {
    Future<Void> a1 = sequencer.submit("a", task("a1"));
    Future<Void> a2 = sequencer.submit("a", task("a2"));
    fail("a1");
    assertThat(a1.failed()).isTrue();
    assertThat(a1.cause()).hasMessage("boom a1");
    assertThat(started).containsExactly("a1", "a2");
    finish("a2");
    assertThat(a2.succeeded()).isTrue();
  }

  @Test
  @DisplayName("a task that throws instead of returning a future fails alone and the next of its key runs")
  void throwingTaskDoesNotBlockKey() {
    Future<Void> a1 = sequencer.submit("a", () -> {
      throw new IllegalStateException("thrown");
    });
    Future<Void> a2 = sequencer.submit("a", task("a2"));
    assertThat(a1.failed()).isTrue();
    assertThat(started).containsExactly("a2");
    finish("a2");
    assertThat(a2.succeeded()).isTrue();
  }

  @Test
  @DisplayName("a barrier still runs after an earlier task failed, and a failed barrier does not block later tasks")
  void failuresDoNotBlockBarriers() {
    sequencer.submit("a", task("a1"));
    sequencer.submit("b", task("b1"));
    Future<Void> barrier = sequencer.submitBarrier(task("barrier"));
    Future<Void> c1 = sequencer.submit("c", task("c1"));
    fail("a1");
    assertThat(started).doesNotContain("barrier");
    finish("b1");
    assertThat(started).contains("barrier");

    fail("barrier");
    assertThat(barrier.failed()).isTrue();
    assertThat(started).endsWith("c1");
    finish("c1");
    assertThat(c1.succeeded()).isTrue();
  }

  @Test
  @DisplayName("inFlight counts keys with unfinished tasks and drops to zero when all are done")
  void inFlight() {
    assertThat(sequencer.inFlight()).isZero();
    sequencer.submit("a", task("a1"));
    sequencer.submit("a", task("a2"));
    sequencer.submit("b", task("b1"));
    assertThat(sequencer.inFlight()).isEqualTo(2);
    finish("a1");
    assertThat(sequencer.inFlight()).isEqualTo(2);
    finish("a2");
    assertThat(sequencer.inFlight()).isEqualTo(1);
    finish("b1");
    assertThat(sequencer.inFlight()).isZero();
  }

  @Test
  @DisplayName("a task whose future is already complete finishes at once and leaves nothing in flight")
  void alreadyCompleteTask() {
    Future<Void> done = sequencer.submit("a", Future::succeededFuture);
    assertThat(done.succeeded()).isTrue();
    assertThat(sequencer.inFlight()).isZero();
    sequencer.submit("a", task("a2"));
    assertThat(started).containsExactly("a2");
  }
}
