package io.locus.query;

import io.locus.common.Addresses;
import io.locus.common.Replies;
import io.locus.store.Cassandra;
import io.locus.store.CassandraIndexReader;
import io.locus.store.CassandraSettings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * Spatial searches: consumes {@link Addresses#RECORDS_SEARCH} with a {@link SearchCriteria} and
 * replies {@code {"records":[…],"next_cursor":…}}, each record with its {@code distance} in
 * metres. Deployed as a worker verticle: coverings, polygon tests and distance computations are
 * CPU work that must not run on an event loop; the Cassandra reads stay asynchronous.
 */
public final class SpatialQueryVerticle extends VerticleBase {
  private SpatialSearch search;

  @Override
  public Future<?> start() {
    return CassandraIndexReader.prepare(Cassandra.shared(vertx, CassandraSettings.from(config())))
        .onSuccess(
            reader -> {
              search = new SpatialSearch(reader);
              vertx.eventBus().<JsonObject>consumer(Addresses.RECORDS_SEARCH, this::handle);
            });
  }

  private void handle(Message<JsonObject> request) {
    Future<SpatialSearch.Page> page;
    try {
      page = search.run(SearchCriteria.fromJson(request.body()));
    } catch (RuntimeException invalid) {
      page = Future.failedFuture(invalid);
    }
    page.onSuccess(
            result ->
                request.reply(
                    new JsonObject().put("records", result.records()).put("next_cursor", result.nextCursor())))
        .onFailure(cause -> Replies.fail(request, cause));
  }
}
