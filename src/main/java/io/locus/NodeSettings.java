package io.locus;

import io.locus.ingest.HookSettings;
import static io.locus.common.ConfigKeys.*;

import io.locus.auth.AuthSettings;
import io.locus.cluster.ClusterSettings;
import io.locus.common.ConfigException;
import io.locus.common.ConfigReader;
import io.locus.http.HttpSettings;
import io.locus.ingest.RabbitSettings;
import io.locus.ops.OpsSettings;
import io.locus.place.PlaceSettings;
import io.locus.serving.ServingSettings;
import io.locus.store.CassandraSettings;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A node's whole configuration, read and validated once at start; {@link MainVerticle} hands
 * each verticle the typed sections it needs, so no verticle parses configuration itself.
 *
 * @param development whether the profile is {@code development} (else {@code production})
 * @param roles the roles this node runs, as configured
 * @param instances verticle instances per role this node runs
 */
public record NodeSettings(
    boolean development,
    List<String> roles,
    Map<String, Integer> instances,
    HttpSettings http,
    RabbitSettings rabbitmq,
    CassandraSettings cassandra,
    ClusterSettings cluster,
    OpsSettings ops,
    AuthSettings auth,
    ServingSettings serving,
    PlaceSettings places,
    HookSettings hooks) {

  /** The roles a node can run; see {@code MainVerticle}. */
  public static final Set<String> ROLE_NAMES = Set.of("api", "publisher", "writer", "query");

  /** Whether this node runs {@code role}. */
  public boolean runs(String role) {
    return roles.contains(role);
  }

  /** Reads and validates; throws a {@link ConfigException} naming the first bad key. */
  public static NodeSettings from(JsonObject config) {
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
    ConfigReader instanceReader = reader.section(INSTANCES);
    Map<String, Integer> instances = new LinkedHashMap<>();
    for (String role : roles) {
      if (!ROLE_NAMES.contains(role)) {
        throw new ConfigException(
            "config key 'roles' (env LOCUS_ROLES) has unknown role \"" + role + "\"; known: " + ROLE_NAMES);
      }
      instances.put(role, instanceReader.integer(role, 1, 256));
    }
    NodeSettings settings =
        new NodeSettings(
            profile.equals("development"),
            List.copyOf(roles),
            Map.copyOf(instances),
            HttpSettings.from(reader.object(HTTP)),
            RabbitSettings.from(reader.object(RABBITMQ)),
            CassandraSettings.from(reader.object(CASSANDRA)),
            ClusterSettings.from(reader.object(CLUSTER)),
            OpsSettings.from(config),
            AuthSettings.from(reader.object(AUTH)),
            ServingSettings.from(reader.object(SERVING)),
            PlaceSettings.from(reader.object(PLACES)),
            HookSettings.from(reader.object(HOOKS)));
    if (!settings.development()) {
      settings.auth().requireProductionReady();
      if (settings.rabbitmq().password().equals("guest")) {
        throw new ConfigException(
            "config key 'rabbitmq.password' (env LOCUS_RABBITMQ_PASSWORD) must not be the broker's default in the production profile");
      }
    }
    return settings;
  }
}
