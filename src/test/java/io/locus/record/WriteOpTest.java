package io.locus.record;

import io.locus.common.Failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.locus.record.ExactJson;
import io.locus.record.PointRecord;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("WriteOp")
class WriteOpTest {
  private static final long ACCEPTED_MICROS = 1_700_000_000_123_456L;

  private static PointRecord record(long created) {
    JsonObject feature = ExactJson.parseObject(
        "{\"type\":\"Feature\",\"id\":\"rec-1\",\"created\":" + created
            + ",\"geometry\":{\"type\":\"Point\",\"coordinates\":[-122.433287165,37.774929]},"
            + "\"properties\":{\"price\":1.10,\"name\":\"Caf\u00e9\"}}");
    return PointRecord.fromFeature("places", "rec-1", feature, 0);
  }

  static Stream<Arguments> ops() {
    return Stream.of(
        Arguments.of("upsert", WriteOp.upsert(record(1_300_000_000L), ACCEPTED_MICROS)),
        Arguments.of("delete", WriteOp.delete("places", "rec-1", ACCEPTED_MICROS)),
        Arguments.of("purge-layer", WriteOp.purgeLayer("places", ACCEPTED_MICROS)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ops")
  @DisplayName("every kind survives a JSON round trip, as an object and as a message body")
  void roundTrip(String wire, WriteOp op) {
    JsonObject json = op.toJson();
    assertThat(json.getString("op")).isEqualTo(wire);
    assertThat(WriteOp.fromJson(json)).isEqualTo(op);
    assertThat(WriteOp.fromJson(json.toBuffer())).isEqualTo(op);
    assertThat(WriteOp.fromJson(Buffer.buffer(json.encode()))).isEqualTo(op);
  }

  @Test
  @DisplayName("an upsert carries the exact coordinate text, the created time and the exact properties")
  void upsertFields() {
    WriteOp op = WriteOp.upsert(record(1_300_000_000L), ACCEPTED_MICROS);
    assertThat(op.kind()).isEqualTo(WriteOp.Kind.UPSERT);
    assertThat(op.layer()).isEqualTo("places");
    assertThat(op.id()).isEqualTo("rec-1");
    assertThat(op.upsert().coordinates()).isEqualTo("[-122.433287165,37.774929]");
    assertThat(op.upsert().lon()).isEqualTo(-122.433287165);
    assertThat(op.upsert().lat()).isEqualTo(37.774929);
    assertThat(op.upsert().created()).isEqualTo(1_300_000_000L);
    assertThat(op.upsert().properties()).isEqualTo("{\"price\":1.10,\"name\":\"Caf\u00e9\"}");
    WriteOp back = WriteOp.fromJson(op.toJson().toBuffer());
    assertThat(back.upsert().properties()).isEqualTo("{\"price\":1.10,\"name\":\"Caf\u00e9\"}");
  }

  @ParameterizedTest(name = "created {0}, accepted {1} µs -> ts {2}")
  @CsvSource({
    "1300000000, 1700000000123456, 1300000000123456",
    "1300000000, 1700000000000000, 1300000000000000",
    "1300000000, 1700000000999999, 1300000000999999",
    "0, 5, 5",
    "253402300799, 1700000000654321, 253402300799654321",
    "1300000000, -1, 1300000000999999"
  })
  @DisplayName("an upsert's ts is created seconds in microseconds plus the sub-second micros of acceptance")
  void upsertTimestamp(long created, long acceptedMicros, long expectedTs) {
    assertThat(WriteOp.upsert(record(created), acceptedMicros).ts()).isEqualTo(expectedTs);
  }

  @Test
  @DisplayName("a delete and a layer purge are stamped with the acceptance time itself")
  void deleteAndPurgeTimestamp() {
    WriteOp delete = WriteOp.delete("places", "rec-1", ACCEPTED_MICROS);
    WriteOp purge = WriteOp.purgeLayer("places", ACCEPTED_MICROS);
    assertThat(delete.ts()).isEqualTo(ACCEPTED_MICROS);
    assertThat(delete.upsert()).isNull();
    assertThat(purge.ts()).isEqualTo(ACCEPTED_MICROS);
    assertThat(purge.id()).isNull();
    assertThat(purge.toJson().containsKey("id")).isFalse();
  }

  @Test
  @DisplayName("the record key is the same for one (layer, id) and differs across layers and ids")
  void recordKey() {
    WriteOp upsert = WriteOp.upsert(record(1L), 1L);
    WriteOp delete = WriteOp.delete("places", "rec-1", 99L);
    assertThat(upsert.recordKey()).isEqualTo(delete.recordKey());
    assertThat(WriteOp.delete("other", "rec-1", 1L).recordKey()).isNotEqualTo(delete.recordKey());
    assertThat(WriteOp.delete("places", "rec-2", 1L).recordKey()).isNotEqualTo(delete.recordKey());
    assertThat(WriteOp.delete("a.b", "c", 1L).recordKey()).isNotEqualTo(WriteOp.delete("a", "b.c", 1L).recordKey());
  }

  private static final String UPSERT_TAIL =
      "\"lat\":37.7,\"lon\":-122.4,\"coordinates\":\"[-122.4,37.7]\",\"created\":1,\"properties\":\"{}\"";

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of("empty body", ""),
        Arguments.of("not JSON", "not json"),
        Arguments.of("truncated", "{\"op\":\"delete\""),
        Arguments.of("JSON null", "null"),
        Arguments.of("array", "[]"),
        Arguments.of("number", "42"),
        Arguments.of("string", "\"delete\""),
        Arguments.of("empty object", "{}"),
        Arguments.of("unknown op", "{\"op\":\"explode\",\"layer\":\"l\",\"id\":\"i\",\"ts\":1}"),
        Arguments.of("op in upper case", "{\"op\":\"DELETE\",\"layer\":\"l\",\"id\":\"i\",\"ts\":1}"),
        Arguments.of("missing op", "{\"layer\":\"l\",\"id\":\"i\",\"ts\":1}"),
        Arguments.of("missing layer", "{\"op\":\"delete\",\"id\":\"i\",\"ts\":1}"),
        Arguments.of("missing ts", "{\"op\":\"delete\",\"layer\":\"l\",\"id\":\"i\"}"),
        Arguments.of("ts as text", "{\"op\":\"delete\",\"layer\":\"l\",\"id\":\"i\",\"ts\":\"soon\"}"),
        Arguments.of("ts as object", "{\"op\":\"purge-layer\",\"layer\":\"l\",\"ts\":{}}"),
        Arguments.of("delete without id", "{\"op\":\"delete\",\"layer\":\"l\",\"ts\":1}"),
        Arguments.of("upsert without id", "{\"op\":\"upsert\",\"layer\":\"l\",\"ts\":1," + UPSERT_TAIL + "}"),
        Arguments.of("upsert without lat", "{\"op\":\"upsert\",\"layer\":\"l\",\"id\":\"i\",\"ts\":1," + UPSERT_TAIL.replace("\"lat\":37.7,", "") + "}"),
        Arguments.of("upsert with text lat", "{\"op\":\"upsert\",\"layer\":\"l\",\"id\":\"i\",\"ts\":1," + UPSERT_TAIL.replace("37.7,", "\"north\",") + "}"),
        Arguments.of("upsert without coordinates", "{\"op\":\"upsert\",\"layer\":\"l\",\"id\":\"i\",\"ts\":1," + UPSERT_TAIL.replace("\"coordinates\":\"[-122.4,37.7]\",", "") + "}"),
        Arguments.of("upsert without created", "{\"op\":\"upsert\",\"layer\":\"l\",\"id\":\"i\",\"ts\":1," + UPSERT_TAIL.replace("\"created\":1,", "") + "}"),
        Arguments.of("upsert without properties", "{\"op\":\"upsert\",\"layer\":\"l\",\"id\":\"i\",\"ts\":1," + UPSERT_TAIL.replace(",\"properties\":\"{}\"", "") + "}"),
        Arguments.of("upsert with text created", "{\"op\":\"upsert\",\"layer\":\"l\",\"id\":\"i\",\"ts\":1," + UPSERT_TAIL.replace("\"created\":1", "\"created\":\"then\"") + "}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  @DisplayName("a malformed message body is refused as a 400 Failure (a poison message)")
  void malformedMessages(String name, String body) {
    assertThatThrownBy(() -> WriteOp.fromJson(Buffer.buffer(body))).isInstanceOfSatisfying(Failure.class, f -> assertThat(f.status()).isEqualTo(400));
  }

  @Test
  @DisplayName("a complete upsert message written by hand is read field by field")
  void readsHandWrittenUpsert() {
    WriteOp op = WriteOp.fromJson(Buffer.buffer(
        "{\"op\":\"upsert\",\"layer\":\"l\",\"id\":\"i\",\"ts\":7," + UPSERT_TAIL + "}"));
    assertThat(op).isEqualTo(new WriteOp(WriteOp.Kind.UPSERT, "l", "i", 7L,
        new WriteOp.Upsert(37.7, -122.4, "[-122.4,37.7]", 1L, "{}", 0)));
  }

  @Test
  @DisplayName("a record without created, timed from one clock reading, is stamped with exactly that reading")
  void defaultCreatedMatchesAcceptance() {
    long micros = 1_700_000_000_999_999L;
    JsonObject feature =
        ExactJson.parseObject("{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]}}");
    PointRecord record = PointRecord.fromFeature("layer", "id", feature, micros / 1_000_000);
    assertThat(WriteOp.upsert(record, micros).ts()).isEqualTo(micros);
  }

  @Test
  @DisplayName("an upsert's expires and an expiry with the state it ends travel through the JSON message unchanged")
  void expiryRoundTrip() {
    WriteOp.Upsert state = new WriteOp.Upsert(37.7, -122.4, "[-122.4,37.7]", 1L, "{}", 1_700_000_060L);
    WriteOp upsert = new WriteOp(WriteOp.Kind.UPSERT, "l", "i", 7L, state);
    WriteOp expire = WriteOp.expire("l", "i", 7L, state);
    assertThat(WriteOp.fromJson(upsert.toJson())).isEqualTo(upsert);
    assertThat(WriteOp.fromJson(expire.toJson())).isEqualTo(expire);
    assertThat(expire.toJson().getString("op")).isEqualTo("expire");
    assertThat(new WriteOp(WriteOp.Kind.UPSERT, "l", "i", 7L, new WriteOp.Upsert(37.7, -122.4, "[-122.4,37.7]", 1L, "{}", 0))
            .toJson()
            .containsKey("expires"))
        .as("no expires on the wire for a record that never expires")
        .isFalse();
  }

  @Test
  @DisplayName("an upsert whose created lies ahead of its acceptance is stamped with the acceptance time, never later")
  void aheadIsStampedAtAcceptance() {
    long micros = 1_700_000_000_250_000L;
    JsonObject feature = ExactJson.parseObject(
        "{\"type\":\"Feature\",\"created\":1700000200,\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]}}");
    WriteOp op = WriteOp.upsert(PointRecord.fromFeature("layer", "id", feature, micros / 1_000_000, 300), micros);
    assertThat(op.ts()).isEqualTo(micros);
    assertThat(op.upsert().created()).isEqualTo(1_700_000_200L);
    assertThat(WriteOp.delete("layer", "id", micros + 1).ts()).as("a delete accepted after it is newer").isGreaterThan(op.ts());
  }

  @Test
  @DisplayName("properties up to 10 KiB as stored are carried; one byte more is 413 naming the limit")
  void propertiesLimit() {
    String prefix = "{\"pad\":\"";
    int room = PointRecord.MAX_PROPERTIES_BYTES - prefix.length() - 2;
    assertThat(WriteOp.upsert(withProperties(prefix + "x".repeat(room) + "\"}"), 0).upsert().properties())
        .hasSize(PointRecord.MAX_PROPERTIES_BYTES);
    assertThatThrownBy(() -> WriteOp.upsert(withProperties(prefix + "x".repeat(room + 1) + "\"}"), 0))
        .isInstanceOfSatisfying(Failure.class, f -> assertThat(f.status()).isEqualTo(413))
        .hasMessageContaining("10240 bytes");
    // measured in UTF-8 bytes: é is two
    assertThatThrownBy(() -> WriteOp.upsert(withProperties(prefix + "\u00e9".repeat(room / 2 + 1) + "\"}"), 0))
        .isInstanceOfSatisfying(Failure.class, f -> assertThat(f.status()).isEqualTo(413));
  }

  private static PointRecord withProperties(String properties) {
    return PointRecord.fromFeature("layer", "id", ExactJson.parseObject(
        "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]},\"properties\":" + properties + "}"), 0);
  }
}
