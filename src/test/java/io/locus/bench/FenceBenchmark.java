package io.locus.bench;

import com.google.common.geometry.S2Point;
import io.locus.common.CallbackTargets;
import io.locus.geo.Earth;
import io.locus.geo.Fence;
import io.locus.geo.FenceIndex;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
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
 * What judging one record change against a layer's fences costs the webhook fan-out: {@code
 * fences} fences (circles of 100 m to 2 km, and as many squares, around city-like centres over
 * one continent-sized box), and moves of about a kilometre between random positions in the same
 * box. Run with {@code make bench-fences}; figures in docs/performance.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FenceBenchmark {
  private static final CallbackTargets ANY = new CallbackTargets(true, true);
  private static final int MOVES = 4096;

  @Param({"1000", "100000"})
  public int fences;

  private FenceIndex index;
  private final S2Point[] from = new S2Point[MOVES];
  private final S2Point[] to = new S2Point[MOVES];
  private int next;

  @Setup
  public void setup() {
    Random random = new Random(5);
    List<Fence> all = new ArrayList<>();
    for (int i = 0; i < fences; i++) {
      double lat = 30 + random.nextDouble() * 20;
      double lon = -120 + random.nextDouble() * 40;
      JsonObject body;
      if (i % 2 == 0) {
        body =
            new JsonObject()
                .put("geometry", new JsonObject().put("type", "Point").put("coordinates", new JsonArray().add(lon).add(lat)))
                .put("radius", 100 + random.nextDouble() * 1900);
      } else {
        double half = 0.001 + random.nextDouble() * 0.02;
        JsonArray ring =
            new JsonArray()
                .add(new JsonArray().add(lon - half).add(lat - half))
                .add(new JsonArray().add(lon + half).add(lat - half))
                .add(new JsonArray().add(lon + half).add(lat + half))
                .add(new JsonArray().add(lon - half).add(lat + half))
                .add(new JsonArray().add(lon - half).add(lat - half));
        body = new JsonObject().put("geometry", new JsonObject().put("type", "Polygon").put("coordinates", new JsonArray().add(ring)));
      }
      body.put("detect", new JsonArray().add("enter").add("exit").add("inside").add("outside").add("cross"));
      all.add(Fence.parse("f" + i, body, ANY));
    }
    index = new FenceIndex(all);
    for (int i = 0; i < MOVES; i++) {
      double lat = 30 + random.nextDouble() * 20;
      double lon = -120 + random.nextDouble() * 40;
      from[i] = Earth.point(lat, lon);
      to[i] = Earth.point(lat + (random.nextDouble() - 0.5) * 0.02, lon + (random.nextDouble() - 0.5) * 0.02);
    }
  }

  @Benchmark
  public int judgeOneMove() {
    int move = next++ & (MOVES - 1);
    return index.evaluate(from[move], to[move]).size();
  }
}
