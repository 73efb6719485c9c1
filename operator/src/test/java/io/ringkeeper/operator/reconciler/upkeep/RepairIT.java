package io.ringkeeper.operator.reconciler.upkeep;

import static io.ringkeeper.operator.testing.ClusterAssertions.condition;
import static io.ringkeeper.operator.testing.ClusterAssertions.conditionMessage;
import static io.ringkeeper.operator.testing.ClusterAssertions.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.ClusterPhase;
import io.ringkeeper.operator.node.JobKind;
import io.ringkeeper.operator.node.KeyspaceInfo;
import io.ringkeeper.operator.resources.Labels;
import io.ringkeeper.operator.reconciler.status.Conditions;
import io.ringkeeper.operator.testing.FakeJobs;
import io.ringkeeper.operator.testing.OperatorHarness;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Repair runs driven by the operator against the mock API server and the fake fleet. */
class RepairIT {
  static OperatorHarness harness;

  /** Three nodes of 4 tokens each: 12 segments per keyspace at RF 3, all sharing every replica. */
  static final String CLUSTER = """
      apiVersion: ringkeeper.io/v1alpha1
      kind: CassandraCluster
      metadata: {name: %s}
      spec:
        tokens: {numTokens: 4}
        datacenters:
          - name: dc1
            replicationFactor: 3
            size: 3
            racks: [{name: r1}, {name: r2}, {name: r3}]
        storage: {size: 1Gi}
        repair: {segmentsPerNode: 1, intensity: 1%s}
      """;

