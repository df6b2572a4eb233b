package io.locus;

import static io.locus.common.ConfigKeys.*;

import io.locus.auth.AuthSettings;
import io.locus.cluster.ClusterSettings;
import io.locus.common.ConfigException;
import io.locus.common.ConfigReader;
import io.locus.common.EnvOverrides;
import io.locus.http.HttpSettings;
import io.locus.ingest.RabbitSettings;
import io.locus.ops.OpsSettings;
import io.locus.store.CassandraSettings;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads {@code conf/locus.json} (or the file given with {@code --config}), overlays the
 * environment and validates every key before anything starts, so a bad value stops the node
 * with one line that names it.
 */
public final class LocusConfig {
  /** The roles a node can run; see {@code MainVerticle}. */
  public static final Set<String> ROLE_NAMES = Set.of("api", "publisher", "writer", "query");

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
    ConfigReader reader = new ConfigReader(config);
    String profile = reader.string(PROFILE);
    if (!profile.equals("development") && !profile.equals("production")) {
      throw new ConfigException(
          "config key 'profile' (env LOCUS_PROFILE) must be development or production, got \"" + profile + "\"");
    }
    List<String> roles = reader.strings(ROLES);
    if (roles.isEmpty()) {
      throw new ConfigException("config key 'roles' (env LOCUS_ROLES) must name at least one role");
    }
    ConfigReader instances = reader.section(INSTANCES);
    for (String role : roles) {
      if (!ROLE_NAMES.contains(role)) {
        throw new ConfigException(
            "config key 'roles' (env LOCUS_ROLES) has unknown role \"" + role + "\"; known: " + ROLE_NAMES);
      }
      instances.integer(role, 1, 256);
    }
    HttpSettings.from(reader.object(HTTP));
    RabbitSettings rabbitmq = RabbitSettings.from(reader.object(RABBITMQ));
    CassandraSettings.from(reader.object(CASSANDRA));
    ClusterSettings.from(reader.object(CLUSTER));
    OpsSettings.from(config);
    AuthSettings auth = AuthSettings.from(reader.object(AUTH));
    if (profile.equals("production")) {
      auth.requireProductionReady();
      if (rabbitmq.password().equals("guest")) {
        throw new ConfigException(
            "config key 'rabbitmq.password' (env LOCUS_RABBITMQ_PASSWORD) must not be the broker's default in the production profile");
      }
    }
  }
}
