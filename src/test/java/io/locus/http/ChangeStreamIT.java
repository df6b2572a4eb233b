package io.locus.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.locus.ingest.QueueTopology;
import io.locus.ingest.RabbitSettings;
import io.locus.support.EventStream;
import io.locus.support.EventStream.Event;
import io.locus.support.Eventually;
import io.locus.support.Http;
import io.locus.support.Http.Response;
import io.locus.support.RunningNode;
import io.locus.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The change stream end to end, through RabbitMQ's stream of changes: what a subscriber
 * receives is every acknowledged write, exactly as the record reads back, filtered by area,
 * resumable from its last event id, as Server-Sent Events and as WebSocket frames.
 */
@DisplayName("Change stream: every acknowledged write, as it reads back, resumable, over SSE and WebSocket")
class ChangeStreamIT {
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  @RegisterExtension static final RunningNode NODE = new RunningNode();

  private static EventStream stream(String path, Map<String, String> headers) {
    return EventStream.open(NODE.http(), path, headers);
  }

  private static String changes(String layer) {
    return "/0.1/layers/" + layer + "/changes";
  }

  private static JsonObject feature(double lat, double lon, JsonObject properties) {
    return new JsonObject()
        .put("type", "Feature")
        .put("geometry", new JsonObject().put("type", "Point").put("coordinates", new JsonArray().add(lon).add(lat)))
        .put("properties", properties);
  }

  private static void put(String layer, String id, double lat, double lon) {
    Response answer = NODE.http().put("/0.1/records/" + layer + "/" + id + ".json", feature(lat, lon, new JsonObject().put("n", id)));
    assertThat(answer.status()).as(answer.body()).isEqualTo(202);
  }

  private static JsonObject record(String layer, String id) {
    Response answer = NODE.http().get("/0.1/records/" + layer + "/" + id + ".json");
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    return answer.json();
  }

  @Test
  @DisplayName("every acknowledged upsert and delete arrives once, its record exactly as GET answers it, ids increasing")
  void everyWriteArrives() {
    String layer = NODE.http().newLayer("it.changes.");
    try (EventStream stream = stream(changes(layer), Map.of()).opened()) {
      for (int i = 0; i < 10; i++) {
        put(layer, "single-" + i, 40 + i * 0.01, -74);
      }
      JsonArray bulk = new JsonArray();
      for (int i = 0; i < 30; i++) {
        bulk.add(feature(41 + i * 0.01, -73, new JsonObject().put("n", i)).put("id", "bulk-" + i));
      }
      assertThat(NODE.http().post("/0.1/records/" + layer + ".json", new JsonObject().put("type", "FeatureCollection").put("features", bulk)).status())
          .isEqualTo(202);
      List<Event> upserts = stream.next(40);
      assertThat(NODE.http().delete("/0.1/records/" + layer + "/single-3.json").status()).isEqualTo(202);
      Event deleted = stream.next(1).get(0);

      Map<String, Event> byRecord = new HashMap<>();
      for (Event event : upserts) {
        assertThat(event.kind()).isEqualTo("upsert");
        assertThat(event.data().getString("event")).isEqualTo("upsert");
        assertThat(event.data().getString("layer")).isEqualTo(layer);
        assertThat(event.data().getValue("previous")).isNull();
        assertThat(event.data().getString("eventId")).isEqualTo(event.id());
        assertThat(byRecord.put(event.data().getString("id"), event)).as("one event per record").isNull();
      }
      assertThat(byRecord).hasSize(40);
      for (Map.Entry<String, Event> entry : byRecord.entrySet()) {
        if (!entry.getKey().equals("single-3")) {
          assertThat(entry.getValue().data().getJsonObject("record")).isEqualTo(record(layer, entry.getKey()));
        }
      }
      List<Long> ids = upserts.stream().map(event -> Long.parseLong(event.id())).toList();
      assertThat(ids).isSorted().doesNotHaveDuplicates();
      assertThat(Long.parseLong(deleted.id())).isGreaterThan(ids.get(ids.size() - 1));
      assertThat(deleted.kind()).isEqualTo("delete");
      assertThat(deleted.data().getString("id")).isEqualTo("single-3");
      assertThat(deleted.data().getValue("record")).isNull();
      assertThat(deleted.data().getJsonObject("previous"))
          .isEqualTo(new JsonObject().put("type", "Point").put("coordinates", new JsonArray().add(-74.0).add(40.03)));
      long now = System.currentTimeMillis();
      assertThat(deleted.data().getLong("time")).isBetween(now - 60_000, now + 1_000);
    }
  }

