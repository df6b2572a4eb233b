package io.locus.ingest;

import com.rabbitmq.client.AMQP;
import io.locus.common.CallbackTargets;
import io.locus.common.Failure;
import io.locus.ops.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.rabbitmq.QueueOptions;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQConsumer;
import io.vertx.rabbitmq.RabbitMQMessage;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the deliveries of the webhook receivers' queues it follows. Each receiver has a queue of
 * its own with a single active consumer, so a receiver that is down holds up only itself; up to
 * {@code hooks.inFlight} of its deliveries are in flight at a time (the prefetch), one per
 * record, so each record's deliveries arrive in order. A delivery is a POST of the change JSON
 * with {@code X-Locus-Event}, {@code X-Locus-Delivery} and {@code X-Locus-Signature}; a 2xx
 * answer acknowledges it. Anything else (another status, no answer within {@code
 * hooks.timeoutMs}, no connection) is tried again after a backoff that doubles from {@code
 * hooks.firstRetryMs} up to {@code hooks.maxRetryMs}, with jitter, until {@code
 * hooks.maxAttempts} attempts or {@code hooks.maxAgeSeconds} since the change: then the delivery
 * goes to {@code <prefix>.hooks.dead} with the reason. Before every attempt the receiver's host
 * is resolved (at most every ten seconds) and each address checked against {@link
 * CallbackTargets}; the request goes to the address checked, so a name cannot resolve to an
 * internal address between check and call.
 * Not thread-safe: use it from one event-loop context.
 */
final class HookDeliverer {
  private static final Logger LOG = LoggerFactory.getLogger(HookDeliverer.class);
  private static final long SECRET_FRESH_MS = 30_000;
  private static final long RESOLVED_FRESH_MS = 10_000;
  private static final AMQP.BasicProperties DEAD =
      new AMQP.BasicProperties.Builder().deliveryMode(2).contentType("application/json").build();

  private final Vertx vertx;
  private RabbitMQClient client;
  private long epoch;
  private final QueueTopology topology;
  private final HookSettings settings;
  private final Deliveries deliveries;
  private final ConfirmedPublisher publisher;
  private final BooleanSupplier stopping;
  /** The consumer secret of an owner key (fails when there is none). */
  private final Function<String, Future<String>> secretOf;
  private final HttpClient http;
  private final Set<String> followed = new HashSet<>();
  private final List<RabbitMQConsumer> subscriptions = new ArrayList<>();
  private final KeyedSequencer sequencer = new KeyedSequencer();
  private final Map<String, Secret> secrets = new HashMap<>();
  private final Map<String, Resolved> resolved = new HashMap<>();
  private final Map<String, ReceiverMeters> meters = new HashMap<>();
  /** Deliveries waiting for their next attempt, by timer. */
  private final Map<Long, Promise<Void>> waiting = new HashMap<>();

  private record Secret(Future<String> secret, long at) {}

  /** A host's checked address as looked up at {@code at}: a failed look-up is kept as long, so as not to hammer DNS. */
  private record Resolved(Future<InetAddress> address, long at) {}

  HookDeliverer(
      Vertx vertx,
      QueueTopology topology,
      HookSettings settings,
      Deliveries deliveries,
      ConfirmedPublisher publisher,
      Function<String, Future<String>> secretOf,
      BooleanSupplier stopping) {
    this.vertx = vertx;
    this.topology = topology;
    this.settings = settings;
    this.deliveries = deliveries;
    this.publisher = publisher;
    this.secretOf = secretOf;
    this.stopping = stopping;
    // One connection per delivery in flight (HTTP/1.1 sends one request at a time on each): the
    // default pool of 5 a host held a local receiver to about 1,100 deliveries a second.
    this.http = vertx.createHttpClient(new PoolOptions().setHttp1MaxSize(settings.inFlight()));
  }

  /**
   * Follows receivers' queues on connection {@code epoch} from now on: those followed on an
   * earlier connection are followed again by whoever set this one up.
   */
  void connected(RabbitMQClient client, long epoch) {
    this.client = client;
    this.epoch = epoch;
    followed.clear();
    subscriptions.clear();
  }

