package io.ringkeeper.operator.reconciler;

import static io.ringkeeper.operator.testing.ClusterAssertions.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.ringkeeper.api.v1alpha1.ClusterPhase;
import io.ringkeeper.operator.node.ClusterKey;
import io.ringkeeper.operator.testing.MockKube;
import io.ringkeeper.operator.testing.OperatorHarness;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Guards benchmark figure 1 (docs/benchmarks.md): a reconcile of a steady 12-node cluster costs the API server
 * nothing. Requests are counted at the mock API server by verb, for the operator's user agent only; watches
 * are long-lived connections opened at start-up, not per reconcile, and are left out. Not timed: it counts.
 */
class NoOpReconcileIT {
  static final String TWELVE_NODES = """
      apiVersion: ringkeeper.io/v1alpha1
      kind: CassandraCluster
      metadata: {name: twelve}
      spec:
        datacenters:
          - name: dc1
            replicationFactor: 3
            size: 12
            racks: [{name: r1}, {name: r2}, {name: r3}]
        storage: {size: 1Gi}
      """;

  static OperatorHarness harness;
  static String namespace;
  static ClusterKey cluster;

  @BeforeAll
  static void start() {
    // A generous agent timeout: on a loaded 2-core machine a stall longer than the harness's 300 ms makes every
    // node time out at once, which is a real change (nodes down), not a no-op, and not what this test measures.
    harness = OperatorHarness.start(OperatorHarness.testConfig().withAgentTimeout(Duration.ofSeconds(5)));
    namespace = harness.kube().freshNamespace("noop");
    cluster = new ClusterKey(namespace, "twelve");
    harness.create(namespace, TWELVE_NODES);
    harness.awaitCluster(namespace, "twelve", Duration.ofSeconds(60),
        c -> c.getStatus() != null && c.getStatus().getPhase() == ClusterPhase.Ready);
    await().atMost(Duration.ofSeconds(10)).until(() -> event(harness.events(namespace), "ClusterReady").isPresent());
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  /**
   * Counting starts once the operator has been quiet (no request but its watches) for five poll intervals, so
   * the last writes of the creation (status, a late event) are not counted on a slow, shared machine.
   */
  @BeforeEach
  void settle() {
    harness.kube().clearRequests();
    Duration quiet = OperatorHarness.POLL_INTERVAL.multipliedBy(5);
    await().atMost(Duration.ofSeconds(60)).pollDelay(quiet).pollInterval(quiet).until(() -> {
      boolean none = seen().isEmpty();
      harness.kube().clearRequests();
      return none;
    });
  }

  @Test
  void aNoOpReconcileOfATwelveNodeClusterMakesNoWriteRequest() {
    reconcileTimes(1);
    assertThat(writes(operatorRequests())).as("writes of the operator by verb during a no-op reconcile: %s",
        seen()).isEmpty();
  }

  @Test
  void aNoOpReconcileReadsEverythingFromTheInformerCaches() {
    reconcileTimes(1);
    assertThat(operatorRequests()).as("requests of the operator by verb during a no-op reconcile: %s", seen())
        .isEmpty();
  }

  @Test
  void manyNoOpReconcilesAndPollRoundsOfASteadyClusterMakeNoRequest() {
    reconcileTimes(20);
    OperatorHarness.pause(OperatorHarness.POLL_INTERVAL.multipliedBy(5));
    assertThat(operatorRequests()).as("requests of the operator by verb over 20 reconciles and 5 poll rounds: %s",
        seen())
        .isEmpty();
    assertThat(harness.get(namespace, "twelve").getStatus().getReady()).isEqualTo("12/12");
  }

  @Test
  void requestsAreCountedByKubernetesVerb() {
    // The counting itself must be able to fail: the test client's own requests show under their verbs.
    harness.admin().pods().inNamespace(namespace).list();
    harness.admin().pods().inNamespace(namespace).withName("twelve-dc1-r1-0").get();
    harness.admin().configMaps().inNamespace(namespace).withName("twelve-config")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"annotations\":{\"bench\":\"x\"}}}");
    assertThat(harness.kube().countByVerb(MockKube.TEST_AGENT))
        .as("%s", harness.kube().requests(r -> r.userAgent().equals(MockKube.TEST_AGENT)))
        .containsEntry("list", 1L).containsEntry("get", 2L).containsEntry("patch", 1L); // fabric8 reads before a patch
    harness.admin().configMaps().inNamespace(namespace).withName("twelve-config")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"annotations\":{\"bench\":null}}}");
  }

  private static void reconcileTimes(int times) {
    for (int i = 0; i < times; i++) {
      long before = harness.operator().reconciler().reconciliations();
      harness.operator().reconciler().requestReconcile(cluster);
      await().atMost(Duration.ofSeconds(30)).until(() -> harness.operator().reconciler().reconciliations() > before);
    }
    OperatorHarness.pause(OperatorHarness.POLL_INTERVAL); // anything a reconcile sent has arrived
  }

  private static SortedMap<String, Long> operatorRequests() {
    SortedMap<String, Long> counts = new TreeMap<>(harness.kube().countByVerb(MockKube.OPERATOR_AGENT));
    counts.remove("watch");
    return counts;
  }

  private static List<MockKube.Request> seen() {
    return harness.kube().requests(r -> r.userAgent().equals(MockKube.OPERATOR_AGENT) && !r.verb().equals("watch"));
  }

  private static Map<String, Long> writes(SortedMap<String, Long> counts) {
    Map<String, Long> writes = new TreeMap<>(counts);
    writes.keySet().removeAll(Set.of("get", "list"));
    return writes;
  }
}
