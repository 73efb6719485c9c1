package io.ringkeeper.operator.domain.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringkeeper.operator.domain.model.Datacenter;
import io.ringkeeper.operator.domain.model.NodeId;
import io.ringkeeper.operator.domain.model.Rack;
import io.ringkeeper.operator.domain.model.Topology;
import io.ringkeeper.operator.domain.tokens.NewNode;
import io.ringkeeper.operator.domain.tokens.RingNode;
import io.ringkeeper.operator.domain.tokens.ReplicationAwareTokenAllocator;
import io.ringkeeper.operator.domain.tokens.TokenAllocator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The planner's decisions, each test named as the rule it guarantees. */
class PlannerTest {
  private final Planner planner = new Planner(new ReplicationAwareTokenAllocator());
  private static final List<Datacenter> ONE_DC = List.of(dc("dc1", 3, "r1", "r2", "r3"));
  private static final List<Datacenter> TWO_DCS =
      List.of(dc("dc1", 3, "r1", "r2", "r3"), dc("dc2", 3, "r1", "r2", "r3"));

  private static Datacenter dc(String name, int size, String... racks) {
    return new Datacenter(name, Math.min(3, size), size, java.util.Arrays.stream(racks).map(Rack::of).toList());
  }

  private static ClusterState fresh(List<Datacenter> dcs) {
    return new ClusterState("demo", 16, dcs, false, List.of(), Map.of());
  }

  /** The state right after the initial tokens were recorded, with the given facts for every node. */
  private ClusterState recorded(List<Datacenter> dcs, boolean ringFormed, NodeFacts facts) {
    Step.AssignInitialTokens assign = (Step.AssignInitialTokens) planner.plan(fresh(dcs)).step();
    List<KnownNode> known = new ArrayList<>();
    Map<String, NodeFacts> all = new HashMap<>();
    assign.tokens().forEach((id, tokens) -> {
      known.add(new KnownNode(id, tokens, true));
      all.put(id.name(), facts);
    });
    return new ClusterState("demo", 16, dcs, ringFormed, known, all);
  }

  @Test
  void aBrandNewClusterGetsEveryNodesTokensBeforeAnyNodeIsCreated() {
    Plan plan = planner.plan(fresh(TWO_DCS));
    assertThat(plan.step()).isInstanceOf(Step.AssignInitialTokens.class);
    Step.AssignInitialTokens assign = (Step.AssignInitialTokens) plan.step();
    assertThat(assign.tokens()).hasSize(6);
    assertThat(assign.tokens().values()).allSatisfy(tokens -> assertThat(tokens).hasSize(16));
  }

  @Test
  void tokensAreUniqueAcrossTheWholeCluster() {
    Step.AssignInitialTokens assign = (Step.AssignInitialTokens) planner.plan(fresh(TWO_DCS)).step();
    Set<Long> all = new HashSet<>();
    assign.tokens().values().forEach(all::addAll);
    assertThat(all).hasSize(6 * 16);
  }

  @Test
  void theSameSpecAlwaysGetsTheSameTokens() {
    assertThat(planner.plan(fresh(TWO_DCS))).isEqualTo(planner.plan(fresh(TWO_DCS)));
  }

  @Test
  void aBrandNewClustersNodesAreAllCreatedTogether() {
    Plan plan = planner.plan(recorded(TWO_DCS, false, NodeFacts.ABSENT));
    assertThat(plan.step()).isInstanceOf(Step.CreateNodes.class);
    assertThat(((Step.CreateNodes) plan.step()).nodes()).hasSize(6);
  }

  @Test
  void onlyNodesWhoseTokensAreRecordedAreCreated() {
    ClusterState state = recorded(ONE_DC, false, NodeFacts.ABSENT);
    Set<NodeId> recordedIds = new HashSet<>(state.known().stream().map(KnownNode::id).toList());
    Step.CreateNodes create = (Step.CreateNodes) planner.plan(state).step();
    assertThat(recordedIds).containsAll(create.nodes());
  }

  @Test
  void aRecordedNodeKeepsItsTokensAndIsNeverReallocated() {
    ClusterState state = recorded(ONE_DC, false, new NodeFacts(true, true, NodeHealth.UNKNOWN));
    assertThat(planner.plan(state).step()).isNotInstanceOf(Step.AssignInitialTokens.class);
  }

  @Test
  void whileTheNewClustersNodesStartThePlannerWaits() {
    Plan plan = planner.plan(recorded(ONE_DC, false, new NodeFacts(true, true, NodeHealth.UNKNOWN)));
    assertThat(plan.step()).isInstanceOf(Step.Wait.class);
    assertThat(((Step.Wait) plan.step()).message()).startsWith("0 of 3 nodes are up and normal");
  }

  @Test
  void aFormedHealthyClusterIsIdle() {
    Plan plan = planner.plan(recorded(ONE_DC, true, new NodeFacts(true, true, NodeHealth.UP_NORMAL)));
    assertThat(plan.step()).isInstanceOf(Step.Idle.class);
    assertThat(plan.held()).isEmpty();
  }

  @Test
  void beforeTheRingFormsANodeThatLostItsPodAndVolumeIsCreatedAgain() {
    Plan plan = planner.plan(recorded(ONE_DC, false, NodeFacts.ABSENT));
    assertThat(plan.step()).isInstanceOf(Step.CreateNodes.class);
  }

  @Test
  void afterTheRingFormedANodeWhoseVolumeIsGoneIsNeverStartedWithItsOldTokensButReplaced() {
    ClusterState state = recorded(ONE_DC, true, new NodeFacts(true, true, NodeHealth.UP_NORMAL));
    Map<String, NodeFacts> facts = new HashMap<>(state.facts());
    String lost = state.known().get(0).name();
    facts.put(lost, new NodeFacts(false, false, NodeHealth.DOWN));
    Plan plan = planner.plan(new ClusterState("demo", 16, ONE_DC, true, state.known(), facts));
    assertThat(plan.step()).isInstanceOfSatisfying(Step.RecordOperation.class, r -> {
      assertThat(r.operation().kind()).isEqualTo(OperationKind.Replace);
      assertThat(r.operation().node()).isEqualTo(lost);
      assertThat(r.operation().message()).isEqualTo("its volume is gone");
    });
  }

