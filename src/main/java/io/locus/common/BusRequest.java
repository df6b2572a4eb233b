package io.locus.common;

import io.vertx.core.json.JsonObject;

/** The body of one {@link Operation}: a typed request that travels as JSON. */
public interface BusRequest {
  /** This request as the JSON body sent over the event bus. */
  JsonObject toJson();
}
