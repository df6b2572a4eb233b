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

  /** Cells in one covering: more cells hug the region closer but cost more reads. */
  static final int MAX_COVERING_CELLS = 12;

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
      ranges.add(new IndexRange(partition, cell.rangeMin().id(), cell.rangeMax().id()));
    }
    return ranges;
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