  @Test
  void afterTheRingFormedANodeWhosePodIsGoneButVolumeSurvivedIsRecreated() {
    ClusterState state = recorded(ONE_DC, true, new NodeFacts(true, true, NodeHealth.UP_NORMAL));
    Map<String, NodeFacts> facts = new HashMap<>(state.facts());
    String node = state.known().get(1).name();
    facts.put(node, new NodeFacts(false, true, NodeHealth.DOWN));
    Plan plan = planner.plan(new ClusterState("demo", 16, ONE_DC, true, state.known(), facts));
    assertThat(((Step.CreateNodes) plan.step()).nodes()).extracting(NodeId::name).containsExactly(node);
  }

  @Test
  void aDecommissionWhoseNodeLostItsPodIsDroppedSoThePodStartsAgainAndTheDecommissionIsRetried() {
    List<Datacenter> four = List.of(dc("dc1", 4, "r1", "r2", "r3"));
    ClusterState formed = recorded(four, true, new NodeFacts(true, true, NodeHealth.UP_NORMAL));
    String leaving = formed.known().get(3).name();
    Map<String, NodeFacts> facts = new HashMap<>(formed.facts());
    facts.put(leaving, new NodeFacts(false, true, NodeHealth.DOWN));
    Operation asked = Operation.start(OperationKind.ScaleDown, "dc1", leaving, OperationStep.Decommissioning,
        java.time.Instant.EPOCH).withJob("job-1");
    List<Datacenter> three = List.of(dc("dc1", 3, "r1", "r2", "r3"));
    ClusterState lost = new ClusterState("demo", 16, three, true, formed.known(), facts, asked, null, false,
        java.util.Set.of(), java.time.Instant.EPOCH.plusSeconds(60));

    Step step = planner.plan(lost).step();
    assertThat(step).isInstanceOfSatisfying(Step.RecordOperation.class, r -> {
      assertThat(r.operation().jobId()).as("the job is dropped").isNull();
      assertThat(r.operation().attempts()).isEqualTo(1);
      assertThat(r.operation().message()).contains("disappeared");
    });
    Operation dropped = ((Step.RecordOperation) step).operation();
    ClusterState next = new ClusterState("demo", 16, three, true, formed.known(), facts, dropped, null, false,
        java.util.Set.of(), java.time.Instant.EPOCH.plusSeconds(61));
    assertThat(planner.plan(next).step()).isInstanceOfSatisfying(Step.CreateNodes.class,
        c -> assertThat(c.nodes()).extracting(NodeId::name).containsExactly(leaving));
  }

  @Test
  void aCleanupWaitingForALostNodeGivesWayToItsReplacementWhichHandsTheRestOfTheCleanupBack() {
    // ChaosE2E seed -8158481517337529887: a scale-up's cleanup waited for every node to be ready, a wiped node came
    // back only through its replacement, which waited for the cleanup: each waited for the other for 5 minutes.
    List<Datacenter> four = List.of(dc("dc1", 4, "r1", "r2", "r3"));
    ClusterState formed = recorded(four, true, READY);
    String lost = "demo-dc1-r3-0";
    Map<String, NodeFacts> facts = new HashMap<>(formed.facts());
    facts.put(lost, new NodeFacts(true, true, NodeHealth.DOWN, false, true, false, false, null, false,
        "asked by annotation ringkeeper.io/replace", null, false));
    List<String> others = List.of("demo-dc1-r1-0", "demo-dc1-r2-0", lost);
    Operation cleanup = new Operation(OperationKind.Cleanup, "dc1", null, null, null, 0, others, List.of(),
        "node demo-dc1-r1-1 joined", null, NOW);
    Plan plan = planner.plan(new ClusterState("demo", 16, four, true, formed.known(), facts, cleanup, null, false,
        Set.of(), NOW.plusSeconds(30), List.of(), null));
    assertThat(plan.step()).isInstanceOfSatisfying(Step.RecordOperation.class, r -> {
      assertThat(r.operation().kind()).isEqualTo(OperationKind.Replace);
      assertThat(r.operation().node()).isEqualTo(lost);
      assertThat(r.operation().pending()).containsExactly("demo-dc1-r1-0", "demo-dc1-r2-0");
      assertThat(r.operation().message()).contains("Cleanup waiting for it is set aside");
    });

    // A cleanup whose job on the lost node was asked never hears back from it: the same.
    Operation onLost = new Operation(OperationKind.Cleanup, "dc1", lost, OperationStep.CleaningUp, "cleanup-7", 0,
        List.of(lost), List.of("demo-dc1-r1-0", "demo-dc1-r2-0"), null, null, NOW);
    assertThat(planner.plan(new ClusterState("demo", 16, four, true, formed.known(), facts, onLost, null, false,
        Set.of(), NOW.plusSeconds(30), List.of(), null)).step()).isInstanceOfSatisfying(Step.RecordOperation.class,
        r -> {
          assertThat(r.operation().kind()).isEqualTo(OperationKind.Replace);
          assertThat(r.operation().pending()).isEmpty();
        });

    // A cleanup job running on another node keeps its place until it ends.
    Operation running = new Operation(OperationKind.Cleanup, "dc1", "demo-dc1-r1-0", OperationStep.CleaningUp,
        "cleanup-1", 0, others, List.of(), null, null, NOW);
    assertThat(planner.plan(new ClusterState("demo", 16, four, true, formed.known(), facts, running, null, false,
        Set.of(), NOW.plusSeconds(30), List.of(), null)).step()).isNotInstanceOf(Step.RecordOperation.class);

    // The replacement done, the cleanup resumes on the nodes it had not cleaned up, the replaced one left out.
    Operation replacing = Operation.start(OperationKind.Replace, "dc1", lost, OperationStep.Replacing, NOW)
        .withPending(List.of("demo-dc1-r1-0", "demo-dc1-r2-0"));
    assertThat(planner.plan(new ClusterState("demo", 16, four, true, formed.known(), formed.facts(), replacing,
        null, false, Set.of(), NOW.plusSeconds(300), List.of(), null)).step())
        .isInstanceOfSatisfying(Step.RecordOperation.class, r -> {
          assertThat(r.operation().kind()).isEqualTo(OperationKind.Cleanup);
          assertThat(r.operation().datacenter()).isEqualTo("dc1");
          assertThat(r.operation().pending()).containsExactly("demo-dc1-r1-0", "demo-dc1-r2-0");
          assertThat(r.operation().message()).contains(lost + " was replaced", "cleanup set aside");
        });
    // One that carries nothing finishes as before.
    assertThat(planner.plan(new ClusterState("demo", 16, four, true, formed.known(), formed.facts(),
        Operation.start(OperationKind.Replace, "dc1", lost, OperationStep.Replacing, NOW), null, false, Set.of(),
        NOW.plusSeconds(300), List.of(), null)).step()).isInstanceOf(Step.FinishOperation.class);
  }

