package io.locus.ingest;

import org.junit.jupiter.api.extension.RegisterExtension;
import io.locus.support.RunningNode;
import static org.assertj.core.api.Assertions.assertThat;

import io.locus.support.Eventually;
import io.locus.support.Http.Response;
import io.locus.support.Services;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Stops the RabbitMQ and the Cassandra that {@code make test} started, under a running node, and
 * starts them again: accepted writes are never lost and the node recovers without a restart.
 */
@DisplayName("Outages of RabbitMQ and Cassandra")
class OutageIT {
  @RegisterExtension static final RunningNode NODE = new RunningNode();

  private static String feature(int lon, int lat) {
    return "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[" + lon + "," + lat + "]}}";
  }

  @Test
  @DisplayName("with the broker down a write gets 503 in under 2 s; once it is back writes succeed again")
  void brokerOutage() {
    String layer = NODE.http().newLayer("it.out.");
    assertThat(NODE.http().put("/0.1/records/" + layer + "/before", feature(1, 1)).status()).isEqualTo(202);
    NODE.http().awaitStatus("/0.1/records/" + layer + "/before", 200);

    Services.run("rabbitmq-down");
    try {
      long started = System.nanoTime();
      Response refused = NODE.http().put("/0.1/records/" + layer + "/during", feature(2, 2));
      long elapsedMs = (System.nanoTime() - started) / 1_000_000;
      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.json().getInteger("code")).isEqualTo(503);
      assertThat(elapsedMs).as("time to answer 503").isLessThan(2_000);
      Response health = NODE.http().get("/health");
      assertThat(health.status()).isEqualTo(503);
      assertThat(health.json().getString("rabbitmq")).isEqualTo("down");
    } finally {
      Services.run("rabbitmq-up");
    }

    Eventually.await(Duration.ofSeconds(60),
        () -> NODE.http().put("/0.1/records/" + layer + "/after", feature(3, 3)).status(), s -> s == 202);
    NODE.http().awaitStatus("/0.1/records/" + layer + "/after", 200);
    assertThat(NODE.http().get("/0.1/records/" + layer + "/before").status()).isEqualTo(200);
    Eventually.await(Duration.ofSeconds(30), () -> NODE.http().get("/health").status(), s -> s == 200);
  }

  @Test
  @DisplayName("with Cassandra down writes are still accepted; once it is back the backlog drains intact")
  void cassandraOutage() {
    String layer = NODE.http().newLayer("it.out.");
    assertThat(NODE.http().put("/0.1/records/" + layer + "/r0", feature(0, 0)).status()).isEqualTo(202);
    NODE.http().awaitStatus("/0.1/records/" + layer + "/r0", 200);

    int accepted = 30;
    Services.run("cassandra-down");
    try {
      for (int i = 1; i <= accepted; i++) {
        Response put = NODE.http().put("/0.1/records/" + layer + "/r" + i, feature(i, i));
        assertThat(put.status()).as("write %d during the outage: %s", i, put.body()).isEqualTo(202);
      }
      Response moved = NODE.http().put("/0.1/records/" + layer + "/r0", feature(100, 50));
      assertThat(moved.status()).isEqualTo(202);
      Response health = NODE.http().get("/health");
      assertThat(health.status()).isEqualTo(503);
      assertThat(health.json().getString("cassandra")).isEqualTo("down");
    } finally {
      Services.run("cassandra-up");
    }

    for (int i = 1; i <= accepted; i++) {
      String path = "/0.1/records/" + layer + "/r" + i;
      JsonObject record =
          Eventually.await(Duration.ofSeconds(90), () -> NODE.http().get(path), r -> r.status() == 200).json();
      assertThat(record.getJsonObject("geometry").getJsonArray("coordinates").getInteger(0)).isEqualTo(i);
    }
    JsonObject moved = NODE.http().get("/0.1/records/" + layer + "/r0").json();
    assertThat(moved.getJsonObject("geometry").getJsonArray("coordinates").getInteger(0)).isEqualTo(100);
  }
}
