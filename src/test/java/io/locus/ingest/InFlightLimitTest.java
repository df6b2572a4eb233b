package io.locus.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("InFlightLimit runs at most max tasks at once, the others in the order they came")
class InFlightLimitTest {
  @Test
  @DisplayName("beyond max, tasks wait; each one finishing starts the next waiting, first come first")
  void bounded() {
    InFlightLimit limit = new InFlightLimit(2);
    List<Promise<Void>> started = new ArrayList<>();
    List<Future<Void>> results = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      results.add(
          limit.run(
              () -> {
                Promise<Void> task = Promise.promise();
                started.add(task);
                return task.future();
              }));
    }
    assertThat(started).hasSize(2);
    assertThat(limit.running()).isEqualTo(2);
    assertThat(limit.waiting()).isEqualTo(3);
    started.get(1).fail("boom");
    assertThat(results.get(1).failed()).isTrue();
    assertThat(started).hasSize(3);
    started.get(0).complete();
    assertThat(results.get(0).succeeded()).isTrue();
    assertThat(started).hasSize(4);
    started.get(2).complete();
    started.get(3).complete();
    started.get(4).complete();
    assertThat(results).allMatch(Future::isComplete);
    assertThat(limit.running()).isZero();
    assertThat(limit.waiting()).isZero();
  }

  @Test
  @DisplayName("tasks that finish at once, or throw, do not nest: 100,000 of them run on a small stack")
  void immediate() {
    InFlightLimit limit = new InFlightLimit(1);
    Promise<Void> first = Promise.promise();
    limit.run(first::future);
    List<Future<Void>> results = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      int n = i;
      results.add(
          limit.run(
              () -> {
                if (n % 2 == 0) {
                  throw new IllegalStateException("thrown");
                }
                return Future.succeededFuture();
              }));
    }
    assertThat(limit.waiting()).isEqualTo(100_000);
    first.complete();
    assertThat(results).allMatch(Future::isComplete);
    assertThat(results.get(0).cause()).hasMessage("thrown");
    assertThat(results.get(1).succeeded()).isTrue();
  }
}
