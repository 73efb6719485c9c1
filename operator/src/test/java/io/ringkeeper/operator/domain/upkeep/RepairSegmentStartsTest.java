package io.ringkeeper.operator.domain.upkeep;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringkeeper.operator.domain.repair.IndexSet;
import io.ringkeeper.operator.domain.repair.RepairKeyspace;
import io.ringkeeper.operator.domain.repair.RepairMode;
import io.ringkeeper.operator.domain.repair.RepairPlan;
import io.ringkeeper.operator.domain.repair.RepairPlanner;
import io.ringkeeper.operator.domain.repair.RingMember;
import io.ringkeeper.operator.domain.repair.Segment;
import io.ringkeeper.operator.domain.upkeep.UpkeepStep.StartRepairSegment;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class RepairSegmentStartsTest {
  private static final List<RingMember> RING = List.of(
      new RingMember("n1", "dc1", "r1", List.of(-6_000_000_000_000_000_000L)),
      new RingMember("n2", "dc1", "r2", List.of(0L)),
      new RingMember("n3", "dc1", "r3", List.of(6_000_000_000_000_000_000L)));
  private static final RepairPlan PLAN = RepairPlanner.plan(RING,
      List.of(new RepairKeyspace("orders", false, RepairKeyspace.NETWORK_TOPOLOGY, Map.of("dc1", 2), 864000)),
      List.of(), 1, Set.of());

  private static Map<String, UpkeepNode> nodes(String... down) {
    Map<String, UpkeepNode> out = new TreeMap<>();
    for (RingMember m : RING) {
      out.put(m.name(), new UpkeepNode(m.name(), m.datacenter(), !List.of(down).contains(m.name())));
    }
    return out;
  }

  private static List<StartRepairSegment> starts(Map<String, UpkeepNode> nodes, Map<String, String> unavailable,
      Map<Integer, Integer> attempts, RepairMode mode) {
    return RepairSegmentStarts.starts(PLAN, IndexSet.empty(), List.of(), unavailable, mode, nodes, attempts, "run-1");
  }

  @Test
  void aSegmentStartsOnTheFirstOfItsReplicasAsItsFirstAttempt() {
    List<StartRepairSegment> steps = starts(nodes(), Map.of(), Map.of(), RepairMode.SEQUENTIAL);
    assertThat(steps).hasSize(1);
    StartRepairSegment step = steps.get(0);
    Segment segment = PLAN.segments().get(step.index());
    assertThat(step.node()).isEqualTo(segment.replicas().get(0));
    assertThat(step.range()).isEqualTo(segment.range());
    assertThat(step.attempt()).isEqualTo("run-1/segment-" + step.index() + "/attempt-1");
  }

  @Test
  void aRetriedSegmentStartsAsItsNextAttempt() {
    int first = starts(nodes(), Map.of(), Map.of(), RepairMode.SEQUENTIAL).get(0).index();
    StartRepairSegment retry = starts(nodes(), Map.of(), Map.of(first, 2), RepairMode.SEQUENTIAL).get(0);
    assertThat(retry.attempts()).isEqualTo(3);
    assertThat(retry.attempt()).endsWith("/attempt-3");
  }

  @Test
  void noSegmentUsesANodeThatIsDownOrBusyCompactingOrWhoseFiguresAreUnknown() {
    List<UpkeepNode> all = List.copyOf(nodes("n2").values());
    Map<String, String> unavailable = RepairSegmentStarts.unavailable(all, Map.of("n1", 21L, "n3", 20L),
        Map.of());
    assertThat(unavailable).containsExactly(Map.entry("n1", "21 pending compactions"), Map.entry("n2", "down"));
    assertThat(RepairSegmentStarts.unavailable(List.copyOf(nodes().values()), Map.of(), Map.of("n3", "TIMEOUT")))
        .containsExactly(Map.entry("n3", "metrics unavailable: TIMEOUT"));

    List<StartRepairSegment> steps = starts(nodes("n2"), Map.of("n2", "down"), Map.of(), RepairMode.PARALLEL);
    assertThat(steps).isNotEmpty();
    for (StartRepairSegment s : steps) {
      assertThat(PLAN.segments().get(s.index()).replicas()).doesNotContain("n2");
    }
  }
}
