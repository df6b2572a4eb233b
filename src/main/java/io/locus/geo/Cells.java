package io.locus.geo;

import com.google.common.geometry.S2CellId;
import com.google.common.geometry.S2LatLng;

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

  private Cells() {}

  /** The leaf cell id of a point given in degrees. */
  public static long leaf(double lat, double lon) {
    return S2CellId.fromLatLng(S2LatLng.fromDegrees(lat, lon)).id();
  }

  /** The index partition holding a leaf cell. */
  public static long partitionOf(long leafCell) {
    return new S2CellId(leafCell).parent(PARTITION_LEVEL).id();
  }
}
