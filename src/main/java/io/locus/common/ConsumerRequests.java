package io.locus.common;

import io.vertx.core.json.JsonObject;

/**
 * The contract of {@link Addresses#CONSUMERS}, served by the auth feature's consumer verticle;
 * here, below the features, as more than one asks it (signatures, webhook signing).
 */
public final class ConsumerRequests {
  private ConsumerRequests() {}

  /** The consumer with its secret (for checking signatures), or fails 404. */
  public static final Operation<Key> GET = new Operation<>(Addresses.CONSUMERS, "get", Key::fromJson);

  /** A new consumer → its key and secret (the only time the secret is shown). */
  public static final Operation<Create> CREATE = new Operation<>(Addresses.CONSUMERS, "create", Create::fromJson);

  /** Every consumer, without secrets → {@code {"consumers":[…],"truncated":…}}. */
  public static final Operation<All> LIST = new Operation<>(Addresses.CONSUMERS, "list", json -> new All());

  /** Revokes a consumer on every node → {@code {"status":"Revoked","key":…}}, or fails 404. */
  public static final Operation<Key> REVOKE = new Operation<>(Addresses.CONSUMERS, "revoke", Key::fromJson);

  /** The consumer of {@code key}. */
  public record Key(String key) implements BusRequest {
    @Override
    public JsonObject toJson() {
      return new JsonObject().put("key", key);
    }

    static Key fromJson(JsonObject json) {
      return new Key(json.getString("key"));
    }
  }

  /** Create a consumer called {@code name} with its own rate limit ({@code auth.RateLimit} JSON, or null). */
  public record Create(String name, JsonObject rateLimit) implements BusRequest {
    @Override
    public JsonObject toJson() {
      return new JsonObject().put("name", name).put("rateLimit", rateLimit);
    }

    static Create fromJson(JsonObject json) {
      return new Create(json.getString("name"), json.getJsonObject("rateLimit"));
    }
  }

  /** Every consumer. */
  public record All() implements BusRequest {
    @Override
    public JsonObject toJson() {
      return new JsonObject();
    }
  }
}
