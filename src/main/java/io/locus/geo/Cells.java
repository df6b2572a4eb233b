package io.locus.geo;

import com.google.common.geometry.S2Cell;
import com.google.common.geometry.S2CellId;
import com.google.common.geometry.S2CellUnion;
import com.google.common.geometry.S2LatLng;
import com.google.common.geometry.S2Region;
import com.google.common.geometry.S2RegionCoverer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * S2 cell ids for points. A record is indexed under its leaf cell (level 30, about 1 cm) inside
 * a partition named by the leaf's parent at {@link #PARTITION_LEVEL}.
 */
public final class Cells {
  /**
   * S2 level of index partitions: level 10 cells are about 80 km² (9 km across), so a 1 km
   * search touches one to four partitions and a 10 km search about a dozen.
   */
  public static final int PARTITION_LEVEL = 10;

  /**
   * Cells in one covering: more cells hug the region closer but cost more reads. With 8, and
   * close ranges of one partition merged, a 1 km circle costs about 3 reads for 2.7 times its
   * area, a 10 km circle 7 reads for 2.1 times (measured over random circles).
   */
  static final int MAX_COVERING_CELLS = 8;

  private static final S2RegionCoverer COVERER =
      S2RegionCoverer.builder().setMinLevel(0).setMaxLevel(24).setMaxCells(MAX_COVERING_CELLS).build();

  private Cells() {}

  /**
   * The index ranges that hold every point of {@code region}: a covering's cells at or below the
   * partition level become ranges inside their partition; coarser cells become coarse ranges
   * whose occupied partitions must be looked up. Cells for which {@code skip} holds are left out.
   */
  public static List<IndexRange> ranges(S2Region region, Predicate<S2Cell> skip) {
    S2CellUnion covering = COVERER.getCovering(region);
    List<IndexRange> ranges = new ArrayList<>();
    for (S2CellId cell : covering) {
      if (skip.test(new S2Cell(cell))) {
        continue;
      }
      long partition = cell.level() >= PARTITION_LEVEL ? cell.parent(PARTITION_LEVEL).id() : IndexRange.UNKNOWN;
      IndexRange range = new IndexRange(partition, cell.rangeMin().id(), cell.rangeMax().id());
      IndexRange last = ranges.isEmpty() ? null : ranges.get(ranges.size() - 1);
      if (last != null && closeEnough(last, range)) {
        ranges.set(ranges.size() - 1, new IndexRange(partition, last.min(), range.max()));
      } else {
        ranges.add(range);
      }
    }
    return ranges;
  }

  /**
   * Whether two ranges (the second after the first, as a covering lists them) are worth one read:
   * same partition, and the gap between them no longer than the longer of the two. A read costs
   * far more than the few extra rows the gap may hold.
   */
  private static boolean closeEnough(IndexRange first, IndexRange second) {
    return !first.coarse()
        && first.partition() == second.partition()
        && Long.compareUnsigned(second.min() - first.max(), Math.max(first.max() - first.min(), second.max() - second.min())) <= 0;
  }

  /** The whole of an index partition as a range of leaf cells. */
  public static IndexRange wholePartition(long partition) {
    S2CellId cell = new S2CellId(partition);
    return new IndexRange(partition, cell.rangeMin().id(), cell.rangeMax().id());
  }

  /** The partition ids a coarse range may contain lie between these (inclusive). */
  public static long firstPartitionIn(IndexRange coarse) {
    return new S2CellId(coarse.min()).parent(PARTITION_LEVEL).id();
  }

  public static long lastPartitionIn(IndexRange coarse) {
    return new S2CellId(coarse.max()).parent(PARTITION_LEVEL).id();
  }

  /** The leaf cell id of a point given in degrees. */
  public static long leaf(double lat, double lon) {
    return S2CellId.fromLatLng(S2LatLng.fromDegrees(lat, lon)).id();
  }

  /** The index partition holding a leaf cell. */
  public static long partitionOf(long leafCell) {
    return new S2CellId(leafCell).parent(PARTITION_LEVEL).id();
  }
}
