package io.locus.store;

import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchableStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.locus.common.Times;
import io.locus.feed.ChangeEvent;
import io.locus.geo.Cells;
import io.locus.record.WriteOp;
import io.vertx.cassandra.CassandraClient;
import io.vertx.cassandra.ResultSet;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies {@link WriteOp}s to Cassandra. Every write carries the operation's own timestamp
 * ({@code USING TIMESTAMP}), so applying an operation twice changes nothing and an older
 * operation can never overwrite a newer one. Callers apply the operations of one record one at
 * a time (the shard queue and the writer see to that), which makes the read of the current
 * state before a write safe; and as the single active consumer of a shard, a writer knows the
 * state it last wrote of each record, so an operation on a record written lately skips that
 * read ({@link KnownStates}: the writer tells {@link #forgetShard} when it may have lost a shard).
 */
public final class RecordWriter {
  private final CassandraClient client;
  private final Statements statements;
  private final KnownStates known;

  private RecordWriter(CassandraClient client, Statements statements, KnownStates known) {
    this.client = client;
    this.statements = statements;
    this.known = known;
  }

  /**
   * Prepares the statements once; the writer keeps the state of up to {@code knownPerShard}
   * records of each of {@code shards} shards.
   */
  public static Future<RecordWriter> prepare(CassandraClient client, int shards, int knownPerShard) {
    return Statements.prepare(client).map(statements -> new RecordWriter(client, statements, new KnownStates(shards, knownPerShard)));
  }

  /**
   * Forgets what this writer knows of {@code shard}'s records: it may no longer be the shard's
   * only writer (it re-subscribed to the shard's queue). Safe from any thread.
   */
  public void forgetShard(int shard) {
    known.dropShard(shard);
  }

  /** Forgets what this writer knows of every shard (its connection to the broker was replaced). Safe from any thread. */
  public void forgetAll() {
    known.dropAll();
  }

  /**
   * Applies a record upsert, delete, expiry or layer purge; {@code shard} is the queue it came from.
   * Completes with the changes it made, for the change feed: none when it changed nothing a
   * reader sees (an older position, kept in the history only; the delete of a missing record).
   */
  public Future<List<ChangeEvent>> apply(WriteOp op, int shard) {
    if (op.kind() == WriteOp.Kind.PURGE_LAYER) {
      known.dropShard(shard);
      known.forgetPartitions(op.layer());
      return purge(op.layer(), op.ts(), shard);
    }
    long epoch = known.epoch(shard);
    Future<List<ChangeEvent>> applied =
        switch (op.kind()) {
          case UPSERT -> upsert(op, shard, epoch);
          case DELETE -> delete(op.layer(), op.id(), op.ts(), shard, epoch, false);
          case EXPIRE -> expire(op, shard, epoch);
          case PURGE_LAYER -> throw new IllegalStateException("purges are applied above");
        };
    return applied.onFailure(cause -> known.forget(shard, op.layer(), op.id()));
  }

  /** The record's state: as this writer last wrote it when it knows, else read from Cassandra (and then known). */
  private Future<RecordState> current(String layer, String id, int shard, long epoch) {
    RecordState state = known.get(shard, layer, id, Times.nowSeconds());
    if (state != null) {
      return Future.succeededFuture(state);
    }
    return client
        .execute(statements.selectCurrent().bind(layer, id))
        .map(
            rows -> {
              RecordState read = RecordState.of(rows.one());
              if (read != null) {
                known.remember(shard, epoch, layer, id, read);
              }
              return read;
            });
  }

  private Future<List<ChangeEvent>> upsert(WriteOp op, int shard, long epoch) {
    WriteOp.Upsert state = op.upsert();
    long cell = Cells.leaf(state.lat(), state.lon());
    long partition = Cells.partitionOf(cell);
    long now = Times.nowSeconds();
    int ttl = RecordCql.ttl(state.expires(), now);
    Long expires = state.expires() > 0 ? state.expires() : null;
    return current(op.layer(), op.id(), shard, epoch)
        .compose(
            current -> {
              if (current != null && current.deleted() && current.ts() >= op.ts()) {
                return Future.succeededFuture(List.of()); // deleted after this write was made
              }
              List<BatchableStatement<?>> writes = new ArrayList<>();
              writes.add(
                  statements.insertHistory().bind(
                      op.layer(), op.id(), op.ts(), state.created(), state.coordinates(), op.ts(), ttl));
              if (current != null && !current.deleted() && current.ts() > op.ts()) {
                return execute(writes).map(List.of()); // newer position already there: history only
              }
              writes.add(
                  statements.insertRecord().bind(
                      op.layer(), op.id(), state.lat(), state.lon(), state.coordinates(), cell,
                      state.created(), state.properties(), op.ts(), expires, op.ts(), ttl));
              writes.add(
                  statements.insertIndex().bind(
                      op.layer(), partition, cell, op.id(), state.lat(), state.lon(),
                      state.coordinates(), state.created(), state.properties(), expires, op.ts(), ttl));
              if (expires != null) {
                writes.add(
                    statements.insertExpiry().bind(
                        shard, ExpirySchedule.minuteFor(expires, now), expires, op.layer(), op.id(), op.ts(), state.lat(),
                        state.lon(), state.coordinates(), state.created(), state.properties(),
                        (int) Math.min(Integer.MAX_VALUE, Math.max(0, expires - now) + RecordCql.SCHEDULE_GRACE_SECONDS)));
              }
              if (current != null && current.cell() != null && current.cell() != cell) {
                writes.add(
                    statements
                        .deleteIndex()
                        .bind(op.ts(), op.layer(), Cells.partitionOf(current.cell()), current.cell(), op.id()));
              }
              if (current == null || current.deleted()) {
                writes.add(statements.insertMember().bind(op.layer(), shard, op.id()));
              }
              boolean marking =
                  (current == null || current.cell() == null || Cells.partitionOf(current.cell()) != partition)
                      && !known.partitionMarked(op.layer(), partition);
              if (marking) {
                writes.add(statements.insertPartition().bind(op.layer(), partition));
              }
              ChangeEvent.State after =
                  new ChangeEvent.State(
                      state.lat(), state.lon(), state.coordinates(), state.created(), state.properties(), state.expires());
              RecordState written = new RecordState(op.ts(), cell, false, state.lat(), state.lon(), state.expires());
              return execute(writes)
                  .map(
                      v -> {
                        known.remember(shard, epoch, op.layer(), op.id(), written);
                        if (marking) {
                          known.partitionWasMarked(op.layer(), partition);
                        }
                        return List.of(ChangeEvent.upsert(op.layer(), op.id(), op.ts(), shard, after, RecordState.position(current)));
                      });
            });
  }

  /**
   * Deletes a record at {@code acceptedTs}, the time the delete was accepted, never later: a
   * delete stamped ahead of it would hide every write of the record accepted after it until the
   * clock caught up. A state stamped at or after {@code acceptedTs} is newer than the delete (no
   * write is stamped later than its acceptance, see {@code WriteOp}; only another node's clock
   * running ahead, or a state written before that rule, gets there) and stays, unless {@code
   * evenNewer}: a layer purge removes every record, stamping the delete just after the state.
   */
  private Future<List<ChangeEvent>> delete(
      String layer, String id, long acceptedTs, int shard, long epoch, boolean evenNewer) {
    return current(layer, id, shard, epoch)
        .compose(
            current -> {
              if (current == null) {
                return Future.succeededFuture(List.of());
              }
              if (current.ts() >= acceptedTs && !evenNewer) {
                return Future.succeededFuture(List.of());
              }
              return remove(layer, id, Math.max(acceptedTs, current.ts() + 1), shard, current, ChangeEvent.Kind.DELETE);
            });
  }

  /**
   * The expiry of the state written at {@code op.ts()}: removed like a delete when it is still
   * the record's state; when Cassandra dropped it by TTL already, a delete marker is written in
   * its place (so a repeated expiry finds it and changes nothing); when the record changed or
   * was deleted since, nothing happens.
   */
  private Future<List<ChangeEvent>> expire(WriteOp op, int shard, long epoch) {
    return current(op.layer(), op.id(), shard, epoch)
        .compose(
            current -> {
              if (current == null) {
                ChangeEvent.Position was = new ChangeEvent.Position(op.upsert().lat(), op.upsert().lon());
                long ts = op.ts() + 1;
                return execute(
                        List.of(
                            statements.markDeleted().bind(op.layer(), op.id(), ts, ts),
                            statements.deleteMember().bind(op.layer(), shard, op.id())))
                    .map(List.of(ChangeEvent.expire(op.layer(), op.id(), ts, shard, was)));
              }
              if (current.deleted() || current.ts() != op.ts()) {
                return Future.succeededFuture(List.of());
              }
              return remove(op.layer(), op.id(), current.ts() + 1, shard, current, ChangeEvent.Kind.EXPIRE);
            });
  }

  /**
   * Removes the record {@code current} at {@code ts}, which is later than its state's stamp;
   * the change is a delete or an expiry ({@code kind}).
   */
  private Future<List<ChangeEvent>> remove(
      String layer, String id, long ts, int shard, RecordState current, ChangeEvent.Kind kind) {
    known.forget(shard, layer, id);
    List<BatchableStatement<?>> writes = new ArrayList<>();
    writes.add(statements.markDeleted().bind(layer, id, ts, ts));
    writes.add(statements.deleteHistory().bind(ts, layer, id));
    writes.add(statements.deleteMember().bind(layer, shard, id));
    if (current.cell() != null) {
      writes.add(statements.deleteIndex().bind(ts, layer, Cells.partitionOf(current.cell()), current.cell(), id));
    }
    ChangeEvent.Position was = RecordState.position(current);
    return execute(writes)
        .map(
            List.of(
                kind == ChangeEvent.Kind.EXPIRE
                    ? ChangeEvent.expire(layer, id, ts, shard, was)
                    : ChangeEvent.delete(layer, id, ts, shard, was)));
  }

  /**
   * Sends the writes of one operation as one unlogged batch: one request instead of several.
   * Atomicity is not needed: every statement is idempotent and a failed batch is retried whole.
   */
  private Future<Void> execute(List<BatchableStatement<?>> writes) {
    return client.execute(BatchStatement.newInstance(DefaultBatchType.UNLOGGED, writes)).mapEmpty();
  }

  /**
   * Deletes every record of {@code layer} that lives in {@code shard}, a page at a time, and the
   * layer's list of occupied partitions as it stood when the layer was deleted; its changes are
   * the purge and the deletes stamped after it.
   */
  private Future<List<ChangeEvent>> purge(String layer, long ts, int shard) {
    return client
        .execute(statements.selectMembers().bind(layer, shard).setPageSize(200))
        .compose(page -> purgePage(page, layer, ts, shard, new ArrayList<>()))
        .compose(
            changes ->
                client
                    .execute(statements.deletePartitions().bind(ts, layer))
                    .map(
                        v -> {
                          changes.add(ChangeEvent.purge(layer, ts, shard));
                          return changes;
                        }));
  }

  /**
   * Deletes one page of the shard's members and the pages after it; completes with {@code
   * later}, to which it adds the deletes stamped after the purge (a record stamped in the future
   * is deleted after its own stamp, which the purge's own change would not cover).
   */
  private Future<List<ChangeEvent>> purgePage(ResultSet page, String layer, long ts, int shard, List<ChangeEvent> later) {
    List<Future<List<ChangeEvent>>> deletes = new ArrayList<>();
    for (Row row : page.currentPage()) {
      deletes.add(delete(layer, row.getString("id"), ts, shard, known.epoch(shard), true));
    }
    return Future.all(deletes)
        .compose(
            all -> {
              for (int i = 0; i < all.size(); i++) {
                List<ChangeEvent> deleted = all.resultAt(i);
                deleted.stream().filter(change -> change.ts() > ts).forEach(later::add);
              }
              return page.hasMorePages()
                  ? page.fetchNextPage().compose(next -> purgePage(next, layer, ts, shard, later))
                  : Future.succeededFuture(later);
            });
  }

  /** The prepared statements, each named after its CQL in {@link RecordCql}; prepared concurrently, once. */
  private record Statements(
      PreparedStatement selectCurrent,
      PreparedStatement insertRecord,
      PreparedStatement markDeleted,
      PreparedStatement insertIndex,
      PreparedStatement deleteIndex,
      PreparedStatement insertHistory,
      PreparedStatement deleteHistory,
      PreparedStatement insertMember,
      PreparedStatement deleteMember,
      PreparedStatement selectMembers,
      PreparedStatement insertPartition,
      PreparedStatement deletePartitions,
      PreparedStatement insertExpiry) {
    static Future<Statements> prepare(CassandraClient client) {
      Future<PreparedStatement> selectCurrent = client.prepare(RecordCql.SELECT_CURRENT);
      Future<PreparedStatement> insertRecord = client.prepare(RecordCql.INSERT_RECORD);
      Future<PreparedStatement> markDeleted = client.prepare(RecordCql.MARK_DELETED);
      Future<PreparedStatement> insertIndex = client.prepare(RecordCql.INSERT_INDEX);
      Future<PreparedStatement> deleteIndex = client.prepare(RecordCql.DELETE_INDEX);
      Future<PreparedStatement> insertHistory = client.prepare(RecordCql.INSERT_HISTORY);
      Future<PreparedStatement> deleteHistory = client.prepare(RecordCql.DELETE_HISTORY);
      Future<PreparedStatement> insertMember = client.prepare(RecordCql.INSERT_MEMBER);
      Future<PreparedStatement> deleteMember = client.prepare(RecordCql.DELETE_MEMBER);
      Future<PreparedStatement> selectMembers = client.prepare(RecordCql.SELECT_MEMBERS);
      Future<PreparedStatement> insertPartition = client.prepare(RecordCql.INSERT_PARTITION);
      Future<PreparedStatement> deletePartitions = client.prepare(RecordCql.DELETE_PARTITIONS);
      Future<PreparedStatement> insertExpiry = client.prepare(RecordCql.INSERT_EXPIRY);
      return Future.all(
              List.of(
                  selectCurrent, insertRecord, markDeleted, insertIndex, deleteIndex, insertHistory,
                  deleteHistory, insertMember, deleteMember, selectMembers, insertPartition, deletePartitions,
                  insertExpiry))
          .map(
              prepared ->
                  new Statements(
                      selectCurrent.result(), insertRecord.result(), markDeleted.result(), insertIndex.result(),
                      deleteIndex.result(), insertHistory.result(), deleteHistory.result(), insertMember.result(),
                      deleteMember.result(), selectMembers.result(), insertPartition.result(),
                      deletePartitions.result(), insertExpiry.result()));
    }
  }
}
