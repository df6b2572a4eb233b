package io.locus;

import io.locus.common.ConfigException;
import io.locus.common.EnvOverrides;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Loads {@code conf/locus.json} (or the file given with {@code --config}), overlays the
 * environment and validates every key before anything starts, so a bad value stops the node
 * with one line that names it.
 */
public final class LocusConfig {
  private LocusConfig() {}

  /** Reads, overlays and validates; runs on the main thread before Vert.x starts. */
  public static JsonObject load(Path file, Map<String, String> env) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
    }
    JsonObject json;
    try {
      json = new JsonObject(text);
    } catch (DecodeException e) {
      throw new ConfigException("config file " + file + " is not valid JSON: " + e.getMessage());
    }
    JsonObject config = EnvOverrides.apply(json, env);
    validate(config);
    return config;
  }

  /** Throws a {@link ConfigException} for the first bad key. */
  public static void validate(JsonObject config) {
    NodeSettings.from(config);
  }
}
