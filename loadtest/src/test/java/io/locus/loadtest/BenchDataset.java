package io.locus.loadtest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The benchmark dataset as one ordered stream of records, the only place it is generated:
 * {@link DatasetLoadSimulation} loads it into Locus and {@link ExportDataset} writes it to CSV for
 * the baselines, so both hold the same points under the same ids. Record {@code n} (from 0) has
 * id {@code c<n>} and is the n-th point of {@link CityDataset} with {@code seed}; with a disc
 * ({@code lat,lon,km}) it is instead the n-th point spread uniformly over that disc, from a
 * {@link Random} with {@code seed}. {@link #next()} hands out the id and its point together, so
 * the pairing depends on the seed only, never on which loader asks first.
 */
final class BenchDataset {
  private static final double KM_PER_DEGREE = 111.195;

  /** The {@code kind} property of record {@code n}: a to d in turn, for property filters. */
  static char kind(long n) {
    return "abcd".charAt((int) (n % 4));
  }

  /** Record {@code n} of the dataset, at {@code lat}, {@code lon}. */
  record Point(long n, double lat, double lon) {
    String id() {
      return "c" + n;
    }

    /** {@code [lon,lat]}, 6 decimals, as the GeoJSON the loader sends. */
    String coordinates() {
      return CityDataset.coordinates(new double[] {lat, lon});
    }

    /** {@code id,lat,lon}, 6 decimals: the same rounding as {@link #coordinates()}. */
    String csv() {
      return String.format(Locale.ROOT, "%s,%.6f,%.6f", id(), lat, lon);
    }
  }

  private final long records;
  private final CityDataset cities;
  private final double[] disc;
  private final Random discRandom;
  private long next;

  /**
   * @param disc null for the city distribution, or {@code lat,lon,km}
   */
  BenchDataset(long records, long seed, String disc) {
    this.records = records;
    if (disc == null) {
      this.cities = new CityDataset(seed);
      this.disc = null;
      this.discRandom = null;
    } else {
      String[] f = disc.split(",");
      if (f.length != 3) {
        throw new IllegalArgumentException("disc is lat,lon,km, got " + disc);
      }
      this.cities = null;
      this.disc = new double[] {Double.parseDouble(f[0].trim()), Double.parseDouble(f[1].trim()), Double.parseDouble(f[2].trim())};
      this.discRandom = new Random(seed);
    }
  }

  /** The dataset the system properties name: {@code records} (default 100,000), {@code seed} (default 1), {@code disc}. */
  static BenchDataset fromProperties() {
    return new BenchDataset(Long.getLong("records", 100_000), Long.getLong("seed", 1), System.getProperty("disc"));
  }

  long records() {
    return records;
  }

  /** The next record of the stream, or null once all {@code records} have been given out. */
  synchronized Point next() {
    if (next >= records) {
      return null;
    }
    double[] at = cities != null ? cities.next() : discPoint();
    return new Point(next++, at[0], at[1]);
  }

  /** Up to {@code max} next records, in order; empty once the stream is exhausted. */
  synchronized List<Point> next(int max) {
    List<Point> points = new ArrayList<>(max);
    for (Point point; points.size() < max && (point = next()) != null; ) {
      points.add(point);
    }
    return points;
  }

  private double[] discPoint() {
    double lat = disc[0];
    double km = disc[2] * Math.sqrt(discRandom.nextDouble());
    double bearing = discRandom.nextDouble() * 2 * Math.PI;
    double dLat = km * Math.cos(bearing) / KM_PER_DEGREE;
    double dLon = km * Math.sin(bearing) / (KM_PER_DEGREE * Math.cos(Math.toRadians(lat)));
    return new double[] {lat + dLat, disc[1] + dLon};
  }
}
