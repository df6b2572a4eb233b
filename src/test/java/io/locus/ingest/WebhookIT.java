package io.locus.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.locus.support.Eventually;
import io.locus.support.Http;
import io.locus.support.Http.Response;
import io.locus.support.Receiver;
import io.locus.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Webhooks: every change POSTed to the layer's callback_urls, signed, in order per record, retried, dead-lettered")
class WebhookIT {
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final int MAX_ATTEMPTS = 6;
  private static TestNode node;
  private static Receiver receiver;
  private static String secret;
  /** Attempts seen per delivery id, for the receiver that fails the first ones. */
  private static final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() {
    node =
        TestNode.start(
            Map.of(
                "LOCUS_HOOKS_FIRST_RETRY_MS", "50",
                "LOCUS_HOOKS_MAX_RETRY_MS", "200",
                "LOCUS_HOOKS_MAX_ATTEMPTS", String.valueOf(MAX_ATTEMPTS),
                "LOCUS_HOOKS_TIMEOUT_MS", "2000"));
    secret = node.config.getJsonObject("auth").getString("devConsumerSecret");
    receiver =
        Receiver.start(
            request ->
                switch (request.path()) {
                  case "/ok" -> 200;
                  case "/flaky" ->
                      attempts.computeIfAbsent(String.valueOf(request.getHeader("X-Locus-Delivery")), d -> new AtomicInteger()).incrementAndGet() <= 3
                          ? 503
                          : 204;
                  default -> 500;
                });
  }

  @AfterAll
  static void stop() {
    try {
      receiver.close();
    } finally {
      node.close();
    }
  }

  private static Http http() {
    return node.http;
  }

  private static String hook(String path) {
    return receiver.url(path);
  }

  private static String layerCalling(String path) {
    String layer = http().newLayer("it.hooks.");
    Response saved = http().put("/0.1/layers/" + layer + ".json", new JsonObject().put("callback_urls", new JsonArray().add(hook(path))));
    assertThat(saved.status()).as(saved.body()).isEqualTo(200);
    return layer;
  }

  private static JsonObject feature(double lat, double lon, long created) {
    return new JsonObject()
        .put("type", "Feature")
        .put("created", created)
        .put("geometry", new JsonObject().put("type", "Point").put("coordinates", new JsonArray().add(lon).add(lat)))
        .put("properties", new JsonObject().put("n", created));
  }

  private static List<Receiver.Received> deliveredTo(String layer, String path) {
    return receiver.once().stream().filter(r -> r.path().equals(path) && r.json().getString("layer").equals(layer)).toList();
  }

  private static String hmac(String body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  @DisplayName("a quiet layer (no callback URL, no fence), whose changes the fan-out passes over, sends the changes made after it is given a callback URL")
  void quietLayerGivenACallback() {
    String layer = http().newLayer("it.hooks.");
    for (int i = 0; i < 5; i++) {
      assertThat(http().put("/0.1/records/" + layer + "/q" + i + ".json", feature(10 + i, 20, 1_700_000_000L + i)).status()).isEqualTo(202);
    }
    http().awaitStatus("/0.1/records/" + layer + "/q4.json", 200);
    Response saved = http().put("/0.1/layers/" + layer + ".json", new JsonObject().put("callback_urls", new JsonArray().add(hook("/ok"))));
    assertThat(saved.status()).as(saved.body()).isEqualTo(200);
    AtomicInteger moves = new AtomicInteger();
    List<Receiver.Received> got =
        Eventually.await(
            PATIENCE,
            () -> {
              int move = moves.incrementAndGet(); // a new change each time asked, until one is delivered
              assertThat(http().put("/0.1/records/" + layer + "/late.json", feature(30, 20 + move * 0.001, 1_700_000_100L + move)).status())
                  .isEqualTo(202);
              return deliveredTo(layer, "/ok");
            },
            list -> !list.isEmpty(),
            Duration.ofMillis(500));
    assertThat(got).extracting(r -> r.json().getString("id")).contains("late");
  }

  @Test
  @DisplayName("each upsert and delete is POSTed once, as the change stream renders it, with its kind, a delivery id and a valid signature")
  void everyChangeSigned() throws Exception {
    String layer = layerCalling("/ok");
    for (int i = 0; i < 3; i++) {
      assertThat(http().put("/0.1/records/" + layer + "/r" + i + ".json", feature(40 + i, -74, 1_700_000_000L + i)).status()).isEqualTo(202);
    }
    http().awaitStatus("/0.1/records/" + layer + "/r1.json", 200);
    assertThat(http().delete("/0.1/records/" + layer + "/r1.json").status()).isEqualTo(202);

    List<Receiver.Received> got = Eventually.await(PATIENCE, () -> deliveredTo(layer, "/ok"), list -> list.size() >= 4);
    assertThat(got).hasSize(4);
    assertThat(got)
        .as("one delivery id for each change")
        .extracting(r -> r.json().getString("id") + " " + r.event())
        .containsExactlyInAnyOrder("r0 upsert", "r1 upsert", "r2 upsert", "r1 delete");
    for (Receiver.Received one : got) {
      assertThat(one.signature()).as("signature of %s", one.body()).isEqualTo(hmac(one.body()));
      assertThat(one.event()).isEqualTo(one.json().getString("event"));
    }
    List<Receiver.Received> ofR1 = got.stream().filter(r -> r.json().getString("id").equals("r1")).toList();
    assertThat(ofR1).extracting(Receiver.Received::event).containsExactly("upsert", "delete");
    assertThat(ofR1.get(1).json().getValue("record")).isNull();
    assertThat(ofR1.get(1).json().getJsonObject("previous").getJsonArray("coordinates")).isEqualTo(new JsonArray().add(-74.0).add(41.0));
    JsonObject r2 = got.stream().filter(r -> r.json().getString("id").equals("r2")).findFirst().orElseThrow().json();
    assertThat(r2.getJsonObject("record").getJsonObject("geometry").getJsonArray("coordinates")).isEqualTo(new JsonArray().add(-74.0).add(42.0));
    assertThat(r2.getJsonObject("record").getLong("created")).isEqualTo(1_700_000_002L);
  }

  @Test
  @DisplayName("a receiver failing each delivery's first attempts gets every change, each record's in the order written")
  void retriedInOrder() {
    String layer = layerCalling("/flaky");
    List<Double> written = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      double lat = 10 + i * 0.01;
      written.add(lat);
      assertThat(http().put("/0.1/records/" + layer + "/walker.json", feature(lat, 20, 1_700_000_000L + i)).status()).isEqualTo(202);
      assertThat(http().put("/0.1/records/" + layer + "/other" + i + ".json", feature(lat, 21, 1_700_000_000L)).status()).isEqualTo(202);
    }
    List<Receiver.Received> got = Eventually.await(PATIENCE, () -> deliveredTo(layer, "/flaky"), list -> list.size() >= 16);
    assertThat(got).hasSize(16);
    List<Double> walked =
        got.stream()
            .filter(r -> r.json().getString("id").equals("walker"))
            .map(r -> r.json().getJsonObject("record").getJsonObject("geometry").getJsonArray("coordinates").getDouble(1))
            .toList();
    assertThat(walked).as("the walker's positions as delivered").isEqualTo(written);
    for (Receiver.Received one : got) {
      assertThat(attempts.get(one.delivery()).get()).as("attempts at %s", one.delivery()).isEqualTo(4);
    }
    String metrics = http().unsigned().get("/metrics").body();
    assertThat(metrics).containsPattern("locus_webhook_deliveries_total\\{[^}]*result=\"retried\"[^}]*} [1-9]");
  }

