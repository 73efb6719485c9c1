package io.ringkeeper.operator.domain.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import io.ringkeeper.operator.domain.model.NodeId;
import org.junit.jupiter.api.Test;

class SafetyRulesTest {
  @Test
  void beforeTheRingFormsAnyRecordedNodeMayStartWithItsTokens() {
    assertThat(SafetyRules.mayStartWithRecordedTokens(false, NodeFacts.ABSENT)).isTrue();
  }

  @Test
  void afterTheRingFormedANodeStartsWithItsTokensOnlyWhenItsVolumeSurvived() {
    assertThat(SafetyRules.mayStartWithRecordedTokens(true, new NodeFacts(false, true, NodeHealth.DOWN))).isTrue();
    assertThat(SafetyRules.mayStartWithRecordedTokens(true, new NodeFacts(false, false, NodeHealth.DOWN))).isFalse();
  }

  @Test
  void anAllocationWithTheWrongNumberOfTokensIsRefused() {
    assertThatThrownBy(() -> SafetyRules.checkAllocation("n", List.of(1L, 2L), 3, Set.of()))
        .hasMessageContaining("gave node n 2 tokens, expected 3");
  }

  @Test
  void anAllocationWithDuplicateTokensIsRefused() {
    assertThatThrownBy(() -> SafetyRules.checkAllocation("n", List.of(1L, 1L), 2, Set.of()))
        .hasMessageContaining("duplicate");
  }

  @Test
  void anAllocationReusingAnotherNodesTokenIsRefused() {
    assertThatThrownBy(() -> SafetyRules.checkAllocation("n", List.of(1L, 2L), 2, Set.of(2L)))
        .hasMessageContaining("token 2 which another node already holds");
  }

  @Test
  void aCorrectAllocationPasses() {
    assertThatCode(() -> SafetyRules.checkAllocation("n", List.of(1L, 2L), 2, Set.of(3L))).doesNotThrowAnyException();
  }

  @Test
  void aDatacenterNeverShrinksBelowItsReplicationFactor() {
    org.assertj.core.api.Assertions.assertThat(SafetyRules.mayShrinkTo(2, 3)).isFalse();
    org.assertj.core.api.Assertions.assertThat(SafetyRules.mayShrinkTo(3, 3)).isTrue();
  }

  @Test
  void aVolumeIsDeletedOnlyAfterItsNodeDecommissionedOrToReplaceIt() {
    java.time.Instant t = java.time.Instant.EPOCH;
    Operation decommissioning = Operation.start(OperationKind.ScaleDown, "dc1", "n", OperationStep.Decommissioning, t);
    org.assertj.core.api.Assertions.assertThat(SafetyRules.mayDeleteVolume(decommissioning, "n")).isFalse();
    org.assertj.core.api.Assertions.assertThat(SafetyRules.mayDeleteVolume(
        decommissioning.at(OperationStep.DeletingPod, t), "n")).isFalse();
    org.assertj.core.api.Assertions.assertThat(SafetyRules.mayDeleteVolume(
        decommissioning.at(OperationStep.DeletingVolume, t), "n")).isTrue();
    org.assertj.core.api.Assertions.assertThat(SafetyRules.mayDeleteVolume(
        decommissioning.at(OperationStep.DeletingVolume, t), "other")).isFalse();
    org.assertj.core.api.Assertions.assertThat(SafetyRules.mayDeleteVolume(Operation.start(OperationKind.RollingRestart,
        "dc1", "n", OperationStep.Restarting, t), "n")).isFalse();
    org.assertj.core.api.Assertions.assertThat(SafetyRules.mayDeleteVolume(null, "n")).isFalse();
  }

  @Test
  void nothingDisruptiveStartsWhileAnotherNodeOfTheDatacenterIsNotReady() {
    io.ringkeeper.operator.domain.model.NodeId a = new io.ringkeeper.operator.domain.model.NodeId("demo", "dc1", "r1", 0);
    io.ringkeeper.operator.domain.model.NodeId b = new io.ringkeeper.operator.domain.model.NodeId("demo", "dc1", "r2", 0);
    io.ringkeeper.operator.domain.model.NodeId c = new io.ringkeeper.operator.domain.model.NodeId("demo", "dc2", "r1", 0);
    ClusterState state = new ClusterState("demo", 1, List.of(), true,
        List.of(new KnownNode(a, List.of(1L), true), new KnownNode(b, List.of(2L), true),
            new KnownNode(c, List.of(3L), true)),
        java.util.Map.of(a.name(), new NodeFacts(true, true, NodeHealth.UP_NORMAL),
            b.name(), new NodeFacts(true, true, NodeHealth.DOWN),
            c.name(), new NodeFacts(true, true, NodeHealth.DOWN)));
    org.assertj.core.api.Assertions.assertThat(SafetyRules.notReadyOthers(state, "dc1", a.name()))
        .containsExactly(b.name() + " (DOWN)");
    org.assertj.core.api.Assertions.assertThat(SafetyRules.notReadyOthers(state, "dc1", b.name())).isEmpty();
  }

