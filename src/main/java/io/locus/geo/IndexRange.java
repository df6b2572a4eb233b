package io.locus.geo;

/**
 * A contiguous run of leaf cell ids to read from the spatial index. When {@code partition} is
 * known the run lies inside that index partition; otherwise ({@link #UNKNOWN}) the run is
 * coarser than a partition and the occupied partitions inside it must be looked up first.
 *
 * @param partition the index partition (an S2 cell id at {@link Cells#PARTITION_LEVEL}), or
 *     {@link #UNKNOWN}
 * @param min first leaf cell id, inclusive
 * @param max last leaf cell id, inclusive
 */
public record IndexRange(long partition, long min, long max) {
  public static final long UNKNOWN = 0L;

  public boolean coarse() {
    return partition == UNKNOWN;
  }
}