  @Test
  @DisplayName("a subscriber resuming with Last-Event-ID gets every change it missed, once, then the live ones")
  void resumes() {
    String layer = NODE.http().newLayer("it.changes.");
    String last;
    try (EventStream stream = stream(changes(layer), Map.of()).opened()) {
      for (int i = 0; i < 5; i++) {
        put(layer, "seen-" + i, 10, 10 + i * 0.01);
      }
      List<Event> seen = stream.next(5);
      last = seen.get(4).id();
    }
    for (int i = 0; i < 8; i++) {
      put(layer, "missed-" + i, 11, 10 + i * 0.01);
    }
    put(layer, "seen-0", 12, 10);
    Eventually.await(PATIENCE, () -> NODE.http().get("/0.1/records/" + layer + "/seen-0.json"), r -> r.body().contains("[10.0,12.0]"));

    try (EventStream resumed = stream(changes(layer), Map.of("Last-Event-ID", last)).opened()) {
      List<Event> missed = resumed.next(9);
      Set<String> ids = new HashSet<>();
      missed.forEach(event -> ids.add(event.data().getString("id")));
      assertThat(ids).hasSize(9).contains("seen-0").allMatch(id -> id.startsWith("missed-") || id.equals("seen-0"));
      Event moved = missed.stream().filter(event -> event.data().getString("id").equals("seen-0")).findFirst().orElseThrow();
      assertThat(moved.data().getJsonObject("previous").getJsonArray("coordinates")).isEqualTo(new JsonArray().add(10.0).add(10.0));
      assertThat(missed.stream().map(event -> Long.parseLong(event.id())).toList()).isSorted().allMatch(id -> id > Long.parseLong(last));

      put(layer, "live-after-resume", 13, 10);
      Event live = resumed.next(1).get(0);
      assertThat(live.data().getString("id")).isEqualTo("live-after-resume");
      assertThat(resumed.next(Duration.ofSeconds(1))).as("nothing repeated").isNull();
    }
  }

  @Test
  @DisplayName("a change the feed carries twice (published again after a late confirm) reaches a subscriber once")
  void repeatsPassedOver() throws Exception {
    String layer = NODE.http().newLayer("it.changes.");
    RabbitSettings settings = RabbitSettings.from(NODE.node().config.getJsonObject("rabbitmq"));
    QueueTopology topology = new QueueTopology(settings);
    String body =
        "{\"v\":1,\"kind\":\"upsert\",\"layer\":\"" + layer + "\",\"id\":\"twice\",\"ts\":" + System.currentTimeMillis()
            + ",\"shard\":0,\"state\":{\"lat\":1.0,\"lon\":2.0,\"coordinates\":[2.0,1.0],\"created\":1,\"properties\":{}}}";
    try (EventStream stream = stream(changes(layer), Map.of()).opened();
        com.rabbitmq.client.Connection connection = settings.connectionFactory().newConnection("ChangeStreamIT")) {
      com.rabbitmq.client.Channel channel = connection.createChannel();
      channel.confirmSelect();
      for (int copy = 0; copy < 2; copy++) {
        channel.basicPublish(topology.changesExchange(), QueueTopology.routingKey(0), null, body.getBytes(StandardCharsets.UTF_8));
      }
      channel.waitForConfirmsOrDie(10_000);
      put(layer, "after", 3, 4);
      // Both copies are on the stream before the change of "after": the first two events tell.
      List<Event> events = stream.next(2);
      assertThat(events.stream().map(event -> event.data().getString("id")).toList()).containsExactly("twice", "after");
    }
  }

  @Test
  @DisplayName("a circle or box filter passes only changes whose new or previous position is inside")
  void filters() {
    String layer = NODE.http().newLayer("it.changes.");
    try (EventStream circle = stream(changes(layer) + "?lat=51.5&lon=-0.12&radius=5", Map.of()).opened();
        EventStream box = stream(changes(layer) + "?bbox=51.4,-0.3,51.6,0.0", Map.of()).opened()) {
      put(layer, "outside", 48.85, 2.35);
      put(layer, "inside", 51.5, -0.12);
      put(layer, "inside", 48.85, 2.35); // moves out: its previous position was inside
      assertThat(circle.next(2).stream().map(event -> event.data().getString("id"))).containsExactly("inside", "inside");
      assertThat(box.next(2).stream().map(event -> event.data().getString("id"))).containsExactly("inside", "inside");
      assertThat(circle.next(Duration.ofSeconds(1))).isNull();
    }
  }

