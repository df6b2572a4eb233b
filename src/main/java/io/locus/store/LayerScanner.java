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
   * true once all were read, false when the sink stopped the scan. Each page is asked for only
   * once the one before it was fed, from the callback of the read before, so a layer of
   * thousands of partitions builds no chain of nested futures.
   */
  public Future<Boolean> scan(String layer, Sink sink) {
    Promise<Boolean> done = Promise.promise();
    client
        .executeWithFullFetch(partitions.bind(layer, Long.MIN_VALUE, Long.MAX_VALUE))
        .onSuccess(rows -> partition(layer, rows.stream().map(row -> row.getLong("pcell")).toList(), 0, sink, done))
        .onFailure(done::fail);
    return done.future();
  }

  private void partition(String layer, List<Long> cells, int next, Sink sink, Promise<Boolean> done) {
    if (next == cells.size()) {
      done.complete(true);
      return;
    }
    client
        .execute(partition.bind(layer, cells.get(next)).setPageSize(PAGE_SIZE))
        .onSuccess(page -> page(page, sink, () -> partition(layer, cells, next + 1, sink, done), done))
        .onFailure(done::fail);
  }

  /** Feeds one page; then the next page of the partition, or {@code then} when it was the last. */
  private void page(ResultSet page, Sink sink, Runnable then, Promise<Boolean> done) {
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
        done.complete(false);
        return;
      }
    }
    if (page.hasMorePages()) {
      page.fetchNextPage().onSuccess(next -> page(next, sink, then, done)).onFailure(done::fail);
    } else {
      then.run();
    }
  }
}
