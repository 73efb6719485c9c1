package io.ringkeeper.operator.reconciler.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringkeeper.operator.reconciler.observe.OperationFacts;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.operator.config.OperatorConfig;
import io.ringkeeper.operator.domain.model.NodeId;
import io.ringkeeper.operator.domain.plan.KnownNode;
import io.ringkeeper.operator.domain.plan.Rebuild;
import io.ringkeeper.operator.node.AgentToken;
import io.ringkeeper.operator.node.NodeEndpoint;
import io.ringkeeper.operator.node.OperationMode;
import io.ringkeeper.operator.node.NodeClientException;
import io.ringkeeper.operator.node.NodeObservation;
import io.ringkeeper.operator.resources.Labels;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Why a node is restarted or replaced, read from its pod. */
class OperationFactsTest {
  private static final Instant NOW = Instant.parse("2026-12-02T01:00:00Z");
  private final OperationFacts facts = new OperationFacts(OperatorConfig.defaults()
      .withReplaceUnschedulableAfter(Duration.ofMinutes(15)));

  private static Pod pending(Instant since) {
    return new PodBuilder().withNewMetadata().withName("demo-dc1-r1-0").endMetadata()
        .withNewStatus().withPhase("Pending").addNewCondition().withType("PodScheduled").withStatus("False")
        .withReason("Unschedulable").withMessage("0/3 nodes are available").withLastTransitionTime(since.toString())
        .endCondition().endStatus().build();
  }

  private static Pod annotated(Map<String, String> annotations) {
    return new PodBuilder().withNewMetadata().withName("demo-dc1-r1-0").withAnnotations(annotations).endMetadata()
        .build();
  }

  @Test
  void aPodUnschedulableLongerThanTheConfiguredTimeIsReplaced() {
    assertThat(facts.replaceReason(pending(NOW.minus(Duration.ofMinutes(16))), NOW))
        .startsWith("its pod could not be scheduled since").contains("0/3 nodes are available");
  }

  @Test
  void aPodUnschedulableForAShortWhileIsLeftAlone() {
    assertThat(facts.replaceReason(pending(NOW.minus(Duration.ofMinutes(5))), NOW)).isNull();
  }

  @Test
  void automaticReplacementCanBeTurnedOff() {
    OperationFacts off = new OperationFacts(OperatorConfig.defaults().withReplaceUnschedulableAfter(Duration.ZERO));
    assertThat(off.replaceReason(pending(NOW.minus(Duration.ofHours(5))), NOW)).isNull();
  }

  private static io.ringkeeper.operator.node.NodeInfo seesHibernating(OperationMode mode, String... addresses) {
    return new io.ringkeeper.operator.node.NodeInfo(mode, "h", "10.0.0.1", "dc1", "r1", "5.0.9", true, true,
        List.of(), 0, List.of(), List.of(), List.of(), List.of(), List.of(), Map.of(), Map.of(), Map.of(), Map.of(),
        0, 0, List.of(addresses));
  }

