package io.locus.query;

import com.google.common.geometry.S2Cell;
import com.google.common.geometry.S2CellId;
import com.google.common.geometry.S2Point;
import io.locus.geo.Cells;
import io.locus.geo.Earth;
import io.locus.serving.LayerIndex;
import io.locus.store.IndexReader;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Predicate;

/**
 * Best-first nearest-neighbour search of a {@link LayerIndex}: walks the S2 cell hierarchy from
 * the six faces down, always opening the cell that may hold the nearest record (a priority queue
 * by the distance from the centre to the cell), and stops when the nearest unopened cell lies
 * beyond the radius or beyond the worst record the page keeps. A cell holding no more than
 * {@link #SCAN_AT_MOST} records is read whole; a fuller one is split into its occupied children.
 *
 * <p>So a search reads about as many records as its page holds, whatever the radius and however
 * dense the place, where covering the circle (as {@link SpatialSearch} does for Cassandra, whose
 * reads must be few and large) reads every record of the covering cells. The answer is the same:
 * both offer every record that can enter the page to the same collector.
 */
final class NearestFirst {
  /** A cell with more records than this is split rather than read. */
  static final int SCAN_AT_MOST = 16;

  private final LayerIndex index;
  private final S2Point center;
  private final double radiusM;
  private final Predicate<S2Cell> skip;
  private final SpatialSearch.Collector collector;
  private final PriorityQueue<Pending> queue = new PriorityQueue<>();
  private final List<IndexReader.Entry> buffer = new ArrayList<>(SCAN_AT_MOST);

  private record Pending(double nearestM, S2CellId cell) implements Comparable<Pending> {
    @Override
    public int compareTo(Pending other) {
      return Double.compare(nearestM, other.nearestM);
    }
  }

  private NearestFirst(LayerIndex index, S2Point center, double radiusM, Predicate<S2Cell> skip, SpatialSearch.Collector collector) {
    this.index = index;
    this.center = center;
    this.radiusM = radiusM;
    this.skip = skip;
    this.collector = collector;
  }

  /**
   * Offers {@code collector} every record of {@code index} within {@code radiusM} of {@code
   * center} that can still enter its page, leaving out cells {@code skip} holds for (those a
   * cursor has paged past); on the calling thread.
   */
  static void search(LayerIndex index, S2Point center, double radiusM, Predicate<S2Cell> skip, SpatialSearch.Collector collector) {
    new NearestFirst(index, center, radiusM, skip, collector).run();
  }

  private void run() {
    for (int face = 0; face < 6; face++) {
      consider(S2CellId.fromFace(face));
    }
    while (!queue.isEmpty()) {
      Pending next = queue.poll();
      if (collector.cannotImprove(next.nearestM())) {
        return;
      }
      S2CellId cell = next.cell();
      // A leaf cannot be split: records at one spot are read however many.
      if (cell.level() >= Cells.PARTITION_LEVEL
          && index.scanIfAtMost(cell, cell.isLeaf() ? Integer.MAX_VALUE : SCAN_AT_MOST, buffer, collector::offer)) {
        continue;
      }
      for (S2CellId child = cell.childBegin(); !child.equals(cell.childEnd()); child = child.next()) {
        consider(child);
      }
    }
  }

  /** Queues {@code cell} when it may hold a record within the radius. */
  private void consider(S2CellId cell) {
    S2Cell area = new S2Cell(cell);
    double nearest = area.getDistance(center).toAngle().radians() * Earth.MEAN_RADIUS_M - 0.001;
    if (nearest <= radiusM && !skip.test(area) && index.occupied(cell)) {
      queue.add(new Pending(nearest, cell));
    }
  }
}
