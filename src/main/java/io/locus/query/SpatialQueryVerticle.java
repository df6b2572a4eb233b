package io.locus.query;

import io.locus.common.Dispatcher;
import io.locus.common.Addresses;
import io.locus.store.Cassandra;
import io.locus.store.CassandraIndexReader;
import io.vertx.cassandra.CassandraClient;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;

/**
 * Spatial searches: consumes {@link Addresses#RECORDS_SEARCH} with a {@link SearchCriteria} and
 * replies {@code {"records":[…],"next_cursor":…}}, each record with its {@code distance} in
 * metres. Deployed as a worker verticle: coverings, polygon tests and distance computations are
 * CPU work that must not run on an event loop; the Cassandra reads stay asynchronous.
 */
public final class SpatialQueryVerticle extends VerticleBase {
  private final CassandraClient cassandra;

  /** A verticle with what it needs of the node: its settings and shared clients. */
  public SpatialQueryVerticle(CassandraClient cassandra) {
    this.cassandra = cassandra;
  }

  private SpatialSearch search;

  @Override
  public Future<?> start() {
    return CassandraIndexReader.prepare(cassandra)
        .onSuccess(
            reader -> {
              search = new SpatialSearch(reader);
              Dispatcher.of(Addresses.RECORDS_SEARCH, Cassandra::translate)
                  .on(RecordSearch.SEARCH, this::search)
                  .register(vertx.eventBus());
            });
  }

  private Future<JsonObject> search(SearchCriteria criteria) {
    return search
        .run(criteria)
        .map(result -> new JsonObject().put("records", result.records()).put("next_cursor", result.nextCursor()));
  }
}