  /** A WebSocket subscriber collecting text frames. */
  static final class Frames implements WebSocket.Listener {
    final BlockingQueue<JsonObject> received = new LinkedBlockingQueue<>();
    final CompletableFuture<Void> listening = new CompletableFuture<>();
    private final StringBuilder text = new StringBuilder();

    /** The server pings once the subscription listens. */
    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, java.nio.ByteBuffer message) {
      listening.complete(null);
      return WebSocket.Listener.super.onPing(webSocket, message);
    }

    @Override
    public void onOpen(WebSocket webSocket) {
      webSocket.request(Long.MAX_VALUE);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        received.add(new JsonObject(text.toString()));
        text.setLength(0);
      }
      return null;
    }

    JsonObject next() throws InterruptedException {
      JsonObject frame = received.poll(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(frame).as("a frame within %s", PATIENCE).isNotNull();
      return frame;
    }
  }

  private static CompletableFuture<WebSocket> webSocket(String path, Http signer, Frames frames) {
    WebSocket.Builder builder = CLIENT.newWebSocketBuilder();
    String authorization = signer.authorization("GET", path);
    if (authorization != null) {
      builder.header("Authorization", authorization);
    }
    return builder.buildAsync(URI.create(NODE.http().base().replace("http://", "ws://") + path), frames);
  }

  @Test
  @DisplayName("a WebSocket upgrade on the same path gets each change as one JSON text frame, and resumes with lastEventId (the layer named with or without .json)")
  void webSocket() throws Exception {
    String layer = NODE.http().newLayer("it.changes.");
    Frames frames = new Frames();
    WebSocket socket = webSocket(changes(layer), NODE.http(), frames).get(30, TimeUnit.SECONDS);
    String last;
    try {
      frames.listening.get(30, TimeUnit.SECONDS);
      put(layer, "ws-1", 35.68, 139.69);
      JsonObject first = frames.next();
      assertThat(first.getString("event")).isEqualTo("upsert");
      assertThat(first.getString("id")).isEqualTo("ws-1");
      assertThat(first.getJsonObject("record")).isEqualTo(record(layer, "ws-1"));
      last = first.getString("eventId");
      assertThat(last).isNotBlank();
    } finally {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(30, TimeUnit.SECONDS);
    }
    put(layer, "ws-2", 35.69, 139.69);
    Eventually.await(PATIENCE, () -> NODE.http().get("/0.1/records/" + layer + "/ws-2.json").status(), status -> status == 200);
    Frames resumed = new Frames();
    // the layer with its optional .json suffix, as every path takes it
    WebSocket again = webSocket(changes(layer + ".json") + "?lastEventId=" + last, NODE.http(), resumed).get(30, TimeUnit.SECONDS);
    try {
      JsonObject missed = resumed.next();
      assertThat(missed.getString("id")).isEqualTo("ws-2");
      assertThat(Long.parseLong(missed.getString("eventId"))).isGreaterThan(Long.parseLong(last));
    } finally {
      again.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("a WebSocket handshake unsigned, for a missing layer, with a bad filter or on another path is refused with its status")
  void webSocketRefusals() {
    String layer = NODE.http().newLayer("it.changes.");
    assertThat(handshakeStatus(changes(layer), NODE.http().unsigned())).isEqualTo(401);
    assertThat(handshakeStatus(changes("it.changes.none-such"), NODE.http())).isEqualTo(404);
    assertThat(handshakeStatus(changes(layer) + "?bbox=1,2", NODE.http())).isEqualTo(400);
    assertThat(handshakeStatus(changes(layer) + "?lastEventId=x", NODE.http())).isEqualTo(400);
    assertThat(handshakeStatus("/0.1/layers/" + layer, NODE.http())).isEqualTo(400);
  }

  private static int handshakeStatus(String path, Http signer) {
    try {
      webSocket(path, signer, new Frames()).get(30, TimeUnit.SECONDS).abort();
      return 101;
    } catch (ExecutionException failed) {
      assertThat(failed.getCause()).isInstanceOf(WebSocketHandshakeException.class);
      return ((WebSocketHandshakeException) failed.getCause()).getResponse().statusCode();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  @DisplayName("a client that stops reading is closed once 1 MiB waits for it, its connection let go, and the stream metrics say so")
  void slowClientIsClosed() throws IOException {
    String layer = NODE.http().newLayer("it.changes.slow.");
    String path = changes(layer);
    double before = closedSlow();
    try (Socket socket = new Socket()) {
      socket.setReceiveBufferSize(4096);
      socket.connect(new InetSocketAddress("127.0.0.1", TestNode.PORT), 5_000);
      String request =
          "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + TestNode.PORT + "\r\nAccept: text/event-stream\r\n"
              + "Authorization: " + NODE.http().authorization("GET", path) + "\r\n\r\n";
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      StringBuilder head = new StringBuilder();
      while (head.indexOf(": changes") < 0) {
        int next = in.read();
        assertThat(next).as("the stream's head, so far: %s", head).isNotNegative();
        head.append((char) next);
      }
      assertThat(head.toString()).startsWith("HTTP/1.1 200");
      // From here the client reads nothing: big changes pile up until the node gives up on it.
      String pad = "x".repeat(8_000);
      int[] batch = {0};
      Eventually.await(
          Duration.ofSeconds(120),
          () -> {
            JsonArray features = new JsonArray();
            for (int i = 0; i < 100; i++) {
              features.add(feature(20, 20, new JsonObject().put("pad", pad)).put("id", "big-" + batch[0] + "-" + i));
            }
            batch[0]++;
            // A 503 (the write path saturated by these bodies) is only a batch less: the next one follows.
            NODE.http().post("/0.1/records/" + layer + ".json", new JsonObject().put("type", "FeatureCollection").put("features", features));
            return closedSlow();
          },
          closed -> closed > before);
      // And the node lets go of the connection: reading what it had sent ends, within the close's grace.
      socket.setSoTimeout(30_000);
      byte[] buffer = new byte[65_536];
      try {
        while (in.read(buffer) >= 0) {
          // drain what was sent before the close
        }
      } catch (SocketException reset) {
        // closed with unread data discarded: as closed as an end of stream
      }
    }
  }

  /** How many change streams this JVM's nodes closed for reading too slowly, from {@code /metrics}. */
  private static double closedSlow() {
    Matcher counter =
        Pattern.compile("^locus_changes_streams_closed_total\\{[^}]*reason=\"slow\"[^}]*\\} (\\S+)$", Pattern.MULTILINE)
            .matcher(NODE.http().get("/metrics").body());
    return counter.find() ? Double.parseDouble(counter.group(1)) : 0;
  }

  @Test
  @DisplayName("a bad resume id, a bad filter, a missing layer and no credentials get a JSON 4xx")
  void badRequests() {
    String layer = NODE.http().newLayer("it.changes.");
    assertThat(status(stream(changes(layer), Map.of("Last-Event-ID", "abc")))).isEqualTo(400);
    assertThat(status(stream(changes(layer), Map.of("Last-Event-ID", "-4")))).isEqualTo(400);
    assertThat(status(stream(changes(layer) + "?bbox=1,2,3", Map.of()))).isEqualTo(400);
    assertThat(status(stream(changes(layer) + "?lat=95&lon=0&radius=1", Map.of()))).isEqualTo(400);
    assertThat(status(stream(changes(layer) + "?lat=10&lon=0", Map.of()))).isEqualTo(400);
    assertThat(status(stream(changes(layer) + "?lat=10&lon=0&radius=1&bbox=1,2,3,4", Map.of()))).isEqualTo(400);
    assertThat(status(stream(changes("it.changes.none-such"), Map.of()))).isEqualTo(404);
    Response unsigned = NODE.http().unsigned().get(changes(layer));
    assertThat(unsigned.status()).isEqualTo(401);
    assertThat(unsigned.json().getInteger("code")).isEqualTo(401);
  }

  /** The status of a refused stream, whose body must be a JSON error with the same code. */
  private static int status(EventStream refused) {
    try (refused) {
      assertThat(new JsonObject(refused.body()).getInteger("code")).isEqualTo(refused.status());
      return refused.status();
    }
  }
}
