package io.locus.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("TokenBucket")
class TokenBucketTest {
  private static final RateLimit LIMIT = new RateLimit(10, 20);

  @Test
  @DisplayName("a new bucket is full; taking empties it; it refills at the rate, never over the burst")
  void refill() {
    TokenBucket full = TokenBucket.full(LIMIT, 1_000);
    assertThat(full.available(100)).isEqualTo(20);
    TokenBucket empty = full.take(20);
    assertThat(empty.available(1)).isZero();
    assertThat(empty.at(LIMIT, 1_250).available(100)).isEqualTo(2);
    assertThat(empty.at(LIMIT, 60_000).available(100)).isEqualTo(20);
    assertThat(empty.at(LIMIT, 500).tokens()).isZero(); // a clock step back does not mint tokens
  }

  @Test
  @DisplayName("the wait for one token is rounded up to whole seconds, at least one")
  void retryAfter() {
    RateLimit slow = new RateLimit(1, 1);
    assertThat(new TokenBucket(0, 0).secondsUntilOne(slow)).isEqualTo(1);
    assertThat(new TokenBucket(0.5, 0).secondsUntilOne(slow)).isEqualTo(1);
    assertThat(new TokenBucket(-3, 0).secondsUntilOne(slow)).isEqualTo(4);
    assertThat(new TokenBucket(0, 0).secondsUntilOne(LIMIT)).isEqualTo(1);
  }

  @Test
  @DisplayName("its stored form reads back the same")
  void encoding() {
    TokenBucket bucket = new TokenBucket(3.25, 1_700_000_000_123L);
    assertThat(TokenBucket.decode(bucket.encode())).isEqualTo(bucket);
  }
}
