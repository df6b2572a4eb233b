package io.locus.ingest;

import io.locus.common.Failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.NoNodeAvailableException;
import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import io.locus.support.TestVertx;

/** The retries themselves run on a real Vert.x's timers, with a millisecond backoff. */
@DisplayName("RetryPolicy")
class RetryPolicyTest {
  private static final RetryPolicy WRITES = RetryPolicy.WRITES;
  @RegisterExtension static final TestVertx VERTX = new TestVertx();
  private final RetryPolicy fast = new RetryPolicy(5, 1, 4);
  private final AtomicInteger tries = new AtomicInteger();


  @Test
  @DisplayName("Cassandra unreachable, timing out or closed is transient; anything else is not")
  void transientFailures() {
    assertThat(RetryPolicy.isTransient(new NoNodeAvailableException())).isTrue();
    assertThat(RetryPolicy.isTransient(new DriverTimeoutException("timed out"))).isTrue();
    assertThat(RetryPolicy.isTransient(new IllegalStateException("Session is closed"))).isTrue();
    assertThat(RetryPolicy.isTransient(Failure.badRequest("bad coordinates"))).isFalse();
    assertThat(RetryPolicy.isTransient(new IllegalArgumentException("wrong arity"))).isFalse();
  }

  @Test
  @DisplayName("a failure that is not transient is given up on at the fifth try, not before")
  void poisonAfterFiveTries() {
    RuntimeException poison = new IllegalArgumentException("wrong arity");
    assertThat(WRITES.givesUp(poison, 4)).isFalse();
    assertThat(WRITES.givesUp(poison, 5)).isTrue();
  }

  @Test
  @DisplayName("a transient failure is never given up on")
  void transientForever() {
    assertThat(WRITES.givesUp(new NoNodeAvailableException(), 5)).isFalse();
    assertThat(WRITES.givesUp(new NoNodeAvailableException(), 100_000)).isFalse();
  }

  @Test
  @DisplayName("the backoff starts at 100 ms and doubles up to 5 s, where it stays")
  void backoff() {
    assertThat(new long[] {
          WRITES.backoffMs(1), WRITES.backoffMs(2), WRITES.backoffMs(3), WRITES.backoffMs(4),
          WRITES.backoffMs(5), WRITES.backoffMs(6), WRITES.backoffMs(7), WRITES.backoffMs(8)
        })
        .containsExactly(100, 200, 400, 800, 1_600, 3_200, 5_000, 5_000);
    assertThat(WRITES.backoffMs(Integer.MAX_VALUE)).isEqualTo(5_000);
  }

  @Test
  @DisplayName("the third failure is logged, then every twentieth")
  void logging() {
    assertThat(RetryPolicy.logs(1)).isFalse();
    assertThat(RetryPolicy.logs(2)).isFalse();
    assertThat(RetryPolicy.logs(3)).isTrue();
    assertThat(RetryPolicy.logs(4)).isFalse();
    assertThat(RetryPolicy.logs(19)).isFalse();
    assertThat(RetryPolicy.logs(20)).isTrue();
    assertThat(RetryPolicy.logs(40)).isTrue();
  }

  /** Fails with {@code cause} for the first {@code failures} tries, then succeeds. */
  private Supplier<Future<Void>> failing(int failures, RuntimeException cause) {
    return () -> tries.incrementAndGet() <= failures ? Future.failedFuture(cause) : Future.succeededFuture();
  }

  private static void await(Future<Void> done) throws Exception {
    done.await(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("succeeds once a try succeeds, however many transient failures came first")
  void transientThenSuccess() throws Exception {
    await(fast.retrying(VERTX.get(), failing(30, new NoNodeAvailableException()), () -> false));
    assertThat(tries).hasValue(31);
  }

  @Test
  @DisplayName("succeeds when a failure that is not transient goes away before the fifth try")
  void poisonCured() throws Exception {
    await(fast.retrying(VERTX.get(), failing(4, new IllegalArgumentException("flaky")), () -> false));
    assertThat(tries).hasValue(5);
  }

  @Test
  @DisplayName("fails with the last failure after five tries of one that is not transient")
  void poisonGivenUp() {
    RuntimeException poison = new IllegalArgumentException("wrong arity");
    Future<Void> done = fast.retrying(VERTX.get(), failing(Integer.MAX_VALUE, poison), () -> false);
    assertThatThrownBy(() -> await(done)).isSameAs(poison);
    assertThat(tries).hasValue(5);
  }

  @Test
  @DisplayName("once the writer is stopping, gives up at the next failure, even a transient one")
  void stopping() {
    AtomicBoolean stopping = new AtomicBoolean();
    RuntimeException down = new NoNodeAvailableException();
    Future<Void> done =
        fast.retrying(
            VERTX.get(),
            () -> {
              if (tries.incrementAndGet() == 3) {
                stopping.set(true);
              }
              return Future.failedFuture(down);
            },
            stopping::get);
    assertThatThrownBy(() -> await(done)).isSameAs(down);
    assertThat(tries).hasValue(3);
  }
}
