package io.locus.loadtest;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes the benchmark dataset, exactly as {@link DatasetLoadSimulation} loads it for the same
 * properties ({@code seed}, default 1; {@code records}, default 100,000; {@code disc}; {@code
 * cities}), to the file named by the first argument, one record a line, no header: {@code
 * id,lat,lon} with 6 decimals ({@code c0,35.689500,139.691700}), in id order. The baselines load
 * this file, so they hold the same points under the same ids as Locus. Run from {@code loadtest/}:
 * <pre>
 * mvn -q test-compile exec:java -Dexec.mainClass=io.locus.loadtest.ExportDataset \
 *   -Dexec.classpathScope=test -Dexec.args=target/cities-1-100000.csv -Dseed=1 -Drecords=100000
 * </pre>
 */
public final class ExportDataset {
  private ExportDataset() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: ExportDataset <out.csv> (with -Dseed=… -Drecords=…)");
    }
    Path out = Path.of(args[0]).toAbsolutePath();
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    BenchDataset data = BenchDataset.fromProperties();
    long written = 0;
    Path partial = out.resolveSibling(out.getFileName() + ".partial");
    try (BufferedWriter writer = Files.newBufferedWriter(partial)) {
      for (BenchDataset.Point point; (point = data.next()) != null; written++) {
        writer.write(point.csv());
        writer.write('\n');
      }
    }
    Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING); // never a half-written file under the name
    System.out.println("wrote " + written + " records to " + out);
  }
}
