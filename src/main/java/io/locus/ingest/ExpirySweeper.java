package io.locus.ingest;

import com.rabbitmq.client.AMQP;
import io.locus.common.Times;
import io.locus.store.ExpirySchedule;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the expiries that are due into the shard queues, for the shards its writer prefers
 * ({@link ShardBalancer}): every {@link #SWEEP_MS} it reads each such shard's {@link
 * ExpirySchedule} from the minute after the last one swept whole up to the current one, publishes
 * an {@code expire} operation per due entry to the shard's queue (confirmed), and then deletes the
 * entry. Going through the queue puts the expiry in order with the record's other operations;
 * the writer that applies it removes the record only if the state that expires is still its
 * state. A minute is marked swept once it is {@link #SETTLE_MINUTES} behind this node's clock, so
 * a writer whose clock runs a little behind cannot add to a minute already closed. Two writers
 * sweeping one shard for a while (when writers come and go) send an expiry twice, which the
 * second application ignores.
 */
final class ExpirySweeper {
  private static final Logger LOG = LoggerFactory.getLogger(ExpirySweeper.class);
  static final long SWEEP_MS = 1_000;
  /** A shard never swept starts this many minutes back. */
  private static final long FIRST_MINUTES_BACK = 60;
  private static final long SETTLE_MINUTES = 2;
  private static final AMQP.BasicProperties PROPERTIES =
      new AMQP.BasicProperties.Builder().deliveryMode(2).contentType("application/json").build();

  private final Vertx vertx;
  private final ExpirySchedule schedule;
  private final ConfirmedPublisher publisher;
  private final QueueTopology topology;
  private Set<Integer> shards = Set.of();
  private boolean sweeping;
  /** Whether the last sweep failed: a failure is logged once, not every second of an outage. */
  private boolean failing;
  private long timer = -1;

  ExpirySweeper(Vertx vertx, ExpirySchedule schedule, ConfirmedPublisher publisher, QueueTopology topology) {
    this.vertx = vertx;
    this.schedule = schedule;
    this.publisher = publisher;
    this.topology = topology;
  }

  void start() {
    timer = vertx.setPeriodic(SWEEP_MS, t -> sweep());
  }

  void stop() {
    vertx.cancelTimer(timer);
  }

  /** The shards to sweep from now on: the ones the writer prefers. */
  void shards(Set<Integer> preferred) {
    this.shards = Set.copyOf(preferred);
  }

  private void sweep() {
    if (sweeping || shards.isEmpty()) {
      return;
    }
    sweeping = true;
    long now = Times.nowSeconds();
    Future<Void> swept = Future.succeededFuture();
    for (int shard : shards) {
      swept = swept.compose(v -> sweep(shard, now));
    }
    swept.onComplete(
        done -> {
          sweeping = false;
          if (done.failed() && !failing) {
            LOG.warn("expiry sweep failed, tried again every {} ms: {}", SWEEP_MS, done.cause().toString());
          } else if (done.succeeded() && failing) {
            LOG.info("expiry sweep going again");
          }
          failing = done.failed();
        });
  }

  private Future<Void> sweep(int shard, long now) {
    long current = ExpirySchedule.minuteOf(now);
    return schedule
        .swept(shard)
        .compose(last -> minutes(shard, last == null ? current - FIRST_MINUTES_BACK : last + 1, current, now));
  }

  private Future<Void> minutes(int shard, long minute, long current, long now) {
    if (minute > current) {
      return Future.succeededFuture();
    }
    return schedule
        .due(shard, minute, now)
        .compose(due -> send(shard, due))
        .compose(v -> minute <= current - SETTLE_MINUTES ? schedule.sweptThrough(shard, minute) : Future.succeededFuture())
        .compose(v -> minutes(shard, minute + 1, current, now));
  }

  private Future<Void> send(int shard, List<ExpirySchedule.Due> due) {
    List<Future<Void>> sent = new ArrayList<>(due.size());
    for (ExpirySchedule.Due entry : due) {
      sent.add(
          publisher
              .publish(topology.exchange(), QueueTopology.routingKey(shard), PROPERTIES, entry.op().toJson().toBuffer())
              .compose(v -> schedule.done(shard, entry)));
    }
    return Future.all(sent).mapEmpty();
  }
}
