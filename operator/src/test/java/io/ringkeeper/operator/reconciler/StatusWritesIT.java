package io.ringkeeper.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.ClusterPhase;
import io.ringkeeper.api.v1alpha1.ConfigSpec;
import io.ringkeeper.api.v1alpha1.OperationType;
import io.ringkeeper.operator.node.ClusterKey;
import io.ringkeeper.operator.testing.MockKube;
import io.ringkeeper.operator.testing.OperatorHarness;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The status stage writes the status at most once per reconcile, and not at all when nothing changed. Status writes
 * (PATCH or PUT of the status subresource) are counted at the mock API server and each is given to the reconcile
 * that sent it: the reconcile waits inside the call while the server takes it, and this harness serves one cluster
 * only, so the operator's count of reconciles at that moment names the reconcile.
 */
class StatusWritesIT {
  static final String CLUSTER = """
      apiVersion: ringkeeper.io/v1alpha1
      kind: CassandraCluster
      metadata: {name: demo}
      spec:
        datacenters:
          - name: dc1
            replicationFactor: 3
            size: 3
            racks: [{name: r1}, {name: r2}, {name: r3}]
        storage: {size: 1Gi}
      """;

  static OperatorHarness harness;
  static String namespace;
  /** The reconcile (the operator's count of reconciles when it was sent) of each status write seen. */
  static final List<Long> writes = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    harness = OperatorHarness.start(OperatorHarness.testConfig().withAgentTimeout(Duration.ofSeconds(5)));
    namespace = harness.kube().freshNamespace("writes");
    harness.create(namespace, CLUSTER);
    harness.awaitCluster(namespace, "demo", Duration.ofSeconds(60),
        c -> c.getStatus() != null && c.getStatus().getPhase() == ClusterPhase.Ready);
    harness.kube().observeRequests(r -> {
      if (r.userAgent().equals(MockKube.OPERATOR_AGENT) && (r.method().equals("PATCH") || r.method().equals("PUT"))
          && r.path().contains("/cassandraclusters/demo/status")) {
        writes.add(harness.operator().reconciler().reconciliations());
      }
    });
  }

  @AfterAll
  static void stop() {
    harness.kube().observeRequests(null);
    harness.close();
  }

  @AfterEach
  void clear() {
    writes.clear();
  }

  /** Status writes by reconcile, for reconciles that wrote. */
  private static Map<Long, Long> writesByReconcile() {
    Map<Long, Long> byReconcile = new TreeMap<>();
    writes.forEach(r -> byReconcile.merge(r, 1L, Long::sum));
    return byReconcile;
  }

  private static void settle() {
    Duration quiet = OperatorHarness.POLL_INTERVAL.multipliedBy(5);
    await().atMost(Duration.ofSeconds(60)).pollDelay(quiet).pollInterval(quiet).until(() -> {
      boolean none = writes.isEmpty();
      writes.clear();
      return none;
    });
  }

  @Test
  void aReconcileWithNothingToDoWritesNoStatus() {
    settle();
    ClusterKey cluster = new ClusterKey(namespace, "demo");
    for (int i = 0; i < 10; i++) {
      long before = harness.operator().reconciler().reconciliations();
      harness.operator().reconciler().requestReconcile(cluster);
      await().atMost(Duration.ofSeconds(30)).until(() -> harness.operator().reconciler().reconciliations() > before);
    }
    OperatorHarness.pause(OperatorHarness.POLL_INTERVAL);
    assertThat(writes).as("status writes of 10 no-op reconciles").isEmpty();
  }

  @Test
  void everyReconcileOfARollingRestartWritesTheStatusAtMostOnce() {
    settle();
    long first = harness.operator().reconciler().reconciliations();
    harness.edit(harness.admin().resources(CassandraCluster.class).inNamespace(namespace).withName("demo"), c -> {
      ConfigSpec config = new ConfigSpec();
      config.setCassandraYaml(JsonNodeFactory.instance.objectNode().put("concurrent_reads", 64));
      c.getSpec().setConfig(config);
      return c;
    });
    harness.awaitCluster(namespace, "demo", c -> c.getStatus().getOperation() != null
        && c.getStatus().getOperation().getType() == OperationType.RollingRestart);
    harness.awaitCluster(namespace, "demo", Duration.ofSeconds(60), c -> c.getStatus() != null
        && c.getStatus().getOperation() == null && c.getStatus().getPhase() == ClusterPhase.Ready);
    OperatorHarness.pause(OperatorHarness.POLL_INTERVAL.multipliedBy(2));
    long reconciles = harness.operator().reconciler().reconciliations() - first;
    Map<Long, Long> byReconcile = writesByReconcile();
    System.out.printf("rolling restart of 3 nodes: %d reconciles, %d status writes, by %d reconciles%n", reconciles,
        writes.size(), byReconcile.size());
    assertThat(byReconcile).as("status writes by reconcile").allSatisfy((reconcile, count) ->
        assertThat(count).as("status writes of reconcile %d", reconcile).isEqualTo(1L));
    // Each node is drained, its pod deleted and created again, each step recorded and then its outcome: the
    // restart is written by many reconciles, one write each.
    assertThat(byReconcile).as("reconciles that wrote the status").hasSizeGreaterThanOrEqualTo(6);
  }

  /**
   * A scale-down starts its operation with the decommission itself: that step is first recorded (one write), then
   * started by the next reconcile, which records the agent's answer (one write), never both in one reconcile.
   */
  @Test
  void everyReconcileOfAScaleUpAndAScaleDownWritesTheStatusAtMostOnce() {
    for (int size : new int[] {4, 3}) {
      settle();
      long first = harness.operator().reconciler().reconciliations();
      harness.edit(harness.admin().resources(CassandraCluster.class).inNamespace(namespace).withName("demo"), c -> {
        c.getSpec().getDatacenters().get(0).setSize(size);
        return c;
      });
      harness.awaitCluster(namespace, "demo", Duration.ofSeconds(60), c -> c.getStatus() != null
          && c.getStatus().getOperation() == null && c.getStatus().getPhase() == ClusterPhase.Ready
          && c.getStatus().getNodes().size() == size && harness.pods(namespace).size() == size);
      OperatorHarness.pause(OperatorHarness.POLL_INTERVAL.multipliedBy(2));
      long reconciles = harness.operator().reconciler().reconciliations() - first;
      Map<Long, Long> byReconcile = writesByReconcile();
      System.out.printf("scale to %d: %d reconciles, %d status writes, by %d reconciles%n", size, reconciles,
          writes.size(), byReconcile.size());
      assertThat(byReconcile).as("status writes by reconcile, scaling to %d", size).allSatisfy((reconcile, count) ->
          assertThat(count).as("status writes of reconcile %d", reconcile).isEqualTo(1L));
      assertThat(byReconcile).as("reconciles that wrote the status").hasSizeGreaterThanOrEqualTo(2);
    }
  }
}
