package io.locus.query;

import io.locus.common.Dispatcher;
import io.locus.common.Addresses;
import io.locus.store.Cassandra;
import io.locus.store.CassandraIndexReader;
import io.locus.store.CassandraSettings;
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
  private final CassandraSettings cassandra;

  /** A verticle with its sections of the node's settings. */
  public SpatialQueryVerticle(CassandraSettings cassandra) {
    this.cassandra = cassandra;
  }

  private SpatialSearch search;

  @Override
  public Future<?> start() {
    return CassandraIndexReader.prepare(Cassandra.shared(vertx, cassandra))
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
