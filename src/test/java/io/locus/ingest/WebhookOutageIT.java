package io.locus.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.locus.support.Eventually;
import io.locus.support.Http;
import io.locus.support.Receiver;
import io.locus.support.RunningNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("Webhooks across a receiver's outage, with the configuration a node ships with")
class WebhookOutageIT {
  private static final Duration PATIENCE = Duration.ofSeconds(90);
  @RegisterExtension static final RunningNode NODE = new RunningNode();

  private static Http http() {
    return NODE.http();
  }

  private static JsonObject feature(double lat, long created) {
    return new JsonObject()
        .put("type", "Feature")
        .put("created", created)
        .put("geometry", new JsonObject().put("type", "Point").put("coordinates", new JsonArray().add(5.0).add(lat)));
  }

  @Test
  @DisplayName("a receiver down while 20 changes of 2 records are written gets every one once it is up, each record's in order")
  void downThenUp() {
    AtomicBoolean down = new AtomicBoolean(true);
    try (Receiver receiver = Receiver.start(request -> down.get() ? 503 : 200)) {
      String layer = http().newLayer("it.outage.");
      JsonObject settings = new JsonObject().put("callback_urls", new JsonArray().add(receiver.url("/hook")));
      assertThat(http().put("/0.1/layers/" + layer + ".json", settings).status()).isEqualTo(200);
      List<Double> written = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        double lat = 10 + i * 0.01;
        written.add(lat);
        for (String id : List.of("a", "b")) {
          assertThat(http().put("/0.1/records/" + layer + "/" + id + ".json", feature(lat, 1_700_000_000L + i)).status()).isEqualTo(202);
        }
      }
      // Down until each record's first delivery was refused at least twice (retried, not dropped).
      Eventually.await(
          PATIENCE,
          () -> receiver.received().stream().filter(r -> r.status() == 503).map(Receiver.Received::delivery).toList(),
          refused -> refused.stream().distinct().count() >= 2 && refused.size() >= 4);
      down.set(false);

      List<Receiver.Received> delivered =
          Eventually.await(
              PATIENCE,
              () -> receiver.received().stream().filter(r -> r.status() == 200).toList(),
              list -> list.stream().map(Receiver.Received::delivery).distinct().count() >= 20);
      for (String id : List.of("a", "b")) {
        List<Double> positions =
            delivered.stream()
                .filter(r -> r.json().getString("id").equals(id))
                .map(r -> r.json().getJsonObject("record").getJsonObject("geometry").getJsonArray("coordinates").getDouble(1))
                .distinct()
                .toList();
        assertThat(positions).as("record %s, as delivered", id).isEqualTo(written);
      }
    }
  }
}
