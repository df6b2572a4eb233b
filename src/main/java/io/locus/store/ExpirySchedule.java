package io.locus.store;

import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.locus.record.WriteOp;
import io.vertx.cassandra.CassandraClient;
import io.vertx.core.Future;
import java.util.List;

/**
 * The expiry schedule: the {@code expiries} table, where a writer puts each state it writes with
 * an {@code expires} (in the same batch), by shard and minute, and {@code expiry_sweeps}, how far
 * each shard's schedule has been swept. A sweep reads the due entries of a minute, turns each
 * into an {@link WriteOp.Kind#EXPIRE} operation for the shard's queue, and deletes it once
 * published; a minute is marked swept once it lies behind every node's clock.
 */
public final class ExpirySchedule {
  private final CassandraClient client;
  private final PreparedStatement due;
  private final PreparedStatement done;
  private final PreparedStatement swept;
  private final PreparedStatement sweptThrough;

  /** One entry of the schedule whose time has come: the expiry to send, in {@code minute}. */
  public record Due(long minute, long expires, WriteOp op) {}

  private ExpirySchedule(
      CassandraClient client, PreparedStatement due, PreparedStatement done, PreparedStatement swept, PreparedStatement sweptThrough) {
    this.client = client;
    this.due = due;
    this.done = done;
    this.swept = swept;
    this.sweptThrough = sweptThrough;
  }

  /** Prepares the statements once. */
  public static Future<ExpirySchedule> prepare(CassandraClient client) {
    Future<PreparedStatement> due = client.prepare(RecordCql.SELECT_DUE_EXPIRIES);
    Future<PreparedStatement> done = client.prepare(RecordCql.DELETE_EXPIRY);
    Future<PreparedStatement> swept = client.prepare(RecordCql.SELECT_SWEPT);
    Future<PreparedStatement> sweptThrough = client.prepare(RecordCql.UPDATE_SWEPT);
    return Future.all(due, done, swept, sweptThrough)
        .map(all -> new ExpirySchedule(client, due.result(), done.result(), swept.result(), sweptThrough.result()));
  }

  /** The minute an expiry at {@code expires} is scheduled in, when written at {@code nowSeconds}: never one already past. */
  public static long minuteFor(long expires, long nowSeconds) {
    return Math.max(minuteOf(expires), minuteOf(nowSeconds));
  }

  /** The minute (epoch seconds / 60) of {@code epochSeconds}. */
  public static long minuteOf(long epochSeconds) {
    return Math.floorDiv(epochSeconds, 60);
  }

  /** The last minute of {@code shard} swept whole, or null when it never was. */
  public Future<Long> swept(int shard) {
    return client.execute(swept.bind(shard)).map(rows -> {
      Row row = rows.one();
      return row == null || row.isNull("minute") ? null : row.getLong("minute");
    });
  }

  /** Records that {@code shard}'s minutes up to {@code minute} are swept. */
  public Future<Void> sweptThrough(int shard, long minute) {
    return client.execute(sweptThrough.bind(minute, shard)).mapEmpty();
  }

  /** The entries of {@code shard}'s {@code minute} whose {@code expires} is at or before {@code nowSeconds}. */
  public Future<List<Due>> due(int shard, long minute, long nowSeconds) {
    return client
        .executeWithFullFetch(due.bind(shard, minute, nowSeconds))
        .map(
            rows ->
                rows.stream()
                    .map(
                        row ->
                            new Due(
                                minute,
                                row.getLong("expires"),
                                WriteOp.expire(
                                    row.getString("layer"),
                                    row.getString("id"),
                                    row.getLong("ts"),
                                    new WriteOp.Upsert(
                                        row.getDouble("lat"),
                                        row.getDouble("lon"),
                                        row.getString("coordinates"),
                                        row.getLong("created"),
                                        row.getString("properties"),
                                        row.getLong("expires")))))
                    .toList());
  }

  /** Removes {@code entry} from {@code shard}'s schedule: its expiry is on the shard's queue. */
  public Future<Void> done(int shard, Due entry) {
    WriteOp op = entry.op();
    return client.execute(done.bind(shard, entry.minute(), entry.expires(), op.layer(), op.id(), op.ts())).mapEmpty();
  }
}