  private static ObservedState observed(Map<String, NodeObservation> nodes) {
    return new ObservedState(Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), nodes);
  }

  private static io.ringkeeper.operator.node.NodeInfo withRing(OperationMode mode, String endpoint,
      Map<Long, String> ring) {
    return new io.ringkeeper.operator.node.NodeInfo(mode, "h", endpoint, "dc1", "r1", "5.0.9", true, true,
        List.of(), 0, List.of(), List.of(), List.of(), List.of(), List.of(), ring, Map.of(), Map.of(), Map.of(),
        0, 0, List.of());
  }

  @Test
  void aNodeWhoseDecommissionFailedAfterItLeftTheRingIsDecommissionedButNotOneStillInAPeersRing() {
    // ChaosE2E seed -8158481517337529887 (40 faults): the node announced it left, its peers removed its tokens,
    // then its messaging shutdown timed out on a peer killed at that moment: DECOMMISSION_FAILED, out of the ring.
    List<KnownNode> known = List.of(node("dc1", 0), node("dc1", 1), node("dc1", 2));
    String leaving = known.get(2).name();
    NodeObservation failed = NodeObservation.answered(leaving, "10.0.0.3", NOW,
        withRing(OperationMode.DECOMMISSION_FAILED, "10.0.0.3", Map.of()));
    Map<Long, String> without = Map.of(1L, "10.0.0.1", 2L, "10.0.0.2");
    Map<Long, String> with = Map.of(1L, "10.0.0.1", 2L, "10.0.0.2", 3L, "10.0.0.3");
    NodeObservation peerWithout = NodeObservation.answered(known.get(0).name(), "10.0.0.1", NOW,
        withRing(OperationMode.NORMAL, "10.0.0.1", without));
    NodeObservation otherWithout = NodeObservation.answered(known.get(1).name(), "10.0.0.2", NOW,
        withRing(OperationMode.NORMAL, "10.0.0.2", without));
    NodeObservation otherWith = NodeObservation.answered(known.get(1).name(), "10.0.0.2", NOW,
        withRing(OperationMode.NORMAL, "10.0.0.2", with));
    assertThat(OperationFacts.leftTheRing(leaving, known, observed(Map.of(leaving, failed,
        known.get(0).name(), peerWithout, known.get(1).name(), otherWithout)))).isTrue();
    // One normal peer still holds its tokens: it failed before it left, and may be asked again.
    assertThat(OperationFacts.leftTheRing(leaving, known, observed(Map.of(leaving, failed,
        known.get(0).name(), peerWithout, known.get(1).name(), otherWith)))).isFalse();
    // No peer answered: nothing is known of the ring.
    assertThat(OperationFacts.leftTheRing(leaving, known, observed(Map.of(leaving, failed)))).isFalse();
    // A peer that is not normal itself (joining: its ring may be behind) is not asked.
    NodeObservation joining = NodeObservation.answered(known.get(0).name(), "10.0.0.1", NOW,
        withRing(OperationMode.JOINING, "10.0.0.1", without));
    assertThat(OperationFacts.leftTheRing(leaving, known, observed(Map.of(leaving, failed,
        known.get(0).name(), joining)))).isFalse();
    // The node's own agent does not answer: its address is not known from it.
    NodeObservation silent = NodeObservation.failed(leaving, "10.0.0.3", NOW, NodeClientException.Kind.TIMEOUT,
        "no answer", null);
    assertThat(OperationFacts.leftTheRing(leaving, known, observed(Map.of(leaving, silent,
        known.get(0).name(), peerWithout)))).isFalse();
    assertThat(OperationMode.parse("DECOMMISSION_FAILED")).isEqualTo(OperationMode.DECOMMISSION_FAILED);
    assertThat(OperationMode.parse("JOINING_FAILED")).isEqualTo(OperationMode.JOINING_FAILED);
  }

  @Test
  void aNodeIsHibernatingAtAPeerOnlyWhileItsOwnAgentRefusesConnectionsAndANormalPeerHoldsItsAddressSo() {
    List<KnownNode> known = List.of(node("dc1", 0), node("dc1", 1), node("dc1", 2));
    String lost = known.get(2).name();
    NodeObservation refused = NodeObservation.failed(lost, "10.0.0.3", NOW, NodeClientException.Kind.UNREACHABLE,
        "connection refused", null);
    NodeObservation peer = NodeObservation.answered(known.get(0).name(), "10.0.0.1", NOW,
        seesHibernating(OperationMode.NORMAL, "10.0.0.3"));
    assertThat(OperationFacts.hibernatingAt(lost, "10.0.0.3", known, observed(Map.of(lost, refused,
        known.get(0).name(), peer)))).isEqualTo(known.get(0).name());
    // A hung process accepts the connection and times out: it may be running, nothing is asked.
    NodeObservation hung = NodeObservation.failed(lost, "10.0.0.3", NOW, NodeClientException.Kind.TIMEOUT,
        "no answer", null);
    assertThat(OperationFacts.hibernatingAt(lost, "10.0.0.3", known, observed(Map.of(lost, hung,
        known.get(0).name(), peer)))).isNull();
    // Its agent answers: it runs.
    NodeObservation running = NodeObservation.answered(lost, "10.0.0.3", NOW,
        seesHibernating(OperationMode.JOINING));
    assertThat(OperationFacts.hibernatingAt(lost, "10.0.0.3", known, observed(Map.of(lost, running,
        known.get(0).name(), peer)))).isNull();
    // No peer holds it so, or only one that is not normal itself.
    NodeObservation none = NodeObservation.answered(known.get(0).name(), "10.0.0.1", NOW,
        seesHibernating(OperationMode.NORMAL));
    NodeObservation joining = NodeObservation.answered(known.get(0).name(), "10.0.0.1", NOW,
        seesHibernating(OperationMode.JOINING, "10.0.0.3"));
    assertThat(OperationFacts.hibernatingAt(lost, "10.0.0.3", known, observed(Map.of(lost, refused,
        known.get(0).name(), none)))).isNull();
    assertThat(OperationFacts.hibernatingAt(lost, "10.0.0.3", known, observed(Map.of(lost, refused,
        known.get(0).name(), joining)))).isNull();
    // The refusal came from another address (an older pod's): not this pod's process.
    NodeObservation elsewhere = NodeObservation.failed(lost, "10.0.0.9", NOW, NodeClientException.Kind.UNREACHABLE,
        "connection refused", null);
    assertThat(OperationFacts.hibernatingAt(lost, "10.0.0.3", known, observed(Map.of(lost, elsewhere,
        known.get(0).name(), peer)))).isNull();
  }

  @Test
  void theReplaceAnnotationAsksForAReplacement() {
    assertThat(facts.replaceReason(annotated(Map.of(Labels.REPLACE, "true")), NOW)).contains(Labels.REPLACE);
  }

  @Test
  void aPodCreatedBeforeRunsHashesExistedIsNotRestarted() {
    CassandraCluster cr = new CassandraCluster();
    cr.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("demo").build());
    assertThat(OperationFacts.restartReason(cr, annotated(Map.of()), "abc")).isNull();
    assertThat(OperationFacts.restartReason(cr, annotated(Map.of(Labels.RUNS_HASH, "abc")), "abc")).isNull();
    assertThat(OperationFacts.restartReason(cr, annotated(Map.of(Labels.RUNS_HASH, "old")), "abc"))
        .startsWith("what the node runs changed");
  }

  @Test
  void onlyNodesOfTheSourceDatacenterAreAskedWhetherTheKeyspacesReplicateToTheNewOne() {
    // A node of the new datacenter may not have pulled the schema yet: it would report no user keyspace at all.
    List<KnownNode> known = List.of(node("dc1", 0), node("dc2", 0), node("dc1", 1));
    List<NodeEndpoint> endpoints = known.stream().map(n -> new NodeEndpoint(n.name(), "10.0.0." + n.id().index(),
        NodeEndpoint.DEFAULT_PORT, new AgentToken("t"))).toList();
    assertThat(OperationFacts.sourceEndpoints(known, List.of(new Rebuild("dc2", "dc1", null)), endpoints))
        .extracting(NodeEndpoint::node).containsExactly("demo-dc1-r1-0", "demo-dc1-r1-1");
    assertThat(OperationFacts.sourceEndpoints(known, List.of(new Rebuild("dc2", "dc1", NOW)), endpoints))
        .as("nobody is asked for a datacenter already rebuilt").isEmpty();
  }

  private static KnownNode node(String dc, int index) {
    return new KnownNode(new NodeId("demo", dc, "r1", index), List.of((long) index), false);
  }

  @Test
  void aPodOfAnEarlierBuildWhoseHashIncludedTheSeedsIsNotRestartedOnUpgrade() {
    CassandraCluster cr = new CassandraCluster();
    cr.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("demo").build());
    Pod legacy = annotated(Map.of(Labels.RUNS_HASH, "with-seeds"));
    assertThat(OperationFacts.restartReason(cr, legacy, "without-seeds", () -> "with-seeds")).isNull();
    assertThat(OperationFacts.restartReason(cr, legacy, "without-seeds", () -> "with-other-seeds"))
        .startsWith("what the node runs changed");
  }
}