  @Test
  void aScaleDownWaitingForALostNodeGivesWayToItsReplacementSoThatNeitherWaitsForTheOtherForever() {
    // The decommission waits for every node of the datacenter to be normal; a node whose disk was lost comes back
    // only through its replacement, which waits for the operation under way to end.
    List<Datacenter> four = List.of(dc("dc1", 4, "r1", "r2", "r3"));
    ClusterState formed = recorded(four, true, READY);
    List<String> names = formed.known().stream().map(KnownNode::name).sorted().toList();
    String leaving = "demo-dc1-r1-1";
    String lost = "demo-dc1-r1-0";
    Map<String, NodeFacts> facts = new HashMap<>(formed.facts());
    facts.put(lost, new NodeFacts(true, true, NodeHealth.DOWN, false, true, false, false, null, false,
        "asked by annotation ringkeeper.io/replace", null, false));
    List<Datacenter> three = List.of(dc("dc1", 3, "r1", "r2", "r3"));
    Operation waiting = Operation.start(OperationKind.ScaleDown, "dc1", leaving, OperationStep.Decommissioning, NOW);
    Plan plan = planner.plan(new ClusterState("demo", 16, three, true, formed.known(), facts, waiting, null, false,
        Set.of(), NOW.plusSeconds(30), List.of(), null));
    assertThat(plan.step()).isInstanceOfSatisfying(Step.RecordOperation.class, r -> {
      assertThat(r.operation().kind()).isEqualTo(OperationKind.Replace);
      assertThat(r.operation().node()).isEqualTo(lost);
      assertThat(r.operation().message()).contains("ScaleDown waiting for it is set aside");
    });

    // After a failed decommission (its stream target was the lost node), its node normal again: the same.
    Operation failed = waiting.failed("stream to " + lost + " failed", NOW.plusSeconds(10));
    assertThat(planner.plan(new ClusterState("demo", 16, three, true, formed.known(), facts, failed, null, false,
        Set.of(), NOW.plusSeconds(30), List.of(), null)).step()).isInstanceOfSatisfying(Step.RecordOperation.class,
        r -> assertThat(r.operation().kind()).isEqualTo(OperationKind.Replace));

    // A decommission asked keeps its place: the node may be streaming its ranges away.
    assertThat(planner.plan(new ClusterState("demo", 16, three, true, formed.known(), facts,
        waiting.withJob("decommission-1"), null, false, Set.of(), NOW.plusSeconds(30), List.of(), null)).step())
        .isNotInstanceOf(Step.RecordOperation.class);
    // So does one whose node is leaving (asked by an operator that stopped before recording the job).
    Map<String, NodeFacts> leavingFacts = new HashMap<>(facts);
    leavingFacts.put(leaving, READY.withHealth(NodeHealth.UP_LEAVING, false));
    assertThat(planner.plan(new ClusterState("demo", 16, three, true, formed.known(), leavingFacts, waiting, null,
        false, Set.of(), NOW.plusSeconds(30), List.of(), null)).step()).isNotInstanceOf(Step.RecordOperation.class);

    // Once the replacement is done, the spec's smaller size starts a scale-down again.
    assertThat(names).contains(leaving, lost);
    assertThat(planner.plan(new ClusterState("demo", 16, three, true, formed.known(), formed.facts(), null, null,
        false, Set.of(), NOW.plusSeconds(600), List.of(), null)).step())
        .isInstanceOfSatisfying(Step.RecordOperation.class,
            r -> assertThat(r.operation().kind()).isEqualTo(OperationKind.ScaleDown));
  }

  @Test
  void aLargerSizeStartsAScaleUpThatRecordsTheNewNodeAndItsTokensFirst() {
    ClusterState formed = recorded(ONE_DC, true, new NodeFacts(true, true, NodeHealth.UP_NORMAL));
    List<Datacenter> bigger = List.of(dc("dc1", 4, "r1", "r2", "r3"));
    Plan plan = planner.plan(new ClusterState("demo", 16, bigger, true, formed.known(), formed.facts()));
    assertThat(plan.step()).isInstanceOfSatisfying(Step.RecordOperation.class, r -> {
      assertThat(r.operation().kind()).isEqualTo(OperationKind.ScaleUp);
      assertThat(r.add().name()).isEqualTo("demo-dc1-r1-1");
      assertThat(r.add().tokens()).hasSize(16);
      assertThat(r.add().initial()).isFalse();
    });
  }

  // --- a datacenter added to a running cluster ------------------------------------------------------------------

  private static final List<Datacenter> DC1_AND_NEW_DC2 =
      List.of(dc("dc1", 3, "r1", "r2", "r3"), dc("dc2", 2, "r1", "r2"));
  private static final NodeFacts READY = new NodeFacts(true, true, NodeHealth.UP_NORMAL);
  private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");

  /** A formed dc1 of 3 nodes, plus the dc2 nodes the planner recorded one scale-up at a time, all ready. */
  private ClusterState withDc2Nodes(int dc2Nodes) {
    ClusterState formed = recorded(ONE_DC, true, READY);
    List<KnownNode> known = new ArrayList<>(formed.known());
    Map<String, NodeFacts> facts = new HashMap<>(formed.facts());
    List<Rebuild> rebuilds = List.of();
    for (int i = 0; i < dc2Nodes; i++) {
      Plan plan = planner.plan(state(known, facts, null, null, rebuilds, null));
      KnownNode added = ((Step.RecordOperation) plan.step()).add();
      known.add(added);
      facts.put(added.name(), READY);
      rebuilds = plan.rebuilds() != null ? plan.rebuilds() : rebuilds;
    }
    return state(known, facts, null, null, rebuilds, null);
  }

