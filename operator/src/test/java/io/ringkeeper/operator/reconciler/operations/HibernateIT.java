package io.ringkeeper.operator.reconciler.operations;

import static io.ringkeeper.operator.testing.ClusterAssertions.conditionMessage;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.ClusterPhase;
import io.ringkeeper.api.v1alpha1.NodeStatus;
import io.ringkeeper.api.v1alpha1.OperationType;
import io.ringkeeper.operator.node.JobKind;
import io.ringkeeper.operator.resources.Labels;
import io.ringkeeper.operator.testing.FakeNodeFleet;
import io.ringkeeper.operator.testing.OperatorHarness;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Hibernation (spec.stopped) and fencing on the mock API server with the fake kubelet and agents. */
class HibernateIT {
  static OperatorHarness harness;

  @BeforeAll
  static void start() {
    harness = OperatorHarness.start();
    ScaleIT.harness = harness;
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  @AfterEach
  void heal() {
    harness.fleet().reset();
    if (harness.operator() == null) {
      harness.startOperator();
    }
  }

  private static Map<String, String> volumeUids(String ns) {
    return harness.admin().persistentVolumeClaims().inNamespace(ns).list().getItems().stream()
        .collect(Collectors.toMap(v -> v.getMetadata().getName(), v -> v.getMetadata().getUid()));
  }

  private static Map<String, List<Long>> tokens(CassandraCluster c) {
    return c.getStatus().getNodes().stream().collect(Collectors.toMap(NodeStatus::getName, NodeStatus::getTokens));
  }

  private static void setStopped(String ns, boolean stopped) {
    harness.edit(harness.admin().resources(CassandraCluster.class).inNamespace(ns).withName("demo"), c -> {
      c.getSpec().setStopped(stopped);
      return c;
    });
  }

  private static void fence(String ns, String nodes) {
    harness.edit(harness.admin().resources(CassandraCluster.class).inNamespace(ns).withName("demo"), c -> {
      if (nodes == null) {
        c.getMetadata().getAnnotations().remove(Labels.FENCED);
      } else {
        c.getMetadata().getAnnotations().put(Labels.FENCED, nodes);
      }
      return c;
    });
  }

  private static List<FakeNodeFleet.StartedJob> drains(String ns) {
    return harness.fleet().jobsStarted(JobKind.DRAIN).stream()
        .filter(j -> harness.kubelet().addressesOf(ns).contains(j.address())).toList();
  }

  private static NodeStatus node(CassandraCluster c, String name) {
    return c.getStatus().getNodes().stream().filter(n -> n.getName().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void aHibernatedClusterStopsEveryNodeOneAtATimeAndWakesOnTheSameVolumesAndTokens() {
    String ns = harness.kube().freshNamespace("hibernate");
    CassandraCluster ready = ScaleIT.ready(ns, 3, "Delete");
    Map<String, String> volumes = volumeUids(ns);
    Map<String, List<Long>> tokens = tokens(ready);
    assertThat(volumes).hasSize(3);

    setStopped(ns, true);
    CassandraCluster stopping = harness.awaitCluster(ns, "demo", c -> c.getStatus().getOperation() != null
        && c.getStatus().getOperation().getType() == OperationType.Hibernate);
    assertThat(stopping.getStatus().getPhase()).isIn(ClusterPhase.Stopping, ClusterPhase.Stopped);
    CassandraCluster stopped = harness.awaitCluster(ns, "demo", Duration.ofSeconds(60),
        c -> c.getStatus().getPhase() == ClusterPhase.Stopped);
    assertThat(harness.pods(ns)).isEmpty();
    assertThat(volumeUids(ns)).isEqualTo(volumes);
    assertThat(tokens(stopped)).isEqualTo(tokens);
    assertThat(conditionMessage(stopped, "Ready")).contains("stopped (spec.stopped)", "volumes and tokens kept");
    assertThat(drains(ns)).extracting(FakeNodeFleet.StartedJob::node)
        .containsExactly("demo-dc1-r1-0", "demo-dc1-r2-0", "demo-dc1-r3-0");

    // Recorded in status: a restarted operator finds the cluster stopped on purpose and re-creates nothing.
    harness.restartOperator();
    OperatorHarness.pause(Duration.ofSeconds(2));
    assertThat(harness.pods(ns)).isEmpty();
    assertThat(harness.get(ns, "demo").getStatus().getPhase()).isEqualTo(ClusterPhase.Stopped);

    setStopped(ns, false);
    CassandraCluster woke = harness.awaitCluster(ns, "demo", Duration.ofSeconds(60), c -> c.getStatus() != null
        && c.getStatus().getOperation() == null && c.getStatus().getPhase() == ClusterPhase.Ready);
    assertThat(harness.pods(ns)).hasSize(3);
    assertThat(volumeUids(ns)).isEqualTo(volumes);
    assertThat(tokens(woke)).isEqualTo(tokens);
    // One at a time: the kubelet started each node again after the previous one.
    List<String> restarted = harness.kubelet().started(ns).stream().map(s -> s.name()).toList();
    assertThat(restarted.subList(restarted.size() - 3, restarted.size()))
        .containsExactly("demo-dc1-r1-0", "demo-dc1-r2-0", "demo-dc1-r3-0");
  }

  @Test
  void aFencedNodeIsStoppedNeverCountedReadyASecondFenceIsRefusedAndUnfencingBringsItBack() {
    String ns = harness.kube().freshNamespace("fence");
    ScaleIT.ready(ns, 3, "Retain");
    Map<String, String> volumes = volumeUids(ns);

    fence(ns, "demo-dc1-r2-0");
    CassandraCluster fenced = harness.awaitCluster(ns, "demo", Duration.ofSeconds(30), c -> c.getStatus() != null
        && c.getStatus().getOperation() == null && harness.pods(ns).size() == 2
        && node(c, "demo-dc1-r2-0").getMessage() != null
        && node(c, "demo-dc1-r2-0").getMessage().startsWith("fenced ("));
    assertThat(fenced.getStatus().getPhase()).isNotEqualTo(ClusterPhase.Ready);
    assertThat(fenced.getStatus().getReady()).isEqualTo("2/3");
    assertThat(node(fenced, "demo-dc1-r2-0").getReady()).isFalse();
    assertThat(io.ringkeeper.operator.testing.ClusterAssertions.condition(fenced, "Degraded")).isEqualTo("True/NodesFenced");
    assertThat(drains(ns)).extracting(FakeNodeFleet.StartedJob::node).containsExactly("demo-dc1-r2-0");
    OperatorHarness.pause(Duration.ofSeconds(1));
    assertThat(harness.pods(ns)).extracting(p -> p.getMetadata().getName())
        .containsExactlyInAnyOrder("demo-dc1-r1-0", "demo-dc1-r3-0");

    fence(ns, "demo-dc1-r2-0,demo-dc1-r3-0");
    CassandraCluster refused = harness.awaitCluster(ns, "demo", c -> conditionMessage(c, "Progressing") != null
        && conditionMessage(c, "Progressing").contains("fencing demo-dc1-r3-0 is refused"));
    assertThat(conditionMessage(refused, "Progressing")).contains("two replicas");
    OperatorHarness.pause(Duration.ofSeconds(1));
    assertThat(harness.pods(ns)).hasSize(2);
    assertThat(drains(ns)).hasSize(1);

    fence(ns, null);
    harness.awaitCluster(ns, "demo", Duration.ofSeconds(30), c -> c.getStatus() != null
        && c.getStatus().getOperation() == null && c.getStatus().getPhase() == ClusterPhase.Ready);
    assertThat(harness.pods(ns)).hasSize(3);
    assertThat(volumeUids(ns)).isEqualTo(volumes);
    List<PersistentVolumeClaim> claims = harness.admin().persistentVolumeClaims().inNamespace(ns).list().getItems();
    assertThat(claims).hasSize(3);
  }

  @Test
  void hibernationWaitsForADecommissionUnderWayAndSaysSo() {
    String ns = harness.kube().freshNamespace("hibernate-wait");
    ScaleIT.decommissionUnderWay(ns);
    setStopped(ns, true);
    CassandraCluster waiting = harness.awaitCluster(ns, "demo", c -> conditionMessage(c, "Progressing") != null
        && conditionMessage(c, "Progressing").contains("spec.stopped: the running ScaleDown operation"));
    assertThat(waiting.getStatus().getOperation().getType()).isEqualTo(OperationType.ScaleDown);
    assertThat(conditionMessage(waiting, "Progressing")).contains("is never interrupted; the cluster hibernates once"
        + " it ended");
    // The scale-down finishes (decommission, pod and volume deleted), then the three nodes left stop.
    CassandraCluster stopped = harness.awaitCluster(ns, "demo", Duration.ofSeconds(60),
        c -> c.getStatus().getPhase() == ClusterPhase.Stopped);
    assertThat(stopped.getStatus().getNodes()).hasSize(3);
    assertThat(harness.pods(ns)).isEmpty();
    assertThat(volumeUids(ns)).hasSize(3);
  }
}
