package io.locus.common;

import java.time.Instant;

/** Wall-clock time in the units Locus stores: epoch seconds and epoch microseconds. */
public final class Times {
  private Times() {}

  public static long nowSeconds() {
    return Instant.now().getEpochSecond();
  }

  /** Microseconds since the epoch, the unit of Cassandra write timestamps. */
  public static long nowMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }
}
