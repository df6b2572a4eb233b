package io.locus.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.BasicProperties;
import com.rabbitmq.client.Envelope;
import io.vertx.core.buffer.Buffer;
import io.vertx.rabbitmq.RabbitMQMessage;
import io.vertx.core.Handler;
import io.vertx.rabbitmq.RabbitMQClient;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Deliveries: which deliveries lapse when their connection is found broken")
class DeliveriesTest {
  /** Only the envelope of a delivery matters here. */
  private record Message(long tag) implements RabbitMQMessage {
    @Override
    public String consumerTag() {
      return "amq.ctag-1";
    }

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

  /** A client that must not be used: settling a delivery of the current connection would. */
  private static final RabbitMQClient UNUSED =
      (RabbitMQClient)
          Proxy.newProxyInstance(
              RabbitMQClient.class.getClassLoader(),
              new Class<?>[] {RabbitMQClient.class},
              (proxy, method, args) -> {
                throw new AssertionError("no client call expected: " + method.getName());
              });

  /** Connection numbers as a {@link BrokerConnection} counts them; no client is ever used here. */
  private static final class Epochs implements Deliveries.Epochs {
    long epoch = 1;

    @Override
    public long epoch() {
      return epoch;
    }

    @Override
    public RabbitMQClient clientAt(long at) {
      return null;
    }
  }

  /** Connections numbered by {@code epochs}, the current one with a client (never used here). */
  private static Deliveries.Epochs current(Epochs epochs) {
    return new Deliveries.Epochs() {
      @Override
      public long epoch() {
        return epochs.epoch;
      }

      @Override
      public RabbitMQClient clientAt(long at) {
        return at == epochs.epoch ? UNUSED : null;
      }
    };
  }

  @Test
  @DisplayName("a delivery of a connection since found broken has lapsed; one of the current connection has not")
  void lapseWithTheirConnection() {
    Epochs epochs = new Epochs();
    Deliveries deliveries = new Deliveries(current(epochs));
    Deliveries.Delivery before = deliveries.received(new Message(5));
    assertThat(deliveries.lapsed(before)).isFalse();

    epochs.epoch = 2;

    assertThat(deliveries.lapsed(before)).isTrue();
    Deliveries.Delivery anew = deliveries.received(new Message(5)); // tags count from 1 again on a new channel
    assertThat(deliveries.lapsed(anew)).isFalse();
    assertThat(deliveries.held()).isEqualTo(2);
  }

  @Test
  @DisplayName("a subscription passes over what its buffer hands over after its connection lapsed")
  void subscriptionsOfALapsedConnectionDeliverNothing() {
    Epochs epochs = new Epochs();
    Deliveries deliveries = new Deliveries(current(epochs));
    List<Long> handled = new ArrayList<>();
    Handler<RabbitMQMessage> old = deliveries.subscribed(1, m -> handled.add(m.envelope().getDeliveryTag()));
    old.handle(new Message(1));
    epochs.epoch = 2;
    old.handle(new Message(2));
    deliveries.subscribed(2, m -> handled.add(m.envelope().getDeliveryTag())).handle(new Message(3));
    assertThat(handled).containsExactly(1L, 3L);
  }

  @Test
  @DisplayName("settling a lapsed delivery counts it out without touching any channel")
  void lapsedSettleLocally() {
    Deliveries deliveries = new Deliveries(new Epochs()); // no client: any use of one would throw
    Deliveries.Delivery held = deliveries.received(new Message(1));
    Deliveries.Delivery other = deliveries.received(new Message(2));
    deliveries.ack(held);
    deliveries.requeue(other);
    assertThat(deliveries.held()).isZero();
  }
}
