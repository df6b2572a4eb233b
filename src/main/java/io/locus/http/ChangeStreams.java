package io.locus.http;

import io.locus.common.Addresses;
import io.locus.common.Failure;
import io.locus.feed.CatchUp;
import io.locus.feed.ChangeEvent;
import io.locus.feed.ChangeJson;
import io.locus.feed.ReplayRequest;
import io.locus.feed.StreamedChange;
import io.locus.geo.Earth;
import io.locus.geo.SearchArea;
import io.locus.layer.LayerAccess;
import io.locus.ops.Metrics;
import io.micrometer.core.instrument.Counter;
import io.locus.record.Names;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.locus.auth.OAuthHandler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code GET /0.1/layers/{layer}/changes}: a layer's changes as they happen, as Server-Sent
 * Events, or as WebSocket text frames for a WebSocket upgrade on the same path, one JSON object
 * per change:
 *
 * <pre>{"event":"upsert","layer":"parks","id":"p1","record":{Feature, as GET answers it},
 *  "previous":{"type":"Point","coordinates":[lon,lat]},"time":1764172800000,"eventId":"48213"}</pre>
 *
 * Kinds: {@code upsert} and {@code delete} ({@code record} null). {@code previous} is the
 * record's position before the change, or null. {@code time} is the write's time in epoch ms.
 * Each SSE message has {@code id:} (opaque; the change's offset in the broker's stream) and
 * {@code event:} (the kind). A client resumes after an id with {@code Last-Event-ID} (or the
 * {@code lastEventId} query parameter), on any node, for as long as the broker keeps the
 * stream ({@code rabbitmq.changeRetentionSeconds}); in order, each change once.
 *
 * <p>Optional filters, as nearby and within take them: {@code lat}, {@code lon} and {@code
 * radius} (km), or {@code bbox=south,west,north,east}; a change passes when the record's new or
 * previous position is inside. A comment line (a ping frame on a WebSocket) every {@link
 * #HEARTBEAT_MS} keeps proxies from closing an idle stream. A client that reads slower than its
 * layer changes is closed once {@link #MAX_QUEUED_BYTES} wait for it (a last {@code close}
 * event, or close code 1013, says why): it resumes from its last id. The id is also each
 * event's {@code eventId}, which is how a WebSocket client, having no SSE ids, resumes: with
 * {@code lastEventId}. So are all streams of a node whose broker connection dropped, since changes may
 * have been missed meanwhile, and those of a node that stops.
 */
final class ChangeStreams {
  static final long HEARTBEAT_MS = 15_000;
  static final int MAX_QUEUED_BYTES = 1024 * 1024;
  /** Live changes a subscriber holds while its replay runs. */
  static final int MAX_HELD = 10_000;
  private static final long CLOSE_GRACE_MS = 5_000;
  /** A WebSocket close frame's reason is at most 123 bytes. */
  private static final int MAX_CLOSE_REASON = 120;
  private static final Pattern WEBSOCKET_PATH = Pattern.compile("/0\\.1/layers/([^/]+)/changes");
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final Vertx vertx;
  private final Api api;
  private final Set<Subscription> open = ConcurrentHashMap.newKeySet();
  private final Counter opened = Metrics.registry().counter(Metrics.CHANGE_STREAMS_OPENED);
  private final Counter sent = Metrics.registry().counter(Metrics.CHANGE_EVENTS);

  ChangeStreams(Vertx vertx, Api api) {
    this.vertx = vertx;
    this.api = api;
  }

  /** An SSE subscription, once the router has authenticated the request. */
  void open(RoutingContext ctx) {
    Request request = Request.parse(Api.param(ctx, "name"), name -> SearchHandlers.nonEmpty(ctx, name), ctx.request().getHeader("Last-Event-ID"));
    String base = api.baseUrl(ctx);
    api.layerFor(ctx, request.layer(), LayerAccess.Need.READ)
        .onSuccess(v -> subscribe(new EventSourceSink(ctx.response(), ctx.request().version() == HttpVersion.HTTP_2 ? null : ctx.request().connection()), request, base))
        .onFailure(ctx::fail);
  }

  /**
   * A WebSocket handshake, which never reaches the router: a change stream's is authenticated
   * here as the router would ({@code oauth}), its layer checked, and then accepted; a refusal
   * answers the handshake with the status a request would get. Any other path is refused 400.
   */
  void handshake(ServerWebSocketHandshake handshake, OAuthHandler oauth) {
    Matcher path = WEBSOCKET_PATH.matcher(handshake.path());
    if (!path.matches()) {
      handshake.reject(400);
      return;
    }
    Request request;
    try {
      QueryStringDecoder query = new QueryStringDecoder("?" + (handshake.query() == null ? "" : handshake.query()));
      request =
          Request.parse(
              Api.withoutSuffix(URLDecoder.decode(path.group(1).replace("+", "%2B"), StandardCharsets.UTF_8)),
              name -> {
                List<String> values = query.parameters().get(name);
                return values == null || values.get(0).isEmpty() ? null : values.get(0);
              },
              handshake.headers().get("Last-Event-ID"));
    } catch (Failure refused) {
      handshake.reject(refused.status());
      return;
    } catch (IllegalArgumentException malformed) {
      handshake.reject(400);
      return;
    }
    String base = api.baseUrl(handshake.headers().get("Host"));
    oauth
        .authenticate(handshake)
        .compose(consumer -> api.layerFor(null, consumer, request.layer(), LayerAccess.Need.READ))
        .compose(v -> handshake.accept())
        .onSuccess(socket -> subscribe(new WebSocketSink(socket), request, base))
        .onFailure(cause -> handshake.reject(Failure.of(cause).status()));
  }

  /** Closes every stream of this verticle (the node is stopping): clients resume elsewhere. */
  void closeAll() {
    List.copyOf(open).forEach(subscription -> subscription.close("stopping", "the node is stopping: resume from the last event"));
  }

  private void subscribe(Sink sink, Request request, String base) {
    Subscription subscription = new Subscription(sink, request, base);
    open.add(subscription);
    subscription.start();
  }

  /**
   * What a client asked for: the layer, an optional area, and the offset to resume after (-1:
   * none), from {@code Last-Event-ID} or else the {@code lastEventId} parameter.
   */
  private record Request(String layer, SearchArea area, long after) {
    static Request parse(String layer, Function<String, String> params, String lastEventId) {
      return new Request(Names.layer(layer), area(params), after(lastEventId == null || lastEventId.isEmpty() ? params.apply("lastEventId") : lastEventId));
    }

    private static SearchArea area(Function<String, String> params) {
      String bbox = params.apply("bbox");
      String lat = params.apply("lat");
      String lon = params.apply("lon");
      Double radiusM = SearchHandlers.radiusM(params.apply("radius"));
      if (bbox != null) {
        if (lat != null || lon != null || radiusM != null) {
          throw Failure.badRequest("filter by bbox, or by lat, lon and radius, not both");
        }
        double[] edges = SearchHandlers.edges(bbox);
        return SearchArea.Rect.of(edges[0], edges[1], edges[2], edges[3]);
      }
      if (lat == null && lon == null && radiusM == null) {
        return null;
      }
      if (lat == null || lon == null || radiusM == null) {
        throw Failure.badRequest("a circle filter takes lat, lon and radius (km)");
      }
      double[] latLon = SearchHandlers.latLon(lat + "," + lon, "lat and lon");
      return new SearchArea.Circle(Earth.point(latLon[0], latLon[1]), radiusM);
    }

    private static long after(String raw) {
      if (raw == null || raw.isEmpty()) {
        return -1;
      }
      try {
        long offset = Long.parseLong(raw.trim());
        if (offset >= 0) {
          return offset;
        }
      } catch (NumberFormatException notAnId) {
        // reported below
      }
      throw Failure.badRequest("Last-Event-ID must be the id of an event of this stream, got " + raw);
    }
  }

  /** Where a subscription's events go. */
  private interface Sink {
    void start();

    /** Sends one event; false when the client is too far behind to send it. */
    boolean send(long offset, String kind, Buffer json);

    void heartbeat();

    /** Ends the stream with a last event saying {@code reason}. */
    void close(String reason);

    void onClosed(Runnable closed);
  }

  private final class EventSourceSink implements Sink {
    private final HttpServerResponse response;
    /** The HTTP/1.x connection the stream has to itself; null over HTTP/2, where other streams share it. */
    private final HttpConnection connection;

    EventSourceSink(HttpServerResponse response, HttpConnection connection) {
      this.response = response;
      this.connection = connection;
    }

    @Override
    public void start() {
      response
          .setChunked(true)
          .setWriteQueueMaxSize(MAX_QUEUED_BYTES)
          .putHeader("Content-Type", "text/event-stream; charset=utf-8")
          .putHeader("Cache-Control", "no-cache")
          .putHeader("X-Accel-Buffering", "no")
          .write(": changes\nretry: 1000\n\n");
    }

    @Override
    public boolean send(long offset, String kind, Buffer json) {
      if (response.writeQueueFull()) {
        return false;
      }
      // One data line: the event is compact JSON (stored properties are encoded by Jackson, whose
      // strings escape line breaks), so it holds no line break for SSE to split on.
      response.write(
          Buffer.buffer(json.length() + 48)
              .appendString("id: " + offset + "\nevent: " + kind + "\ndata: ")
              .appendBuffer(json)
              .appendString("\n\n"));
      return true;
    }

    @Override
    public void heartbeat() {
      response.write(": heartbeat\n\n");
    }

    /**
     * Ends the response with the {@code close} event, then closes an HTTP/1.x connection once that
     * is written; a client that does not read it within {@link #CLOSE_GRACE_MS} (one too slow to
     * read its events would not read the end of them either) has its stream reset. Over HTTP/2
     * the connection carries the client's other streams and requests, so only this stream ends
     * (a reset is an RST_STREAM there; on HTTP/1.x it closes the connection).
     */
    @Override
    public void close(String reason) {
      if (response.ended() || response.closed()) {
        return;
      }
      long grace = vertx.setTimer(CLOSE_GRACE_MS, t -> response.reset());
      response
          .end("event: close\ndata: " + new JsonObject().put("code", 503).put("message", reason).encode() + "\n\n")
          .onComplete(
              written -> {
                vertx.cancelTimer(grace);
                if (connection != null) {
                  connection.close();
                }
              });
    }

    @Override
    public void onClosed(Runnable closed) {
      response.closeHandler(v -> closed.run());
      response.endHandler(v -> closed.run());
    }
  }

  private static final class WebSocketSink implements Sink {
    private final ServerWebSocket socket;

    WebSocketSink(ServerWebSocket socket) {
      this.socket = socket;
    }

    /** A first ping tells the client the subscription listens, as the SSE opening comment does. */
    @Override
    public void start() {
      socket.setWriteQueueMaxSize(MAX_QUEUED_BYTES);
      socket.writePing(Buffer.buffer());
    }

    @Override
    public boolean send(long offset, String kind, Buffer json) {
      if (socket.writeQueueFull()) {
        return false;
      }
      socket.writeTextMessage(json.toString());
      return true;
    }

    @Override
    public void heartbeat() {
      socket.writePing(Buffer.buffer());
    }

    /** Close code 1013 (try again later): the client resumes with {@code lastEventId}. */
    @Override
    public void close(String reason) {
      if (!socket.isClosed()) {
        socket.close((short) 1013, reason.length() > MAX_CLOSE_REASON ? reason.substring(0, MAX_CLOSE_REASON) : reason);
      }
    }

    @Override
    public void onClosed(Runnable closed) {
      socket.closeHandler(v -> closed.run());
    }
  }

  /** One client's stream: live changes of its layer, after a replay when it resumes. */
  private final class Subscription {
    private final Sink sink;
    private final String layer;
    private final SearchArea area;
    private final String base;
    private final String replayAddress = Addresses.CHANGES_REPLAY + "." + UUID.randomUUID();
    private final CatchUp<StreamedChange> catchUp;
    private MessageConsumer<StreamedChange> live;
    private MessageConsumer<StreamedChange> replayed;
    private MessageConsumer<String> interrupted;
    private long heartbeat;
    private boolean closed;

    Subscription(Sink sink, Request request, String base) {
      this.sink = sink;
      this.layer = request.layer();
      this.area = request.area();
      this.base = base;
      this.catchUp = new CatchUp<>(request.after(), MAX_HELD, this::deliver);
    }

    void start() {
      opened.increment();
      sink.onClosed(() -> release("client"));
      live = vertx.eventBus().localConsumer(Addresses.changesOf(layer), message -> onLive(message.body()));
      interrupted = vertx.eventBus().localConsumer(Addresses.CHANGES_INTERRUPTED, message -> close("broker", message.body()));
      heartbeat = vertx.setPeriodic(HEARTBEAT_MS, t -> sink.heartbeat());
      if (catchUp.replaying()) {
        replayed = vertx.eventBus().localConsumer(replayAddress, message -> onReplayed(message.body()));
        vertx.eventBus()
            .<Long>request(Addresses.CHANGES_REPLAY, new ReplayRequest(layer, catchUp.last() + 1, replayAddress), LOCAL)
            .onSuccess(
                until -> {
                  if (catchUp.until(until.body())) {
                    endReplay();
                  }
                })
            .onFailure(cause -> close("replay", "the change stream could not replay: " + cause.getMessage()));
      }
      sink.start();
    }

    private void onLive(StreamedChange change) {
      try {
        catchUp.live(change.offset(), change);
      } catch (CatchUp.Overflow overflow) {
        close("slow", "too slow: " + overflow.getMessage() + "; resume from the last event");
      }
    }

    private void onReplayed(StreamedChange change) {
      if (change.isCaughtUp()) {
        catchUp.caughtUp(change.offset());
        endReplay();
      } else if (catchUp.replayed(change.offset(), change)) {
        endReplay();
      }
    }

    private void endReplay() {
      if (replayed != null) {
        replayed.unregister();
        replayed = null;
        vertx.eventBus().send(Addresses.CHANGES_REPLAY_CANCEL, replayAddress, LOCAL);
      }
    }

    private void deliver(StreamedChange streamed) {
      ChangeEvent change = streamed.change();
      if (closed || !passes(change)) {
        return;
      }
      String kind = change.kind().wire();
      if (sink.send(streamed.offset(), kind, ChangeJson.render(change, base, Long.toString(streamed.offset())))) {
        sent.increment();
      } else {
        close("slow", "too slow: more than " + MAX_QUEUED_BYTES + " bytes wait for this client; resume from the last event");
      }
    }

    private boolean passes(ChangeEvent change) {
      if (area == null) {
        return true;
      }
      return (change.state() != null && area.contains(Earth.point(change.state().lat(), change.state().lon())))
          || (change.previous() != null && area.contains(Earth.point(change.previous().lat(), change.previous().lon())));
    }

    /** Ends the stream with a last event saying {@code reason}; {@code cause} tags the metric. */
    void close(String cause, String reason) {
      if (!closed) {
        release(cause);
        sink.close(reason);
      }
    }

    private void release(String cause) {
      if (closed) {
        return;
      }
      closed = true;
      Metrics.registry().counter(Metrics.CHANGE_STREAMS_CLOSED, "reason", cause).increment();
      open.remove(this);
      live.unregister();
      interrupted.unregister();
      vertx.cancelTimer(heartbeat);
      endReplay();
    }
  }
}
