package io.locus.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;
import com.hazelcast.config.TcpIpConfig;
import io.locus.common.ConfigException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.FileNotFoundException;

/** Starts Vert.x alone, or as a member of a Hazelcast cluster whose event bus spans every node. */
public final class Clustering {
  private Clustering() {}

  public static Future<Vertx> start(ClusterSettings settings, VertxOptions options) {
    if (!settings.enabled()) {
      return Future.succeededFuture(Vertx.vertx(options));
    }
    options.setEventBusOptions(
        new EventBusOptions()
            .setHost(settings.host())
            .setPort(settings.eventBusPort())
            .setClusterPublicHost(settings.advertisedHost()));
    return Vertx.builder()
        .with(options)
        .withClusterManager(new HazelcastClusterManager(hazelcastConfig(settings)))
        .buildClustered();
  }

  /** The XML configuration with this node's port, interface and (if given) members. */
  static Config hazelcastConfig(ClusterSettings settings) {
    Config config;
    try {
      config = new FileSystemXmlConfig(settings.hazelcastConfig());
    } catch (FileNotFoundException e) {
      throw new ConfigException(
          "config key 'cluster.hazelcastConfig' (env LOCUS_CLUSTER_HAZELCAST_CONFIG): no file " + settings.hazelcastConfig());
    }
    config.getNetworkConfig().setPort(settings.hazelcastPort()).setPortAutoIncrement(false);
    if (!settings.publicHost().isBlank()) {
      config.getNetworkConfig().setPublicAddress(settings.publicHost() + ":" + settings.hazelcastPort());
    }
    config.getNetworkConfig().getInterfaces().setEnabled(!settings.host().equals("0.0.0.0")).addInterface(settings.host());
    if (!settings.members().isEmpty()) {
      TcpIpConfig tcp = config.getNetworkConfig().getJoin().getTcpIpConfig();
      tcp.setEnabled(true).setMembers(settings.members());
    }
    return config;
  }
}
