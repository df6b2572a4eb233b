package io.locus.auth;

import io.locus.common.ConsumerRequests;
import io.locus.common.Dispatcher;
import io.locus.common.Failure;
import io.locus.common.Addresses;
import io.locus.common.Times;
import io.locus.store.Cassandra;
import io.vertx.cassandra.CassandraClient;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * OAuth consumers, against Cassandra. Consumes {@link Addresses#CONSUMERS} with header {@code
 * action}:
 *
 * <ul>
 *   <li>{@code get} {key} → the consumer with its secret (for signature checks), or fails 404;
 *   <li>{@code create} {name, rateLimit?} → a new consumer with a random key and secret;
 *   <li>{@code list} → {@code {"consumers":[…]}} without secrets;
 *   <li>{@code revoke} {key} → marks it revoked and tells every node to forget it, or fails 404.
 * </ul>
 */
public final class ConsumerVerticle extends VerticleBase {
  private final CassandraClient cassandra;

  /** A verticle with what it needs of the node: its settings and shared clients. */
  public ConsumerVerticle(CassandraClient cassandra) {
    this.cassandra = cassandra;
  }

  /** Event-bus header naming the operation. */

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] KEY_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789".toCharArray();

  private ConsumerStore store;

  @Override
  public Future<?> start() {
    return ConsumerStore.prepare(cassandra)
        .onSuccess(
            prepared -> {
              store = prepared;
              Dispatcher.of(Addresses.CONSUMERS, Cassandra::translate)
                  .on(ConsumerRequests.GET, get -> store.get(get.key()).compose(ConsumerVerticle::found))
                  .on(ConsumerRequests.CREATE, this::create)
                  .on(ConsumerRequests.LIST, all -> list())
                  .on(ConsumerRequests.REVOKE, revoke -> revoke(revoke.key()))
                  .register(vertx.eventBus());
            });
  }

  private static Future<JsonObject> found(JsonObject consumer) {
    return consumer == null
        ? Future.failedFuture(Failure.notFound("no such consumer"))
        : Future.succeededFuture(consumer);
  }

  private Future<JsonObject> create(ConsumerRequests.Create request) {
    String key = randomKey();
    String secret = randomSecret();
    JsonObject limitJson = request.rateLimit();
    RateLimit limit = RateLimit.fromJson(limitJson);
    long now = Times.nowSeconds();
    return store
        .put(key, secret, request.name(), now, limit)
        .map(
            v ->
                new JsonObject()
                    .put("key", key)
                    .put("secret", secret)
                    .put("name", request.name())
                    .put("created", now)
                    .put("revoked", null)
                    .put("rateLimit", limitJson));
  }

  private Future<JsonObject> list() {
    return store
        .list()
        .map(
            all -> {
              JsonArray consumers = new JsonArray();
              all.forEach(consumer -> consumers.add(consumer.copy().put("secret", null)));
              return new JsonObject()
                  .put("consumers", consumers)
                  .put("truncated", all.size() >= ConsumerStore.MAX_LIST);
            });
  }

  private Future<JsonObject> revoke(String key) {
    return store
        .revoke(key, Times.nowSeconds())
        .compose(
            revoked -> {
              if (!revoked) {
                return Future.failedFuture(Failure.notFound("no such consumer"));
              }
              vertx.eventBus().publish(Addresses.CONSUMERS_CHANGED, new JsonObject().put("key", key));
              return Future.succeededFuture(new JsonObject().put("status", "Revoked").put("key", key));
            });
  }

  /** 20 characters from a 32-letter alphabet without look-alikes: 100 random bits. */
  static String randomKey() {
    StringBuilder key = new StringBuilder(20);
    for (int i = 0; i < 20; i++) {
      key.append(KEY_ALPHABET[RANDOM.nextInt(KEY_ALPHABET.length)]);
    }
    return key.toString();
  }

  /** 32 random bytes, URL-safe base64. */
  static String randomSecret() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
