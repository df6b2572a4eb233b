package io.locus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One role's verticle instances on this node. Each instance is deployed on its own (a role may
 * need several verticles an instance: they are deployed in order and undeployed in reverse), so
 * that instances can be added and removed one at a time while the node runs. Removing one
 * undeploys it, and each verticle's {@code stop} drains it as on a graceful stop of the node.
 * Scalings run one after another, in the order asked. Use from one context (the node's).
 */
final class RolePool {
  private static final Logger LOG = LoggerFactory.getLogger(RolePool.class);

  private final Vertx vertx;
  private final String role;
  private final Supplier<Future<List<String>>> deployOne;
  /** The instances, newest first; each is its deployment ids in the order deployed. */
  private final Deque<List<String>> instances = new ArrayDeque<>();
  private Future<Integer> last = Future.succeededFuture(0);

  /** @param deployOne deploys one instance and completes with its deployment ids, in order */
  RolePool(Vertx vertx, String role, Supplier<Future<List<String>>> deployOne) {
    this.vertx = vertx;
    this.role = role;
    this.deployOne = deployOne;
  }

  /** Instances running now. */
  int size() {
    return instances.size();
  }

  /**
   * Deploys instances one after another, or undeploys the newest all at once, until {@code
   * wanted} run; completes with how many run then. Fails when an instance cannot be deployed
   * (those deployed before it stay).
   */
  Future<Integer> scaleTo(int wanted) {
    Future<Integer> next = last.transform(previous -> step(wanted));
    last = next;
    return next;
  }

  /** Undeploys every instance. */
  Future<Void> stopAll() {
    return scaleTo(0).mapEmpty();
  }

  private Future<Integer> step(int wanted) {
    if (instances.size() < wanted) {
      return deployOne.get().compose(ids -> {
        instances.push(ids);
        return step(wanted);
      });
    }
    if (instances.size() > wanted) {
      // The instances removed drain at once, each within the node's shutdown deadline.
      List<Future<Void>> removed = new ArrayList<>();
      while (instances.size() > wanted) {
        removed.add(undeploy(instances.pop()));
      }
      return Future.join(removed).map(v -> instances.size());
    }
    return Future.succeededFuture(instances.size());
  }

  /** Undeploys an instance's deployments in reverse order; a verticle that does not stop cleanly is logged and counted gone. */
  private Future<Void> undeploy(List<String> ids) {
    List<String> reversed = new ArrayList<>(ids);
    Collections.reverse(reversed);
    Future<Void> done = Future.succeededFuture();
    for (String id : reversed) {
      done = done.compose(v -> vertx.undeploy(id).recover(cause -> {
        LOG.warn("an instance of role {} did not stop cleanly: {}", role, cause.toString());
        return Future.succeededFuture();
      }));
    }
    return done;
  }
}
