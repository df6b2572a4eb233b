package io.locus.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A points file, one {@code id,lat,lon} a line, no header, read whole into memory (a million
 * points take some 60 MB). Points Redis cannot index (|lat| beyond 85.05112878) are left out of
 * both stores, and counted.
 */
final class PointsCsv {
  /** The latitude limit of Redis's geo sets (Web Mercator). */
  static final double REDIS_MAX_LAT = 85.05112878;

  final String[] ids;
  final double[] lats;
  final double[] lons;
  final int size;
  final int skipped;

  private PointsCsv(String[] ids, double[] lats, double[] lons, int size, int skipped) {
    this.ids = ids;
    this.lats = lats;
    this.lons = lons;
    this.size = size;
    this.skipped = skipped;
  }

  static PointsCsv read(Path file) throws IOException {
    String[] ids = new String[1024];
    double[] lats = new double[1024];
    double[] lons = new double[1024];
    int n = 0;
    int skipped = 0;
    int lineNo = 0;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line; (line = in.readLine()) != null; ) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        String[] fields = line.split(",", -1);
        if (fields.length != 3) {
          throw new IOException(file + ":" + lineNo + ": expected id,lat,lon");
        }
        double lat = Double.parseDouble(fields[1].trim());
        double lon = Double.parseDouble(fields[2].trim());
        if (Math.abs(lat) > REDIS_MAX_LAT || Math.abs(lon) > 180) {
          skipped++;
          continue;
        }
        if (n == ids.length) {
          ids = Arrays.copyOf(ids, n * 2);
          lats = Arrays.copyOf(lats, n * 2);
          lons = Arrays.copyOf(lons, n * 2);
        }
        ids[n] = fields[0].trim();
        lats[n] = lat;
        lons[n] = lon;
        n++;
      }
    } catch (NumberFormatException e) {
      throw new IOException(file + ":" + lineNo + ": " + e.getMessage());
    }
    return new PointsCsv(ids, lats, lons, n, skipped);
  }
}