  @Test
  void aFailedStepIsRetriedOnlyAfterAGrowingDelay() {
    java.time.Instant t = java.time.Instant.parse("2026-01-01T00:00:00Z");
    Operation failed = Operation.start(OperationKind.ScaleDown, "dc1", "n", OperationStep.Decommissioning, t)
        .failed("boom", t).failed("boom", t);
    org.assertj.core.api.Assertions.assertThat(SafetyRules.retryDelay(2)).isEqualTo(java.time.Duration.ofSeconds(20));
    org.assertj.core.api.Assertions.assertThat(SafetyRules.retryDue(failed, t.plusSeconds(19))).isFalse();
    org.assertj.core.api.Assertions.assertThat(SafetyRules.retryDue(failed, t.plusSeconds(20))).isTrue();
    org.assertj.core.api.Assertions.assertThat(SafetyRules.retryDelay(50)).isEqualTo(java.time.Duration.ofMinutes(10));
  }

  @Test
  void upkeepWorkNeverStartsWhileAClusterOperationRunsOrANodeOfTheDatacenterIsDown() {
    assertThat(SafetyRules.upkeepMustWait(false, "dc1", List.of())).isNull();
    assertThat(SafetyRules.upkeepMustWait(true, "dc1", List.of())).isEqualTo("a cluster operation is in progress");
    assertThat(SafetyRules.upkeepMustWait(false, "dc1", List.of("n2", "n4")))
        .isEqualTo("datacenter dc1 is not healthy (n2, n4 not up)");
  }

  @Test
  void aNodeIsNeverFencedWhileAnotherReplicaOfItsRangesIsDown() {
    NodeId a = new NodeId("demo", "dc1", "r1", 0);
    NodeId b = new NodeId("demo", "dc1", "r2", 0);
    NodeId c = new NodeId("demo", "dc1", "r3", 0);
    NodeId d = new NodeId("demo", "dc2", "r1", 0);
    List<KnownNode> known = List.of(new KnownNode(a, List.of(1L), true), new KnownNode(b, List.of(2L), true),
        new KnownNode(c, List.of(3L), true), new KnownNode(d, List.of(4L), true));
    NodeFacts up = new NodeFacts(true, true, NodeHealth.UP_NORMAL);
    NodeFacts stopped = new NodeFacts(false, true, NodeHealth.DOWN);
    ClusterState healthy = new ClusterState("demo", 1, List.of(), true, known,
        java.util.Map.of(a.name(), up, b.name(), up, c.name(), up, d.name(), stopped));
    // A node down in another datacenter holds other replicas: fencing is allowed.
    assertThat(SafetyRules.fenceRefusal(healthy, a.name())).isNull();

    ClusterState oneFenced = new ClusterState("demo", 1, List.of(), true, known,
        java.util.Map.of(a.name(), stopped, b.name(), up, c.name(), up, d.name(), up))
        .withIntents(new ClusterState.Intents(false, java.util.Set.of(a.name(), b.name())));
    assertThat(SafetyRules.fenceRefusal(oneFenced, b.name()))
        .contains(a.name() + " of datacenter dc1 is fenced already", "two replicas");

    ClusterState oneDown = new ClusterState("demo", 1, List.of(), true, known,
        java.util.Map.of(a.name(), up, b.name(), new NodeFacts(true, true, NodeHealth.DOWN), c.name(), up,
            d.name(), up));
    assertThat(SafetyRules.fenceRefusal(oneDown, a.name())).contains(b.name() + " (DOWN)", "two replicas");
    assertThat(SafetyRules.fenceRefusal(oneDown, "demo-dc1-r9-0")).contains("no node demo-dc1-r9-0");
  }

  @Test
  void hibernationNeverInterruptsAnotherOperation() {
    java.time.Instant t = java.time.Instant.parse("2026-01-01T00:00:00Z");
    assertThat(SafetyRules.hibernationMustWait(null)).isNull();
    assertThat(SafetyRules.hibernationMustWait(Operation.start(OperationKind.Wake, "dc1", "n",
        OperationStep.Starting, t))).isNull();
    assertThat(SafetyRules.hibernationMustWait(Operation.start(OperationKind.ScaleDown, "dc1", "n",
        OperationStep.Decommissioning, t))).contains("ScaleDown", "node n", "never interrupted");
  }
}
