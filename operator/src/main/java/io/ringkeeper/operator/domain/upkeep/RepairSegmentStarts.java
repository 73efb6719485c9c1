package io.ringkeeper.operator.domain.upkeep;

import io.ringkeeper.operator.domain.repair.IndexSet;
import io.ringkeeper.operator.domain.repair.RepairMode;
import io.ringkeeper.operator.domain.repair.RepairPlan;
import io.ringkeeper.operator.domain.repair.Segment;
import io.ringkeeper.operator.domain.repair.SegmentScheduler;
import io.ringkeeper.operator.domain.upkeep.UpkeepStep.StartRepairSegment;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which repair segments of a run start now: those {@link SegmentScheduler} allows, keeping out every node that is
 * not up or has more than {@value #MAX_PENDING_COMPACTIONS} pending compactions; each on the first of its replicas
 * that is up (its coordinator), as the next attempt of the segment. A segment none of whose replicas is up waits.
 */
public final class RepairSegmentStarts {
  public static final int MAX_PENDING_COMPACTIONS = 20;

  private RepairSegmentStarts() {}

  /**
   * The nodes no new segment may use, with the reason: down, metrics unknown, or too many pending compactions.
   *
   * @param pendingCompactions per usable node, as the poller last saw it
   * @param metricsUnknown per usable node without figures, why
   */
  public static Map<String, String> unavailable(Collection<UpkeepNode> nodes, Map<String, Long> pendingCompactions,
      Map<String, String> metricsUnknown) {
    Map<String, String> out = new TreeMap<>();
    for (UpkeepNode n : nodes) {
      if (!n.usable()) {
        out.put(n.name(), "down");
      } else if (metricsUnknown.containsKey(n.name())) {
        out.put(n.name(), "metrics unavailable: " + metricsUnknown.get(n.name()));
      } else {
        long pending = pendingCompactions.getOrDefault(n.name(), 0L);
        if (pending > MAX_PENDING_COMPACTIONS) {
          out.put(n.name(), pending + " pending compactions");
        }
      }
    }
    return out;
  }

  /**
   * @param finished the segments done or failed for good
   * @param running the segments whose jobs run
   * @param unavailable nodes no new segment may use ({@link #unavailable})
   * @param nodes the cluster's nodes by name
   * @param attemptsSoFar attempts already made per segment index that is being retried
   * @param runId the run, part of each attempt's identity
   */
  public static List<StartRepairSegment> starts(RepairPlan plan, IndexSet finished, Collection<Segment> running,
      Map<String, String> unavailable, RepairMode mode, Map<String, UpkeepNode> nodes,
      Map<Integer, Integer> attemptsSoFar, String runId) {
    List<StartRepairSegment> steps = new ArrayList<>();
    for (Segment s : SegmentScheduler.startable(plan, finished, running, unavailable.keySet(), mode)) {
      UpkeepNode coordinator = s.replicas().stream().map(nodes::get).filter(n -> n != null && n.usable())
          .findFirst().orElse(null);
      if (coordinator == null) {
        continue;
      }
      int attempts = attemptsSoFar.getOrDefault(s.index(), 0) + 1;
      steps.add(new StartRepairSegment(coordinator.name(), s.index(), s.keyspace(), s.start(), s.end(), mode,
          attempts, runId + "/segment-" + s.index() + "/attempt-" + attempts));
    }
    return steps;
  }
}
