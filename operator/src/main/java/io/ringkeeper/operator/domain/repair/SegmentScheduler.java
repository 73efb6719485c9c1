package io.ringkeeper.operator.domain.repair;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which segments may start now. The rule it guarantees: no two running segments share a replica.
 *
 * <p>Algorithm: walk the unfinished segments in plan order, skipping those already running, those with a replica
 * in {@code unavailable} (down, overloaded) and those sharing a replica with a running or already chosen segment.
 * SEQUENTIAL chooses at most one and only when nothing runs; PARALLEL chooses greedily; DATACENTER_AWARE chooses
 * greedily among the segments of one datacenter (that of the running segments, else of the first startable one).
 */
public final class SegmentScheduler {

  private SegmentScheduler() {}

  /**
   * @param plan the run's plan
   * @param done indexes finished (or given up)
   * @param running segments running now
   * @param unavailable nodes that must not take part in a new segment
   * @param mode how many may run at once
   */
  public static List<Segment> startable(RepairPlan plan, IndexSet done, Collection<Segment> running,
      Set<String> unavailable, RepairMode mode) {
    List<Segment> chosen = new ArrayList<>();
    if (mode == RepairMode.SEQUENTIAL && !running.isEmpty()) {
      return chosen;
    }
    String dc = mode == RepairMode.DATACENTER_AWARE && !running.isEmpty()
        ? running.iterator().next().datacenter() : null;
    Set<String> busy = new HashSet<>();
    Set<Integer> runningIndexes = new HashSet<>();
    for (Segment r : running) {
      busy.addAll(r.replicas());
      runningIndexes.add(r.index());
    }
    List<Segment> segments = plan.segments();
    for (int i = done.firstMissing(); i < segments.size(); i++) {
      Segment s = segments.get(i);
      if (done.contains(i) || runningIndexes.contains(i)) {
        continue;
      }
      if (dc != null && !dc.equals(s.datacenter())) {
        continue;
      }
      if (s.replicas().stream().anyMatch(r -> unavailable.contains(r) || busy.contains(r))) {
        continue;
      }
      chosen.add(s);
      busy.addAll(s.replicas());
      if (mode == RepairMode.SEQUENTIAL) {
        break;
      }
      if (mode == RepairMode.DATACENTER_AWARE) {
        dc = s.datacenter();
      }
    }
    return chosen;
  }

  /**
   * The pause after a segment that took {@code last}: {@code last x (1/intensity - 1)}, so that repair takes
   * {@code intensity} of the time. Intensity 1 means no pause.
   */
  public static Duration pauseAfter(Duration last, double intensity) {
    if (!(intensity > 0 && intensity <= 1)) {
      throw new IllegalArgumentException("intensity must be in (0, 1], got " + intensity);
    }
    double factor = 1 / intensity - 1;
    return Duration.ofMillis(Math.round(Math.max(0, last.toMillis()) * factor));
  }
}