  /** Consumes the queue of receiver {@code endpoint} from now on (once a connection; it is declared first). */
  Future<Void> follow(String endpoint) {
    RabbitMQClient client = this.client;
    long epoch = this.epoch;
    if (client == null || !deliveries.current(epoch) || !followed.add(endpoint)) {
      return Future.succeededFuture();
    }
    return topology
        .declareHookEndpoint(client, endpoint)
        .compose(v -> client.basicConsumer(topology.hookQueue(endpoint), new QueueOptions().setAutoAck(false)))
        .map(
            consumer -> {
              subscriptions.add(consumer);
              TurnTaking.handle(vertx, consumer, settings.inFlight(), deliveries.subscribed(epoch, this::onMessage));
              return (Void) null;
            })
        .onFailure(cause -> followed.remove(endpoint));
  }

  /**
   * Cancels every subscription (the broker hands the queues to another node's deliverer) and
   * every wait for a next attempt: those deliveries are requeued at once, not held to the end of
   * their backoff.
   */
  Future<Void> cancelAll() {
    waiting.forEach(
        (timer, later) -> {
          vertx.cancelTimer(timer);
          later.tryFail("stopping");
        });
    waiting.clear();
    List<Future<Void>> cancelled = new ArrayList<>();
    if (deliveries.current(epoch)) {
      subscriptions.forEach(c -> cancelled.add(vertx.<Future<Void>>executeBlocking(c::cancel).compose(f -> f)));
    }
    return Future.join(cancelled).transform(v -> http.close());
  }

  private void onMessage(RabbitMQMessage message) {
    Deliveries.Delivery received = deliveries.received(message);
    HookDelivery delivery;
    try {
      delivery = HookDelivery.fromBuffer(message.body());
    } catch (Failure malformed) {
      deadLetter(message.body(), "unknown", malformed.getMessage(), 0).onComplete(done -> deliveries.ack(received));
      return;
    }
    BooleanSupplier giveUp = () -> stopping.getAsBoolean() || deliveries.lapsed(received);
    sequencer
        .submit(delivery.recordKey(), () -> deliver(delivery, 1, giveUp))
        .onSuccess(v -> deliveries.ack(received))
        .onFailure(cause -> deliveries.requeue(received));
  }

  /** Attempt {@code attempt} and the ones after it; fails only when the node stops meanwhile. */
  private Future<Void> deliver(HookDelivery delivery, int attempt, BooleanSupplier giveUp) {
    if (giveUp.getAsBoolean()) {
      return Future.failedFuture("stopping");
    }
    return attempt(delivery)
        .transform(
            sent -> {
              if (sent.succeeded()) {
                ReceiverMeters meters = meters(delivery.receiver());
                meters.delivered().increment();
                meters.lag().record(Math.max(0, System.currentTimeMillis() - delivery.queuedMillis()), TimeUnit.MILLISECONDS);
                return Future.succeededFuture();
              }
              String reason = sent.cause().getMessage();
              boolean refused = Failure.statusOf(sent.cause()) == 403;
              long ageMs = System.currentTimeMillis() - delivery.queuedMillis();
              if (refused || attempt >= settings.maxAttempts() || ageMs >= settings.maxAgeSeconds() * 1000L) {
                return deadLetter(delivery.toBuffer(), delivery.receiver(), reason, attempt);
              }
              meters(delivery.receiver()).retried().increment();
              long wait = backoffMs(attempt);
              if (attempt == 1 || attempt % 10 == 0) {
                LOG.info("webhook to {} failed (attempt {}), again in {} ms: {}", delivery.receiver(), attempt, wait, reason);
              }
              Promise<Void> later = Promise.promise();
              long timer =
                  vertx.setTimer(
                      wait,
                      t -> {
                        waiting.remove(t);
                        deliver(delivery, attempt + 1, giveUp).onComplete(later);
                      });
              waiting.put(timer, later);
              return later.future();
            });
  }

  /** The wait after failed attempt {@code attempt}: doubling from the first, capped, with up to a fifth of jitter either way. */
  long backoffMs(int attempt) {
    long wait = settings.firstRetryMs();
    for (int i = 1; i < attempt && wait < settings.maxRetryMs(); i++) {
      wait *= 2;
    }
    wait = Math.min(wait, settings.maxRetryMs());
    long jitter = wait / 5;
    return Math.max(1, wait + (jitter == 0 ? 0 : ThreadLocalRandom.current().nextLong(-jitter, jitter + 1)));
  }

