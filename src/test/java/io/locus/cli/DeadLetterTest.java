package io.locus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.impl.LongStringHelper;
import io.locus.ingest.QueueTopology;
import io.locus.ingest.RabbitSettings;
import io.locus.ops.RequestIds;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("Dead letters are read defensively, printed one a line and filtered for re-driving")
class DeadLetterTest {
  private static final RabbitSettings RABBIT =
      new RabbitSettings("127.0.0.1", 5672, "guest", "guest", "/", "locus.test", 8, 64, 1500, 1000, 3600, 1024);
  private static final QueueTopology TOPOLOGY = new QueueTopology(RABBIT);
  private static final long NOW = 1_800_000_000_000L;

  private static byte[] body(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  /** A writer's dead letter, its headers typed as the Java client delivers them. */
  private static DeadLetter writerLetter(String layer, String id, String reason, long deadAt) {
    Map<String, Object> headers = new HashMap<>();
    headers.put(DeadLetter.ERROR, LongStringHelper.asLongString(reason));
    headers.put(DeadLetter.SHARD, 3);
    headers.put(DeadLetter.TRIES, 7);
    headers.put(DeadLetter.DEAD_MS, deadAt);
    headers.put(RequestIds.HEADER, LongStringHelper.asLongString("req-1"));
    return DeadLetter.read(headers, null, body("{\"op\":\"upsert\",\"layer\":\"" + layer + "\",\"id\":\"" + id + "\",\"ts\":1}"));
  }

  @Test
  @DisplayName("a writer's dead letter: reason, shard, tries, age, request id and the operation from its body")
  void readsAWritersDeadLetter() {
    DeadLetter letter = writerLetter("parks", "p1", "layer parks does not exist", NOW - 3_725_000);
    assertThat(letter.op()).isEqualTo("upsert");
    assertThat(letter.record()).isEqualTo("parks/p1");
    assertThat(letter.shard()).isEqualTo(3);
    assertThat(letter.tries()).isEqualTo(7);
    assertThat(letter.requestId()).isEqualTo("req-1");
    assertThat(letter.reason()).isEqualTo("layer parks does not exist");
    assertThat(letter.ageSeconds(NOW)).isEqualTo(3725);
    assertThat(letter.targetShard(TOPOLOGY)).isEqualTo(TOPOLOGY.shardOf("parks", "p1"));
  }

  @Test
  @DisplayName("a broker's dead letter: x-death's latest reason, count, queue and time; its shard from the queue's name")
  void readsTheBrokersDeadLetter() {
    Map<String, Object> death = new HashMap<>();
    death.put("queue", LongStringHelper.asLongString(TOPOLOGY.legacyShardQueue(5)));
    death.put("reason", LongStringHelper.asLongString("delivery_limit"));
    death.put("count", 2L);
    death.put("time", new Date(NOW - 90_000));
    Map<String, Object> older = Map.of("queue", LongStringHelper.asLongString("elsewhere"), "reason", LongStringHelper.asLongString("expired"));
    Map<String, Object> headers = new HashMap<>();
    headers.put(DeadLetter.X_DEATH, List.of(death, older));
    DeadLetter letter = DeadLetter.read(headers, null, body("{\"op\":\"purge-layer\",\"layer\":\"parks\",\"ts\":1}"));
    assertThat(letter.reason()).isEqualTo("broker: delivery_limit (count 2, queue " + TOPOLOGY.legacyShardQueue(5) + ")");
    assertThat(letter.reasonKind()).isEqualTo("broker: delivery_limit");
    assertThat(letter.ageSeconds(NOW)).isEqualTo(90);
    assertThat(letter.fromShard(TOPOLOGY)).isEqualTo(5);
    assertThat(letter.record()).isEqualTo("parks/*");
    assertThat(letter.targetShard(TOPOLOGY)).as("a purge goes back to the shard it came from").isEqualTo(5);
  }

  @Test
  @DisplayName("no headers and a body that is not JSON: every field unknown, and nowhere to re-drive it")
  void readsAnythingElseAsUnknown() {
    DeadLetter letter = DeadLetter.read(null, null, body("not json {"));
    assertThat(letter.reason()).isEqualTo("unknown");
    assertThat(letter.record()).isEqualTo("unknown");
    assertThat(letter.ageSeconds(NOW)).isNull();
    assertThat(letter.targetShard(TOPOLOGY)).isNull();
    Map<String, Object> odd = new HashMap<>();
    odd.put(DeadLetter.SHARD, "two");
    odd.put(DeadLetter.TRIES, List.of(1));
    odd.put(DeadLetter.X_DEATH, "not a list");
    odd.put(DeadLetter.ERROR, 42);
    DeadLetter typedWrong = DeadLetter.read(odd, new Date(NOW - 5_000), body("[1,2]"));
    assertThat(typedWrong.shard()).isNull();
    assertThat(typedWrong.tries()).isNull();
    assertThat(typedWrong.death()).isNull();
    assertThat(typedWrong.reason()).isEqualTo("unknown");
    assertThat(typedWrong.ageSeconds(NOW)).as("the timestamp property, when nothing else says").isEqualTo(5);
  }

  @Test
  @DisplayName("a reason with line breaks (a stack trace) stays on one line")
  void reasonOnOneLine() {
    assertThat(writerLetter("a", "b", "boom\n\tat x.y(Z.java:1)\n", NOW).reason()).isEqualTo("boom at x.y(Z.java:1)");
  }

  @ParameterizedTest
  @CsvSource({"0,0s", "59,59s", "60,1m00s", "3599,59m59s", "3600,1h00m", "86399,23h59m", "86400,1d00h", "200000,2d07h"})
  @DisplayName("ages in their two largest units")
  void ages(long seconds, String shown) {
    assertThat(DeadLetterReport.age(seconds)).isEqualTo(shown);
  }

  @Test
  @DisplayName("the table: a heading, one aligned line per dead letter, the reason last; the summary counts by reason")
  void table() {
    List<DeadLetter> letters =
        List.of(
            writerLetter("parks", "p1", "layer parks does not exist", NOW - 120_000),
            writerLetter("parks", "p22", "layer parks does not exist", NOW - 60_000),
            DeadLetter.read(null, null, body("{}")));
    List<String> lines = DeadLetterReport.table(letters, TOPOLOGY, NOW);
    assertThat(lines).containsExactly(
        "AGE      SHARD    RECORD     OP       TRIES    REQUEST  REASON",
        "2m00s    3        parks/p1   upsert   7        req-1    layer parks does not exist",
        "1m00s    3        parks/p22  upsert   7        req-1    layer parks does not exist",
        "unknown  unknown  unknown    unknown  unknown  unknown  unknown");
    assertThat(DeadLetterReport.byReason(letters)).containsExactly("  2  layer parks does not exist", "  1  unknown");
  }

  @Test
  @DisplayName("a filter takes what matches every criterion given, and nothing whose age it cannot tell when asked for one")
  void filters() {
    DeadLetter old = writerLetter("parks", "p1", "Layer parks does not exist", NOW - 7_200_000);
    DeadLetter young = writerLetter("roads", "r1", "timeout", NOW - 10_000);
    DeadLetter ageless = DeadLetter.read(null, null, body("{\"op\":\"delete\",\"layer\":\"parks\",\"id\":\"p2\",\"ts\":1}"));
    assertThat(new DeadLetterFilter(null, null, null, null).matches(ageless, NOW)).isTrue();
    assertThat(new DeadLetterFilter("parks", null, null, null).matches(old, NOW)).isTrue();
    assertThat(new DeadLetterFilter("parks", null, null, null).matches(young, NOW)).isFalse();
    assertThat(new DeadLetterFilter("parks", "p1", null, null).matches(old, NOW)).isTrue();
    assertThat(new DeadLetterFilter("parks", "p2", null, null).matches(old, NOW)).isFalse();
    assertThat(new DeadLetterFilter(null, null, "DOES NOT", null).matches(old, NOW)).isTrue();
    assertThat(new DeadLetterFilter(null, null, "does not", null).matches(young, NOW)).isFalse();
    assertThat(new DeadLetterFilter(null, null, null, 3600L).matches(old, NOW)).isTrue();
    assertThat(new DeadLetterFilter(null, null, null, 3600L).matches(young, NOW)).isFalse();
    assertThat(new DeadLetterFilter(null, null, null, 0L).matches(ageless, NOW)).isFalse();
  }

  @Test
  @DisplayName("a re-driven copy keeps the request id and drops why it died")
  void copyProperties() {
    var properties = DeadLettersCommand.copyProperties(writerLetter("parks", "p1", "boom", NOW));
    assertThat(properties.getDeliveryMode()).isEqualTo(2);
    assertThat(properties.getHeaders()).containsOnlyKeys(RequestIds.HEADER).containsEntry(RequestIds.HEADER, "req-1");
  }

  @Test
  @DisplayName("the header names are the ones the writer sets (ingest.DeadLetters)")
  void headerNamesAreTheWritersOwn() throws ReflectiveOperationException {
    // DeadLetters keeps its names package-private; read them so a renaming there fails here.
    Class<?> writer = Class.forName("io.locus.ingest.DeadLetters");
    for (Map.Entry<String, String> name : Map.of("ERROR", DeadLetter.ERROR, "SHARD", DeadLetter.SHARD).entrySet()) {
      Field field = writer.getDeclaredField(name.getKey());
      field.setAccessible(true);
      assertThat(field.get(null)).as("DeadLetters.%s", name.getKey()).isEqualTo(name.getValue());
    }
  }

  @Test
  @DisplayName("bad arguments end with exit code 2 before any connection; --help explains both subcommands")
  void arguments() {
    NodeDefaults defaults = new NodeDefaults("http://127.0.0.1:1", "", "", "", RABBIT);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    assertThat(Commands.run("dead-letters", List.of("--limit", "0"), defaults, o, e)).isEqualTo(2);
    assertThat(Commands.run("dead-letters", List.of("redrive", "--older-than", "-1"), defaults, o, e)).isEqualTo(2);
    assertThat(Commands.run("dead-letters", List.of("redrive", "--layer"), defaults, o, e)).isEqualTo(2);
    assertThat(Commands.run("dead-letters", List.of("purge"), defaults, o, e)).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--limit must be 1 or more", "--older-than must be 0 or more");
    assertThat(Commands.run("dead-letters", List.of("--help"), defaults, o, e)).isZero();
    assertThat(Commands.run("dead-letters", List.of("redrive", "--help"), defaults, o, e)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("list", "redrive", "--reason-contains", "--older-than", "--limit", "--dry-run");
  }
}
