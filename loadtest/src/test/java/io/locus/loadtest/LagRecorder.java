package io.locus.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Collects the lag from a write's 202 to the record being readable, measured by the probe
 * clients of a simulation, and reports its median and 99th percentile at the end of the run
 * (printed, and written to {@code target/gatling/<name>-lag.json}).
 */
final class LagRecorder {
  private final ConcurrentLinkedQueue<Long> lagsMicros = new ConcurrentLinkedQueue<>();

  void record(long startNanos) {
    lagsMicros.add((System.nanoTime() - startNanos) / 1_000);
  }

  void report(String name) {
    List<Long> sorted = new ArrayList<>(lagsMicros);
    Collections.sort(sorted);
    if (sorted.isEmpty()) {
      System.out.println("write-to-readable lag: no samples");
      return;
    }
    String json =
        String.format(
            Locale.ROOT,
            "{\"samples\":%d,\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"max_ms\":%.2f}",
            sorted.size(),
            percentile(sorted, 50) / 1000.0,
            percentile(sorted, 99) / 1000.0,
            sorted.get(sorted.size() - 1) / 1000.0);
    System.out.println("write-to-readable lag (202 to first 200 GET): " + json);
    try {
      Path dir = Path.of("target", "gatling");
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(name + "-lag.json"), json + "\n");
    } catch (IOException e) {
      System.out.println("could not write the lag report: " + e.getMessage());
    }
  }

  private static long percentile(List<Long> sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
  }
}
