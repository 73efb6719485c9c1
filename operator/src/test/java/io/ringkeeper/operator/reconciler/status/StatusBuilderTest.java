package io.ringkeeper.operator.reconciler.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringkeeper.operator.reconciler.observe.NodeView;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.CassandraClusterStatus;
import io.ringkeeper.api.v1alpha1.ClusterPhase;
import io.ringkeeper.api.v1alpha1.NodeState;
import io.ringkeeper.operator.domain.model.NodeId;
import io.ringkeeper.operator.domain.plan.KnownNode;
import io.ringkeeper.operator.domain.plan.NodeHealth;
import io.ringkeeper.operator.domain.plan.Plan;
import io.ringkeeper.operator.domain.plan.Step;
import io.ringkeeper.operator.domain.tokens.ReplicationAwareTokenAllocator;
import io.ringkeeper.operator.domain.tokens.NewNode;
import io.ringkeeper.operator.reconciler.observe.ObservedState;
import io.ringkeeper.operator.reconciler.validate.Problem;
import io.ringkeeper.operator.reconciler.events.ClusterEvent;
import io.ringkeeper.operator.reconciler.events.Milestones;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StatusBuilderTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static CassandraCluster cluster() {
    CassandraCluster cr = Serialization.unmarshal("""
        apiVersion: ringkeeper.io/v1alpha1
        kind: CassandraCluster
        metadata: {name: demo, namespace: db, uid: u1, generation: 3}
        spec:
          datacenters:
            - {name: dc1, replicationFactor: 3, size: 3, racks: [{name: r1}, {name: r2}, {name: r3}]}
        """, CassandraCluster.class);
    return cr;
  }

  private static List<KnownNode> known() {
    List<NewNode> nodes = List.of(new NewNode("demo-dc1-r1-0", "r1"), new NewNode("demo-dc1-r2-0", "r2"),
        new NewNode("demo-dc1-r3-0", "r3"));
    var tokens = new ReplicationAwareTokenAllocator().allocateNewDatacenter(nodes, 4, 3, Set.of());
    List<KnownNode> known = new ArrayList<>();
    for (String rack : List.of("r1", "r2", "r3")) {
      known.add(new KnownNode(new NodeId("demo", "dc1", rack, 0), tokens.get("demo-dc1-" + rack + "-0"), true));
    }
    return known;
  }

  private static ObservedState observed() {
    Map<String, Pod> pods = new HashMap<>();
    for (String rack : List.of("r1", "r2", "r3")) {
      String name = "demo-dc1-" + rack + "-0";
      pods.put(name, new PodBuilder().withNewMetadata().withName(name).endMetadata()
          .withNewStatus().withPhase("Running").withPodIP("10.0.0." + rack.charAt(1)).endStatus().build());
    }
    return new ObservedState(pods, Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), Map.of());
  }

  private static Map<String, NodeView> views(NodeHealth health, boolean ready) {
    Map<String, NodeView> views = new HashMap<>();
    known().forEach(n -> views.put(n.name(), new NodeView(health, ready, true, ready ? null : "starting", null)));
    return views;
  }

  private static CassandraClusterStatus build(CassandraCluster cr, Map<String, NodeView> views, boolean formed,
      Instant now) {
    return StatusBuilder.build(new StatusBuilder.Inputs(cr, observed(), List.of(), known(), views, formed,
        new Plan(formed ? new Step.Idle() : new Step.Wait("NodesStarting", "0 of 3"), List.of()), now));
  }

  @Test
  void theSameInputsBuildAnEqualStatusSoNothingIsWritten() {
    CassandraCluster cr = cluster();
    CassandraClusterStatus first = build(cr, views(NodeHealth.UP_NORMAL, true), true, T0);
    cr.setStatus(first);
    CassandraClusterStatus second = build(cr, views(NodeHealth.UP_NORMAL, true), true, T0.plusSeconds(60));
    assertThat(Serialization.asJson(second)).isEqualTo(Serialization.asJson(first));
    assertThat(Milestones.forTransition(first, second)).isEmpty();
  }

  @Test
  void aReadyClusterReportsPhaseConditionsOwnershipAndSpread() {
    CassandraClusterStatus status = build(cluster(), views(NodeHealth.UP_NORMAL, true), true, T0);
    assertThat(status.getPhase()).isEqualTo(ClusterPhase.Ready);
    assertThat(status.getReady()).isEqualTo("3/3");
    assertThat(status.getObservedGeneration()).isEqualTo(3L);
    assertThat(status.getConditions()).extracting(c -> c.getType() + "=" + c.getStatus() + "/" + c.getReason())
        .containsExactly("Ready=True/AllNodesReady", "Progressing=False/Idle", "Degraded=False/Healthy",
            "Valid=True/SpecValid");
    assertThat(status.getConditions()).allSatisfy(c -> assertThat(c.getObservedGeneration()).isEqualTo(3L));
    assertThat(status.getNodes()).allSatisfy(n -> {
      assertThat(n.getOwnership()).isEqualTo(1.0);
      assertThat(n.getState()).isEqualTo(NodeState.UN);
      assertThat(n.getTokens()).hasSize(4);
    });
    assertThat(status.getRing().getDatacenters()).singleElement()
        .satisfies(d -> assertThat(d.getOwnershipSpread()).isEqualTo(1.0));
    assertThat(status.getOperation()).isNull();
  }

  @Test
  void whileCreatingTheCreateOperationListsPendingNodes() {
    CassandraClusterStatus status = build(cluster(), views(NodeHealth.UNKNOWN, false), false, T0);
    assertThat(status.getPhase()).isEqualTo(ClusterPhase.Creating);
    assertThat(status.getOperation().getType().name()).isEqualTo("Create");
    assertThat(status.getOperation().getStep()).isEqualTo("StartingNodes");
    assertThat(status.getOperation().getPending()).hasSize(3);
  }

  @Test
  void aConditionKeepsItsTransitionTimeWhileItsStatusStaysTheSame() {
    CassandraCluster cr = cluster();
    cr.setStatus(build(cr, views(NodeHealth.UP_NORMAL, true), true, T0));
    Map<String, NodeView> oneDown = views(NodeHealth.UP_NORMAL, true);
    oneDown.put("demo-dc1-r2-0", new NodeView(NodeHealth.DOWN, false, true, "agent unreachable", null));
    CassandraClusterStatus later = build(cr, oneDown, true, T0.plusSeconds(30));
    assertThat(Conditions.find(later.getConditions(), "Valid").orElseThrow().getLastTransitionTime())
        .isEqualTo("2026-01-01T00:00:00Z");
    assertThat(Conditions.find(later.getConditions(), "Degraded").orElseThrow().getLastTransitionTime())
        .isEqualTo("2026-01-01T00:00:30Z");
    assertThat(later.getPhase()).isEqualTo(ClusterPhase.Degraded);
    assertThat(later.getNodes().get(1).getDownSince()).isEqualTo("2026-01-01T00:00:30Z");
    List<ClusterEvent> events = Milestones.forTransition(cr.getStatus(), later);
    assertThat(events).extracting(ClusterEvent::reason).containsExactly("NodeDown");
    assertThat(events.get(0).warning()).isTrue();
  }

  @Test
  void anInvalidSpecIsReportedWithEveryProblemAndKeepsTheRecordedNodes() {
    CassandraCluster cr = cluster();
    cr.setStatus(build(cr, views(NodeHealth.UP_NORMAL, true), true, T0));
    CassandraClusterStatus invalid = StatusBuilder.build(new StatusBuilder.Inputs(cr, observed(),
        List.of(new Problem("spec.a", "bad"), new Problem("spec.b", "worse")), known(),
        views(NodeHealth.UP_NORMAL, true), true, null, T0));
    assertThat(invalid.getPhase()).isEqualTo(ClusterPhase.Invalid);
    assertThat(Conditions.find(invalid.getConditions(), "Valid").orElseThrow().getMessage())
        .isEqualTo("spec.a: bad; spec.b: worse");
    assertThat(invalid.getNodes()).hasSize(3);
    assertThat(Milestones.forTransition(cr.getStatus(), invalid)).extracting(ClusterEvent::reason)
        .containsExactly("InvalidSpec");
  }
}
