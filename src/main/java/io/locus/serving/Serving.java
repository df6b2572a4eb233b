package io.locus.serving;

import io.locus.common.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;

/** How a query verticle reaches the node's serving tier. */
public final class Serving {
  /** The feed verticle's warm address is a local consumer: a clustered send must not look beyond this node. */
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

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
      vertx.eventBus().send(Addresses.SERVING_WARM, layer, LOCAL);
    }
    return index;
  }
}
