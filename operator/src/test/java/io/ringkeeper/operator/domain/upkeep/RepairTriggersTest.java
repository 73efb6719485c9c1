package io.ringkeeper.operator.domain.upkeep;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.CassandraClusterSpec;
import io.ringkeeper.api.v1alpha1.NodeState;
import io.ringkeeper.api.v1alpha1.NodeStatus;
import io.ringkeeper.api.v1alpha1.RepairRunStatus;
import io.ringkeeper.api.v1alpha1.RepairSpec;
import io.ringkeeper.api.v1alpha1.RepairStatus;
import io.ringkeeper.operator.reconciler.events.ClusterEvent;
import io.ringkeeper.operator.reconciler.observe.UpkeepSpecs;
import io.ringkeeper.operator.reconciler.status.RepairRecords;
import io.ringkeeper.operator.resources.Labels;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RepairTriggersTest {
  private final CassandraCluster cr = new CassandraCluster();
  private final RepairStatus repair = new RepairStatus();
  private final List<ClusterEvent> events = new ArrayList<>();

  RepairTriggersTest() {
    cr.getMetadata().setName("c");
    cr.getMetadata().setAnnotations(new HashMap<>());
    cr.setSpec(new CassandraClusterSpec());
    cr.getSpec().setRepair(new RepairSpec());
  }

  private Optional<RepairTriggers.Trigger> due(String at) {
    return due(at, List.of(), List.of());
  }

  private Optional<RepairTriggers.Trigger> due(String at, List<NodeStatus> before, List<NodeStatus> after) {
    RepairSpec spec = cr.getSpec().getRepair();
    String authChange = cr.getStatus() == null || cr.getStatus().getAccess() == null ? null
        : cr.getStatus().getAccess().getReplicationChangedAt();
    RepairTriggers.Outcome outcome = RepairTriggers.due(spec.getSchedule(), UpkeepSpecs.zone(spec.getTimeZone()),
        cr.getMetadata().getAnnotations().get(Labels.REPAIR_REQUEST), authChange, repair.getRunning() != null,
        repair.getRunning() == null ? null : repair.getRunning().getId(), RepairRecords.triggers(repair),
        RepairRecords.nodes(before), RepairRecords.nodes(after), Duration.ofHours(3), Instant.parse(at));
    RepairRecords.putTriggers(repair, outcome.record());
    outcome.notices().forEach(n -> events.add(ClusterEvent.of(n)));
    return outcome.trigger();
  }

  private static NodeStatus node(String name, NodeState state, String downSince) {
    NodeStatus n = new NodeStatus();
    n.setName(name);
    n.setState(state);
    n.setDownSince(downSince);
    return n;
  }

  @Test
  void showsTheNextRunAndStartsItWhenDue() {
    cr.getSpec().getRepair().setSchedule("0 1 * * 0");
    assertThat(due("2026-01-01T12:00:00Z")).isEmpty();
    assertThat(repair.getNext()).isEqualTo("2026-01-04T01:00:00Z");
    assertThat(due("2026-01-04T00:59:59Z")).isEmpty();
    assertThat(due("2026-01-04T01:00:00Z")).hasValueSatisfying(t -> assertThat(t.name()).isEqualTo("Schedule"));
    assertThat(repair.getNext()).isEqualTo("2026-01-11T01:00:00Z");
  }

  @Test
  void aRunStillGoingWhenTheNextIsDueIsNotStartedTwice() {
    cr.getSpec().getRepair().setSchedule("@daily");
    due("2026-01-01T12:00:00Z");
    RepairRunStatus running = new RepairRunStatus();
    running.setId("schedule-1");
    repair.setRunning(running);
    assertThat(due("2026-01-02T00:00:30Z")).isEmpty();
    assertThat(events).extracting(ClusterEvent::reason).containsExactly("RepairSkipped");
    assertThat(repair.getNext()).isEqualTo("2026-01-03T00:00:00Z");
  }

  @Test
  void aTimeZoneMovesTheScheduleAndAChangedScheduleIsRecomputed() {
    cr.getSpec().getRepair().setSchedule("0 1 * * *");
    cr.getSpec().getRepair().setTimeZone("Europe/Paris");
    due("2026-07-01T12:00:00Z");
    assertThat(repair.getNext()).isEqualTo("2026-07-01T23:00:00Z");
    cr.getSpec().getRepair().setSchedule("30 2 * * *");
    assertThat(due("2026-07-01T12:00:00Z")).isEmpty();
    assertThat(repair.getNext()).isEqualTo("2026-07-02T00:30:00Z");
    cr.getSpec().getRepair().setSchedule(null);
    due("2026-07-01T12:00:00Z");
    assertThat(repair.getNext()).isNull();
  }

  @Test
  void anAnnotationStartsOneRunPerValueAndWaitsForARunningOne() {
    cr.getMetadata().getAnnotations().put(Labels.REPAIR_REQUEST, "2026-01-01T10:00:00Z");
    repair.setRunning(new RepairRunStatus());
    assertThat(due("2026-01-01T10:00:01Z")).isEmpty();
    repair.setRunning(null);
    assertThat(due("2026-01-01T10:00:02Z")).hasValueSatisfying(t -> assertThat(t.name()).isEqualTo("Annotation"));
    assertThat(repair.getLastRequest()).isEqualTo("2026-01-01T10:00:00Z");
    assertThat(due("2026-01-01T10:00:03Z")).isEmpty();
  }

  @Test
  void anAnnotationNamingKeyspacesRepairsOnlyThoseAndANewValueWithoutThemRepairsTheSpecsKeyspaces() {
    cr.getMetadata().getAnnotations().put(Labels.REPAIR_REQUEST, "2026-01-01T10:00:00Z;keyspaces=shop, orders,,shop");
    assertThat(due("2026-01-01T10:00:01Z")).hasValueSatisfying(t -> {
      assertThat(t.name()).isEqualTo("Annotation");
      assertThat(t.keyspaces()).containsExactly("shop", "orders");
      assertThat(t.nodes()).isEmpty();
    });
    assertThat(repair.getLastRequest()).isEqualTo("2026-01-01T10:00:00Z;keyspaces=shop, orders,,shop");
    assertThat(due("2026-01-01T10:00:02Z")).isEmpty();
    cr.getMetadata().getAnnotations().put(Labels.REPAIR_REQUEST, "2026-01-01T10:00:05Z");
    assertThat(due("2026-01-01T10:00:06Z")).hasValueSatisfying(t -> assertThat(t.keyspaces()).isEmpty());
    assertThat(RepairTriggers.requestedKeyspaces("2026-01-01T10:00:05Z;keyspaces=")).isEmpty();
    assertThat(RepairTriggers.requestedKeyspaces(null)).isEmpty();
  }

  @Test
  void aGrownSystemAuthReplicationIsRepairedOnceAndOnlySystemAuthAfterARunningRun() {
    cr.setStatus(new io.ringkeeper.api.v1alpha1.CassandraClusterStatus());
    cr.getStatus().setAccess(new io.ringkeeper.api.v1alpha1.AccessStatus());
    cr.getStatus().getAccess().setReplicationChangedAt("2026-01-01T10:00:00Z");
    repair.setRunning(new RepairRunStatus());
    assertThat(due("2026-01-01T10:00:01Z")).isEmpty();
    repair.setRunning(null);
    assertThat(due("2026-01-01T10:00:02Z"))
        .hasValue(new RepairTriggers.Trigger("AuthReplication", Set.of(), List.of("system_auth")));
    assertThat(repair.getLastAuthRepairFor()).isEqualTo("2026-01-01T10:00:00Z");
    assertThat(due("2026-01-01T10:00:03Z")).isEmpty();
    cr.getStatus().getAccess().setReplicationChangedAt("2026-01-02T10:00:00Z");
    assertThat(due("2026-01-02T10:00:01Z")).hasValueSatisfying(t -> assertThat(t.keyspaces())
        .containsExactly("system_auth"));
  }

  @Test
  void anAuthRepairLeavesThePendingHintWindowRepairsForTheirOwnRun() {
    cr.setStatus(new io.ringkeeper.api.v1alpha1.CassandraClusterStatus());
    cr.getStatus().setAccess(new io.ringkeeper.api.v1alpha1.AccessStatus());
    cr.getStatus().getAccess().setReplicationChangedAt("2026-01-01T10:00:00Z");
    repair.getPendingHintRepairs().add("n1");
    List<NodeStatus> down = List.of(node("n1", NodeState.DN, "2025-12-31T00:00:00Z"));
    assertThat(due("2026-01-01T10:00:01Z", down, down)).hasValueSatisfying(
        t -> assertThat(t.name()).isEqualTo("AuthReplication"));
    assertThat(repair.getPendingHintRepairs()).containsExactly("n1");
  }

  @Test
  void aNodeDownLongerThanTheHintWindowGetsItsRangesRepairedOnceBack() {
    List<NodeStatus> before = List.of(node("n1", NodeState.DN, "2026-01-01T00:00:00Z"),
        node("n2", NodeState.DN, "2026-01-01T02:00:00Z"));
    List<NodeStatus> after = List.of(node("n1", NodeState.UN, null), node("n2", NodeState.UN, null));
    Optional<RepairTriggers.Trigger> trigger = due("2026-01-01T04:00:00Z", before, after);
    // n1 was down 4 h (> 3 h), n2 only 2 h: hints cover n2.
    assertThat(trigger).hasValue(new RepairTriggers.Trigger("HintWindow", Set.of("n1")));
    assertThat(events).extracting(ClusterEvent::reason).containsExactly("HintWindowExceeded");
    assertThat(repair.getPendingHintRepairs()).isEmpty();
  }

  @Test
  void aNodeStillDownPastTheHintWindowIsRememberedAndRepairedOnlyOnceBackEvenThroughAStartingState() {
    List<NodeStatus> down = List.of(node("n1", NodeState.DN, "2026-01-01T00:00:00Z"), node("n2", NodeState.UN, null));
    assertThat(due("2026-01-01T03:30:00Z", down, down)).isEmpty();
    assertThat(repair.getPendingHintRepairs()).containsExactly("n1");
    assertThat(events).extracting(ClusterEvent::reason).containsExactly("HintWindowExceeded");
    // Restarting: no longer DN (downSince gone), not UN yet.
    List<NodeStatus> starting = List.of(node("n1", NodeState.UJ, null), node("n2", NodeState.UN, null));
    assertThat(due("2026-01-01T03:31:00Z", down, starting)).isEmpty();
    List<NodeStatus> back = List.of(node("n1", NodeState.UN, null), node("n2", NodeState.UN, null));
    assertThat(due("2026-01-01T03:32:00Z", starting, back))
        .hasValue(new RepairTriggers.Trigger("HintWindow", Set.of("n1")));
    assertThat(repair.getPendingHintRepairs()).isEmpty();
    assertThat(events).hasSize(1);
  }

  @Test
  void aReplacedNodesRangesAreRepairedOnceItIsNormalSoThatAWriteOnlyAnotherReplicaHeldGetsASecondCopy() {
    // ChaosE2E, seed 1849467536926383856: 768 acknowledged QUORUM writes lost over 6 replacements, each streamed
    // range by range from one replica, none followed by a repair.
    RepairTriggers.Outcome noted = RepairTriggers.replaced(RepairRecords.triggers(repair), Set.of("n1"));
    RepairRecords.putTriggers(repair, noted.record());
    assertThat(repair.getPendingHintRepairs()).containsExactly("n1");
    assertThat(noted.notices()).extracting(Notice::reason).containsExactly("ReplacementRepairPending");
    assertThat(noted.notices().get(0).message()).contains("streamed each range from one replica");
    // Noted twice (a status write that failed and a reconcile that sees the same finish again): one entry.
    RepairRecords.putTriggers(repair, RepairTriggers.replaced(RepairRecords.triggers(repair), Set.of("n1")).record());
    assertThat(repair.getPendingHintRepairs()).containsExactly("n1");

    List<NodeStatus> normal = List.of(node("n1", NodeState.UN, null), node("n2", NodeState.UN, null));
    assertThat(due("2026-01-01T04:00:00Z", normal, normal))
        .hasValue(new RepairTriggers.Trigger("HintWindow", Set.of("n1")));
    assertThat(repair.getPendingHintRepairs()).isEmpty();
  }

  @Test
  void aHintWindowRepairWaitsForTheRunningRun() {
    repair.setRunning(new RepairRunStatus());
    due("2026-01-01T04:00:00Z", List.of(node("n1", NodeState.DN, "2026-01-01T00:00:00Z")),
        List.of(node("n1", NodeState.UN, null)));
    assertThat(repair.getPendingHintRepairs()).containsExactly("n1");
    repair.setRunning(null);
    assertThat(due("2026-01-01T05:00:00Z", List.of(node("n1", NodeState.UN, null)),
        List.of(node("n1", NodeState.UN, null)))).hasValue(new RepairTriggers.Trigger("HintWindow", Set.of("n1")));
  }
}
