package io.locus.store;

import io.locus.common.Times;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.locus.store.IndexReader;
import io.vertx.cassandra.CassandraClient;
import io.vertx.cassandra.ResultSet;
import io.vertx.core.Future;
import java.util.List;
import java.util.function.Consumer;

/** {@link IndexReader} over {@code records_by_cell} and {@code layer_partitions}. */
public final class CassandraIndexReader implements IndexReader {
  /** Rows fetched per page of a range read: memory stays flat however big a partition grows. */
  static final int PAGE_SIZE = 1_000;

  private final CassandraClient client;
  private final PreparedStatement partitions;
  private final PreparedStatement range;

  private CassandraIndexReader(CassandraClient client, PreparedStatement partitions, PreparedStatement range) {
    this.client = client;
    this.partitions = partitions;
    this.range = range;
  }

  public static Future<CassandraIndexReader> prepare(CassandraClient client) {
    return client
        .prepare(RecordCql.SELECT_PARTITIONS)
        .compose(p -> client.prepare(RecordCql.SELECT_INDEX_RANGE).map(r -> new CassandraIndexReader(client, p, r)));
  }

  @Override
  public Future<List<Long>> occupiedPartitions(String layer, long first, long last) {
    return client
        .executeWithFullFetch(partitions.bind(layer, first, last))
        .map(rows -> rows.stream().map(row -> row.getLong("pcell")).toList());
  }

  @Override
  public Future<Void> scan(String layer, long partition, long min, long max, Consumer<Entry> sink) {
    return client
        .execute(range.bind(layer, partition, min, max).setPageSize(PAGE_SIZE))
        .compose(page -> drain(page, sink));
  }

  /** Feeds the page's entries but the expired ones (Cassandra drops them by TTL within the second). */
  private Future<Void> drain(ResultSet page, Consumer<Entry> sink) {
    long now = Times.nowSeconds();
    for (Row row : page.currentPage()) {
      Entry entry = RecordCql.entry(row);
      if (!entry.expiredBy(now)) {
        sink.accept(entry);
      }
    }
    return page.hasMorePages() ? page.fetchNextPage().compose(next -> drain(next, sink)) : Future.succeededFuture();
  }
}