  @Test
  @DisplayName("a receiver that always fails has each delivery tried hooks.maxAttempts times, then dead-lettered with the reason, and the metrics say so")
  void deadLettered() {
    QueueTopology topology = new QueueTopology(RabbitSettings.from(node.config.getJsonObject("rabbitmq")));
    RabbitMQClient client = RabbitMQClient.create(node.vertx(), RabbitSettings.from(node.config.getJsonObject("rabbitmq")).clientOptions());
    client.start().await();
    try {
      String layer = layerCalling("/down");
      assertThat(http().put("/0.1/records/" + layer + "/doomed.json", feature(1, 1, 1_700_000_000L)).status()).isEqualTo(202);
      JsonObject dead =
          Eventually.await(
              PATIENCE,
              () -> {
                RabbitMQMessage message = client.basicGet(topology.hookDeadQueue(), true).await();
                return message == null ? null : message.body().toJsonObject();
              },
              letter -> letter != null && letter.getString("delivery").contains(layer));
      assertThat(dead.getString("reason")).contains("500");
      assertThat(dead.getInteger("attempts")).isEqualTo(MAX_ATTEMPTS);
      assertThat(receiver.received().stream().filter(r -> r.path().equals("/down") && r.body().contains(layer))).hasSize(MAX_ATTEMPTS);
      String metrics = http().unsigned().get("/metrics").body();
      assertThat(metrics).containsPattern("locus_webhook_deliveries_total\\{[^}]*result=\"dead_lettered\"[^}]*} [1-9]");
    } finally {
      client.stop().await();
    }
  }

  @Test
  @DisplayName("callback URLs naming link-local, private or unspecified addresses are refused with 400 (loopback is allowed in development)")
  void refusesInternalTargets() {
    String layer = http().newLayer("it.hooks.");
    for (String url : List.of("http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/hook", "http://[fd00::1]/hook", "http://0.0.0.0/hook", "http://db.internal/x")) {
      Response refused = http().put("/0.1/layers/" + layer + ".json", new JsonObject().put("callback_urls", new JsonArray().add(url)));
      assertThat(refused.status()).as(url).isEqualTo(400);
      assertThat(refused.json().getString("message")).as(url).containsAnyOf("private", "link-local", "cannot be called", "internal");
    }
    assertThat(http().get("/0.1/layers/" + layer + ".json").json().getJsonArray("callback_urls")).isEmpty();
    assertThat(http().put("/0.1/layers/" + layer + ".json", new JsonObject().put("callback_urls", new JsonArray().add("http://127.0.0.1:9/x"))).status())
        .isEqualTo(200);
  }
}
