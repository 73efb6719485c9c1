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

  @Test
  void aDatacenterAddedToARunningClusterIsHeld() {
    ClusterState formed = recorded(ONE_DC, true, new NodeFacts(true, true, NodeHealth.UP_NORMAL));
    Plan plan = planner.plan(new ClusterState("demo", 16, TWO_DCS, true, formed.known(), formed.facts()));
    assertThat(plan.held()).extracting(Held::reason).containsExactly("DatacenterAddHeld");
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
