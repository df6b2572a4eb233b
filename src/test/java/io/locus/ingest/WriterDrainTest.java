package io.locus.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import io.locus.support.TestVertx;

/** Drains on a real Vert.x's timers; the held deliveries are a counter moved by the test. */
@DisplayName("WriterDrain")
class WriterDrainTest {
  @RegisterExtension static final TestVertx VERTX = new TestVertx();
  private final WriterDrain drain = new WriterDrain();
  private final AtomicInteger held = new AtomicInteger();


  private static int await(Future<Integer> left) throws Exception {
    return left.await(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("with nothing held it completes at once with 0, and what still runs is told to stop")
  void nothingHeld() throws Exception {
    long started = System.nanoTime();
    assertThat(await(drain.drain(VERTX.get(), held::get, 5_000))).isZero();
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(2_000);
    assertThat(drain.stopping()).isTrue();
  }

  @Test
  @DisplayName("deliveries settled before the deadline end the drain with 0, without waiting for the deadline")
  void settledInTime() throws Exception {
    held.set(2);
    long started = System.nanoTime();
    Future<Integer> left = drain.drain(VERTX.get(), held::get, 8_000);
    VERTX.get().setTimer(50, t -> held.set(0));
    assertThat(await(left)).isZero();
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(4_000);
  }

  @Test
  @DisplayName("nothing is told to stop before the deadline; after it, what never settled is counted")
  void deadline() throws Exception {
    held.set(3);
    Future<Integer> left = drain.drain(VERTX.get(), held::get, 200);
    assertThat(drain.stopping()).isFalse();
    assertThat(await(left)).isEqualTo(3);
    assertThat(drain.stopping()).isTrue();
  }

  @Test
  @DisplayName("deliveries requeued once told to stop count as settled")
  void requeuedAfterDeadline() throws Exception {
    held.set(2);
    assertThat(await(drain.drain(VERTX.get(), () -> drain.stopping() ? 0 : held.get(), 100))).isZero();
  }
}
