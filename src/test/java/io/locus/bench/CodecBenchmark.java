package io.locus.bench;

import io.locus.record.WriteBatch;
import io.locus.record.WriteBatchCodec;
import io.locus.record.WriteOp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.impl.codecs.JsonObjectMessageCodec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
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
 * What a write batch costs to hand to the publisher: as a {@code JsonObject} (Vert.x's own
 * codec, then parsed into operations) against {@link WriteBatchCodec}, delivered locally and
 * across nodes. Run with {@code make bench-codec}; figures in docs/performance.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CodecBenchmark {
  @Param({"1", "100"})
  int size;

  private final JsonObjectMessageCodec json = new JsonObjectMessageCodec();
  private final WriteBatchCodec codec = new WriteBatchCodec();
  private JsonObject asJson;
  private WriteBatch asBatch;

  @Setup
  public void setup() {
    List<WriteOp> ops = new ArrayList<>();
    JsonArray array = new JsonArray();
    for (int i = 0; i < size; i++) {
      WriteOp op =
          new WriteOp(WriteOp.Kind.UPSERT, "com.example.parks", "record-" + i, 1_700_000_000_000_000L + i,
              new WriteOp.Upsert(37.7749, -122.433287165, "[-122.433287165,37.7749]", 1_700_000_000L,
                  "{\"name\":\"Alamo Square\",\"kind\":\"park\"}", 0));
      ops.add(op);
      array.add(op.toJson());
    }
    asJson = new JsonObject().put("ops", array);
    asBatch = new WriteBatch(ops);
  }

  private static List<WriteOp> parse(JsonObject message) {
    JsonArray array = message.getJsonArray("ops");
    List<WriteOp> ops = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      ops.add(WriteOp.fromJson(array.getJsonObject(i)));
    }
    return ops;
  }

  @Benchmark
  public List<WriteOp> jsonLocal() {
    return parse(json.transform(asJson));
  }

  @Benchmark
  public List<WriteOp> codecLocal() {
    return codec.transform(asBatch).ops();
  }

  @Benchmark
  public List<WriteOp> jsonWire() {
    Buffer wire = Buffer.buffer();
    json.encodeToWire(wire, asJson);
    return parse(json.decodeFromWire(0, wire));
  }

  @Benchmark
  public List<WriteOp> codecWire() {
    Buffer wire = Buffer.buffer();
    codec.encodeToWire(wire, asBatch);
    return codec.decodeFromWire(0, wire).ops();
  }
}
