package io.locus.query;

import io.locus.serving.LayerIndex;
import io.locus.serving.Serving;
import io.locus.serving.ServingTier;
import io.locus.store.IndexReader;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/**
 * The reads this node's serving tier answers at once, on the calling thread: records by id and
 * searches of a warm layer. The HTTP verticles of a node that also runs the query role answer
 * from here with no event-bus hop; the query verticles answer from here too, so both give the
 * same answers. A read that finds its layer not warm (or a search that would take too long for
 * an event loop) answers null, and the caller asks the query verticles, which read Cassandra.
 */
public final class LocalReads {
  /**
   * The most records a search takes out of memory on an event loop, a few milliseconds' work;
   * a larger one (a k-nearest whose filter matches almost nothing, a box over a whole country)
   * goes to the query verticles, which run on workers.
   */
  public static final long MAX_RECORDS_ON_A_LOOP = 5_000;

  private final Vertx vertx;
  private final ServingTier tier;

  /** Reads of {@code tier}, the node's serving tier (null: the node has none, and every read answers null). */
  public LocalReads(Vertx vertx, ServingTier tier) {
    this.vertx = vertx;
    this.tier = tier;
  }

  /**
   * The live records of {@code layer} among {@code ids}, in the order asked (those it does not
   * hold left out), or null when the layer is not warm here (asking the tier to load it).
   */
  public List<IndexReader.Entry> get(String layer, List<String> ids) {
    LayerIndex memory = Serving.lookup(vertx, tier, layer);
    if (memory == null) {
      return null;
    }
    List<IndexReader.Entry> found = new ArrayList<>(ids.size());
    for (String id : ids) {
      IndexReader.Entry entry = memory.get(id);
      if (entry != null) {
        found.add(entry);
      }
    }
    return found;
  }

  /**
   * The page {@code criteria} asks for, searched in memory on the calling thread, or null when
   * the layer is not warm here, the area is a polygon (costly to build and test), or the search
   * would take more than {@code maxRecords} records. A bad cursor throws its {@link
   * io.locus.common.Failure}.
   */
  public SpatialSearch.Page search(SearchCriteria criteria, long maxRecords) {
    if (criteria.area().containsKey("polygon")) {
      return null;
    }
    LayerIndex memory = Serving.lookup(vertx, tier, criteria.layer());
    return memory == null ? null : new SpatialSearch(memory).runHere(criteria, maxRecords);
  }
}
