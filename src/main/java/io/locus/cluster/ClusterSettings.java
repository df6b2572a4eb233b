package io.locus.cluster;

import static io.locus.common.ConfigKeys.*;

import io.locus.common.ConfigReader;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The {@code cluster} section of the configuration, validated.
 *
 * @param enabled join a Hazelcast cluster (false: a single node on a local event bus)
 * @param host the interface Hazelcast and the event bus bind to
 * @param publicHost the address other nodes reach this one at (empty: {@code host})
 * @param eventBusPort the event-bus TCP port (0: any free port)
 * @param hazelcastPort Hazelcast's TCP port
 * @param hazelcastConfig the Hazelcast XML file
 * @param members {@code host:port} of the members to join (empty: the XML's list)
 */
public record ClusterSettings(
    boolean enabled,
    String host,
    String publicHost,
    int eventBusPort,
    int hazelcastPort,
    String hazelcastConfig,
    List<String> members) {

  public static ClusterSettings from(JsonObject cluster) {
    ConfigReader reader = new ConfigReader(new JsonObject().put(CLUSTER, cluster)).section(CLUSTER);
    return new ClusterSettings(
        reader.bool(CLUSTER_ENABLED),
        reader.nonBlank(CLUSTER_HOST),
        reader.string(CLUSTER_PUBLIC_HOST),
        reader.integer(CLUSTER_EVENT_BUS_PORT, 0, 65535),
        reader.integer(CLUSTER_HAZELCAST_PORT, 1, 65535),
        reader.nonBlank(CLUSTER_HAZELCAST_CONFIG),
        reader.strings(CLUSTER_MEMBERS));
  }

  /** The address other nodes use to reach this one. */
  public String advertisedHost() {
    return publicHost.isBlank() ? host : publicHost;
  }
}