  private static ClusterState state(List<KnownNode> known, Map<String, NodeFacts> facts, Operation op, JobFacts job,
      List<Rebuild> rebuilds, List<KeyspaceReplication> keyspaces) {
    return new ClusterState("demo", 16, DC1_AND_NEW_DC2, true, known, facts, op, job, false, Set.of(), NOW,
        rebuilds, keyspaces);
  }

  private static ClusterState with(ClusterState s, Operation op, JobFacts job, List<KeyspaceReplication> keyspaces) {
    return new ClusterState(s.cluster(), s.numTokens(), s.datacenters(), true, s.known(), s.facts(), op, job, false,
        s.volumes(), s.now(), s.rebuilds(), keyspaces);
  }

  private static final List<KeyspaceReplication> ONLY_IN_DC1 =
      List.of(new KeyspaceReplication("orders", false, Map.of("dc1", 3)),
          new KeyspaceReplication("system_auth", true, Map.of("dc1", 3)));
  private static final List<KeyspaceReplication> ALTERED =
      List.of(new KeyspaceReplication("orders", false, Map.of("dc1", 3, "dc2", 2)),
          new KeyspaceReplication("system_auth", true, Map.of("dc1", 3)));

  @Test
  void aDatacenterAddedToARunningClusterJoinsNodeByNodeWithTokensUniqueAcrossDatacenters() {
    ClusterState formed = withDc2Nodes(0);
    Plan plan = planner.plan(formed);
    assertThat(plan.held()).isEmpty();
    assertThat(plan.step()).isInstanceOfSatisfying(Step.RecordOperation.class, r -> {
      assertThat(r.operation().kind()).isEqualTo(OperationKind.ScaleUp);
      assertThat(r.operation().datacenter()).isEqualTo("dc2");
      assertThat(r.add().name()).isEqualTo("demo-dc2-r1-0");
      assertThat(r.add().initial()).isFalse();
    });
    assertThat(plan.rebuilds()).containsExactly(new Rebuild("dc2", "dc1", null));

    ClusterState full = withDc2Nodes(2);
    assertThat(full.knownIn("dc2")).extracting(KnownNode::name).containsExactly("demo-dc2-r1-0", "demo-dc2-r2-0");
    Set<Long> all = new HashSet<>();
    full.known().forEach(n -> all.addAll(n.tokens()));
    assertThat(all).hasSize(5 * 16);
  }

  @Test
  void aNewDatacentersNodeWaitsWhileTheDatacenterItStreamsFromHasANodeNotReady() {
    ClusterState formed = withDc2Nodes(0);
    Map<String, NodeFacts> facts = new HashMap<>(formed.facts());
    facts.put("demo-dc1-r2-0", new NodeFacts(true, true, NodeHealth.DOWN));
    Plan plan = planner.plan(state(formed.known(), facts, null, null, List.of(), null));
    assertThat(plan.step()).isInstanceOfSatisfying(Step.Wait.class, w -> {
      assertThat(w.reason()).isEqualTo("ScaleUpWaiting");
      assertThat(w.message()).contains("demo-dc1-r2-0 (DOWN)").contains("the datacenter it is rebuilt from");
    });
  }

  @Test
  void noNewNodesTokensAreChosenWhileARecordedNodesTokensComeOnlyFromItsVolumesRecord() {
    ClusterState grown = withDc2Nodes(1);
    List<KnownNode> known = new ArrayList<>();
    for (KnownNode k : grown.known()) {
      // adopted from its volume after status was lost, its record edited by hand: not what the node holds
      known.add(k.name().equals("demo-dc1-r2-0") ? new KnownNode(k.id(), k.tokens().stream().map(t -> t + 1).toList(),
          true, KnownNode.Identity.VOLUME) : k);
    }
    Plan plan = planner.plan(state(known, grown.facts(), null, null, grown.rebuilds(), null));
    assertThat(plan.step()).isInstanceOfSatisfying(Step.Wait.class, w -> {
      assertThat(w.reason()).isEqualTo("ScaleUpWaiting");
      assertThat(w.message()).contains("spec.datacenters[1].size").contains("demo-dc1-r2-0")
          .contains("volumes' records only");
    });

    // the node ran and reported the tokens it really holds
    List<KnownNode> confirmed = grown.known().stream().map(k -> k.name().equals("demo-dc1-r2-0")
        ? new KnownNode(k.id(), k.tokens(), true, KnownNode.Identity.NODE) : k).toList();
    assertThat(planner.plan(state(confirmed, grown.facts(), null, null, grown.rebuilds(), null)).step())
        .isInstanceOf(Step.RecordOperation.class);
  }

  @Test
  void noNewNodesTokensAreChosenWhileATokenIsRecordedForTwoNodes() {
    ClusterState grown = withDc2Nodes(1);
    long taken = grown.known().stream().filter(k -> k.name().equals("demo-dc2-r1-0")).findFirst().orElseThrow()
        .tokens().get(0);
    List<KnownNode> known = grown.known().stream().map(k -> {
      if (!k.name().equals("demo-dc1-r1-0")) {
        return k;
      }
      List<Long> tokens = new ArrayList<>(k.tokens());
      tokens.set(0, taken);
      return new KnownNode(k.id(), tokens, true, KnownNode.Identity.NODE);
    }).toList();
    Plan plan = planner.plan(state(known, grown.facts(), null, null, grown.rebuilds(), null));
    assertThat(plan.step()).isInstanceOfSatisfying(Step.Wait.class, w -> assertThat(w.message())
        .contains("token " + taken + " is recorded for both demo-dc1-r1-0 and demo-dc2-r1-0"));
  }

  @Test
  void aNodeJoiningADatacenterThatWaitsForItsRebuildNeedsNoCleanupOfTheOthers() {
    ClusterState full = withDc2Nodes(2);
    Operation joined = Operation.start(OperationKind.ScaleUp, "dc2", "demo-dc2-r2-0", OperationStep.Bootstrapping,
        NOW);
    Plan plan = planner.plan(with(full, joined, null, null));
    assertThat(plan.step()).isInstanceOfSatisfying(Step.FinishOperation.class,
        f -> assertThat(f.message()).contains("no cleanup needed"));
  }

