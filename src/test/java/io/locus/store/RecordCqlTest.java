package io.locus.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The TTL a record's rows are written with, and the minute its expiry is scheduled in")
class RecordCqlTest {
  private static final long NOW = 1_700_000_000L;

  @Test
  @DisplayName("none for a record that never expires or expires beyond Cassandra's 20 years; else the seconds left, at least 1")
  void ttl() {
    assertThat(RecordCql.ttl(0, NOW)).isZero();
    assertThat(RecordCql.ttl(NOW + 90, NOW)).isEqualTo(90);
    assertThat(RecordCql.ttl(NOW, NOW)).as("due already (the queue held it)").isEqualTo(1);
    assertThat(RecordCql.ttl(NOW - 30, NOW)).isEqualTo(1);
    assertThat(RecordCql.ttl(NOW + RecordCql.MAX_TTL_SECONDS, NOW)).isEqualTo((int) RecordCql.MAX_TTL_SECONDS);
    assertThat(RecordCql.ttl(NOW + RecordCql.MAX_TTL_SECONDS + 1, NOW)).isZero();
  }

  @Test
  @DisplayName("an expiry goes in the minute of its expires, or in the current minute when that one has passed")
  void minute() {
    assertThat(ExpirySchedule.minuteFor(NOW + 600, NOW)).isEqualTo((NOW + 600) / 60);
    assertThat(ExpirySchedule.minuteFor(NOW - 600, NOW)).isEqualTo(NOW / 60);
    assertThat(ExpirySchedule.minuteOf(-1)).as("floored").isEqualTo(-1);
  }
}
