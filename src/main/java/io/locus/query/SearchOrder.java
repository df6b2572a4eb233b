package io.locus.query;

import io.locus.common.Failure;


/** How answers are ordered; every order breaks ties by record id. */
public enum SearchOrder {
  /** Nearest first (the default). */
  DISTANCE("distance"),
  /** Oldest {@code created} first. */
  CREATED("created"),
  /** Newest {@code created} first. */
  NEWEST("-created");

  public final String wire;

  SearchOrder(String wire) {
    this.wire = wire;
  }

  /** Parses the {@code order} parameter; absent or empty means distance. */
  public static SearchOrder parse(String text) {
    if (text == null || text.isEmpty()) {
      return DISTANCE;
    }
    for (SearchOrder order : values()) {
      if (order.wire.equals(text)) {
        return order;
      }
    }
    throw Failure.badRequest("order must be distance, created or -created");
  }

  /** The primary sort key of a candidate. */
  double key(double distanceM, long created) {
    return switch (this) {
      case DISTANCE -> distanceM;
      case CREATED -> created;
      case NEWEST -> -created;
    };
  }
}
