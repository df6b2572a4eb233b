package io.locus.store;

import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchableStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
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
 * state before a write safe.
 */
public final class RecordWriter {
  private final CassandraClient client;
  private final PreparedStatement selectCurrent;
  private final PreparedStatement insertRecord;
  private final PreparedStatement markDeleted;
  private final PreparedStatement insertIndex;
  private final PreparedStatement deleteIndex;
  private final PreparedStatement insertHistory;
  private final PreparedStatement deleteHistory;
  private final PreparedStatement insertMember;
  private final PreparedStatement deleteMember;
  private final PreparedStatement selectMembers;
  private final PreparedStatement insertPartition;
  private final PreparedStatement deletePartitions;

  private RecordWriter(CassandraClient client, List<PreparedStatement> s) {
    this.client = client;
    this.selectCurrent = s.get(0);
    this.insertRecord = s.get(1);
    this.markDeleted = s.get(2);
    this.insertIndex = s.get(3);
    this.deleteIndex = s.get(4);
    this.insertHistory = s.get(5);
    this.deleteHistory = s.get(6);
    this.insertMember = s.get(7);
    this.deleteMember = s.get(8);
    this.selectMembers = s.get(9);
    this.insertPartition = s.get(10);
    this.deletePartitions = s.get(11);
  }

  /** Prepares the statements once. */
  public static Future<RecordWriter> prepare(CassandraClient client) {
    List<String> cql =
        List.of(
            RecordCql.SELECT_CURRENT, RecordCql.INSERT_RECORD, RecordCql.MARK_DELETED,
            RecordCql.INSERT_INDEX, RecordCql.DELETE_INDEX, RecordCql.INSERT_HISTORY,
            RecordCql.DELETE_HISTORY, RecordCql.INSERT_MEMBER, RecordCql.DELETE_MEMBER,
            RecordCql.SELECT_MEMBERS, RecordCql.INSERT_PARTITION, RecordCql.DELETE_PARTITIONS);
    List<Future<PreparedStatement>> prepared = new ArrayList<>();
    cql.forEach(text -> prepared.add(client.prepare(text)));
    return Future.all(prepared).map(all -> new RecordWriter(client, all.list()));
  }

  /** Applies a record upsert or delete; {@code shard} is the queue it came from. */
  public Future<Void> apply(WriteOp op, int shard) {
    return switch (op.kind()) {
      case UPSERT -> upsert(op, shard);
      case DELETE -> delete(op.layer(), op.id(), op.ts(), shard);
      case PURGE_LAYER -> purge(op.layer(), op.ts(), shard);
    };
  }

  private Future<Current> current(String layer, String id) {
    return client
        .execute(selectCurrent.bind(layer, id))
        .map(rows -> Current.of(rows.one()));
  }

  private Future<Void> upsert(WriteOp op, int shard) {
    WriteOp.Upsert state = op.upsert();
    long cell = Cells.leaf(state.lat(), state.lon());
    long partition = Cells.partitionOf(cell);
    return current(op.layer(), op.id())
        .compose(
            current -> {
              if (current != null && current.deleted && current.ts >= op.ts()) {
                return Future.succeededFuture(); // deleted after this write was made
              }
              List<BatchableStatement<?>> writes = new ArrayList<>();
              writes.add(
                  insertHistory.bind(
                      op.layer(), op.id(), op.ts(), state.created(), state.coordinates(), op.ts()));
              if (current != null && !current.deleted && current.ts > op.ts()) {
                return execute(writes); // newer position already there: history only
              }
              writes.add(
                  insertRecord.bind(
                      op.layer(), op.id(), state.lat(), state.lon(), state.coordinates(), cell,
                      state.created(), state.properties(), op.ts(), op.ts()));
              writes.add(
                  insertIndex.bind(
                      op.layer(), partition, cell, op.id(), state.lat(), state.lon(),
                      state.coordinates(), state.created(), state.properties(), op.ts()));
              if (current != null && current.cell != null && current.cell != cell) {
                writes.add(
                    deleteIndex.bind(op.ts(), op.layer(), Cells.partitionOf(current.cell), current.cell, op.id()));
              }
              if (current == null || current.deleted) {
                writes.add(insertMember.bind(op.layer(), shard, op.id()));
              }
              if (current == null || current.cell == null || Cells.partitionOf(current.cell) != partition) {
                writes.add(insertPartition.bind(op.layer(), partition));
              }
              return execute(writes);
            });
  }

  private Future<Void> delete(String layer, String id, long acceptedTs, int shard) {
    return current(layer, id)
        .compose(
            current -> {
              if (current == null) {
                return Future.succeededFuture();
              }
              // A delete always removes what is there, even a record stamped in the future.
              long ts = Math.max(acceptedTs, current.ts + 1);
              List<BatchableStatement<?>> writes = new ArrayList<>();
              writes.add(markDeleted.bind(layer, id, ts, ts));
              writes.add(deleteHistory.bind(ts, layer, id));
              writes.add(deleteMember.bind(layer, shard, id));
              if (current.cell != null) {
                writes.add(deleteIndex.bind(ts, layer, Cells.partitionOf(current.cell), current.cell, id));
              }
              return execute(writes);
            });
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
   * layer's list of occupied partitions as it stood when the layer was deleted.
   */
  private Future<Void> purge(String layer, long ts, int shard) {
    return client
        .execute(selectMembers.bind(layer, shard).setPageSize(200))
        .compose(page -> purgePage(page, layer, ts, shard))
        .compose(v -> client.execute(deletePartitions.bind(ts, layer)).mapEmpty());
  }

  private Future<Void> purgePage(ResultSet page, String layer, long ts, int shard) {
    List<Future<Void>> deletes = new ArrayList<>();
    for (Row row : page.currentPage()) {
      deletes.add(delete(layer, row.getString("id"), ts, shard));
    }
    return Future.all(deletes)
        .compose(
            v ->
                page.hasMorePages()
                    ? page.fetchNextPage().compose(next -> purgePage(next, layer, ts, shard))
                    : Future.succeededFuture());
  }

  private record Current(long ts, Long cell, boolean deleted) {
    static Current of(Row row) {
      if (row == null) {
        return null;
      }
      Long cell = row.isNull("cell") ? null : row.getLong("cell");
      return new Current(row.getLong("ts"), cell, row.getBoolean("deleted"));
    }
  }
}
