package io.locus.geo;

import com.google.common.geometry.S2CellId;
import com.google.common.geometry.S2Point;
import com.google.common.geometry.S2Polyline;
import com.google.common.geometry.S2RegionCoverer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A layer's fences, indexed by S2 cell coverings so that a change is judged against the fences
 * near it only, not against them all. Each fence is covered by at most {@value #COVERING_CELLS}
 * cells of levels {@value #MIN_LEVEL} to {@value #MAX_LEVEL}; a point's candidates are the fences
 * of the covering cells holding it (one look-up per level), a path's those of the cells its
 * covering touches. Immutable once built: readers on any thread.
 */
public final class FenceIndex {
  static final int MIN_LEVEL = 2;
  static final int MAX_LEVEL = 16;
  static final int COVERING_CELLS = 8;
  private static final S2RegionCoverer COVERER =
      S2RegionCoverer.builder().setMinLevel(MIN_LEVEL).setMaxLevel(MAX_LEVEL).setMaxCells(COVERING_CELLS).build();

  /** No fences. */
  public static final FenceIndex EMPTY = new FenceIndex(List.of());

  private final TreeMap<Long, List<Fence>> byCell = new TreeMap<>();
  private final int size;

  /** One event: what a change did relative to {@code fence}. */
  public record Hit(Fence fence, Fence.Detect kind) {}

  public FenceIndex(Collection<Fence> fences) {
    for (Fence fence : fences) {
      for (S2CellId cell : COVERER.getCovering(fence.area().region()).cellIds()) {
        byCell.computeIfAbsent(cell.id(), c -> new ArrayList<>()).add(fence);
      }
    }
    this.size = fences.size();
  }

  /** How many fences it holds. */
  public int size() {
    return size;
  }

  /**
   * The events of a record that was at {@code before} and is now at {@code after} (either null:
   * no position then), for the fences that detect them; by fence id, then in the order {@link
   * Fence.Detect} lists kinds.
   */
  public List<Hit> evaluate(S2Point before, S2Point after) {
    Set<Fence> near = new LinkedHashSet<>();
    if (after != null) {
      near.addAll(at(after));
    }
    Set<Fence> candidates = new LinkedHashSet<>(near);
    if (before != null) {
      candidates.addAll(at(before));
    }
    if (before != null && after != null && !before.equals(after)) {
      candidates.addAll(along(before, after));
    }
    List<Fence> ordered = new ArrayList<>(candidates);
    ordered.sort(Comparator.comparing(Fence::id));
    List<Hit> hits = new ArrayList<>();
    for (Fence fence : ordered) {
      boolean wasIn = before != null && fence.contains(before);
      boolean isIn = after != null && fence.contains(after);
      if (!wasIn && isIn) {
        hit(hits, fence, Fence.Detect.ENTER);
      }
      if (wasIn && !isIn) {
        hit(hits, fence, Fence.Detect.EXIT);
      }
      if (isIn) {
        hit(hits, fence, Fence.Detect.INSIDE);
      }
      if (after != null && !isIn && (wasIn || near.contains(fence))) {
        hit(hits, fence, Fence.Detect.OUTSIDE);
      }
      if (before != null && after != null && !wasIn && !isIn && fence.detect().contains(Fence.Detect.CROSS)
          && fence.crosses(before, after)) {
        hits.add(new Hit(fence, Fence.Detect.CROSS));
      }
    }
    return hits;
  }

  private static void hit(List<Hit> hits, Fence fence, Fence.Detect kind) {
    if (fence.detect().contains(kind)) {
      hits.add(new Hit(fence, kind));
    }
  }

  /** The fences whose covering holds {@code point}. */
  private Set<Fence> at(S2Point point) {
    Set<Fence> found = new LinkedHashSet<>();
    S2CellId leaf = S2CellId.fromPoint(point);
    for (int level = MIN_LEVEL; level <= MAX_LEVEL; level++) {
      List<Fence> fences = byCell.get(leaf.parent(level).id());
      if (fences != null) {
        found.addAll(fences);
      }
    }
    return found;
  }

  /** The fences whose covering touches the covering of the path from {@code from} to {@code to}. */
  private Set<Fence> along(S2Point from, S2Point to) {
    Set<Fence> found = new LinkedHashSet<>();
    for (S2CellId cell : COVERER.getCovering(new S2Polyline(List.of(from, to))).cellIds()) {
      for (int level = MIN_LEVEL; level <= Math.min(cell.level(), MAX_LEVEL); level++) {
        List<Fence> fences = byCell.get(cell.parent(level).id());
        if (fences != null) {
          found.addAll(fences);
        }
      }
      for (Map.Entry<Long, List<Fence>> inside : byCell.subMap(cell.rangeMin().id(), true, cell.rangeMax().id(), true).entrySet()) {
        found.addAll(inside.getValue());
      }
    }
    return found;
  }
}
