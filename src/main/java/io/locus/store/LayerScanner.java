package io.locus.store;

import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.vertx.cassandra.CassandraClient;
import io.vertx.cassandra.ResultSet;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.List;

/**
 * Reads every live record of a layer from the spatial index, with each row's write timestamp,
 * a page at a time and one partition after another, so memory stays flat however large the
 * layer is; for loading a layer into the serving tier.
 */
public final class LayerScanner {
  /** Rows fetched per page. */
  static final int PAGE_SIZE = 2_000;

  /** Partitions read at a time: most hold a few rows, so the round trips, not the rows, take the time. */
  static final int PARALLEL = 16;

  /** Receives the rows of a scan; returns false to stop it. */
  public interface Sink {
    boolean accept(IndexReader.Entry entry, long ts);
  }

  private final CassandraClient client;
  private final PreparedStatement partitions;
  private final PreparedStatement partition;

  private LayerScanner(CassandraClient client, PreparedStatement partitions, PreparedStatement partition) {
    this.client = client;
    this.partitions = partitions;
    this.partition = partition;
  }

  public static Future<LayerScanner> prepare(CassandraClient client) {
    return Future.all(client.prepare(RecordCql.SELECT_PARTITIONS), client.prepare(RecordCql.SELECT_INDEX_PARTITION))
        .map(prepared -> new LayerScanner(client, prepared.resultAt(0), prepared.resultAt(1)));
  }

  /**
   * Feeds every row of {@code layer} to {@code sink} on the caller's context; completes with
   * true once all were read, false when the sink stopped the scan (or a read failed). Up to
   * {@link #PARALLEL} partitions are read at a time; each page is asked for from the callback of
   * the one before, so a layer of thousands of partitions builds no chain of nested futures.
   */
  public Future<Boolean> scan(String layer, Sink sink) {
    Promise<Boolean> done = Promise.promise();
    client
        .executeWithFullFetch(partitions.bind(layer, Long.MIN_VALUE, Long.MAX_VALUE))
        .onSuccess(rows -> new Scan(layer, rows.stream().map(row -> row.getLong("pcell")).toList(), sink, done).start())
        .onFailure(done::fail);
    return done.future();
  }

  /** One scan's progress; touched only from the caller's context. */
  private final class Scan {
    private final String layer;
    private final List<Long> cells;
    private final Sink sink;
    private final Promise<Boolean> done;
    private int next;
    private int reading;

    Scan(String layer, List<Long> cells, Sink sink, Promise<Boolean> done) {
      this.layer = layer;
      this.cells = cells;
      this.sink = sink;
      this.done = done;
    }

    void start() {
      if (cells.isEmpty()) {
        done.tryComplete(true);
      }
      while (reading < PARALLEL && next < cells.size()) {
        readPartition(cells.get(next++));
      }
    }

    private void readPartition(long cell) {
      reading++;
      client
          .execute(partition.bind(layer, cell).setPageSize(PAGE_SIZE))
          .onSuccess(this::page)
          .onFailure(done::tryFail);
    }

    /** Feeds one page; then the partition's next page, or the next partition when it was the last. */
    private void page(ResultSet page) {
      if (done.future().isComplete()) {
        return;
      }
      for (Row row : page.currentPage()) {
        IndexReader.Entry entry =
            new IndexReader.Entry(
                row.getString("id"),
                row.getDouble("lat"),
                row.getDouble("lon"),
                row.getString("coordinates"),
                row.getLong("created"),
                row.getString("properties"));
        if (!sink.accept(entry, row.getLong("ts"))) {
          done.tryComplete(false);
          return;
        }
      }
      if (page.hasMorePages()) {
        page.fetchNextPage().onSuccess(this::page).onFailure(done::tryFail);
        return;
      }
      reading--;
      if (next < cells.size()) {
        readPartition(cells.get(next++));
      } else if (reading == 0) {
        done.tryComplete(true);
      }
    }
  }
}
