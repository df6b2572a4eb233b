package io.locus.bench;

import java.util.Arrays;

/**
 * Every latency of a measurement, kept whole so that percentiles are exact (nearest rank). A
 * 20-second run at tens of thousands of operations a second holds a few MB. Not thread-safe.
 */
final class Latencies {
  private long[] nanos = new long[4096];
  private int size;

  void add(long latencyNanos) {
    if (size == nanos.length) {
      nanos = Arrays.copyOf(nanos, size * 2);
    }
    nanos[size++] = latencyNanos;
  }

  int size() {
    return size;
  }

  /** The {@code q}-quantile ({@code 0 < q <= 1}) in milliseconds, by nearest rank; 0 when empty. */
  double percentileMs(double q) {
    if (size == 0) {
      return 0;
    }
    long[] sorted = Arrays.copyOf(nanos, size);
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(q * size);
    return sorted[Math.max(0, Math.min(size, rank) - 1)] / 1e6;
  }
}