  @Test
  void aNewDatacenterIsRebuiltOnlyOnceTheKeyspacesReplicateToIt() {
    ClusterState full = withDc2Nodes(2);
    Plan waiting = planner.plan(with(full, null, null, ONLY_IN_DC1));
    assertThat(waiting.step()).isInstanceOf(Step.Idle.class);
    assertThat(waiting.held()).singleElement().satisfies(h -> {
      assertThat(h.reason()).isEqualTo("RebuildWaiting");
      assertThat(h.message()).contains("spec.datacenters[1]").contains("ALTER KEYSPACE").contains("orders")
          .doesNotContain("system_auth");
    });
    assertThat(planner.plan(with(full, null, null, null)).held()).extracting(Held::reason)
        .containsExactly("RebuildWaiting");

    Plan start = planner.plan(with(full, null, null, ALTERED));
    assertThat(start.step()).isInstanceOfSatisfying(Step.RecordOperation.class, r -> {
      assertThat(r.operation().kind()).isEqualTo(OperationKind.Rebuild);
      assertThat(r.operation().datacenter()).isEqualTo("dc2");
      assertThat(r.operation().pending()).containsExactly("demo-dc2-r1-0", "demo-dc2-r2-0");
    });
  }

  @Test
  void aDatacenterWaitingForItsKeyspacesBlocksNoOtherOperation() {
    ClusterState full = withDc2Nodes(2);
    Map<String, NodeFacts> facts = new HashMap<>(full.facts());
    facts.put("demo-dc1-r1-0", new NodeFacts(true, true, NodeHealth.UP_NORMAL, true, true, false, false,
        "what the node runs changed", false, null, null, false));
    ClusterState state = new ClusterState("demo", 16, DC1_AND_NEW_DC2, true, full.known(), facts, null, null, false,
        Set.of(), NOW, full.rebuilds(), ONLY_IN_DC1);
    assertThat(planner.plan(state).step()).isInstanceOfSatisfying(Step.RecordOperation.class,
        r -> assertThat(r.operation().kind()).isEqualTo(OperationKind.RollingRestart));
  }

  @Test
  void aDrainedNodeThatNeedsARestartIsRestartedFirstSoThatNoOtherWaitsForItForever() {
    ClusterState formed = recorded(ONE_DC, true, new NodeFacts(true, true, NodeHealth.UP_NORMAL, true, true, false,
        false, "configuration changed", false, null, null, false));
    Map<String, NodeFacts> facts = new HashMap<>(formed.facts());
    String drained = formed.known().stream().map(KnownNode::name).sorted().toList().get(2);
    // Drained by a restart that was interrupted (its record lost): down, and still on the old configuration.
    facts.put(drained, new NodeFacts(true, true, NodeHealth.DOWN, false, true, false, true, "configuration changed",
        false, null, null, false));
    // A rolling restart is recorded, between two nodes (none in hand): the next one is chosen.
    Operation rolling = new Operation(OperationKind.RollingRestart, "dc1", null, null, null, 0, List.of(), List.of(),
        "configuration changed", null, NOW);
    ClusterState state = new ClusterState("demo", 16, ONE_DC, true, formed.known(), facts, rolling, null, false,
        Set.of(), NOW, List.of(), null);
    assertThat(planner.plan(state).step()).isInstanceOfSatisfying(Step.RecordOperation.class, r -> {
      assertThat(r.operation().kind()).isEqualTo(OperationKind.RollingRestart);
      assertThat(r.operation().node()).isEqualTo(drained);
      assertThat(r.operation().step()).isEqualTo(OperationStep.Restarting);
    });
  }

  @Test
  void aRestartWaitingForALostNodeGivesWayToItsReplacementSoThatNeitherWaitsForTheOtherForever() {
    // ChaosE2E, seed 35: a node wiped and killed just as a rolling restart was about to drain another. The restart
    // waited for the lost node to be up, the replacement asked for it waited for the restart to end.
    ClusterState formed = recorded(ONE_DC, true, new NodeFacts(true, true, NodeHealth.UP_NORMAL, true, true, false,
        false, "configuration changed", false, null, null, false));
    List<String> names = formed.known().stream().map(KnownNode::name).sorted().toList();
    Map<String, NodeFacts> facts = new HashMap<>(formed.facts());
    facts.put(names.get(2), new NodeFacts(true, true, NodeHealth.DOWN, false, true, false, false,
        "configuration changed", false, "asked by annotation ringkeeper.io/replace", null, false));
    Operation rolling = new Operation(OperationKind.RollingRestart, "dc1", names.get(0), OperationStep.Draining, null,
        0, names, List.of(), "configuration changed", null, NOW);
    ClusterState state = new ClusterState("demo", 16, ONE_DC, true, formed.known(), facts, rolling, null, false,
        Set.of(), NOW, List.of(), null);
    assertThat(planner.plan(state).step()).isInstanceOfSatisfying(Step.RecordOperation.class, r -> {
      assertThat(r.operation().kind()).isEqualTo(OperationKind.Replace);
      assertThat(r.operation().node()).isEqualTo(names.get(2));
      assertThat(r.operation().message()).contains("RollingRestart waiting for it is set aside");
    });

    // Between two nodes, the same.
    Operation between = new Operation(OperationKind.RollingRestart, "dc1", null, null, null, 0, names, List.of(),
        "configuration changed", null, NOW);
    assertThat(planner.plan(new ClusterState("demo", 16, ONE_DC, true, formed.known(), facts, between, null, false,
        Set.of(), NOW, List.of(), null)).step()).isInstanceOfSatisfying(Step.RecordOperation.class,
        r -> assertThat(r.operation().kind()).isEqualTo(OperationKind.Replace));

    // A restart whose drain was asked keeps its place: its node may be draining.
    Operation draining = rolling.withJob("drain-1");
    assertThat(planner.plan(new ClusterState("demo", 16, ONE_DC, true, formed.known(), facts, draining, null, false,
        Set.of(), NOW, List.of(), null)).step()).isNotInstanceOfAny(Step.RecordOperation.class);

    // CI, ChaosE2E seed 35: the restart came to the lost node while its old pod still carried the replace
    // annotation; deleting that pod to restart it would have dropped the annotation with it.
    Operation restartingTheOldPod = new Operation(OperationKind.RollingRestart, "dc1", names.get(2),
        OperationStep.Restarting, null, 0, names, List.of(), "configuration changed", null, NOW);
    assertThat(planner.plan(new ClusterState("demo", 16, ONE_DC, true, formed.known(), facts, restartingTheOldPod,
        null, false, Set.of(), NOW, List.of(), null)).step()).isInstanceOfSatisfying(Step.RecordOperation.class,
        r -> assertThat(r.operation().kind()).isEqualTo(OperationKind.Replace));

    // ChaosE2E, seed 1849467536926383856: the node the restart is restarting is the one lost; its new pod (on the
    // new configuration) crash-loops and never comes up.
    facts.put(names.get(2), new NodeFacts(true, true, NodeHealth.DOWN, false, true, false, false, null, false,
        "asked by annotation ringkeeper.io/replace", null, false));
    Operation restartingTheLostNode = new Operation(OperationKind.RollingRestart, "dc1", names.get(2),
        OperationStep.Restarting, null, 0, names, List.of(), "configuration changed", null, NOW);
    assertThat(planner.plan(new ClusterState("demo", 16, ONE_DC, true, formed.known(), facts, restartingTheLostNode,
        null, false, Set.of(), NOW, List.of(), null)).step()).isInstanceOfSatisfying(Step.RecordOperation.class, r -> {
          assertThat(r.operation().kind()).isEqualTo(OperationKind.Replace);
          assertThat(r.operation().node()).isEqualTo(names.get(2));
        });
  }

