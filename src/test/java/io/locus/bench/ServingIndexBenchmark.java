package io.locus.bench;

import io.locus.query.SearchCriteria;
import io.locus.query.SearchOrder;
import io.locus.query.SpatialSearch;
import io.locus.serving.LayerIndex;
import io.locus.store.IndexReader;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The serving tier's in-memory index of one layer: what 100,000 and 1,000,000 city-like records
 * (about 60 bytes of properties each) take in memory, by {@link LayerIndex#estimatedBytes} and
 * by the heap's growth across loading them, and how long loading takes (printed by the setup),
 * and how long one nearby search (radius 1 km, 10 km, or none: k-nearest; limit 20, nearest
 * first) of {@link SpatialSearch} takes over it on one thread, with its percentiles. Run with
 * {@code make bench-serving}; figures in docs/performance.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ServingIndexBenchmark {
  private static final String LAYER = "com.example.places";
  private static final double KM_PER_DEGREE = 111.195;

  /** Cities as {lat, lon, millions of people}: three quarters of the records lie around them. */
  private static final double[][] CITIES = {
    {35.6895, 139.6917, 37.4}, {28.6139, 77.2090, 31.0}, {31.2304, 121.4737, 27.1}, {-23.5505, -46.6333, 22.0},
    {19.4326, -99.1332, 21.8}, {30.0444, 31.2357, 20.9}, {19.0760, 72.8777, 20.4}, {39.9042, 116.4074, 20.4},
    {23.8103, 90.4125, 21.0}, {34.6937, 135.5023, 19.2}, {40.7128, -74.0060, 18.8}, {24.8607, 67.0011, 16.1},
    {-34.6037, -58.3816, 15.2}, {41.0082, 28.9784, 15.2}, {6.5244, 3.3792, 14.4}, {14.5995, 120.9842, 13.9},
    {-22.9068, -43.1729, 13.4}, {34.0522, -118.2437, 12.5}, {55.7558, 37.6173, 12.5}, {48.8566, 2.3522, 11.0},
    {-6.2088, 106.8456, 10.8}, {51.5074, -0.1278, 9.3}, {-12.0464, -77.0428, 10.7}, {13.7563, 100.5018, 10.5},
    {37.5665, 126.9780, 9.9}, {41.8781, -87.6298, 8.9}, {4.7110, -74.0721, 11.0}, {-26.2041, 28.0473, 5.9},
    {-33.8688, 151.2093, 4.9}, {40.4168, -3.7038, 6.6}, {43.6532, -79.3832, 6.2}, {37.7749, -122.4194, 3.3},
    {52.5200, 13.4050, 3.6}, {-1.2921, 36.8219, 4.7}, {64.1466, -21.9426, 0.13},
  };

  /** The rest lie within a kilometre or so of one of this many towns spread over the inhabited latitudes. */
  private static final int TOWNS = 2_000;

  @Param({"100000", "1000000"})
  int records;

  /** Metres; 0 for k-nearest. */
  @Param({"1000", "10000", "0"})
  double radiusM;

  private final double[][] centres = new double[1_024][];
  private SpatialSearch search;
  private int next;

  @Setup
  public void setup() {
    Random rnd = new Random(1);
    double[][] towns = new double[TOWNS][];
    for (int i = 0; i < TOWNS; i++) {
      towns[i] = new double[] {-50 + 110 * rnd.nextDouble(), 360 * rnd.nextDouble() - 180, 0};
    }
    double[] cumulative = new double[CITIES.length];
    double total = 0;
    for (int i = 0; i < CITIES.length; i++) {
      total += CITIES[i][2];
      cumulative[i] = total;
    }
    double[][] points = new double[records][];
    for (int n = 0; n < records; n++) {
      double[] around;
      if (rnd.nextInt(4) == 0) {
        around = towns[rnd.nextInt(TOWNS)];
      } else {
        double pick = rnd.nextDouble() * total;
        int city = 0;
        while (cumulative[city] < pick) {
          city++;
        }
        around = CITIES[city];
      }
      double sigmaKm = 1 + 3 * Math.sqrt(around[2]);
      double lat = Math.max(-90, Math.min(90, around[0] + rnd.nextGaussian() * sigmaKm / KM_PER_DEGREE));
      double cos = Math.max(0.01, Math.cos(Math.toRadians(around[0])));
      double lon = ((around[1] + rnd.nextGaussian() * sigmaKm / (KM_PER_DEGREE * cos) + 540) % 360) - 180;
      points[n] = new double[] {Math.round(lat * 1e6) / 1e6, Math.round(lon * 1e6) / 1e6};
    }

    long heapBefore = usedHeap();
    long loading = System.nanoTime();
    LayerIndex index = new LayerIndex(LAYER);
    long empty = index.estimatedBytes();
    for (int n = 0; n < records; n++) {
      double lat = points[n][0];
      double lon = points[n][1];
      String properties =
          String.format(Locale.ROOT, "{\"name\":\"Place %d\",\"kind\":\"%c\",\"rating\":%.1f,\"open\":true}", n, "abcd".charAt(n % 4), 5 * rnd.nextDouble());
      String coordinates = String.format(Locale.ROOT, "[%.6f,%.6f]", lon, lat);
      index.load(new IndexReader.Entry("c" + n, lat, lon, coordinates, 1_700_000_000L + n, properties, 0), 1_700_000_000_000_000L + n);
    }
    long loadMs = (System.nanoTime() - loading) / 1_000_000;
    long heapAfter = usedHeap();
    System.out.printf(
        Locale.ROOT,
        "%nServingIndexBenchmark: %,d records loaded in %,d ms (with their properties formatted), %.1f MB: %d bytes a record estimated, %d measured (heap growth)%n",
        index.size(), loadMs, index.estimatedBytes() / 1e6, (index.estimatedBytes() - empty) / records,
        (heapAfter - heapBefore) / records);

    search = new SpatialSearch(index);
    for (int i = 0; i < centres.length; i++) {
      double[] near = points[rnd.nextInt(records)];
      centres[i] = new double[] {near[0] + rnd.nextGaussian() * 0.003, near[1] + rnd.nextGaussian() * 0.003};
    }
  }

  /** The heap in use once the garbage is gone. */
  private static long usedHeap() {
    Runtime runtime = Runtime.getRuntime();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      used = Math.min(used, runtime.totalMemory() - runtime.freeMemory());
    }
    return used;
  }

  @Benchmark
  public SpatialSearch.Page nearby() {
    double[] centre = centres[next++ & (centres.length - 1)];
    SearchCriteria criteria =
        new SearchCriteria(LAYER, SearchCriteria.circle(centre[0], centre[1], radiusM > 0 ? radiusM : null), 20, SearchOrder.DISTANCE, null, null, null, null);
    return search.run(criteria).result();
  }
}
