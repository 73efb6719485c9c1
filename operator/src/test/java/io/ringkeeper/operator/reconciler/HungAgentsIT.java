package io.ringkeeper.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Timer;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.ClusterPhase;
import io.ringkeeper.operator.node.ClusterKey;
import io.ringkeeper.operator.node.KeyspaceInfo;
import io.ringkeeper.operator.resources.Labels;
import io.ringkeeper.operator.testing.FakeNodeFleet.Call;
import io.ringkeeper.operator.testing.OperatorHarness;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No reconcile waits on a node: agents that accept job starts, job reads and compaction settings and never answer
 * them (no error, no timeout: the agent timeout is ten minutes here) leave every reconcile free to finish, the
 * cluster's status moving, and another cluster served as usual. Before, each such call held its reconcile for up
 * to twice the agent timeout. Not timed: it counts finished reconciles while the calls are still unanswered.
 */
class HungAgentsIT {
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
        repair: {segmentsPerNode: 1}
        maintenance:
          # Two hourly windows half an hour apart: one of them is always in force.
          compactionThroughput:
            - {schedule: '0 * * * *', duration: 59m, mibPerSecond: 8}
            - {schedule: '30 * * * *', duration: 59m, mibPerSecond: 8}
      """;

  static OperatorHarness harness;

  @BeforeAll
  static void start() {
    harness = OperatorHarness.start(OperatorHarness.testConfig().withAgentTimeout(Duration.ofMinutes(10)));
    harness.fleet().jobs().keyspaces(List.of(
        new KeyspaceInfo("orders", false, "NetworkTopologyStrategy", Map.of("dc1", 3), List.of("o"), 864000)));
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  private static long finishedReconciles() {
    return harness.operator().metrics().registry().find("ringkeeper.reconcile.duration").timers().stream()
        .mapToLong(Timer::count).sum();
  }

  @Test
  void agentsThatNeverAnswerDelayNoReconcileAndNoOtherCluster() {
    harness.fleet().hang(Set.of(Call.START_JOB, Call.JOB, Call.SET_COMPACTION_THROUGHPUT));
    String ns = harness.kube().freshNamespace("hung");
    harness.create(ns, CLUSTER.formatted("hung"));
    harness.awaitPhase(ns, "hung", ClusterPhase.Ready);

    harness.edit(harness.admin().resources(CassandraCluster.class).inNamespace(ns).withName("hung"), c -> {
      c.getMetadata().getAnnotations().put(Labels.REPAIR_REQUEST, Instant.now().toString());
      return c;
    });
    CassandraCluster repairing = harness.awaitCluster(ns, "hung", Duration.ofSeconds(60),
        c -> c.getStatus().getRepair() != null && c.getStatus().getRepair().getRunning() != null);
    assertThat(repairing.getStatus().getRepair().getRunning().getActive())
        .as("no segment is recorded as running before its node answered").isEmpty();
    // Three compaction settings (one per node) and at least one repair segment start, all still unanswered.
    await().atMost(Duration.ofSeconds(60)).until(() -> harness.fleet().unanswered() >= 4);

    int hung = harness.fleet().unanswered();
    for (int i = 0; i < 3; i++) {
      long before = finishedReconciles();
      harness.operator().reconciler().requestReconcile(new ClusterKey(ns, "hung"));
      await().atMost(Duration.ofSeconds(60)).until(() -> finishedReconciles() > before);
    }
    assertThat(harness.fleet().unanswered()).as("the calls reconciles sent are still without an answer")
        .isGreaterThanOrEqualTo(hung);

    String other = harness.kube().freshNamespace("other");
    harness.create(other, CLUSTER.formatted("other"));
    CassandraCluster ready = harness.awaitPhase(other, "other", ClusterPhase.Ready);
    assertThat(ready.getStatus().getReady()).isEqualTo("3/3");
    assertThat(harness.get(ns, "hung").getStatus().getMaintenance().getCompactionThroughput().getAppliedTo())
        .as("a node whose setting has no answer is not recorded as set").isEmpty();
  }

  /**
   * The keyspaces are fetched by the poller, never by a reconcile: with every agent accepting the keyspaces request
   * and never answering it, the cluster forms, reconciles finish in their usual time (far below the ten-minute agent
   * timeout), and a requested repair waits for the schema instead of holding the reconcile.
   */
  @Test
  void agentsThatNeverAnswerTheKeyspacesDelayNoReconcile() {
    harness.fleet().hang(Set.of(Call.KEYSPACES));
    try {
      String ns = harness.kube().freshNamespace("schema");
      harness.create(ns, CLUSTER.formatted("schema"));
      harness.awaitPhase(ns, "schema", ClusterPhase.Ready);
      await().atMost(Duration.ofSeconds(30)).until(() -> harness.fleet().unanswered() >= 1);
      harness.edit(harness.admin().resources(CassandraCluster.class).inNamespace(ns).withName("schema"), c -> {
        c.getMetadata().getAnnotations().put(Labels.REPAIR_REQUEST, Instant.now().toString());
        return c;
      });
      ClusterKey cluster = new ClusterKey(ns, "schema");
      for (int i = 0; i < 5; i++) {
        long before = finishedReconciles();
        long started = System.nanoTime();
        harness.operator().reconciler().requestReconcile(cluster);
        await().atMost(Duration.ofSeconds(30)).until(() -> finishedReconciles() > before);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(took).as("a reconcile requested while every keyspaces call hangs").isLessThan(Duration.ofSeconds(5));
      }
      double slowest = harness.operator().metrics().registry().find("ringkeeper.reconcile.duration").timers()
          .stream().mapToDouble(t -> t.max(java.util.concurrent.TimeUnit.MILLISECONDS)).max().orElse(0);
      System.out.printf("keyspaces hung: slowest reconcile %.1f ms%n", slowest);
      assertThat(slowest).as("the slowest reconcile, ms").isLessThan(5000);
      CassandraCluster waiting = harness.get(ns, "schema");
      assertThat(waiting.getStatus().getRepair() == null ? null : waiting.getStatus().getRepair().getRunning())
          .as("no run is planned without a schema").isNull();
      assertThat(waiting.getStatus().getPhase()).isEqualTo(ClusterPhase.Ready);
    } finally {
      harness.fleet().hang(Set.of());
    }
  }
}
