package io.ringkeeper.operator.domain.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringkeeper.operator.domain.model.Datacenter;
import io.ringkeeper.operator.domain.model.Rack;
import io.ringkeeper.operator.domain.tokens.ReplicationAwareTokenAllocator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** When the planner sets roles and the replication of the keyspaces holding them; each test names its rule. */
class AccessPlanTest {
  private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
  private final Planner planner = new Planner(new ReplicationAwareTokenAllocator());
  private static final Access.Role ADMIN = new Access.Role("demo-superuser", "demo-superuser", "7", true, true);
  private static final Access.Role APP = new Access.Role("app", "app-secret", "3", false, true);

  private static Datacenter dc(String name, int size) {
    return new Datacenter(name, Math.min(3, size), size, List.of(Rack.of("r1"), Rack.of("r2"), Rack.of("r3")));
  }

  /** A formed cluster of the given datacenters, every node up and normal unless {@code facts} says otherwise. */
  private ClusterState formed(List<Datacenter> dcs, NodeFacts facts, Operation op, Access access) {
    Step.AssignInitialTokens assign = (Step.AssignInitialTokens) planner.plan(
        new ClusterState("demo", 16, dcs, false, List.of(), Map.of())).step();
    List<KnownNode> known = new ArrayList<>();
    Map<String, NodeFacts> all = new HashMap<>();
    assign.tokens().forEach((id, tokens) -> {
      known.add(new KnownNode(id, tokens, true));
      all.put(id.name(), facts);
    });
    return new ClusterState("demo", 16, dcs, true, known, all, op, null, false, Set.of(), NOW).withAccess(access);
  }

  private static final NodeFacts UP = new NodeFacts(true, true, NodeHealth.UP_NORMAL);

  private static Access wanted(Access.Applied applied, Access.Role... roles) {
    return new Access(List.of(roles), List.of(), applied);
  }

  @Test
  void onceTheRingFormsTheSuperuserIsCreatedAndTheSystemKeyspacesReplicateToEveryDatacenter() {
    Plan plan = planner.plan(formed(List.of(dc("dc1", 3), dc("dc2", 5)), UP, null,
        wanted(Access.Applied.NONE, ADMIN, APP)));
    assertThat(plan.step()).isInstanceOfSatisfying(Step.SetAccess.class, s -> {
      assertThat(s.roles()).containsExactly(ADMIN, APP);
      assertThat(s.factors()).isEqualTo(Map.of("dc1", 3, "dc2", 3));
      assertThat(s.attempt()).isZero();
    });
  }

  @Test
  void theSystemReplicationFactorIsAtMostThreeAndAtMostTheSizeOfTheDatacenter() {
    ClusterState state = formed(List.of(dc("dc1", 1), dc("dc2", 2), dc("dc3", 7)), UP, null,
        wanted(Access.Applied.NONE, ADMIN));
    assertThat(Access.systemFactors(state)).isEqualTo(Map.of("dc1", 1, "dc2", 2, "dc3", 3));
  }

  @Test
  void aDatacenterStillBeingAddedJoinsTheSystemReplicationOnceItHasItsNodes() {
    ClusterState three = formed(List.of(dc("dc1", 3)), UP, null, wanted(Access.Applied.NONE, ADMIN));
    ClusterState adding = new ClusterState("demo", 16, List.of(dc("dc1", 3), dc("dc2", 3)), true, three.known(),
        three.facts(), null, null, false, Set.of(), NOW).withAccess(three.access());
    assertThat(Access.systemFactors(adding)).isEqualTo(Map.of("dc1", 3));
  }

  @Test
  void aDatacenterScaledDownGetsItsLowerFactorBeforeItsFirstNodeLeaves() {
    Access.Applied applied = new Access.Applied(List.of(ADMIN), "disabled", Map.of("dc1", 3), 0, NOW);
    ClusterState three = formed(List.of(dc("dc1", 3)), UP, null, wanted(applied, ADMIN));
    ClusterState toTwo = new ClusterState("demo", 16, List.of(new Datacenter("dc1", 1, 2,
        List.of(Rack.of("r1"), Rack.of("r2")))), true, three.known(), three.facts(), null, null, false, Set.of(), NOW)
        .withAccess(three.access());
    assertThat(planner.plan(toTwo).step()).isInstanceOfSatisfying(Step.SetAccess.class,
        s -> assertThat(s.factors()).isEqualTo(Map.of("dc1", 2)));
  }

  @Test
  void accessThatHoldsPlansNothing() {
    Access.Applied applied = new Access.Applied(List.of(ADMIN, APP), "disabled", Map.of("dc1", 3), 0, NOW);
    Plan plan = planner.plan(formed(List.of(dc("dc1", 3)), UP, null, wanted(applied, ADMIN, APP)));
    assertThat(plan.step()).isInstanceOf(Step.Idle.class);
    assertThat(plan.held()).isEmpty();
  }

