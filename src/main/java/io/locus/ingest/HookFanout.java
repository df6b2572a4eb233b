package io.locus.ingest;

import com.rabbitmq.client.AMQP;
import io.locus.feed.ChangeEvent;
import io.locus.feed.ChangeJson;
import com.google.common.geometry.S2Point;
import io.locus.common.CallbackTargets;
import io.locus.geo.Earth;
import io.locus.geo.Fence;
import io.locus.geo.FenceIndex;
import io.locus.store.FenceStore;
import io.locus.store.LayerStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.rabbitmq.RabbitMQMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the changes of the hook shard queues into webhook deliveries and fence events: for each
 * change of a layer with {@code callback_urls}, one {@link HookDelivery} per URL, published
 * (confirmed) to that receiver's queue before the change is acknowledged; and for each event the
 * change makes relative to the layer's fences ({@link FenceIndex}), the event on the change feed
 * (for the change stream) and a delivery to the fence's and the layer's {@code callback_urls}. A record's changes are handled one at a
 * time, in queue order, so its deliveries reach each receiver's queue in order. A failure
 * (broker or Cassandra unreachable) is retried in place, for as long as it takes, so that order
 * holds; a change of a layer that no longer exists is dropped. Not thread-safe: use it from one
 * event-loop context.
 */
final class HookFanout {
  private static final Logger LOG = LoggerFactory.getLogger(HookFanout.class);
  private static final long LAYER_FRESH_MS = 1_000;
  private static final int LAYERS_KEPT = 10_000;
  private static final AMQP.BasicProperties PROPERTIES =
      new AMQP.BasicProperties.Builder().deliveryMode(2).contentType("application/json").build();

