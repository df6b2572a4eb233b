package io.locus.layer;

import io.locus.common.CallbackTargets;
import io.locus.common.Failure;
import io.locus.record.Names;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Validates the body of {@code PUT /0.1/layers/{name}} into the stored layer shape. */
public final class LayerInput {
  private static final int MAX_TEXT = 4096;

  private LayerInput() {}

  /**
   * The layer {@code name} as the body describes it: {@code title}, {@code description}, {@code
   * public} and {@code callback_urls} are optional; {@code created} and {@code updated} are set
   * to {@code nowSeconds} (the store keeps the original {@code created} of an existing layer). A
   * callback URL that {@code targets} refuses by its text (a loopback, private or link-local
   * address) is a 400.
   */
  public static JsonObject parse(String name, JsonObject body, long nowSeconds, CallbackTargets targets) {
    Names.layer(name);
    Object bodyName = body.getValue("name");
    if (bodyName != null && !name.equals(bodyName)) {
      throw Failure.badRequest("\"name\" in the body differs from the URL");
    }
    Object isPublic = body.getValue("public");
    if (isPublic != null && !(isPublic instanceof Boolean)) {
      throw Failure.badRequest("\"public\" must be true or false");
    }
    JsonArray callbacks = targets.urls(body.getValue("callback_urls"));
    return new JsonObject()
        .put("name", name)
        .put("title", text(body, "title", name))
        .put("description", text(body, "description", ""))
        .put("public", isPublic != null && (Boolean) isPublic)
        .put("callback_urls", callbacks.copy())
        .put("created", nowSeconds)
        .put("updated", nowSeconds);
  }

  private static String text(JsonObject body, String field, String fallback) {
    Object value = body.getValue(field);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof String) || ((String) value).length() > MAX_TEXT) {
      throw Failure.badRequest("\"" + field + "\" must be a string of at most " + MAX_TEXT + " characters");
    }
    return (String) value;
  }
}