  @Test
  void aChangedSecretSetsThePasswordAgain() {
    Access.Applied applied = new Access.Applied(List.of(ADMIN, APP), "disabled", Map.of("dc1", 3), 0, NOW);
    Access.Role rotated = new Access.Role("app", "app-secret", "4", false, true);
    Plan plan = planner.plan(formed(List.of(dc("dc1", 3)), UP, null, wanted(applied, ADMIN, rotated)));
    assertThat(plan.step()).isInstanceOfSatisfying(Step.SetAccess.class,
        s -> assertThat(s.roles()).contains(rotated));
  }

  @Test
  void aDatacenterThatGrewChangesTheSystemReplication() {
    Access.Applied applied = new Access.Applied(List.of(ADMIN), "disabled", Map.of("dc1", 3), 0, NOW);
    Plan plan = planner.plan(formed(List.of(dc("dc1", 3), dc("dc2", 3)), UP, null, wanted(applied, ADMIN)));
    assertThat(plan.step()).isInstanceOfSatisfying(Step.SetAccess.class,
        s -> assertThat(s.factors()).isEqualTo(Map.of("dc1", 3, "dc2", 3)));
  }

  @Test
  void rolesAreNeverSetBeforeTheRingForms() {
    ClusterState state = formed(List.of(dc("dc1", 3)), UP, null, wanted(Access.Applied.NONE, ADMIN));
    ClusterState forming = new ClusterState("demo", 16, state.datacenters(), false, state.known(), state.facts(),
        null, null, false, Set.of(), NOW).withAccess(state.access());
    assertThat(planner.plan(forming).step()).isNotInstanceOf(Step.SetAccess.class);
  }

  @Test
  void rolesAreSetThroughANodeThatIsUpAndNormal() {
    ClusterState state = formed(List.of(dc("dc1", 3)), UP, null, wanted(Access.Applied.NONE, ADMIN));
    Map<String, NodeFacts> facts = new HashMap<>(state.facts());
    facts.put(state.known().get(0).name(), new NodeFacts(true, true, NodeHealth.DOWN));
    ClusterState oneDown = new ClusterState("demo", 16, state.datacenters(), true, state.known(), facts, null, null,
        false, Set.of(), NOW).withAccess(state.access());
    Step step = planner.plan(oneDown).step();
    assertThat(step).isInstanceOfSatisfying(Step.SetAccess.class,
        s -> assertThat(s.via().name()).isNotEqualTo(state.known().get(0).name()));
  }

  @Test
  void aFailedAttemptIsRetriedAfterItsDelayThroughTheNextNode() {
    Access.Applied failed = new Access.Applied(List.of(), null, Map.of(), 1, NOW.minusSeconds(5));
    ClusterState waiting = formed(List.of(dc("dc1", 3)), UP, null, wanted(failed, ADMIN));
    Plan plan = planner.plan(waiting);
    assertThat(plan.step()).isNotInstanceOf(Step.SetAccess.class);
    assertThat(plan.held()).extracting(Held::reason).contains("AccessFailed");
    assertThat(plan.held()).allMatch(h -> !h.reason().equals("AccessFailed") || h.recheck());

    Access.Applied due = new Access.Applied(List.of(), null, Map.of(), 1,
        NOW.minus(SafetyRules.retryDelay(1)).minus(Duration.ofSeconds(1)));
    Step step = planner.plan(formed(List.of(dc("dc1", 3)), UP, null, wanted(due, ADMIN))).step();
    assertThat(step).isInstanceOfSatisfying(Step.SetAccess.class, s -> {
      assertThat(s.attempt()).isEqualTo(1);
      assertThat(s.via().name()).isNotEqualTo(waiting.known().get(0).name());
    });
  }

  @Test
  void aMissingSuperuserSecretSetsNothingAndIsReported() {
    Held missing = Held.rechecked("SecretMissing", "Secret orders-admin (spec.auth.superuserSecretRef) not found");
    Plan plan = planner.plan(formed(List.of(dc("dc1", 3)), UP, null,
        new Access(List.of(), List.of(missing), Access.Applied.NONE)));
    assertThat(plan.step()).isInstanceOf(Step.Idle.class);
    assertThat(plan.held()).containsExactly(missing);
  }

  @Test
  void rolesAreNotSetWhileAnOperationIsAboutToTakeANodeDown() {
    List<Datacenter> four = List.of(dc("dc1", 4));
    ClusterState formed = formed(four, UP, null, wanted(Access.Applied.NONE, ADMIN));
    String leaving = formed.known().get(3).name();
    Operation decommissioning = Operation.start(OperationKind.ScaleDown, "dc1", leaving,
        OperationStep.Decommissioning, NOW);
    ClusterState busy = new ClusterState("demo", 16, List.of(dc("dc1", 3)), true, formed.known(), formed.facts(),
        decommissioning, null, false, Set.of(), NOW).withAccess(formed.access());
    assertThat(planner.plan(busy).step()).isNotInstanceOf(Step.SetAccess.class);
  }

  @Test
  void theSameStateAlwaysGetsTheSameAccessStep() {
    ClusterState state = formed(List.of(dc("dc1", 3)), UP, null, wanted(Access.Applied.NONE, ADMIN, APP));
    assertThat(planner.plan(state)).isEqualTo(planner.plan(state));
  }
}
