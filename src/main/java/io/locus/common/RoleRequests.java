package io.locus.common;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The contract of a node's roles address ({@link Addresses#rolesOf}), served by the node itself
 * and asked by the admin surface of any node. Every answer is the node's roles as they stand:
 * {@code {"node":…,"roles":{"api":n,"publisher":n,"writer":n,"query":n}}}, naming only the roles
 * the node runs.
 */
public final class RoleRequests {
  private RoleRequests() {}

  /** The roles a node can run, in the order a node starts them last to first. */
  public static final List<String> NAMES = List.of("api", "publisher", "writer", "query");

  /** The most instances of one role on one node. */
  public static final int MAX_INSTANCES = 256;

  /** The map in which every node announces itself ({@link Presence}): node id → its HTTP port. */
  public static final String NODES = "locus.nodes";

  /**
   * The node's roles. Ask it with {@code GET.at(Addresses.rolesOf(node))}; the operations are
   * declared at the prefix, as each node serves them at its own address.
   */
  public static final Operation<Read> GET = new Operation<>(Addresses.ROLES, "get", json -> new Read());

  /**
   * Deploys or undeploys instances of a role until the node runs {@code instances} of it, then
   * answers its roles; fails 409 when the node does not run the role. An undeployed instance
   * drains as on a graceful stop.
   */
  public static final Operation<Scale> SCALE = new Operation<>(Addresses.ROLES, "scale", Scale::fromJson);

  /** The fewest instances {@code role} may have on a node that runs it: the api role keeps one, so the node keeps answering. */
  public static int minimum(String role) {
    return role.equals("api") ? 1 : 0;
  }

  /** Read the node's roles. */
  public record Read() implements BusRequest {
    @Override
    public JsonObject toJson() {
      return new JsonObject();
    }
  }

  /** Run {@code instances} instances of {@code role}. */
  public record Scale(String role, int instances) implements BusRequest {
    @Override
    public JsonObject toJson() {
      return new JsonObject().put("role", role).put("instances", instances);
    }

    static Scale fromJson(JsonObject json) {
      return new Scale(json.getString("role"), json.getInteger("instances"));
    }
  }
}
