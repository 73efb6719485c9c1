package io.ringkeeper.operator.domain.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringkeeper.operator.domain.model.Datacenter;
import io.ringkeeper.operator.domain.model.NodeId;
import io.ringkeeper.operator.domain.model.Rack;
import io.ringkeeper.operator.domain.tokens.ReplicationAwareTokenAllocator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** An operation whose record was lost is read off the nodes, finished or waited for, and never doubled. */
class InFlightTest {
  private final Planner planner = new Planner(new ReplicationAwareTokenAllocator());
  private static final NodeId LEAVER = new NodeId("demo", "dc1", "r1", 1);

  private static NodeFacts up() {
    return new NodeFacts(true, true, NodeHealth.UP_NORMAL);
  }

  private static NodeFacts with(NodeHealth health, boolean decommissioned, boolean drained) {
    return new NodeFacts(true, true, health, false, true, decommissioned, drained, null, false, null, "10.0.0.9",
        false);
  }

  /** Four nodes recorded (three in the spec), the fourth in the given state, no operation recorded. */
  private static ClusterState fourNodes(int size, NodeFacts fourth) {
    List<KnownNode> known = new ArrayList<>();
    Map<String, NodeFacts> facts = new HashMap<>();
    String[] racks = {"r1", "r2", "r3"};
    for (int i = 0; i < 3; i++) {
      NodeId id = new NodeId("demo", "dc1", racks[i], 0);
      known.add(new KnownNode(id, List.of(i * 10L, i * 10L + 1, i * 10L + 2, i * 10L + 3), true));
      facts.put(id.name(), up());
    }
    known.add(new KnownNode(LEAVER, List.of(50L, 51L, 52L, 53L), false));
    facts.put(LEAVER.name(), fourth);
    Set<String> volumes = new java.util.HashSet<>();
    known.forEach(k -> volumes.add(k.name()));
    return new ClusterState("demo", 4, List.of(new Datacenter("dc1", 3, size,
        List.of(Rack.of("r1"), Rack.of("r2"), Rack.of("r3")))), true, known, facts, null, null, false, volumes,
        Instant.parse("2026-12-03T00:00:00Z"));
  }

  @Test
  void aNodeLeavingTheRingWithNoOperationRecordedIsWaitedForNotAskedToDecommissionAgain() {
    Step step = planner.plan(fourNodes(3, with(NodeHealth.UP_LEAVING, false, false))).step();
    assertThat(step).isInstanceOfSatisfying(Step.Await.class, a -> {
      assertThat(a.operation().kind()).isEqualTo(OperationKind.ScaleDown);
      assertThat(a.operation().node()).isEqualTo(LEAVER.name());
      assertThat(a.operation().message()).contains("inferred");
    });
  }

  @Test
  void aNodeThatLeftTheRingWithNoOperationRecordedHasItsScaleDownFinished() {
    Step step = planner.plan(fourNodes(3, with(NodeHealth.DOWN, true, false))).step();
    assertThat(step).isInstanceOfSatisfying(Step.RecordOperation.class, r -> {
      assertThat(r.operation().kind()).isEqualTo(OperationKind.ScaleDown);
      assertThat(r.operation().step()).isEqualTo(OperationStep.DeletingPod);
    });
  }

  @Test
  void noSecondDisruptiveStepStartsWhileANodeIsVisiblyLeaving() {
    // The spec asks for more nodes and a restart would be due: still only the leave is waited for.
    Step step = planner.plan(fourNodes(5, with(NodeHealth.UP_LEAVING, false, false))).step();
    assertThat(step).isInstanceOf(Step.Await.class);
    assertThat(((Step.Await) step).operation().kind()).isEqualTo(OperationKind.ScaleDown);
  }

  @Test
  void aJoiningNodeWithNoOperationRecordedIsWaitedForAsAScaleUp() {
    Step step = planner.plan(fourNodes(4, with(NodeHealth.UP_JOINING, false, false))).step();
    assertThat(step).isInstanceOfSatisfying(Step.Await.class, a -> {
      assertThat(a.operation().kind()).isEqualTo(OperationKind.ScaleUp);
      assertThat(a.operation().node()).isEqualTo(LEAVER.name());
    });
  }

  @Test
  void aDrainedNodeWithNoOperationRecordedIsRestarted() {
    Step step = planner.plan(fourNodes(4, with(NodeHealth.DOWN, false, true))).step();
    assertThat(step).isInstanceOfSatisfying(Step.DeletePod.class, d -> {
      assertThat(d.operation().kind()).isEqualTo(OperationKind.Restart);
      assertThat(d.node()).isEqualTo(LEAVER);
    });
  }

  @Test
  void aNodeWithoutAPodShowsNoOperation() {
    NodeFacts gone = new NodeFacts(false, true, NodeHealth.UP_LEAVING, false, false, false, false, null, false, null,
        "10.0.0.9", false);
    assertThat(InFlight.infer(fourNodes(3, gone))).isNull();
  }
}