  private final Vertx vertx;
  private final LayerStore layers;
  private final FenceStore fenceStore;
  private final ConfirmedPublisher publisher;
  private final QueueTopology topology;
  private final Deliveries deliveries;
  private final String publicBaseUrl;
  /** Declares a receiver's queue (once per connection) and has the node's deliverers follow it. */
  private final Function<String, Future<Void>> endpoint;
  private final BooleanSupplier stopping;
  private final List<KeyedSequencer> shards = new ArrayList<>();
  private final Map<String, Held> recent =
      new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Held> eldest) {
          return size() > LAYERS_KEPT;
        }
      };

  /** A layer as read lately: null when it does not exist. */
  private record Held(JsonObject layer, long at) {}

  /** A layer's fences as read at {@code at}. */
  private record HeldFences(Future<FenceIndex> index, long at) {}

  /** Fences are read again this often even when no change of them was announced. */
  private static final long FENCES_FRESH_MS = 30_000;

  /** Stored fences were checked when they were saved; their URLs are checked again before each delivery. */
  private static final CallbackTargets STORED = new CallbackTargets(true, true);

  private final Map<String, HeldFences> fenceIndexes = new HashMap<>();

  HookFanout(
      Vertx vertx,
      LayerStore layers,
      FenceStore fenceStore,
      ConfirmedPublisher publisher,
      QueueTopology topology,
      Deliveries deliveries,
      String publicBaseUrl,
      Function<String, Future<Void>> endpoint,
      BooleanSupplier stopping) {
    this.vertx = vertx;
    this.layers = layers;
    this.fenceStore = fenceStore;
    this.publisher = publisher;
    this.topology = topology;
    this.deliveries = deliveries;
    this.publicBaseUrl = publicBaseUrl;
    this.endpoint = endpoint;
    this.stopping = stopping;
    for (int shard = 0; shard < topology.shards(); shard++) {
      shards.add(new KeyedSequencer());
    }
  }

  void onMessage(int shard, RabbitMQMessage message) {
    Deliveries.Delivery delivery = deliveries.received(message);
    Object layer = Deliveries.header(message, ChangeFeed.LAYER_HEADER);
    if (layer != null && quiet(layer.toString())) {
      deliveries.ack(delivery); // nothing to send, and nothing to parse
      return;
    }
    ChangeEvent change;
    try {
      change = ChangeEvent.fromBuffer(message.body());
    } catch (IllegalArgumentException malformed) {
      LOG.warn("dropping a malformed change from the hook queue of shard {}: {}", shard, malformed.getMessage());
      deliveries.ack(delivery);
      return;
    }
    if (change.kind() == ChangeEvent.Kind.PURGE || change.kind().isFence()) {
      deliveries.ack(delivery); // a fence event was delivered when it was judged
      return;
    }
    BooleanSupplier giveUp = () -> stopping.getAsBoolean() || deliveries.lapsed(delivery);
    Set<String> fencesDone = new HashSet<>();
    shards
        .get(shard)
        .submit(
            change.layer() + '\u0000' + change.id(),
            () -> RetryPolicy.WRITES.retrying(vertx, () -> fanOut(change, fencesDone), giveUp))
        .onSuccess(v -> deliveries.ack(delivery))
        .onFailure(
            cause -> {
              if (giveUp.getAsBoolean()) {
                deliveries.requeue(delivery);
              } else {
                LOG.warn("dropping the webhooks of a change of {}/{}: {}", change.layer(), change.id(), cause.toString());
                deliveries.ack(delivery);
              }
            });
  }

  /**
   * Sends what {@code change} makes: its webhooks, and its fence events with theirs. A retry
   * passes over the fence events {@code fencesDone} names, whose publishes and deliveries were
   * all confirmed by an earlier try, so that subscribers are not sent them twice.
   */
  private Future<Void> fanOut(ChangeEvent change, Set<String> fencesDone) {
    return layer(change.layer())
        .compose(
            layer -> {
              if (layer == null) {
                return Future.succeededFuture();
              }
              JsonArray layerUrls = layer.getJsonArray("callback_urls", new JsonArray());
              String owner = layer.getString(LayerStore.OWNER);
              return fences(change.layer())
                  .compose(
                      index -> {
                        List<Future<Void>> sent = new ArrayList<>();
                        sent.add(deliver(change, layerUrls, owner));
                        for (FenceIndex.Hit hit : index.evaluate(position(change.previous()), position(change))) {
                          String done = hit.kind() + "\u0000" + hit.fence().id();
                          if (fencesDone.contains(done)) {
                            continue;
                          }
                          ChangeEvent fenced = ChangeEvent.fenced(ChangeEvent.Kind.valueOf(hit.kind().name()), hit.fence().id(), change);
                          JsonArray urls = hit.fence().callbackUrls().copy();
                          layerUrls.stream().filter(url -> !urls.contains(url)).forEach(urls::add);
                          sent.add(
                              publisher
                                  .publish(topology.changesExchange(), QueueTopology.routingKey(change.shard()), PROPERTIES, fenced.toBuffer())
                                  .compose(v -> deliver(fenced, urls, owner))
                                  .onSuccess(v -> fencesDone.add(done)));
                        }
                        return Future.all(sent).mapEmpty();
                      });
            });
  }

  /** Queues the delivery of {@code change} to each of {@code urls}, signed as {@code owner}. */
  private Future<Void> deliver(ChangeEvent change, JsonArray urls, String owner) {
    if (urls.isEmpty()) {
      return Future.succeededFuture();
    }
    String body = ChangeJson.render(change, publicBaseUrl, null).toString();
    long queued = System.currentTimeMillis();
    List<Future<Void>> published = new ArrayList<>();
    for (Object url : urls) {
      HookDelivery delivery =
          new HookDelivery(
              (String) url, change.layer(), change.id(), owner, change.kind().wire(), deliveryId(change, (String) url), queued, body);
      String receiver = HookDelivery.endpointOf(delivery.url());
      published.add(
          endpoint.apply(receiver).compose(v -> publisher.publish(topology.hooksExchange(), receiver, PROPERTIES, delivery.toBuffer())));
    }
    return Future.all(published).mapEmpty();
  }

  private static S2Point position(ChangeEvent.Position at) {
    return at == null ? null : Earth.point(at.lat(), at.lon());
  }

  /** Where a record change leaves its record: the new position of an upsert, none for a removal. */
  private static S2Point position(ChangeEvent change) {
    return change.state() == null ? null : Earth.point(change.state().lat(), change.state().lon());
  }

  /**
   * Whether a change of {@code layer} is known, from what was read of the layer within {@link
   * #LAYER_FRESH_MS} and of its fences within {@link #FENCES_FRESH_MS}, to need nothing: the
   * layer is gone, or has no callback URL and no fence. Most layers are quiet; their changes are
   * then acknowledged unread. When what is known is older, the change takes the full path, which
   * reads the layer and its fences again.
   */
  private boolean quiet(String layer) {
    long now = System.currentTimeMillis();
    Held held = recent.get(layer);
    if (held == null || now - held.at() >= LAYER_FRESH_MS) {
      return false;
    }
    if (held.layer() == null) {
      return true;
    }
    HeldFences fences = fenceIndexes.get(layer);
    JsonArray urls = held.layer().getJsonArray("callback_urls");
    return (urls == null || urls.isEmpty())
        && fences != null
        && now - fences.at() < FENCES_FRESH_MS
        && fences.index().succeeded()
        && fences.index().result() == FenceIndex.EMPTY;
  }

  /** Drops what is known of {@code layer}'s fences: they changed. */
  void fencesChanged(String layer) {
    fenceIndexes.remove(layer);
  }

  private Future<FenceIndex> fences(String layer) {
    HeldFences held = fenceIndexes.get(layer);
    if (held != null && System.currentTimeMillis() - held.at() < FENCES_FRESH_MS && !held.index().failed()) {
      return held.index();
    }
    Future<FenceIndex> index =
        fenceStore
            .all(layer)
            .map(
                stored ->
                    stored.isEmpty()
                        ? FenceIndex.EMPTY
                        : new FenceIndex(stored.stream().map(json -> Fence.parse(json.getString("id"), json, STORED)).toList()));
    fenceIndexes.put(layer, new HeldFences(index, System.currentTimeMillis()));
    return index;
  }

  /**
   * The id of the delivery of {@code change} to {@code url}: the same however often the change
   * is handled (a redelivered change, a retried fan-out), so that receivers can drop repeats.
   */
  static String deliveryId(ChangeEvent change, String url) {
    String key =
        change.layer() + '\u0000' + change.id() + '\u0000' + change.kind().wire() + '\u0000' + change.fence() + '\u0000'
            + change.ts() + '\u0000' + url;
    return UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)).toString();
  }

  private Future<JsonObject> layer(String name) {
    Held held = recent.get(name);
    if (held != null && System.currentTimeMillis() - held.at() < LAYER_FRESH_MS) {
      return Future.succeededFuture(held.layer());
    }
    return layers.get(name).onSuccess(layer -> recent.put(name, new Held(layer, System.currentTimeMillis())));
  }
}
