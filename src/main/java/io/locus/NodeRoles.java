package io.locus;

import io.locus.common.Addresses;
import io.locus.common.Dispatcher;
import io.locus.common.Failure;
import io.locus.common.Presence;
import io.locus.common.RoleRequests;
import io.locus.ops.Metrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.function.Function;

/**
 * This node's roles while it runs: it announces the node in the cluster's list of nodes ({@link
 * RoleRequests#NODES}), serves {@link RoleRequests} at its own address ({@link
 * Addresses#rolesOf}), scaling a role's {@link RolePool} when asked, and exposes the instances of
 * each role as the gauge {@code locus_role_instances{role}}. Use from the node's context.
 */
final class NodeRoles {
  private final Vertx vertx;
  private final String node;
  private final Map<String, RolePool> pools;
  private final Presence presence;
  private MessageConsumer<JsonObject> consumer;

  /** The roles of {@code node}, each with its pool, in the order the node starts them. */
  NodeRoles(Vertx vertx, String node, Map<String, RolePool> pools) {
    this.vertx = vertx;
    this.node = node;
    this.pools = pools;
    this.presence = new Presence(vertx, RoleRequests.NODES, node, nodes -> {});
  }

  /** Starts serving the node's roles address and announcing the node. */
  void start() {
    String address = Addresses.rolesOf(node);
    consumer =
        Dispatcher.of(address, Function.identity())
            .on(RoleRequests.GET.at(address), read -> Future.succeededFuture(roles()))
            .on(RoleRequests.SCALE.at(address), this::scale)
            .register(vertx.eventBus());
    MeterRegistry registry = Metrics.registry();
    pools.forEach(
        (role, pool) -> {
          // A node started again in the same process (as tests do) replaces the gauges of the one before.
          registry.find(Metrics.ROLE_INSTANCES).tag("role", role).meters().forEach(registry::remove);
          Gauge.builder(Metrics.ROLE_INSTANCES, pool, RolePool::size)
              .description("verticle instances of a role on this node")
              .tag("role", role)
              .register(registry);
        });
    presence.start();
  }

  /** Stops answering and leaves the list of nodes. */
  Future<Void> stop() {
    Future<Void> unregistered = consumer == null ? Future.succeededFuture() : consumer.unregister();
    return Future.join(unregistered, presence.stop()).mapEmpty();
  }

  private JsonObject roles() {
    JsonObject roles = new JsonObject();
    pools.forEach((role, pool) -> roles.put(role, pool.size()));
    return new JsonObject().put("node", node).put("roles", roles);
  }

  private Future<JsonObject> scale(RoleRequests.Scale request) {
    RolePool pool = pools.get(request.role());
    if (!RoleRequests.NAMES.contains(request.role())) {
      return Future.failedFuture(Failure.badRequest("unknown role \"" + request.role() + "\"; known: " + RoleRequests.NAMES));
    }
    if (pool == null) {
      return Future.failedFuture(Failure.conflict("node " + node + " does not run the " + request.role() + " role"));
    }
    int minimum = RoleRequests.minimum(request.role());
    if (request.instances() < minimum || request.instances() > RoleRequests.MAX_INSTANCES) {
      return Future.failedFuture(
          Failure.badRequest("\"instances\" of " + request.role() + " must be between " + minimum + " and " + RoleRequests.MAX_INSTANCES));
    }
    return pool.scaleTo(request.instances()).map(running -> roles());
  }
}