  @Test
  void aSameAddressReplacementLeftHibernatingByAFailedAttemptIsMarkedShutDownByEachPeerThatHoldsItSoItsNextStartReachesTheSeeds() {
    // ChaosE2E, seed 1849467536926383856, fault 31: the third replacement of r3 at 127.90.0.3 failed once
    // ("Unable to contact any seeds"); its peers held it hibernating and never gossiped with it again, and every
    // later start failed the same way (CASSANDRA-19580).
    ClusterState formed = recorded(ONE_DC, true, new NodeFacts(true, true, NodeHealth.UP_NORMAL));
    List<String> names = formed.known().stream().map(KnownNode::name).sorted().toList();
    String lost = names.get(2);
    Operation replacing = new Operation(OperationKind.Replace, "dc1", lost, OperationStep.Replacing, null, 0,
        List.of(lost), List.of(), "asked by annotation ringkeeper.io/replace", "10.0.0.3", NOW);
    Map<String, NodeFacts> facts = new HashMap<>(formed.facts());
    NodeFacts down = new NodeFacts(true, true, NodeHealth.DOWN, false, true, false, false, null, false, null,
        "10.0.0.3", false);
    facts.put(lost, down.withHibernatingAt(names.get(0)));
    ClusterState stuck = new ClusterState("demo", 16, ONE_DC, true, formed.known(), facts, replacing, null, false,
        Set.of(), NOW, List.of(), null);
    assertThat(planner.plan(stuck).step()).isInstanceOfSatisfying(Step.EndHibernation.class, h -> {
      assertThat(h.via().name()).isEqualTo(names.get(0));
      assertThat(h.address()).isEqualTo("10.0.0.3");
      assertThat(h.operation().kind()).isEqualTo(OperationKind.Replace);
      assertThat(h.operation().step()).isEqualTo(OperationStep.Replacing);
      assertThat(h.operation().message()).contains("hibernating in the gossip of " + names.get(0));
    });

    // No peer holds it so (or its process runs: then no peer is named): the replacement is waited for.
    facts.put(lost, down);
    assertThat(planner.plan(new ClusterState("demo", 16, ONE_DC, true, formed.known(), facts, replacing, null,
        false, Set.of(), NOW, List.of(), null)).step()).isInstanceOf(Step.Await.class);

  }

  @Test
  void aNewDatacenterIsRebuiltFromAnExistingOneNodeByNode() {
    ClusterState full = withDc2Nodes(2);
    Operation op = ((Step.RecordOperation) planner.plan(with(full, null, null, ALTERED)).step()).operation();
    List<String> rebuilt = new ArrayList<>();
    for (int guard = 0; guard < 20; guard++) {
      Plan plan = planner.plan(with(full, op, op.jobId() == null ? null
          : new JobFacts(JobFacts.Outcome.SUCCEEDED, 1, null), null));
      Step step = plan.step();
      if (step instanceof Step.FinishOperation f) {
        assertThat(f.finished().done()).containsExactly("demo-dc2-r1-0", "demo-dc2-r2-0");
        assertThat(plan.rebuilds()).containsExactly(new Rebuild("dc2", "dc1", NOW));
        assertThat(rebuilt).containsExactly("demo-dc2-r1-0", "demo-dc2-r2-0");
        return;
      }
      if (step instanceof Step.StartJob s) {
        assertThat(s.job()).isEqualTo(NodeJob.REBUILD);
        assertThat(s.sourceDatacenter()).isEqualTo("dc1");
        assertThat(s.operation().step()).isEqualTo(OperationStep.Rebuilding);
        rebuilt.add(s.node().name());
        op = s.operation().withJob("rebuild-" + rebuilt.size());
      } else {
        op = ((Step.RecordOperation) step).operation();
      }
    }
    throw new AssertionError("the rebuild did not finish");
  }

  @Test
  void aRebuildWaitsWhileANodeOfTheSourceDatacenterIsNotReady() {
    ClusterState full = withDc2Nodes(2);
    Map<String, NodeFacts> facts = new HashMap<>(full.facts());
    facts.put("demo-dc1-r3-0", new NodeFacts(true, true, NodeHealth.DOWN));
    Operation op = new Operation(OperationKind.Rebuild, "dc2", "demo-dc2-r1-0", OperationStep.Rebuilding, null, 0,
        List.of("demo-dc2-r1-0", "demo-dc2-r2-0"), List.of(), null, null, NOW);
    Plan plan = planner.plan(new ClusterState("demo", 16, DC1_AND_NEW_DC2, true, full.known(), facts, op, null,
        false, Set.of(), NOW, full.rebuilds(), null));
    assertThat(plan.step()).isInstanceOfSatisfying(Step.Await.class,
        a -> assertThat(a.message()).contains("demo-dc1-r3-0 (DOWN)"));
  }

