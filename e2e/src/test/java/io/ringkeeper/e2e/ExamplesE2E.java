package io.ringkeeper.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.NodeStatus;
import io.ringkeeper.local.LocalEnvironment;
import io.ringkeeper.local.cassandra.CassandraProcess;
import io.ringkeeper.cli.StatusTable;
import io.ringkeeper.operator.resources.JvmOptions;
import io.ringkeeper.operator.resources.Labels;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Every manifest in examples/, through local mode as a new user runs it, on real Cassandra nodes (127.40.x). What a one-machine cluster cannot hold stays Pending with the scheduler's own reason, and starts no
 * node; what it can hold becomes Ready; nothing crash-loops.
 *
 * <ul>
 *   <li>production.yaml (6 nodes of 4 CPUs/16Gi, a node selector and three zones) and multi-dc.yaml (6 nodes of
 *       2 CPUs/8Gi in six zones): Pending, Unschedulable, no JVM started. Their 12 nodes are not run for real:
 *       the CI machine has 2 cores, and at most 3 real nodes run at once in this class.
 *   <li>minimal.yaml: Ready with no container restart.
 *   <li>production.yaml relaxed (the scheduler switched to relaxed: requests mapped down, selectors and zones
 *       ignored), one node per rack instead of two, once the strict runs are removed: Ready, each node on the
 *       example's own G1 options with local mode's serial collector replaced.
 *   <li>A node whose JVM refuses an option (a typo no validation can know) says why: the kubelet's terminated
 *       state carries the end of its output, the operator's status and the status table show it.
 * </ul>
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExamplesE2E {
  static final String NO_MATCH = "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector.";
  static final E2eSupport.Phases PHASES = new E2eSupport.Phases("ExamplesE2E");
  static LocalEnvironment env;

  @BeforeAll
  static void start() throws Exception {
    env = LocalEnvironment.builder(E2eSupport.freshWorkDir("examples"))
        .addressBase("127.40.0.0")
        .stopGrace(Duration.ofSeconds(20))
        .start();
    PHASES.done("start local mode (strict scheduling)");
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  static List<Pod> pods(String namespace, String cluster) {
    return env.client().pods().inNamespace(namespace).withLabel(Labels.CLUSTER, cluster).list().getItems();
  }

  static Optional<PodCondition> scheduled(Pod pod) {
    return pod.getStatus() == null || pod.getStatus().getConditions() == null ? Optional.empty()
        : pod.getStatus().getConditions().stream().filter(c -> "PodScheduled".equals(c.getType())).findFirst();
  }

  static boolean unschedulable(Pod pod) {
    return scheduled(pod).map(c -> "False".equals(c.getStatus()) && "Unschedulable".equals(c.getReason()))
        .orElse(false);
  }

  /** Applies an example that cannot fit, and checks every node stays Pending for the scheduler's reason. */
  static void pendingForItsPlacement(String example, String namespace, String cluster, int nodes) throws Exception {
    env.apply(E2eSupport.example(example));
    CassandraCluster cr = env.await(namespace, cluster, c -> pods(namespace, cluster).size() == nodes
        && pods(namespace, cluster).stream().allMatch(ExamplesE2E::unschedulable)
        && c.getStatus() != null && c.getStatus().getNodes().size() == nodes
        && c.getStatus().getNodes().stream().allMatch(n -> n.getMessage() != null
            && n.getMessage().contains("Unschedulable")),
        Duration.ofMinutes(2), "Pending with every pod Unschedulable");
    for (Pod pod : pods(namespace, cluster)) {
      assertThat(scheduled(pod).orElseThrow().getMessage()).as(pod.getMetadata().getName()).startsWith(NO_MATCH);
      assertThat(pod.getStatus().getPhase()).isEqualTo("Pending");
      assertThat(env.kubelet().process(namespace, pod.getMetadata().getName())).isEmpty();
    }
    for (NodeStatus node : cr.getStatus().getNodes()) {
      assertThat(node.getMessage()).isEqualTo("pod is pending: Unschedulable: " + NO_MATCH + " preemption: 0/1"
          + " nodes are available: 1 Preemption is not helpful for scheduling.");
      assertThat(node.getLastTermination()).isNull();
    }
    List<Event> events = env.client().v1().events().inNamespace(namespace).list().getItems();
    assertThat(events).filteredOn(e -> "FailedScheduling".equals(e.getReason())
        && e.getInvolvedObject().getName().startsWith(cluster + "-")).hasSizeGreaterThanOrEqualTo(nodes);
  }

  @Test
  @Order(1)
  void theProductionExampleStaysPendingBecauseNoLocalNodeMatchesItsSelectorAndStartsNoNode() throws Exception {
    pendingForItsPlacement("production.yaml", "db", "orders", 6);
    PHASES.done("production.yaml: 6 pods Pending (Unschedulable), no JVM");
  }

  @Test
  @Order(2)
  void theMultiDatacenterExampleStaysPendingBecauseTheLocalNodeIsInNoneOfItsZones() throws Exception {
    pendingForItsPlacement("multi-dc.yaml", "default", "global", 6);
    PHASES.done("multi-dc.yaml: 6 pods Pending (Unschedulable), no JVM");
  }

  @Test
  @Order(3)
  void theMinimalExampleBecomesReadyWithoutARestart() throws Exception {
    env.apply(E2eSupport.example("minimal.yaml"));
    env.awaitReady("default", "demo", Duration.ofMinutes(5));
    assertThat(pods("default", "demo")).hasSize(3).allSatisfy(pod -> assertThat(restarts(pod)).isZero());
    PHASES.done("minimal.yaml: Ready, 3 nodes, no restart");
  }

  @Test
  @Order(4)
  void relaxedTheProductionExampleRunsOnItsOwnJvmOptionsAndBecomesReady() throws Exception {
    // At most three real nodes at once, and no Pending pod of the strict runs may bind once relaxed.
    for (String[] cluster : new String[][] {{"db", "orders"}, {"default", "global"}, {"default", "demo"}}) {
      remove(cluster[0], cluster[1]);
    }
    PHASES.done("remove the strict runs' clusters and pods");
    env.kubelet().scheduler().setRelaxed(true);
    CassandraCluster cr = Serialization.unmarshal(Files.readString(E2eSupport.example("production.yaml")),
        CassandraCluster.class);
    cr.getMetadata().setNamespace("relaxed");
    cr.getSpec().getDatacenters().get(0).setSize(3); // one node per rack: what 2 cores hold
    // The Secret production.yaml names (spec.auth.superuserSecretRef), created as its comment says.
    env.client().resource(new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata()
        .withName("orders-superuser").withNamespace("relaxed").endMetadata()
        .addToData("username", java.util.Base64.getEncoder().encodeToString("orders_admin".getBytes()))
        .addToData("password", java.util.Base64.getEncoder().encodeToString("e2e-orders-password".getBytes()))
        .build())
        .create();
    LocalEnvironment.apply(env.client(), cr);
    env.awaitReady("relaxed", "orders", Duration.ofMinutes(6));
    PHASES.done("production.yaml relaxed, 3 nodes: Ready");

    List<Event> events = env.client().v1().events().inNamespace("relaxed").list().getItems();
    for (Pod pod : pods("relaxed", "orders")) {
      String name = pod.getMetadata().getName();
      assertThat(restarts(pod)).as(name).isZero();
      assertThat(events).as(name).anySatisfy(e -> {
        assertThat(e.getReason()).isEqualTo("RelaxedScheduling");
        assertThat(e.getInvolvedObject().getName()).isEqualTo(name);
        assertThat(e.getMessage()).startsWith("relaxed for local mode: requests cpu 4 -> 125m, memory 16Gi ->"
            + " 512Mi; nodeSelector node.kubernetes.io/pool=cassandra, required node affinity"
            + " topology.kubernetes.io/zone In [eu-west-1").endsWith(" ignored");
      });
      CassandraProcess process = env.kubelet().process("relaxed", name).orElseThrow();
      List<String> options = process.spec().jvmOptions();
      assertThat(options.stream().filter(o -> JvmOptions.selectedCollector(o).isPresent())).containsExactly(
          "-XX:+UseG1GC");
      assertThat(options).contains("-XX:MaxGCPauseMillis=300", "-Xmx256M").doesNotContain("-Xmx8192M");
    }
  }

  @Test
  @Order(5)
  void aNodeThatCannotStartSaysWhyInTheClusterStatusAndUnderTheStatusTable() throws Exception {
    // A typo no validation can know: the JVM refuses the flag and the node exits at once, every restart.
    env.applyYaml("""
        apiVersion: ringkeeper.io/v1alpha1
        kind: CassandraCluster
        metadata: {name: typo, namespace: crash}
        spec:
          cassandraVersion: "5.0.9"
          datacenters: [{name: dc1, replicationFactor: 1, size: 1}]
          storage: {size: 1Gi}
          jvm: {heapSize: 256Mi, extraOptions: ["-XX:+UseG1GCC"]}
        """);
    CassandraCluster crashed = env.await("crash", "typo", c -> c.getStatus() != null
        && !c.getStatus().getNodes().isEmpty() && c.getStatus().getNodes().get(0).getLastTermination() != null,
        Duration.ofMinutes(2), "showing the node's last termination");
    NodeStatus node = crashed.getStatus().getNodes().get(0);
    assertThat(node.getReady()).isFalse();
    assertThat(node.getLastTermination().getReason()).isEqualTo("Error");
    assertThat(node.getLastTermination().getExitCode()).isEqualTo(1);
    assertThat(node.getLastTermination().getMessage()).contains("Unrecognized VM option 'UseG1GCC'");
    assertThat(StatusTable.render(crashed, Map.of())).contains(node.getName() + ": last exit 1 (Error)",
        "    | Unrecognized VM option 'UseG1GCC'");
    PHASES.done("a node that cannot start: its reason in status and under the table");
  }

  /**
   * Deletes a cluster, then its pods (the embedded API has no garbage collector: the test does its work, again
   * until they are gone), and waits until they are gone.
   */
  static void remove(String namespace, String cluster) throws Exception {
    env.client().resources(CassandraCluster.class).inNamespace(namespace).withName(cluster).delete();
    env.client().pods().inNamespace(namespace).withLabel(Labels.CLUSTER, cluster).delete();
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (!pods(namespace, cluster).isEmpty() || env.kubelet().pods().stream()
        .anyMatch(p -> p.startsWith(namespace + "/" + cluster + "-"))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the pods of " + namespace + "/" + cluster + " did not go within 2 minutes: "
            + env.kubelet().pods());
      }
      Thread.sleep(500);
      // As Kubernetes' garbage collector keeps doing: a reconcile that was running when the cluster was deleted
      // may have created a pod again after the first deletion.
      env.client().pods().inNamespace(namespace).withLabel(Labels.CLUSTER, cluster).delete();
    }
  }

  static int restarts(Pod pod) {
    return pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null ? 0
        : pod.getStatus().getContainerStatuses().stream().mapToInt(ContainerStatus::getRestartCount).sum();
  }
}
