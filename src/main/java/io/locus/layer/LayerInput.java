package io.locus.layer;

import io.locus.common.CallbackTargets;
import io.locus.common.Failure;
import io.locus.record.Names;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;

/** Validates the body of {@code PUT /0.1/layers/{name}} into the stored layer shape. */
public final class LayerInput {
  private static final int MAX_TEXT = 4096;
  private static final int MAX_CALLBACKS = 16;

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
    Object urls = body.getValue("callback_urls");
    if (urls != null && !(urls instanceof JsonArray)) {
      throw Failure.badRequest("\"callback_urls\" must be a list of URLs");
    }
    JsonArray callbacks = urls == null ? new JsonArray() : (JsonArray) urls;
    if (callbacks.size() > MAX_CALLBACKS) {
      throw Failure.badRequest("at most " + MAX_CALLBACKS + " callback_urls");
    }
    for (Object url : callbacks) {
      if (!(url instanceof String text) || !text.matches("https?://[^\\s]{1,2000}") || !absoluteHttp(text)) {
        throw Failure.badRequest("callback_urls must be http(s) URLs, got " + url);
      }
      String refusal = targets.refusalOf(URI.create(text));
      if (refusal != null) {
        throw Failure.badRequest(refusal);
      }
    }
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

  /** Whether {@code url} parses as an absolute URL with a host (webhooks will be sent there). */
  private static boolean absoluteHttp(String url) {
    try {
      java.net.URI uri = new java.net.URI(url);
      return uri.getHost() != null && !uri.getHost().isEmpty();
    } catch (java.net.URISyntaxException malformed) {
      return false;
    }
  }
}
