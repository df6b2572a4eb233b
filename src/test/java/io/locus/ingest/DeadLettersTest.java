package io.locus.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("DeadLetters: the properties of a dead letter")
class DeadLettersTest {
  @Test
  @DisplayName("say why the message is poison and which shard it came from")
  void reasonAndShard() {
    long before = System.currentTimeMillis();
    AMQP.BasicProperties properties = DeadLetters.properties(3, "not JSON", 5, "req-1");
    assertThat(properties.getHeaders())
        .containsEntry("x-locus-error", "not JSON")
        .containsEntry("x-locus-shard", 3)
        .containsEntry("x-locus-tries", 5)
        .containsEntry("x-request-id", "req-1")
        .hasSize(5);
    assertThat((Long) properties.getHeaders().get("x-locus-dead-ms")).isBetween(before, System.currentTimeMillis());
  }

  @Test
  @DisplayName("make a persistent JSON message")
  void persistentJson() {
    AMQP.BasicProperties properties = DeadLetters.properties(0, "boom", 1, null);
    assertThat(properties.getDeliveryMode()).isEqualTo(2);
    assertThat(properties.getContentType()).isEqualTo("application/json");
  }

  @Test
  @DisplayName("carry a reason even when the failure had no message")
  void noMessage() {
    assertThat(DeadLetters.properties(1, null, 1, null).getHeaders()).containsEntry("x-locus-error", "null");
  }
}
