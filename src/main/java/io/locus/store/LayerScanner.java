package io.locus.store;

import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.vertx.cassandra.CassandraClient;
import io.vertx.cassandra.ResultSet;
import io.vertx.core.Future;
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
   * true once all were read, false when the sink stopped the scan.
   */
  public Future<Boolean> scan(String layer, Sink sink) {
    return client
        .executeWithFullFetch(partitions.bind(layer, Long.MIN_VALUE, Long.MAX_VALUE))
        .map(rows -> rows.stream().map(row -> row.getLong("pcell")).toList())
        .compose(cells -> scanPartitions(layer, cells, 0, sink));
  }

  private Future<Boolean> scanPartitions(String layer, List<Long> cells, int next, Sink sink) {
    if (next == cells.size()) {
      return Future.succeededFuture(true);
    }
    return client
        .execute(partition.bind(layer, cells.get(next)).setPageSize(PAGE_SIZE))
        .compose(page -> drain(page, sink))
        .compose(more -> more ? scanPartitions(layer, cells, next + 1, sink) : Future.succeededFuture(false));
  }

  private Future<Boolean> drain(ResultSet page, Sink sink) {
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
        return Future.succeededFuture(false);
      }
    }
    return page.hasMorePages() ? page.fetchNextPage().compose(next -> drain(next, sink)) : Future.succeededFuture(true);
  }
}
