package io.locus.serving;

import io.locus.common.Addresses;
import io.vertx.core.Vertx;

/** How a query verticle reaches the node's serving tier. */
public final class Serving {
  private Serving() {}

  /**
   * The warm index of {@code layer} in {@code tier} (null when the node has no tier), or null
   * after asking the node's feed verticle to load the layer, when it does not hold it yet.
   */
  public static LayerIndex lookup(Vertx vertx, ServingTier tier, String layer) {
    if (tier == null) {
      return null;
    }
    LayerIndex index = tier.serving(layer);
    if (index == null && !tier.holds(layer)) {
      vertx.eventBus().send(Addresses.SERVING_WARM, layer);
    }
    return index;
  }
}
