package io.ringkeeper.operator.reconciler.upkeep;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringkeeper.operator.domain.upkeep.SstableUpgrade;
import io.ringkeeper.operator.reconciler.status.StatusBuilder;
import io.ringkeeper.operator.testing.ImmediateAgents;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.CassandraClusterSpec;
import io.ringkeeper.api.v1alpha1.CassandraClusterStatus;
import io.ringkeeper.api.v1alpha1.ClusterPhase;
import io.ringkeeper.api.v1alpha1.MaintenanceTaskStatus;
import io.ringkeeper.api.v1alpha1.NodeState;
import io.ringkeeper.api.v1alpha1.NodeStatus;
import io.ringkeeper.operator.node.JobKind;
import io.ringkeeper.operator.node.NodeEndpoint;
import io.ringkeeper.operator.node.NodeInfo;
import io.ringkeeper.operator.node.NodeObservation;
import io.ringkeeper.operator.node.OperationMode;
import io.ringkeeper.operator.testing.FakeJobs;
import io.ringkeeper.operator.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The whole maintenance step as the reconciler calls it: UpgradeSSTables after a version upgrade. */
class UpgradeSSTablesTest {
  private final TestClock clock = new TestClock(Instant.parse("2026-05-01T10:00:00Z"));
  private final FakeJobs agents = new FakeJobs(clock);
  private final UpkeepStage maintenance = new UpkeepStage(new ImmediateAgents(agents), Duration.ofSeconds(5));
  private final List<UpkeepTarget> nodes = RepairRunnerTest.nodes(3, 2, 3);
  private CassandraCluster cr = new CassandraCluster();

  UpgradeSSTablesTest() {
    cr.getMetadata().setName("c");
    cr.getMetadata().setNamespace("ns");
    cr.getMetadata().setGeneration(1L);
    cr.setSpec(new CassandraClusterSpec());
    agents.duration(JobKind.UPGRADE_SSTABLES, Duration.ofSeconds(20));
  }

  /** One reconcile: a status built fresh with every node UN on {@code version}, then the maintenance step. */
  private CassandraClusterStatus reconcile(String version) {
    CassandraClusterStatus status = new CassandraClusterStatus();
    status.setRingFormed(true);
    status.setPhase(ClusterPhase.Ready);
    Map<String, NodeObservation> observations = new HashMap<>();
    List<NodeEndpoint> endpoints = new ArrayList<>();
    for (UpkeepTarget n : nodes) {
      NodeStatus s = new NodeStatus();
      s.setName(n.name());
      s.setDatacenter(n.datacenter());
      s.setRack(n.rack());
      s.setTokens(n.tokens());
      s.setState(NodeState.UN);
      s.setVersion(version);
      status.getNodes().add(s);
      endpoints.add(n.endpoint());
      observations.put(n.name(), NodeObservation.answered(n.name(), n.endpoint().address(), clock.instant(),
          new NodeInfo(OperationMode.NORMAL, "h", n.endpoint().address(), "dc1", n.rack(), version, true, true,
              n.tokens(), 0, List.of(), List.of(), List.of(), List.of(), List.of(), Map.of(), Map.of(), Map.of(),
              Map.of(), 3 * 3600_000L, 60)));
    }
    if (cr.getStatus() != null) {
      status.setConditions(new ArrayList<>(cr.getStatus().getConditions()));
    }
    UpkeepStage.Outcome outcome = maintenance.update(cr, status, endpoints, observations, clock.instant());
    if (Boolean.TRUE.equals(status.getRingFormed())) {
      StatusBuilder.withUpkeep(status, outcome.repair(), outcome.maintenance(), outcome.repairOverdue());
    }
    CassandraCluster next = new CassandraCluster();
    next.setMetadata(cr.getMetadata());
    next.setSpec(cr.getSpec());
    next.setStatus(status);
    cr = next;
    return status;
  }

  private MaintenanceTaskStatus upgradeTask() {
    return cr.getStatus().getMaintenance().getTasks().stream()
        .filter(t -> t.getName().equals(SstableUpgrade.TASK)).findFirst().orElse(null);
  }

  @Test
  void upgradeSSTablesRunsByItselfOnEachNodeAfterEveryNodeRunsANewVersion() {
    reconcile("5.0.8");
    assertThat(cr.getStatus().getMaintenance().getSstablesVersion()).isEqualTo("5.0.8");
    assertThat(upgradeTask()).as("the first version seen starts nothing").isNull();

    for (int i = 0; i < 40; i++) {
      reconcile("5.0.9");
      clock.advance(Duration.ofSeconds(5));
    }
    assertThat(cr.getStatus().getMaintenance().getSstablesVersion()).isEqualTo("5.0.9");
    assertThat(upgradeTask().getLastResult()).isEqualTo("Succeeded");
    assertThat(upgradeTask().getDone()).hasSize(3);
    List<FakeJobs.Job> jobs = agents.history(JobKind.UPGRADE_SSTABLES);
    assertThat(jobs).hasSize(3).allSatisfy(j -> assertThat(agents.runningAt(j.started)).hasSize(1));
    assertThat(jobs).allSatisfy(j -> assertThat(j.request.keyspace()).isNull());
  }
}
