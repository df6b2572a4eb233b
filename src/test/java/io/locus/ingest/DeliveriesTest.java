package io.locus.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.BasicProperties;
import com.rabbitmq.client.Envelope;
import io.vertx.core.buffer.Buffer;
import io.vertx.rabbitmq.RabbitMQMessage;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Deliveries: which deliveries lapse when the connection is replaced")
class DeliveriesTest {
  /** Only the envelope and the consumer tag of a delivery matter here. */
  private record Message(long tag, String consumerTag) implements RabbitMQMessage {
    @Override
    public Buffer body() {
      return Buffer.buffer();
    }

    @Override
    public Envelope envelope() {
      return new Envelope(tag, false, "", "locus.shard.0");
    }

    @Override
    public BasicProperties properties() {
      return null;
    }

    @Override
    public Integer messageCount() {
      return null;
    }
  }

  @Test
  @DisplayName("a delivery of a retired subscription has lapsed, even one handled after the reconnection")
  void retiredSubscriptionsLapse() {
    Deliveries deliveries = new Deliveries(null);
    Deliveries.Delivery before = deliveries.received(new Message(5, "amq.ctag-old"));
    assertThat(deliveries.lapsed(before)).isFalse();

    deliveries.reconnected(List.of("amq.ctag-old"));

    // held across the reconnection, and one the client's buffer handed over only afterwards
    Deliveries.Delivery buffered = deliveries.received(new Message(6, "amq.ctag-old"));
    assertThat(deliveries.lapsed(before)).isTrue();
    assertThat(deliveries.lapsed(buffered)).isTrue();
    // the subscription the client made anew on the new channel, tags counted from 1 again
    Deliveries.Delivery anew = deliveries.received(new Message(5, "amq.ctag-new"));
    assertThat(deliveries.lapsed(anew)).isFalse();
    assertThat(deliveries.held()).isEqualTo(3);
  }

  @Test
  @DisplayName("settling a lapsed delivery counts it out without touching the channel")
  void lapsedSettleLocally() {
    Deliveries deliveries = new Deliveries(null); // any use of the client would throw
    Deliveries.Delivery held = deliveries.received(new Message(1, "amq.ctag-a"));
    Deliveries.Delivery other = deliveries.received(new Message(2, "amq.ctag-a"));
    deliveries.reconnected(List.of("amq.ctag-a"));
    deliveries.ack(held);
    deliveries.requeue(other);
    assertThat(deliveries.held()).isZero();
  }
}
