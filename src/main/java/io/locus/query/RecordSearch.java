package io.locus.query;

import io.locus.common.Addresses;
import io.locus.common.Operation;

/** The contract of {@link Addresses#RECORDS_SEARCH}, served by {@link SpatialQueryVerticle}. */
public final class RecordSearch {
  private RecordSearch() {}

  /**
   * A spatial search (nearby, k-nearest, within) → {@code {"records":[row…],"next_cursor":…}}
   * with each row's {@code distance}; fails 400 for criteria it refuses (a bad cursor, say).
   */
  public static final Operation<SearchCriteria> SEARCH =
      new Operation<>(Addresses.RECORDS_SEARCH, "search", SearchCriteria::fromJson);
}
