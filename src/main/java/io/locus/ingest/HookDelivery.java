package io.locus.ingest;

import io.locus.common.Failure;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One webhook delivery, as its receiver's queue carries it: the change {@code body} (the JSON a
 * subscriber of the change stream gets) to POST to {@code url}, signed with the secret of the
 * layer's {@code owner}. {@code delivery} names it for the receiver's dedupe and stays the same
 * across attempts; {@code queuedMillis} is when the change was fanned out to the receivers'
 * queues (epoch milliseconds), from which a delivery's age and lag are counted.
 */
record HookDelivery(String url, String layer, String id, String owner, String event, String delivery, long queuedMillis, String body) {

  /** The endpoint id of {@code url}: the queue it is delivered from. */
  static String endpointOf(String url) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(url.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  /** The receiver as metrics name it: its scheme, host and port. */
  String receiver() {
    URI uri = URI.create(url);
    return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
  }

  /** The key whose deliveries must go in order: the record's. */
  String recordKey() {
    return layer + '\u0000' + id;
  }

  Buffer toBuffer() {
    return new JsonObject()
        .put("url", url)
        .put("layer", layer)
        .put("id", id)
        .put("owner", owner)
        .put("event", event)
        .put("delivery", delivery)
        .put("queuedMillis", queuedMillis)
        .put("body", body)
        .toBuffer();
  }

  /** Reads a queued delivery; anything malformed is a {@link Failure} 400. */
  static HookDelivery fromBuffer(Buffer message) {
    try {
      JsonObject json = message.toJsonObject();
      HookDelivery delivery =
          new HookDelivery(
              json.getString("url"),
              json.getString("layer"),
              json.getString("id"),
              json.getString("owner"),
              json.getString("event"),
              json.getString("delivery"),
              json.getLong("queuedMillis", 0L),
              json.getString("body"));
      if (delivery.url == null || delivery.layer == null || delivery.owner == null || delivery.event == null
          || delivery.delivery == null || delivery.body == null) {
        throw Failure.badRequest("webhook delivery lacks a field");
      }
      return delivery;
    } catch (DecodeException | ClassCastException malformed) {
      throw Failure.badRequest("webhook delivery is not a JSON object of the right shape");
    }
  }
}