  @BeforeAll
  static void start() {
    harness = OperatorHarness.start();
    harness.fleet().jobs().keyspaces(List.of(
        new KeyspaceInfo("orders", false, "NetworkTopologyStrategy", Map.of("dc1", 3), List.of("o"), 6),
        new KeyspaceInfo("cache", false, "NetworkTopologyStrategy", Map.of("dc1", 1), List.of("c"), 864000),
        new KeyspaceInfo("system_auth", true, "SimpleStrategy", Map.of("*", 1), List.of("roles"), 0)));
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  @AfterEach
  void healFleet() {
    harness.fleet().reset();
    harness.fleet().jobs().duration(JobKind.REPAIR, Duration.ZERO);
  }

  private static String ready(String name, String schedule) {
    String ns = harness.kube().freshNamespace(name);
    harness.create(ns, CLUSTER.formatted(name, schedule.isEmpty() ? "" : ", schedule: \"" + schedule + "\""));
    harness.awaitPhase(ns, name, ClusterPhase.Ready);
    return ns;
  }

  private static void requestRepair(String ns, String name) {
    harness.edit(harness.admin().resources(CassandraCluster.class).inNamespace(ns).withName(name), c -> {
          c.getMetadata().getAnnotations().put(Labels.REPAIR_REQUEST, Instant.now().toString());
          return c;
        });
  }

  private static List<FakeJobs.Job> repairs(String cluster) {
    return harness.fleet().jobs().history(JobKind.REPAIR).stream().filter(j -> j.node.startsWith(cluster + "-"))
        .toList();
  }

  @Test
  void anAnnotatedRepairRepairsEverySegmentOnceAndStatusShowsIt() {
    String ns = ready("annotated", "0 1 * * 0");
    CassandraCluster overdue = harness.awaitCluster(ns, "annotated", Duration.ofSeconds(20),
        c -> "True/GcGraceExceeded".equals(condition(c, Conditions.REPAIR_OVERDUE)));
    assertThat(conditionMessage(overdue, Conditions.REPAIR_OVERDUE)).contains("orders (never repaired");
    assertThat(overdue.getStatus().getRepair().getNext()).isNotNull();
    assertThat(Instant.parse(overdue.getStatus().getRepair().getNext())).isAfter(Instant.now());

    requestRepair(ns, "annotated");
    CassandraCluster done = harness.awaitCluster(ns, "annotated", Duration.ofSeconds(30),
        c -> c.getStatus().getRepair() != null && "Succeeded".equals(c.getStatus().getRepair().getLastResult()));

    assertThat(done.getStatus().getRepair().getRunning()).isNull();
    assertThat(done.getStatus().getRepair().getLastCompleted()).isNotNull();
    assertThat(done.getStatus().getRepair().getLastMessage()).contains("repaired 12 segments of orders");
    assertThat(done.getStatus().getRepair().getKeyspaces()).singleElement().satisfies(k -> {
      assertThat(k.getName()).isEqualTo("orders");
      assertThat(k.getLastCompleted()).isNotNull();
      assertThat(k.getGcGraceSeconds()).isEqualTo(6);
    });
    assertThat(condition(done, Conditions.REPAIR_OVERDUE)).isEqualTo("False/WithinGcGrace");
    List<FakeJobs.Job> jobs = repairs("annotated");
    assertThat(jobs).hasSize(12);
    assertThat(new HashSet<>(jobs.stream().map(j -> j.request.ranges()).toList())).hasSize(12);
    assertThat(jobs).allSatisfy(j -> assertThat(j.request.keyspace()).isEqualTo("orders"));
    assertThat(event(harness.events(ns), "RepairStarted")).isPresent();
    assertThat(event(harness.events(ns), "RepairCompleted")).isPresent();
  }

  @Test
  void postponesWhileAReplicaIsDown() {
    String ns = ready("postponed", "");
    harness.fleet().down("postponed-dc1-r2-0", true);
    harness.awaitCluster(ns, "postponed", c -> c.getStatus().getPhase() == ClusterPhase.Degraded);
    requestRepair(ns, "postponed");
    CassandraCluster waiting = harness.awaitCluster(ns, "postponed", c -> c.getStatus().getRepair() != null
        && c.getStatus().getRepair().getRunning() != null
        && c.getStatus().getRepair().getRunning().getPostponedReason() != null);
    assertThat(waiting.getStatus().getRepair().getRunning().getPostponedReason())
        .contains("postponed-dc1-r2-0 (down)");
    OperatorHarness.pause(Duration.ofSeconds(1));
    assertThat(repairs("postponed")).isEmpty();

    harness.fleet().down("postponed-dc1-r2-0", false);
    CassandraCluster done = harness.awaitCluster(ns, "postponed", Duration.ofSeconds(30),
        c -> "Succeeded".equals(c.getStatus().getRepair().getLastResult()));
    assertThat(done.getStatus().getPhase()).isEqualTo(ClusterPhase.Ready);
    assertThat(repairs("postponed")).hasSize(12);
  }

  @Test
  void resumesAtNextUnfinishedSegmentAfterOperatorRestart() {
    String ns = ready("resumed", "");
    harness.fleet().jobs().duration(JobKind.REPAIR, Duration.ofMillis(300));
    requestRepair(ns, "resumed");
    CassandraCluster midway = harness.awaitCluster(ns, "resumed", c -> c.getStatus().getRepair() != null
        && c.getStatus().getRepair().getRunning() != null
        && c.getStatus().getRepair().getRunning().getSegmentsDone() >= 4);
    assertThat(midway.getStatus().getPhase()).isEqualTo(ClusterPhase.Repairing);
    harness.restartOperator();
    CassandraCluster done = harness.awaitCluster(ns, "resumed", Duration.ofSeconds(40),
        c -> "Succeeded".equals(c.getStatus().getRepair().getLastResult()));
    assertThat(done.getStatus().getRepair().getLastMessage()).contains("repaired 12 segments");
    List<FakeJobs.Job> jobs = repairs("resumed");
    // Every segment once; at most one more when the old operator started a job it had no time to record.
    assertThat(new HashSet<>(jobs.stream().map(j -> j.request.ranges()).toList())).hasSize(12);
    assertThat(jobs.size()).isBetween(12, 13);
  }

  @Test
  void aBadCronMakesTheSpecInvalidNamingTheField() {
    String ns = harness.kube().freshNamespace("badcron");
    harness.create(ns, CLUSTER.formatted("badcron", ", schedule: \"0 25 * * *\""));
    CassandraCluster invalid = harness.awaitPhase(ns, "badcron", ClusterPhase.Invalid);
    assertThat(condition(invalid, "Valid")).isEqualTo("False/InvalidSpec");
    assertThat(conditionMessage(invalid, "Valid")).contains("spec.repair.schedule: hour value 25 is out of range");
    assertThat(harness.pods(ns)).isEmpty();
  }
}
