package io.ringkeeper.operator.reconciler.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.ClusterPhase;
import io.ringkeeper.api.v1alpha1.NodeStatus;
import io.ringkeeper.operator.testing.OperatorHarness;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A node that cannot run says why in the cluster's status, in the kubelet's and the scheduler's words. */
class NodeTerminationIT {
  static final String THREE_NODES = """
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

  @BeforeAll
  static void start() {
    harness = OperatorHarness.start();
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  private static Optional<NodeStatus> node(CassandraCluster cr, String name) {
    return cr.getStatus() == null ? Optional.empty()
        : cr.getStatus().getNodes().stream().filter(n -> n.getName().equals(name)).findFirst();
  }

  @Test
  void aNodeWhoseContainerKeepsExitingCarriesItsLastTerminationBoundedAndLosesItOnceReady() {
    String ns = harness.kube().freshNamespace("crash");
    harness.create(ns, THREE_NODES);
    harness.awaitPhase(ns, "demo", ClusterPhase.Ready);
    String output = IntStream.rangeClosed(1, 200).mapToObj(i -> "line " + i).collect(Collectors.joining("\n"))
        + "\nError occurred during initialization of VM\nMultiple garbage collectors selected";
    harness.fleet().down("demo-dc1-r2-0", true);
    harness.kubelet().crashLoop(ns, "demo-dc1-r2-0", 1, "Error", output, 3);

    CassandraCluster crashed = harness.awaitCluster(ns, "demo", Duration.ofSeconds(60),
        c -> node(c, "demo-dc1-r2-0").map(n -> n.getLastTermination() != null).orElse(false));
    NodeStatus node = node(crashed, "demo-dc1-r2-0").orElseThrow();
    assertThat(node.getReady()).isFalse();
    assertThat(node.getMessage()).contains("waiting to restart (CrashLoopBackOff, restarts 3)");
    assertThat(node.getLastTermination().getExitCode()).isEqualTo(1);
    assertThat(node.getLastTermination().getReason()).isEqualTo("Error");
    assertThat(node.getLastTermination().getRestartCount()).isEqualTo(3);
    assertThat(node.getLastTermination().getMessage())
        .endsWith("Error occurred during initialization of VM\nMultiple garbage collectors selected")
        .doesNotContain("line 100\n");
    assertThat(node.getLastTermination().getMessage().lines().count()).isEqualTo(20);
    assertThat(node.getLastTermination().getMessage().length()).isLessThanOrEqualTo(2048);
    assertThat(node(crashed, "demo-dc1-r1-0").orElseThrow().getLastTermination()).isNull();

    // Running again and ready: the old crash no longer shows.
    harness.fleet().down("demo-dc1-r2-0", false);
    harness.kubelet().running(ns, "demo-dc1-r2-0").orElseThrow();
    harness.admin().pods().inNamespace(ns).withName("demo-dc1-r2-0").editStatus(p -> {
      p.getStatus().setContainerStatuses(null);
      p.getStatus().getConditions().forEach(c -> c.setStatus("True"));
      return p;
    });
    harness.awaitCluster(ns, "demo", Duration.ofSeconds(60),
        c -> node(c, "demo-dc1-r2-0").map(n -> Boolean.TRUE.equals(n.getReady()) && n.getLastTermination() == null)
            .orElse(false));
  }

  @Test
  void aPodNoNodeCanTakeShowsTheSchedulersReasonOnItsNode() {
    String ns = harness.kube().freshNamespace("unschedulable");
    harness.kubelet().hold(true);
    try {
      harness.create(ns, THREE_NODES);
      String message = "0/1 nodes are available: 1 Insufficient memory. preemption: 0/1 nodes are available: 1"
          + " Preemption is not helpful for scheduling.";
      await().atMost(Duration.ofSeconds(60)).until(() -> !harness.pods(ns).isEmpty());
      String pod = harness.pods(ns).get(0).getMetadata().getName();
      harness.kubelet().unschedulable(ns, pod, message);
      CassandraCluster pending = harness.awaitCluster(ns, "demo", Duration.ofSeconds(60),
          c -> node(c, pod).map(n -> n.getMessage() != null && n.getMessage().contains("Insufficient"))
              .orElse(false));
      assertThat(node(pending, pod).orElseThrow().getMessage())
          .isEqualTo("pod is pending: Unschedulable: " + message);
      assertThat(node(pending, pod).orElseThrow().getLastTermination()).isNull();
    } finally {
      harness.kubelet().hold(false);
    }
  }
}