  @Test
  void aFailedRebuildIsReportedWithTheNodesMessageAndRetriedAfterAGrowingDelay() {
    ClusterState full = withDc2Nodes(2);
    Operation running = new Operation(OperationKind.Rebuild, "dc2", "demo-dc2-r1-0", OperationStep.Rebuilding,
        "rebuild-1", 0, List.of("demo-dc2-r1-0", "demo-dc2-r2-0"), List.of(), null, null, NOW);
    Step failed = planner.plan(with(full, running,
        new JobFacts(JobFacts.Outcome.FAILED, 0, "Stream failed: dc1 unreachable"), null)).step();
    Operation retry = ((Step.RecordOperation) failed).operation();
    assertThat(retry.attempts()).isEqualTo(1);
    assertThat(retry.jobId()).isNull();
    assertThat(retry.message()).isEqualTo("Stream failed: dc1 unreachable");
    assertThat(planner.plan(with(full, retry, null, null)).step()).isInstanceOfSatisfying(Step.Await.class,
        a -> assertThat(a.reason()).isEqualTo("RebuildRetryWaiting"));
    ClusterState later = new ClusterState("demo", 16, DC1_AND_NEW_DC2, true, full.known(), full.facts(), retry,
        null, false, Set.of(), NOW.plusSeconds(10), full.rebuilds(), null);
    assertThat(planner.plan(later).step()).isInstanceOfSatisfying(Step.StartJob.class,
        s -> assertThat(s.node().name()).isEqualTo("demo-dc2-r1-0"));
  }

  @Test
  void replacingANodeWaitsForTheOtherNodesOfItsDatacenterButNotForTheDatacenterItIsRebuiltFrom() {
    ClusterState full = withDc2Nodes(2);
    Map<String, NodeFacts> facts = new HashMap<>(full.facts());
    // A dc1 node drained (its restart interrupted): it waits for this operation to end to be restarted itself.
    facts.put("demo-dc1-r1-0", new NodeFacts(true, true, NodeHealth.UP_NORMAL, false, true, false, true,
        "configuration changed", false, null, null, false));
    Operation replace = Operation.start(OperationKind.Replace, "dc2", "demo-dc2-r1-0", OperationStep.DeletingPod,
        NOW);
    assertThat(planner.plan(state(full.known(), facts, replace, null, full.rebuilds(), null)).step())
        .isInstanceOfSatisfying(Step.DeletePod.class, d -> assertThat(d.node().name()).isEqualTo("demo-dc2-r1-0"));

    facts.put("demo-dc1-r1-0", READY);
    facts.put("demo-dc2-r2-0", new NodeFacts(true, true, NodeHealth.DOWN));
    assertThat(planner.plan(state(full.known(), facts, replace, null, full.rebuilds(), null)).step())
        .isInstanceOfSatisfying(Step.Await.class, a -> assertThat(a.message()).contains("demo-dc2-r2-0"));
  }

  @Test
  void aRebuiltDatacenterIsNeverRebuiltAgain() {
    ClusterState full = withDc2Nodes(2);
    ClusterState rebuilt = new ClusterState("demo", 16, DC1_AND_NEW_DC2, true, full.known(), full.facts(), null,
        null, false, Set.of(), NOW, List.of(new Rebuild("dc2", "dc1", NOW)), ALTERED);
    Plan plan = planner.plan(rebuilt);
    assertThat(plan.step()).isInstanceOf(Step.Idle.class);
    assertThat(plan.held()).isEmpty();
    assertThat(plan.rebuilds()).isNull();
  }

  @Test
  void aDatacenterCreatedWithTheClusterIsNeverRebuilt() {
    ClusterState formed = recorded(TWO_DCS, true, READY);
    Plan plan = planner.plan(new ClusterState("demo", 16, TWO_DCS, true, formed.known(), formed.facts(), null, null,
        false, Set.of(), NOW, List.of(), ALTERED));
    assertThat(plan.step()).isInstanceOf(Step.Idle.class);
    assertThat(plan.rebuilds()).isNull();
  }

  @Test
  void aNodeAddedLaterToARebuiltDatacenterBootstrapsAndCleanupFollowsAsUsual() {
    ClusterState full = withDc2Nodes(2);
    ClusterState rebuilt = new ClusterState("demo", 16, DC1_AND_NEW_DC2, true, full.known(), full.facts(),
        Operation.start(OperationKind.ScaleUp, "dc2", "demo-dc2-r2-0", OperationStep.Bootstrapping, NOW), null,
        false, Set.of(), NOW, List.of(new Rebuild("dc2", "dc1", NOW)), null);
    assertThat(planner.plan(rebuilt).step()).isInstanceOfSatisfying(Step.RecordOperation.class,
        r -> assertThat(r.operation().kind()).isEqualTo(OperationKind.Cleanup));
  }

  // --- storage resize -------------------------------------------------------------------------------------------

  private static final VolumeResize.Growing GROWING = new VolumeResize.Growing("1Gi", "2Gi");

  /** A formed, ready dc1 at NOW whose nodes' volumes are as given (by node name; the others have their size). */
  private ClusterState volumes(Map<String, NodeFacts> volumes) {
    ClusterState formed = recorded(ONE_DC, true, READY);
    Map<String, NodeFacts> facts = new HashMap<>(formed.facts());
    facts.putAll(volumes);
    return new ClusterState("demo", 16, ONE_DC, true, formed.known(), facts, null, null, false, Set.of(), NOW);
  }

  private static VolumeResize.Refused refusedAt(Instant at, int attempts) {
    return new VolumeResize.Refused("2Gi", "1Gi", at, attempts, "persistentvolumeclaims \"demo-dc1-r1-0\" is"
        + " forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc"
        + " must support resize");
  }

