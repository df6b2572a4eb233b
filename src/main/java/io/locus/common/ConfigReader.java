package io.locus.common;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed, validating access to one section of the configuration. Every failure is a {@link
 * ConfigException} naming the full key path and the environment variable that overrides it.
 */
public final class ConfigReader {
  private final JsonObject json;
  private final String prefix;

  public ConfigReader(JsonObject json) {
    this(json, "");
  }

  private ConfigReader(JsonObject json, String prefix) {
    this.json = json;
    this.prefix = prefix;
  }

  /** The nested section {@code key}, which must be a JSON object. */
  public ConfigReader section(String key) {
    Object value = require(key);
    if (!(value instanceof JsonObject)) {
      throw wrong(key, "an object", value);
    }
    return new ConfigReader((JsonObject) value, path(key) + ".");
  }

  /** The raw JSON of the nested section {@code key}. */
  public JsonObject object(String key) {
    Object value = require(key);
    if (!(value instanceof JsonObject)) {
      throw wrong(key, "an object", value);
    }
    return (JsonObject) value;
  }

  public String string(String key) {
    Object value = require(key);
    if (!(value instanceof String)) {
      throw wrong(key, "a string", value);
    }
    return (String) value;
  }

  public String nonBlank(String key) {
    String value = string(key);
    if (value.isBlank()) {
      throw new ConfigException(describe(key) + " must not be blank");
    }
    return value;
  }

  public int integer(String key, int min, int max) {
    Object value = require(key);
    if (!(value instanceof Number) || ((Number) value).doubleValue() % 1 != 0) {
      throw wrong(key, "an integer", value);
    }
    long number = ((Number) value).longValue();
    if (number < min || number > max) {
      throw new ConfigException(
          describe(key) + " must be between " + min + " and " + max + ", got " + number);
    }
    return (int) number;
  }

  public boolean bool(String key) {
    Object value = require(key);
    if (!(value instanceof Boolean)) {
      throw wrong(key, "true or false", value);
    }
    return (Boolean) value;
  }

  public List<String> strings(String key) {
    Object value = require(key);
    if (!(value instanceof JsonArray)) {
      throw wrong(key, "a list of strings", value);
    }
    List<String> result = new ArrayList<>();
    for (Object item : (JsonArray) value) {
      if (!(item instanceof String)) {
        throw wrong(key, "a list of strings", value);
      }
      result.add((String) item);
    }
    return result;
  }

  private Object require(String key) {
    Object value = json.getValue(key);
    if (value == null) {
      throw new ConfigException(describe(key) + " is missing");
    }
    return value;
  }

  private ConfigException wrong(String key, String expected, Object actual) {
    return new ConfigException(describe(key) + " must be " + expected + ", got " + render(actual));
  }

  private static String render(Object value) {
    return value instanceof String ? "\"" + value + "\"" : String.valueOf(value);
  }

  private String path(String key) {
    return prefix + key;
  }

  private String describe(String key) {
    return "config key '" + path(key) + "' (env " + EnvOverrides.variableFor(path(key)) + ")";
  }
}
