package io.locus.common;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * Overlays environment variables on a configuration: every leaf key of the file can be
 * overridden by {@code LOCUS_} followed by its path in upper snake case, so {@code http.port}
 * is {@code LOCUS_HTTP_PORT} and {@code rabbitmq.confirmTimeoutMs} is {@code
 * LOCUS_RABBITMQ_CONFIRM_TIMEOUT_MS}. The value is read as the type the file gives the key; a
 * list is written comma-separated ({@code LOCUS_ROLES=api,query}).
 */
public final class EnvOverrides {
  private static final String PREFIX = "LOCUS_";

  private EnvOverrides() {}

  /** The environment variable that overrides the dotted key {@code path}. */
  public static String variableFor(String path) {
    String snake = path.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replace('.', '_');
    return PREFIX + snake.toUpperCase(Locale.ROOT);
  }

  /** Returns a copy of {@code config} with the overrides found in {@code env} applied. */
  public static JsonObject apply(JsonObject config, Map<String, String> env) {
    JsonObject copy = config.copy();
    overlay(copy, "", env);
    return copy;
  }

  private static void overlay(JsonObject node, String prefix, Map<String, String> env) {
    for (String key : node.fieldNames().toArray(new String[0])) {
      String path = prefix + key;
      Object current = node.getValue(key);
      if (current instanceof JsonObject) {
        overlay((JsonObject) current, path + ".", env);
        continue;
      }
      String variable = variableFor(path);
      String raw = env.get(variable);
      if (raw != null) {
        node.put(key, convert(variable + " (config key '" + path + "')", raw.trim(), current));
      }
    }
  }

  private static Object convert(String variable, String raw, Object current) {
    if (current instanceof Boolean) {
      if (!raw.equalsIgnoreCase("true") && !raw.equalsIgnoreCase("false")) {
        throw new ConfigException(variable + " must be true or false, got \"" + raw + "\"");
      }
      return Boolean.parseBoolean(raw);
    }
    if (current instanceof Number) {
      try {
        return Long.parseLong(raw);
      } catch (NumberFormatException notInteger) {
        throw new ConfigException(variable + " must be an integer, got \"" + raw + "\"");
      }
    }
    if (current instanceof JsonArray) {
      JsonArray list = new JsonArray();
      Arrays.stream(raw.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(list::add);
      return list;
    }
    return raw;
  }
}
