package io.locus.feed;

import io.locus.record.FeatureJson;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;

/**
 * A change as clients receive it, on the change stream and in webhooks: {@code {"event":kind,
 * "layer":…,"id":…,"record":Feature or null,"previous":Point or null[,"fence":id],"time":epoch
 * ms}}, the
 * record rendered exactly as {@code GET} answers it, its links built on {@code baseUrl}.
 */
public final class ChangeJson {
  private ChangeJson() {}

  /** The change's JSON object, with {@code "eventId"} last when {@code eventId} is not null. */
  public static Buffer render(ChangeEvent change, String baseUrl, String eventId) {
    Buffer json =
        Buffer.buffer(512)
            .appendString("{\"event\":\"").appendString(change.kind().wire())
            .appendString("\",\"layer\":").appendString(Json.encode(change.layer()))
            .appendString(",\"id\":").appendString(Json.encode(change.id()))
            .appendString(",\"record\":");
    if (change.state() == null) {
      json.appendString("null");
    } else {
      ChangeEvent.State state = change.state();
      json.appendBuffer(
          new FeatureJson.Features(change.layer(), baseUrl)
              .add(change.id(), state.coordinates(), state.created(), state.properties(), state.expires(), Double.NaN)
              .single());
    }
    json.appendString(",\"previous\":");
    if (change.previous() == null) {
      json.appendString("null");
    } else {
      json.appendString("{\"type\":\"Point\",\"coordinates\":[")
          .appendString(Double.toString(change.previous().lon())).appendString(",")
          .appendString(Double.toString(change.previous().lat())).appendString("]}");
    }
    if (change.fence() != null) {
      json.appendString(",\"fence\":").appendString(Json.encode(change.fence()));
    }
    json.appendString(",\"time\":").appendString(Long.toString(change.ts() / 1000));
    if (eventId != null) {
      json.appendString(",\"eventId\":").appendString(Json.encode(eventId));
    }
    return json.appendString("}");
  }
}
