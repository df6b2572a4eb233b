package io.locus.ops;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;

/**
 * Whether this node is draining: set first thing on a graceful stop, so that {@code
 * /health/ready} answers 503 and load balancers stop sending traffic while in-flight work
 * finishes.
 */
public final class Lifecycle {
  private static final String MAP = "locus.lifecycle";
  private static final String DRAINING = "draining";

  private Lifecycle() {}

  public static void startDraining(Vertx vertx) {
    flags(vertx).put(DRAINING, Boolean.TRUE);
  }

  public static boolean draining(Vertx vertx) {
    return Boolean.TRUE.equals(flags(vertx).get(DRAINING));
  }

  private static LocalMap<String, Boolean> flags(Vertx vertx) {
    return vertx.sharedData().getLocalMap(MAP);
  }
}
