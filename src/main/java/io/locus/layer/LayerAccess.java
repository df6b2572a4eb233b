package io.locus.layer;

import io.locus.common.Failure;
import io.locus.store.LayerStore;
import io.vertx.core.json.JsonObject;

/**
 * Who may do what with a layer. A layer belongs to the consumer that created it: only the owner
 * writes to it (records, settings, deletion). Others can read a {@code public} layer and are
 * told nothing of a private one: it answers 404 exactly as a missing layer does. A public
 * layer is visible, so a write to it by another consumer gets an honest 403.
 */
public final class LayerAccess {
  /** The stored layer's owner field; never sent to clients. */
  public static final String OWNER = LayerStore.OWNER;

  private LayerAccess() {}

  /** What a request wants of a layer. */
  public enum Need {
    READ,
    WRITE
  }

  /**
   * Returns {@code layer} when {@code consumer} may do what it needs with it; throws a {@link
   * Failure} 404 when the layer is missing or invisible to the consumer, a 403 when it
   * may read but not write.
   */
  public static JsonObject check(JsonObject layer, String consumer, Need need) {
    if (layer == null) {
      throw Failure.notFound("layer not found");
    }
    if (consumer.equals(layer.getString(OWNER))) {
      return layer;
    }
    if (!Boolean.TRUE.equals(layer.getBoolean("public"))) {
      throw Failure.notFound("layer not found");
    }
    if (need == Need.WRITE) {
      throw Failure.forbidden("this public layer belongs to another consumer: it can be read, not changed");
    }
    return layer;
  }

  /** The layer as clients see it: without its owner. */
  public static JsonObject forClient(JsonObject layer) {
    JsonObject copy = layer.copy();
    copy.remove(OWNER);
    return copy;
  }
}