  /** One POST of {@code delivery}; fails with the reason (403 when the receiver's address is refused). */
  private Future<Void> attempt(HookDelivery delivery) {
    URI url = URI.create(delivery.url());
    int port = url.getPort() >= 0 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
    Buffer body = Buffer.buffer(delivery.body());
    return resolve(url.getHost())
        .compose(address -> secret(delivery.owner()).map(secret -> new Object[] {address, secret}))
        .compose(
            found -> {
              InetAddress address = (InetAddress) found[0];
              RequestOptions request =
                  new RequestOptions()
                      .setMethod(HttpMethod.POST)
                      .setAbsoluteURI(delivery.url())
                      .setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()))
                      .setConnectTimeout(settings.timeoutMs())
                      .setIdleTimeout(settings.timeoutMs())
                      .putHeader("Content-Type", "application/json")
                      .putHeader("User-Agent", "Locus-Webhooks")
                      .putHeader("X-Locus-Event", delivery.event())
                      .putHeader("X-Locus-Delivery", delivery.delivery())
                      .putHeader(WebhookSignature.HEADER, WebhookSignature.of(body.getBytes(), (String) found[1]));
              return http.request(request).compose(sent -> sent.send(body)).compose(HookDeliverer::accepted);
            });
  }

  private static Future<Void> accepted(HttpClientResponse response) {
    return response
        .body()
        .compose(
            ignored ->
                response.statusCode() / 100 == 2
                    ? Future.succeededFuture()
                    : Future.failedFuture("receiver answered " + response.statusCode()));
  }

  /**
   * The first address of {@code host} when every address it has may be called; else fails 403.
   * A name's addresses are looked up (on a worker) at most every {@link #RESOLVED_FRESH_MS}.
   */
  private Future<InetAddress> resolve(String host) {
    Resolved known = resolved.get(host);
    if (known != null && System.currentTimeMillis() - known.at() < RESOLVED_FRESH_MS) {
      return known.address();
    }
    Future<InetAddress> address = lookUp(host);
    resolved.put(host, new Resolved(address, System.currentTimeMillis()));
    return address;
  }

  private Future<InetAddress> lookUp(String host) {
    return vertx.executeBlocking(
        () -> {
          InetAddress[] addresses;
          try {
            addresses = InetAddress.getAllByName(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
          } catch (UnknownHostException unknown) {
            throw new IllegalStateException("cannot resolve " + host);
          }
          for (InetAddress address : addresses) {
            String refusal = settings.targets().refusalOf(address);
            if (refusal != null) {
              throw Failure.forbidden(refusal);
            }
          }
          return addresses[0];
        },
        false);
  }

  private Future<String> secret(String owner) {
    Secret known = secrets.get(owner);
    if (known != null && (!known.secret().isComplete() || known.secret().succeeded())
        && System.currentTimeMillis() - known.at() < SECRET_FRESH_MS) {
      return known.secret();
    }
    Future<String> secret = secretOf.apply(owner);
    secrets.put(owner, new Secret(secret, System.currentTimeMillis()));
    return secret;
  }

  private Future<Void> deadLetter(Buffer message, String receiver, String reason, int attempts) {
    delivered(receiver, "dead_lettered").increment(); // rare: a look-up is fine, and "unknown" gets no lag timer
    LOG.warn("webhook to {} dead-lettered after {} attempts: {}", receiver, attempts, reason);
    JsonObject dead =
        new JsonObject()
            .put("delivery", message.toString())
            .put("reason", reason)
            .put("attempts", attempts)
            .put("deadAt", System.currentTimeMillis());
    return RetryPolicy.WRITES.retrying(
        vertx, () -> publisher.publish(topology.hooksExchange(), QueueTopology.HOOK_DEAD_KEY, DEAD, dead.toBuffer()), stopping);
  }

  /** A receiver's meters, registered at its first delivery and kept: no registry look-up per delivery. */
  private ReceiverMeters meters(String receiver) {
    return meters.computeIfAbsent(
        receiver,
        r ->
            new ReceiverMeters(
                delivered(r, "delivered"),
                delivered(r, "retried"),
                Timer.builder(Metrics.WEBHOOK_LAG)
                    .description("from a change fanned out to its webhook delivery")
                    .tag("receiver", r)
                    .publishPercentileHistogram()
                    .register(Metrics.registry())));
  }

  private static Counter delivered(String receiver, String result) {
    return Metrics.registry().counter(Metrics.WEBHOOK_DELIVERIES, "receiver", receiver, "result", result);
  }

  /** The meters of one receiver's every attempt: deliveries and retries, and the lag of those delivered. */
  private record ReceiverMeters(Counter delivered, Counter retried, Timer lag) {}
}
