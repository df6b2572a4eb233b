package io.locus.http;

import io.locus.geo.Cells;
import io.locus.store.Cassandra;
import io.locus.store.CassandraSettings;
import io.locus.support.TestNode;
import io.vertx.cassandra.CassandraClient;
import java.util.ArrayList;
import java.util.List;

/** Reads the spatial index table directly, to check what the writers left in it. */
final class IndexRows {
  private IndexRows() {}

  /**
   * The leaf cells under which {@code id} is indexed in {@code layer}, looking in the index
   * partitions of the given positions ({@code {lon, lat}} pairs the record has been at).
   */
  static List<Long> cellsOf(TestNode node, String layer, String id, double[]... positions) {
    CassandraClient client =
        Cassandra.shared(node.vertx(), CassandraSettings.from(node.config.getJsonObject("cassandra")));
    try {
      List<Long> partitions = new ArrayList<>();
      for (double[] lonLat : positions) {
        long partition = Cells.partitionOf(Cells.leaf(lonLat[1], lonLat[0]));
        if (!partitions.contains(partition)) {
          partitions.add(partition);
        }
      }
      List<Long> cells = new ArrayList<>();
      for (long partition : partitions) {
        client
            .executeWithFullFetch(
                com.datastax.oss.driver.api.core.cql.SimpleStatement.newInstance(
                    "SELECT id, cell FROM records_by_cell WHERE layer = ? AND pcell = ?", layer, partition))
            .await()
            .stream()
            .filter(row -> id.equals(row.getString("id")))
            .forEach(row -> cells.add(row.getLong("cell")));
      }
      return cells;
    } finally {
      client.close().await();
    }
  }
}
