package io.ringkeeper.operator.reconciler.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringkeeper.operator.reconciler.observe.NodeView;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.ringkeeper.api.v1alpha1.NodeState;
import io.ringkeeper.api.v1alpha1.NodeStatus;
import io.ringkeeper.operator.domain.model.NodeId;
import io.ringkeeper.operator.domain.plan.KnownNode;
import io.ringkeeper.operator.domain.plan.NodeHealth;
import io.ringkeeper.operator.node.NodeClientException;
import io.ringkeeper.operator.node.NodeInfo;
import io.ringkeeper.operator.node.NodeObservation;
import io.ringkeeper.operator.node.OperationMode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeStatesTest {
  private static final KnownNode NODE = new KnownNode(new NodeId("c", "dc1", "r1", 0), List.of(1L, 2L), true);
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
  private static final Pod RUNNING = new PodBuilder().withNewMetadata().withName("c-dc1-r1-0").endMetadata()
      .withNewStatus().withPhase("Running").withPodIP("10.0.0.1")
      .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build();
  private static final Pod RUNNING_NOT_READY = new PodBuilder(RUNNING).editStatus().withConditions(
      new io.fabric8.kubernetes.api.model.PodConditionBuilder().withType("Ready").withStatus("False").build())
      .endStatus().build();

  static NodeInfo info(OperationMode mode, List<Long> tokens, List<String> unreachable, String endpoint) {
    return new NodeInfo(mode, "host", endpoint, "dc1", "r1", "5.0.9", mode == OperationMode.NORMAL, true, tokens,
        1000, List.of(endpoint), unreachable, List.of(), List.of(), List.of(), Map.of(), Map.of(), Map.of(),
        Map.of(), 0, 1);
  }

  private static NodeObservation answered(String node, NodeInfo info) {
    return NodeObservation.answered(node, info.endpoint(), T, info);
  }

  @Test
  void aNormalNodeServingCqlAndSeenUpIsReady() {
    NodeObservation self = answered("c-dc1-r1-0", info(OperationMode.NORMAL, List.of(2L, 1L), List.of(), "10.0.0.1"));
    NodeView view = NodeStates.classify(NODE, RUNNING, self, null, List.of(self));
    assertThat(view.health()).isEqualTo(NodeHealth.UP_NORMAL);
    assertThat(view.ready()).isTrue();
    assertThat(view.identityProblem()).isNull();
  }

  @Test
  void aNodeIsNotReadyUntilKubernetesCountsItsPodReadyEvenWhenItsAgentSaysNormal() {
    NodeObservation self = answered("c-dc1-r1-0", info(OperationMode.NORMAL, List.of(2L, 1L), List.of(), "10.0.0.1"));
    NodeView view = NodeStates.classify(NODE, RUNNING_NOT_READY, self, null, List.of(self));
    assertThat(view.health()).isEqualTo(NodeHealth.UP_NORMAL);
    assertThat(view.ready()).isFalse();
    assertThat(view.message()).isEqualTo("pod is not Ready yet: its readiness probe has not passed");
    Pod noConditions = new PodBuilder(RUNNING).editStatus().withConditions(List.of()).endStatus().build();
    assertThat(NodeStates.classify(NODE, noConditions, self, null, List.of(self)).ready()).isFalse();
  }

  @Test
  void aNodeWhoseContainerTheKubeletReportsStoppedIsDownBeforeItsAgentIsAskedAgain() {
    NodeObservation self = answered("c-dc1-r1-0", info(OperationMode.NORMAL, List.of(2L, 1L), List.of(), "10.0.0.1"));
    Pod crashed = new PodBuilder(RUNNING).editStatus().withConditions(List.of()).addNewContainerStatus()
        .withName("cassandra").withRestartCount(1).withNewState().withNewWaiting().withReason("CrashLoopBackOff")
        .endWaiting().endState().endContainerStatus().endStatus().build();
    NodeView view = NodeStates.classify(NODE, crashed, self, null, List.of(self));
    assertThat(view.health()).isEqualTo(NodeHealth.DOWN);
    assertThat(view.message()).isEqualTo("container cassandra is waiting to restart (CrashLoopBackOff, restarts 1)");
    Pod exited = new PodBuilder(RUNNING).editStatus().addNewContainerStatus().withName("cassandra")
        .withRestartCount(0).withNewState().withNewTerminated().withExitCode(137).endTerminated().endState()
        .endContainerStatus().endStatus().build();
    assertThat(NodeStates.classify(NODE, exited, self, null, List.of(self)).message())
        .isEqualTo("container cassandra exited (code 137)");
    // A container that never ran yet is starting, not down.
    Pod creating = new PodBuilder(RUNNING).editStatus().addNewContainerStatus().withName("cassandra")
        .withRestartCount(0).withNewState().withNewWaiting().withReason("ContainerCreating").endWaiting().endState()
        .endContainerStatus().endStatus().build();
    assertThat(NodeStates.classify(NODE, creating, null, null, List.of()).health()).isEqualTo(NodeHealth.UNKNOWN);
  }

  @Test
  void aNodeAPeerSeesUnreachableIsNotReady() {
    NodeObservation self = answered("c-dc1-r1-0", info(OperationMode.NORMAL, List.of(1L, 2L), List.of(), "10.0.0.1"));
    NodeObservation peer = answered("c-dc1-r2-0",
        info(OperationMode.NORMAL, List.of(3L), List.of("/10.0.0.1:7000"), "10.0.0.2"));
    NodeView view = NodeStates.classify(NODE, RUNNING, self, null, List.of(self, peer));
    assertThat(view.ready()).isFalse();
    assertThat(view.message()).isEqualTo("seen down by c-dc1-r2-0");
  }

  @Test
  void aNodeHoldingOtherTokensIsReportedWithAnExample() {
    NodeObservation self = answered("c-dc1-r1-0", info(OperationMode.NORMAL, List.of(1L, 5L), List.of(), "10.0.0.1"));
    NodeView view = NodeStates.classify(NODE, RUNNING, self, null, List.of(self));
    assertThat(view.identityProblem()).isEqualTo("node c-dc1-r1-0 holds 2 tokens, 1 of the 2 assigned are not"
        + " among them (e.g. 2 is missing); it was started with other tokens or its data directory belongs to"
        + " another node");
  }

  @Test
  void anAgentThatAnsweredBeforeAndNoLongerDoesIsDown() {
    NodeObservation failed = NodeObservation.failed("c-dc1-r1-0", "10.0.0.1", T,
        NodeClientException.Kind.UNREACHABLE, "connection refused", T.minusSeconds(10));
    NodeView view = NodeStates.classify(NODE, RUNNING, failed, null, List.of(failed));
    assertThat(view.health()).isEqualTo(NodeHealth.DOWN);
    assertThat(view.message()).isEqualTo("agent unreachable: connection refused");
  }

  @Test
  void anAgentThatNeverAnsweredIsStillStarting() {
    NodeObservation failed = NodeObservation.failed("c-dc1-r1-0", "10.0.0.1", T,
        NodeClientException.Kind.UNREACHABLE, "connection refused", null);
    NodeView view = NodeStates.classify(NODE, RUNNING, failed, null, List.of(failed));
    assertThat(view.health()).isEqualTo(NodeHealth.UNKNOWN);
    assertThat(view.message()).isEqualTo("starting");
  }

  @Test
  void withoutAnObservationYetThePreviousStateStandsSoAnOperatorRestartDoesNotFlapStatus() {
    NodeStatus previous = new NodeStatus();
    previous.setState(NodeState.UN);
    previous.setReady(true);
    NodeView view = NodeStates.classify(NODE, RUNNING, null, previous, List.of());
    assertThat(view.health()).isEqualTo(NodeHealth.UP_NORMAL);
    assertThat(view.ready()).isTrue();
    assertThat(view.fresh()).isFalse();
  }

  @Test
  void aNodeWhosePodVanishedIsDownOnceItExisted() {
    NodeStatus previous = new NodeStatus();
    previous.setState(NodeState.UN);
    assertThat(NodeStates.classify(NODE, null, null, previous, List.of()).health()).isEqualTo(NodeHealth.DOWN);
    assertThat(NodeStates.classify(NODE, null, null, null, List.of()).health()).isEqualTo(NodeHealth.UNKNOWN);
  }

  @Test
  void modesMapToNodetoolStates() {
    for (OperationMode mode : OperationMode.values()) {
      NodeObservation obs = answered("c-dc1-r1-0", info(mode, List.of(1L, 2L), List.of(), "10.0.0.1"));
      NodeHealth health = NodeStates.classify(NODE, RUNNING, obs, null, List.of(obs)).health();
      NodeHealth expected = switch (mode) {
        case NORMAL -> NodeHealth.UP_NORMAL;
        case JOINING -> NodeHealth.UP_JOINING;
        case LEAVING -> NodeHealth.UP_LEAVING;
        case MOVING -> NodeHealth.UP_MOVING;
        case DRAINING, DRAINED, DECOMMISSIONED -> NodeHealth.DOWN;
        // Cassandra 5.0's failed bootstrap or decommission: neither serving as normal nor known to be gone.
        case STARTING, JOINING_FAILED, DECOMMISSION_FAILED, UNKNOWN -> NodeHealth.UNKNOWN;
      };
      assertThat(health).as(mode.name()).isEqualTo(expected);
    }
  }

  @Test
  void endpointsAreComparedByHost() {
    assertThat(Endpoints.host("/10.0.0.1:7000")).isEqualTo("10.0.0.1");
    assertThat(Endpoints.host("10.0.0.1")).isEqualTo("10.0.0.1");
    assertThat(Endpoints.host("[fd00::1]:7000")).isEqualTo("fd00::1");
    assertThat(Endpoints.host("fd00::1")).isEqualTo("fd00::1");
  }
}
