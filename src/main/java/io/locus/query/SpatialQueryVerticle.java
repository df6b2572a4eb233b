package io.locus.query;

import io.locus.common.Dispatcher;
import io.locus.common.Addresses;
import io.locus.serving.LayerIndex;
import io.locus.serving.Serving;
import io.locus.serving.ServingTier;
import io.locus.store.Cassandra;
import io.locus.store.CassandraIndexReader;
import io.vertx.cassandra.CassandraClient;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;

/**
 * Spatial searches: consumes {@link Addresses#RECORDS_SEARCH} with a {@link SearchCriteria} and
 * replies {@code {"records":[…],"next_cursor":…}}, each record with its {@code distance} in
 * metres. A layer warm in the node's {@link ServingTier} is searched in memory; any other is
 * searched in Cassandra, and the tier is asked to load it. Both run the same {@link
 * SpatialSearch}, so their answers are the same. Deployed as a worker verticle: coverings,
 * polygon tests and distance computations are CPU work that must not run on an event loop; the
 * Cassandra reads stay asynchronous.
 */
public final class SpatialQueryVerticle extends VerticleBase {
  private final CassandraClient cassandra;
  private final ServingTier tier;

  /** Searches through {@code cassandra}, or {@code tier} (null: no serving tier) when a layer is warm there. */
  public SpatialQueryVerticle(CassandraClient cassandra, ServingTier tier) {
    this.cassandra = cassandra;
    this.tier = tier;
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
    LayerIndex memory = Serving.lookup(vertx, tier, criteria.layer());
    return (memory == null ? search : new SpatialSearch(memory))
        .run(criteria)
        .map(result -> new JsonObject().put("records", result.records()).put("next_cursor", result.nextCursor()));
  }
}
