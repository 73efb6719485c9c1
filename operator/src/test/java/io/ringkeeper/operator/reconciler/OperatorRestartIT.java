package io.ringkeeper.operator.reconciler;

import static io.ringkeeper.operator.testing.ClusterAssertions.names;
import static io.ringkeeper.operator.testing.ClusterAssertions.objects;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.ClusterPhase;
import io.ringkeeper.api.v1alpha1.NodeStatus;
import io.ringkeeper.operator.testing.FakeNodeFleet;
import io.ringkeeper.operator.testing.MockKube;
import io.ringkeeper.operator.testing.OperatorHarness;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** An operator stopped at any point resumes where it was: same tokens, no duplicate objects, no status flap. */
class OperatorRestartIT {
  static OperatorHarness harness;
  static final List<String> EXPECTED_OBJECTS = List.of(
      "ConfigMap/demo-config",
      "PersistentVolumeClaim/demo-dc1-r1-0", "PersistentVolumeClaim/demo-dc1-r2-0",
      "PersistentVolumeClaim/demo-dc1-r3-0",
      "Pod/demo-dc1-r1-0", "Pod/demo-dc1-r2-0", "Pod/demo-dc1-r3-0",
      "PodDisruptionBudget/demo-dc1",
      "Secret/demo-agent-token", "Secret/demo-ca", "Secret/demo-dc1-r1-0-tls", "Secret/demo-dc1-r2-0-tls",
      "Secret/demo-dc1-r3-0-tls", "Secret/demo-superuser", // TLS by default: the CA and one Secret per node
      "Service/demo-client", "Service/demo-nodes", "Service/demo-seeds");

  @BeforeAll
  static void start() {
    // With leader election, as in production: a restarted operator must take the Lease over promptly.
    harness = OperatorHarness.start(OperatorHarness.testConfig().withLeaderElection(true, "ringkeeper-system"));
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  @AfterEach
  void heal() {
    harness.kube().failRequests(null);
    harness.kubelet().hold(false);
    if (harness.operator() == null) {
      harness.startOperator();
    }
  }

  private static Map<String, List<Long>> tokens(CassandraCluster cr) {
    return cr.getStatus().getNodes().stream().collect(Collectors.toMap(NodeStatus::getName, NodeStatus::getTokens));
  }

  @Test
  void anOperatorRestartMidCreationConvergesWithoutDuplicateObjects() {
    String ns = harness.kube().freshNamespace("midway");
    // The API server refuses the operator's pods after the first: the creation step stops half done.
    java.util.concurrent.atomic.AtomicInteger podCreates = new java.util.concurrent.atomic.AtomicInteger();
    harness.kube().failRequests(r -> r.userAgent().equals(MockKube.OPERATOR_AGENT) && r.method().equals("POST")
        && r.path().equals("/api/v1/namespaces/" + ns + "/pods") && podCreates.incrementAndGet() > 1);
    harness.create(ns, ClusterCreationIT.THREE_NODES.formatted("Retain"));
    CassandraCluster recorded = harness.awaitCluster(ns, "demo",
        c -> c.getStatus() != null && c.getStatus().getNodes().size() == 3);
    Map<String, List<Long>> assigned = tokens(recorded);
    await().atMost(Duration.ofSeconds(10)).until(() -> harness.pods(ns).size() == 1);

    harness.stopOperator();
    harness.kube().failRequests(null);
    harness.startOperator();

    CassandraCluster ready = harness.awaitPhase(ns, "demo", ClusterPhase.Ready);
    assertThat(tokens(ready)).isEqualTo(assigned);
    assertThat(names(objects(harness.admin(), ns))).containsExactlyElementsOf(EXPECTED_OBJECTS);
    assertThat(harness.pods(ns)).allSatisfy(p ->
        assertThat(FakeNodeFleet.tokensOf(p)).isEqualTo(assigned.get(p.getMetadata().getName())));
  }

  @Test
  void anOperatorRestartWhileNodesStartKeepsTheirTokensAndConverges() {
    String ns = harness.kube().freshNamespace("starting");
    harness.kubelet().hold(true);
    harness.create(ns, ClusterCreationIT.THREE_NODES.formatted("Retain"));
    await().atMost(Duration.ofSeconds(10)).until(() -> harness.pods(ns).size() == 3);
    CassandraCluster creating = harness.awaitCluster(ns, "demo",
        c -> c.getStatus() != null && c.getStatus().getPhase() == ClusterPhase.Creating
            && "StartingNodes".equals(c.getStatus().getOperation().getStep()));
    Map<String, List<Long>> assigned = tokens(creating);

    harness.restartOperator();
    harness.kubelet().hold(false);

    CassandraCluster ready = harness.awaitPhase(ns, "demo", ClusterPhase.Ready);
    assertThat(tokens(ready)).isEqualTo(assigned);
    assertThat(ready.getStatus().getOperation()).isNull();
    assertThat(names(objects(harness.admin(), ns))).containsExactlyElementsOf(EXPECTED_OBJECTS);
  }

  @Test
  void aRestartedOperatorLeavesAReadyClusterUntouched() {
    String ns = harness.kube().freshNamespace("steady");
    harness.create(ns, ClusterCreationIT.THREE_NODES.formatted("Retain"));
    CassandraCluster ready = harness.awaitPhase(ns, "demo", ClusterPhase.Ready);
    OperatorHarness.pause(OperatorHarness.POLL_INTERVAL.multipliedBy(3));

    harness.stopOperator();
    harness.kube().clearRequests();
    harness.startOperator();
    // Long enough for the start-up reconcile of every cluster and several poll rounds.
    await().atMost(Duration.ofSeconds(10)).until(() -> harness.operator().reconciler().reconciliations() > 0);
    OperatorHarness.pause(OperatorHarness.POLL_INTERVAL.multipliedBy(5));

    assertThat(harness.kube().writesBy(MockKube.OPERATOR_AGENT))
        // Leader election renews its Lease and checks its access at start; neither touches the cluster.
        .filteredOn(r -> !r.path().contains("/apis/coordination.k8s.io/")
            && !r.path().contains("/apis/authorization.k8s.io/"))
        .as("writes after a restart").isEmpty();
    assertThat(harness.get(ns, "demo").getMetadata().getResourceVersion())
        .isEqualTo(ready.getMetadata().getResourceVersion());
  }
}