  @Test
  void volumesBelowTheSpecAreGrownOnceNothingElseIsToBeDone() {
    Plan plan = planner.plan(volumes(Map.of("demo-dc1-r2-0", READY.withVolume(true, null, null),
        "demo-dc1-r1-0", READY.withVolume(true, null, null))));
    assertThat(plan.step()).isInstanceOfSatisfying(Step.ResizeVolumes.class, r ->
        assertThat(r.nodes()).extracting(NodeId::name).containsExactly("demo-dc1-r1-0", "demo-dc1-r2-0"));
    assertThat(plan.held()).isEmpty();
  }

  @Test
  void aResizeIsReportedUntilTheVolumeHasGrown() {
    Plan plan = planner.plan(volumes(Map.of("demo-dc1-r3-0", READY.withVolume(false, GROWING, null),
        "demo-dc1-r1-0", READY.withVolume(false, GROWING, null))));
    assertThat(plan.step()).isInstanceOfSatisfying(Step.Wait.class, w -> {
      assertThat(w.reason()).isEqualTo("ResizingStorage");
      assertThat(w.message()).contains("spec.storage.size")
          .contains("demo-dc1-r1-0 1Gi -> 2Gi, demo-dc1-r3-0 1Gi -> 2Gi").doesNotContain("demo-dc1-r2-0");
    });
    assertThat(planner.plan(volumes(Map.of())).step()).isInstanceOf(Step.Idle.class);
  }

  @Test
  void aVolumeStillGrowingHoldsNoOtherOperation() {
    ClusterState growing = volumes(Map.of("demo-dc1-r1-0", new NodeFacts(true, true, NodeHealth.UP_NORMAL, true, true,
        false, false, "what the node runs changed", false, null, null, false, GROWING, null)));
    assertThat(planner.plan(growing).step()).isInstanceOfSatisfying(Step.RecordOperation.class,
        r -> assertThat(r.operation().kind()).isEqualTo(OperationKind.RollingRestart));
  }

  @Test
  void aRefusedResizeIsHeldWithTheFieldAndTheFixUntilItsRetryIsDue() {
    ClusterState refused = volumes(Map.of("demo-dc1-r1-0", READY.withVolume(true, null, refusedAt(NOW, 1))));
    Plan plan = planner.plan(refused);
    assertThat(plan.step()).isInstanceOf(Step.Idle.class);
    assertThat(plan.held()).singleElement().satisfies(h -> {
      assertThat(h.reason()).isEqualTo("VolumeResizeHeld");
      assertThat(h.message()).contains("spec.storage.size").contains("demo-dc1-r1-0").contains("2Gi")
          .contains("only dynamically provisioned pvc can be resized").contains("allowVolumeExpansion: true")
          .contains("set spec.storage.size back to 1Gi");
    });

    Instant due = NOW.plus(SafetyRules.retryDelay(1));
    assertThat(planner.plan(at(refused, due.minusMillis(1))).step()).isInstanceOf(Step.Idle.class);
    assertThat(planner.plan(at(refused, due)).step()).isInstanceOfSatisfying(Step.ResizeVolumes.class,
        r -> assertThat(r.nodes()).extracting(NodeId::name).containsExactly("demo-dc1-r1-0"));
  }

  @Test
  void aResizeRefusedAgainWaitsLongerEachTime() {
    Instant afterOne = NOW.plus(SafetyRules.retryDelay(1));
    ClusterState thrice = volumes(Map.of("demo-dc1-r1-0", READY.withVolume(true, null, refusedAt(NOW, 3))));
    assertThat(planner.plan(at(thrice, afterOne)).step()).isInstanceOf(Step.Idle.class);
    assertThat(planner.plan(at(thrice, NOW.plus(SafetyRules.retryDelay(3)))).step())
        .isInstanceOf(Step.ResizeVolumes.class);
  }

  @Test
  void aHeldResizeDoesNotHoldTheOtherVolumesAndIsReportedBeforeTheGrowingOnes() {
    Plan plan = planner.plan(volumes(Map.of("demo-dc1-r1-0", READY.withVolume(true, null, refusedAt(NOW, 1)),
        "demo-dc1-r2-0", READY.withVolume(true, null, null))));
    assertThat(plan.step()).isInstanceOfSatisfying(Step.ResizeVolumes.class, r ->
        assertThat(r.nodes()).extracting(NodeId::name).containsExactly("demo-dc1-r2-0"));

    Plan growing = planner.plan(volumes(Map.of("demo-dc1-r1-0", READY.withVolume(true, null, refusedAt(NOW, 1)),
        "demo-dc1-r2-0", READY.withVolume(false, GROWING, null))));
    assertThat(growing.step()).isInstanceOf(Step.Idle.class);
    assertThat(growing.held()).extracting(Held::reason).containsExactly("VolumeResizeHeld", "ResizingStorage");
  }

  private static ClusterState at(ClusterState s, Instant now) {
    return new ClusterState(s.cluster(), s.numTokens(), s.datacenters(), s.ringFormed(), s.known(), s.facts(),
        s.operation(), s.job(), s.deleteVolumes(), s.volumes(), now, s.rebuilds(), s.keyspaces());
  }

  @Test
  void anAllocatorThatBreaksItsContractStopsThePlanInsteadOfRecordingBadTokens() {
    TokenAllocator duplicates = new TokenAllocator() {
      @Override
      public Map<String, List<Long>> allocateNewDatacenter(List<NewNode> nodes, int numTokens, int rf,
          Set<Long> inUse) {
        Map<String, List<Long>> result = new HashMap<>();
        for (NewNode n : nodes) {
          List<Long> tokens = new ArrayList<>();
          for (int i = 0; i < numTokens; i++) {
            tokens.add((long) i);
          }
          result.put(n.name(), tokens);
        }
        return result;
      }

      @Override
      public List<Long> allocateNode(List<RingNode> dc, NewNode node, int numTokens, int rf, Set<Long> inUse) {
        throw new UnsupportedOperationException();
      }
    };
    assertThatThrownBy(() -> new Planner(duplicates).plan(fresh(ONE_DC)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("which another node already holds");
  }

  @Test
  void initialNodesFollowTheTopology() {
    Step.AssignInitialTokens assign = (Step.AssignInitialTokens) planner.plan(fresh(ONE_DC)).step();
    assertThat(assign.tokens().keySet()).containsExactlyElementsOf(Topology.initialNodes("demo", ONE_DC.get(0)));
  }
}
