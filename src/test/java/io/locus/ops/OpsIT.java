package io.locus.ops;

import io.locus.ingest.ShardMessage;
import io.vertx.core.buffer.Buffer;

import org.junit.jupiter.api.extension.RegisterExtension;
import io.locus.support.RunningNode;
import io.locus.support.TestNode;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.locus.support.Eventually;
import io.locus.support.Http;
import io.locus.support.Http.Response;
import io.locus.support.OAuthClient;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Health checks, metrics and request ids on a running node")
class OpsIT {
  private static final String POINT = "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[2.35,48.85]}}";
  @RegisterExtension static final RunningNode NODE = new RunningNode();

  @Test
  @DisplayName("/health/live and /health/ready answer 200 without credentials; ready names its checks")
  void health() {
    Response live = NODE.http().unsigned().get("/health/live");
    assertThat(live.status()).isEqualTo(200);
    assertThat(live.json().getString("status")).isEqualTo("UP");
    Response ready = NODE.http().unsigned().awaitStatus("/health/ready", 200);
    assertThat(ready.body()).contains("rabbitmq").contains("cassandra").contains("accepting");
  }

  @Test
  @DisplayName("/openapi.json is the API's document, and /docs renders it with the viewer served from the jar")
  void apiDescription() throws Exception {
    Response document = NODE.http().unsigned().get("/openapi.json");
    assertThat(document.status()).isEqualTo(200);
    assertThat(document.header("Content-Type")).startsWith("application/json");
    assertThat(document.json()).isEqualTo(new JsonObject(Files.readString(Path.of("src/main/resources/openapi/locus.json"))));
    Response page = NODE.http().unsigned().get("/docs");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("Content-Type")).startsWith("text/html");
    assertThat(page.body()).contains("docs/swagger-ui-bundle.js").contains("docs/swagger-ui.css").contains("\"openapi.json\"");
    Response script = NODE.http().unsigned().get("/docs/swagger-ui-bundle.js");
    assertThat(script.status()).isEqualTo(200);
    assertThat(script.header("Content-Type")).contains("javascript");
    assertThat(script.body()).contains("SwaggerUIBundle");
    assertThat(NODE.http().unsigned().get("/docs/swagger-ui.css").status()).isEqualTo(200);
  }

  @Test
  @DisplayName("a draining node is not ready, while still alive")
  void drainingIsNotReady() {
    Lifecycle.startDraining(NODE.node().vertx());
    try {
      Response ready = NODE.http().unsigned().get("/health/ready");
      assertThat(ready.status()).isEqualTo(503);
      assertThat(ready.json().getString("status")).isEqualTo("DOWN");
      assertThat(NODE.http().unsigned().get("/health/live").status()).isEqualTo(200);
    } finally {
      NODE.node().vertx().sharedData().getLocalMap("locus.lifecycle").clear();
    }
  }

  @Test
  @DisplayName("/metrics: HTTP latency by route and status, event bus, publishes, writes, lag, queue depth, Cassandra timers")
  void metrics() {
    String layer = NODE.http().newLayer("it.ops.");
    assertThat(NODE.http().put("/0.1/records/" + layer + "/m1.json", POINT).status()).isEqualTo(202);
    NODE.http().awaitStatus("/0.1/records/" + layer + "/m1.json", 200);

    // Every series below comes from a sampler or a meter that appears on its first update:
    // wait until all of them are there, then check each for a readable failure.
    List<Pattern> series =
        List.of(
            Pattern.compile("vertx_http_server_response_time_seconds_bucket"),
            Pattern.compile("vertx_http_server_requests_total\\{[^}]*code=\"202\"[^}]*route=\"/0.1/records/:layer/:id\""),
            Pattern.compile("vertx_eventbus_processed_total\\{[^}]*address=\"locus.publish\""),
            Pattern.compile("(?m)^locus_publish_operations_total(\\{[^}]*\\})? [1-9]"),
            Pattern.compile("locus_write_operations_total\\{kind=\"upsert\""),
            Pattern.compile("(?m)^locus_write_lag_seconds_count(\\{[^}]*\\})? [1-9]"),
            Pattern.compile(Pattern.quote("locus_queue_messages{queue=\"" + TestNode.PREFIX + ".writes.0\"")),
            Pattern.compile(Pattern.quote("locus_queue_messages{queue=\"" + TestNode.PREFIX + ".dead\"")),
            Pattern.compile("locus_cql_requests_seconds_count\\S* [1-9]"));
    String text =
        Eventually.await(
            Duration.ofSeconds(30),
            () -> NODE.http().unsigned().get("/metrics").body(),
            body -> series.stream().allMatch(line -> line.matcher(body).find()));
    for (Pattern line : series) {
      assertThat(text).containsPattern(line);
    }
    assertThat(counter(text, "locus_publish_operations_total")).isGreaterThanOrEqualTo(1);
    assertThat(counter(text, "locus_write_lag_seconds_count")).isGreaterThanOrEqualTo(1);
  }

  private static double counter(String text, String name) {
    Matcher line = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? ([0-9.eE+]+)$").matcher(text);
    assertThat(line.find()).as(name + " in /metrics").isTrue();
    return Double.parseDouble(line.group(2));
  }

  @Test
  @DisplayName("a request id is echoed, and travels with the write through the event bus into the queue message")
  void requestIdReachesTheQueue() throws Exception {
    String layer = NODE.http().newLayer("it.ops.");
    String url = NODE.http().base() + "/0.1/records/" + layer + "/r1.json";
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost("127.0.0.1");
    try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
      // A copy of every operation routed to any shard lands in this queue too.
      String copies = channel.queueDeclare().getQueue();
      for (int shard = 0; shard < 4; shard++) {
        channel.queueBind(copies, TestNode.PREFIX + ".writes", String.valueOf(shard));
      }
      String id = "it-" + System.nanoTime();
      Response put =
          NODE.http().exchange(
              HttpRequest.newBuilder(URI.create(url))
                  .PUT(HttpRequest.BodyPublishers.ofString(POINT))
                  .header("Content-Type", "application/json")
                  .header("X-Request-Id", id)
                  .header("Authorization", new OAuthClient(Http.DEV_KEY, Http.DEV_SECRET).authorization("PUT", url))
                  .build());
      assertThat(put.status()).isEqualTo(202);
      assertThat(put.header("X-Request-Id")).isEqualTo(id);
      GetResponse copy = Eventually.await(Duration.ofSeconds(10), () -> get(channel, copies), r -> r != null);
      assertThat(copy.getProps().getHeaders().get("x-locus-published-ms")).isInstanceOf(Long.class);
      assertThat(copy.getProps().getContentType()).isEqualTo(ShardMessage.CONTENT_TYPE);
      ShardMessage.Entry entry = ShardMessage.read(Buffer.buffer(copy.getBody())).get(0);
      assertThat(entry.requestId()).isEqualTo(id);
      assertThat(entry.op().id()).isEqualTo("r1");
    }
    assertThat(NODE.http().get("/0.1/layers/" + layer + ".json").header("X-Request-Id")).matches("[0-9a-f]{32}");
  }

  private static GetResponse get(Channel channel, String queue) {
    try {
      return channel.basicGet(queue, true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
