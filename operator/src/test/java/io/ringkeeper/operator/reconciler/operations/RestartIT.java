package io.ringkeeper.operator.reconciler.operations;

import static io.ringkeeper.operator.testing.ClusterAssertions.conditionMessage;
import static io.ringkeeper.operator.testing.ClusterAssertions.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.fabric8.kubernetes.api.model.Pod;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.ClusterPhase;
import io.ringkeeper.api.v1alpha1.ConfigSpec;
import io.ringkeeper.api.v1alpha1.OperationType;
import io.ringkeeper.operator.node.JobKind;
import io.ringkeeper.operator.resources.Labels;
import io.ringkeeper.operator.testing.FakeKubelet;
import io.ringkeeper.operator.testing.FakeNodeFleet;
import io.ringkeeper.operator.testing.OperatorHarness;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Rolling restarts: only when what a node runs changed or a restart was asked for, one node at a time. */
class RestartIT {
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

  private static Map<String, String> podUids(String ns) {
    return harness.pods(ns).stream().collect(Collectors.toMap(p -> p.getMetadata().getName(),
        p -> p.getMetadata().getUid()));
  }

  private static void changeConfig(String ns, int concurrentReads) {
    harness.edit(harness.admin().resources(CassandraCluster.class).inNamespace(ns).withName("demo"), c -> {
      ConfigSpec config = new ConfigSpec();
      config.setCassandraYaml(JsonNodeFactory.instance.objectNode().put("concurrent_reads", concurrentReads));
      c.getSpec().setConfig(config);
      return c;
    });
  }

  private static List<FakeNodeFleet.StartedJob> drains(String ns) {
    return harness.fleet().jobsStarted(JobKind.DRAIN).stream()
        .filter(j -> harness.kubelet().addressesOf(ns).contains(j.address())).toList();
  }

  private static CassandraCluster awaitIdle(String ns) {
    return harness.awaitCluster(ns, "demo", Duration.ofSeconds(60), c -> c.getStatus() != null
        && c.getStatus().getOperation() == null && c.getStatus().getPhase() == ClusterPhase.Ready
        && !"RestartWaiting".equals(io.ringkeeper.operator.testing.ClusterAssertions.condition(c, "Progressing")));
  }

  /**
   * Each node's disruption (from its drain to the start of its new pod) ends before the next one's begins, and
   * every node was restarted exactly once.
   */
  private static void assertOneAtATime(String ns, List<FakeNodeFleet.StartedJob> drains, int nodes) {
    assertThat(drains).hasSize(nodes);
    assertThat(drains.stream().map(FakeNodeFleet.StartedJob::node).distinct()).hasSize(nodes);
    List<FakeKubelet.Started> started = harness.kubelet().started(ns);
    Instant previousEnd = Instant.MIN;
    for (FakeNodeFleet.StartedJob drain : drains) {
      assertThat(drain.at()).as("drain of " + drain.node() + " starts after the previous node is back")
          .isAfter(previousEnd);
      previousEnd = started.stream().filter(s -> s.name().equals(drain.node()) && s.at().isAfter(drain.at()))
          .map(FakeKubelet.Started::at).findFirst().orElseThrow();
    }
  }

  @Test
  void doesNotRestartWhenNothingChanged() {
    String ns = harness.kube().freshNamespace("nothing");
    ScaleIT.ready(ns, 3, "Retain");
    Map<String, String> before = podUids(ns);
    OperatorHarness.pause(Duration.ofSeconds(1));
    harness.restartOperator();
    OperatorHarness.pause(Duration.ofSeconds(1));
    assertThat(podUids(ns)).isEqualTo(before);
    assertThat(drains(ns)).isEmpty();
  }

  @Test
  void doesNotRestartWhenOnlyTheOperatorChanged() {
    String ns = harness.kube().freshNamespace("upgrade");
    ScaleIT.ready(ns, 3, "Retain");
    Map<String, String> before = podUids(ns);
    harness.restartOperator(harness.config().withOperatorImage("ghcr.io/ringkeeper/ringkeeper-operator:9.9.9"));
    try {
      OperatorHarness.pause(Duration.ofSeconds(2));
      assertThat(podUids(ns)).isEqualTo(before);
      assertThat(drains(ns)).isEmpty();
      assertThat(harness.get(ns, "demo").getStatus().getOperation()).isNull();
    } finally {
      harness.restartOperator(OperatorHarness.testConfig());
    }
  }

  @Test
  void restartsOneNodeAtATime() {
    String ns = harness.kube().freshNamespace("rolling");
    ScaleIT.ready(ns, 3, "Retain");
    Map<String, String> before = podUids(ns);
    changeConfig(ns, 64);
    CassandraCluster restarting = harness.awaitCluster(ns, "demo", c -> c.getStatus().getOperation() != null
        && c.getStatus().getOperation().getType() == OperationType.RollingRestart);
    assertThat(restarting.getStatus().getPhase()).isEqualTo(ClusterPhase.Restarting);
    awaitIdle(ns);
    Map<String, String> after = podUids(ns);
    assertThat(after.keySet()).isEqualTo(before.keySet());
    after.forEach((name, uid) -> assertThat(uid).as(name + " was recreated").isNotEqualTo(before.get(name)));
    List<FakeNodeFleet.StartedJob> drains = drains(ns);
    assertThat(drains).extracting(FakeNodeFleet.StartedJob::node)
        .containsExactly("demo-dc1-r1-0", "demo-dc1-r2-0", "demo-dc1-r3-0");
    assertOneAtATime(ns, drains, 3);
    assertThat(event(harness.events(ns), "RollingRestartCompleted")).isPresent();
    // Nothing more restarts once every node runs the new configuration.
    OperatorHarness.pause(Duration.ofSeconds(1));
    assertThat(drains(ns)).hasSize(3);
  }

  @Test
  void neverDrainsTheNextNodeBeforeKubernetesCountsTheRestartedPodReady() {
    String ns = harness.kube().freshNamespace("probe");
    ScaleIT.ready(ns, 3, "Retain");
    harness.kubelet().readyAtStart(false);
    try {
      changeConfig(ns, 48);
      // The first node restarts; its agent answers UN at once, but its pod's readiness probe has not passed.
      harness.awaitCluster(ns, "demo", c -> drains(ns).size() == 1
          && harness.kubelet().started(ns).stream().filter(s -> s.name().equals(drains(ns).get(0).node()))
              .count() == 2);
      String first = drains(ns).get(0).node();
      OperatorHarness.pause(Duration.ofSeconds(2));
      assertThat(drains(ns)).as("no other node drains while " + first + " is not Ready").hasSize(1);
      CassandraCluster waiting = harness.get(ns, "demo");
      assertThat(waiting.getStatus().getNodes()).filteredOn(n -> n.getName().equals(first))
          .singleElement().satisfies(n -> assertThat(n.getMessage()).contains("pod is not Ready yet"));
      harness.kubelet().readyAtStart(true);
      harness.kubelet().markReady(ns, first);
      awaitIdle(ns);
      assertThat(drains(ns)).hasSize(3);
    } finally {
      harness.kubelet().readyAtStart(true);
    }
  }

  @Test
  void neverRestartsWhileAnotherNodeIsDown() {
    String ns = harness.kube().freshNamespace("downpeer");
    ScaleIT.ready(ns, 3, "Retain");
    harness.fleet().down("demo-dc1-r3-0", true);
    harness.awaitCluster(ns, "demo", c -> c.getStatus().getPhase() == ClusterPhase.Degraded);
    changeConfig(ns, 48);
    harness.awaitCluster(ns, "demo", c -> conditionMessage(c, "Progressing") != null
        && conditionMessage(c, "Progressing").contains("demo-dc1-r3-0 (DOWN)"));
    OperatorHarness.pause(Duration.ofSeconds(1));
    assertThat(drains(ns)).isEmpty();

    harness.fleet().down("demo-dc1-r3-0", false);
    awaitIdle(ns);
    assertOneAtATime(ns, drains(ns), 3);
  }

  @Test
  void theClustersRestartAnnotationRestartsEveryNodeOnceOneAtATime() {
    String ns = harness.kube().freshNamespace("annotated");
    ScaleIT.ready(ns, 3, "Retain");
    harness.edit(harness.admin().resources(CassandraCluster.class).inNamespace(ns).withName("demo"), c -> {
      c.getMetadata().getAnnotations().put(Labels.RESTART, "2026-12-02T01:00:00Z");
      return c;
    });
    harness.awaitCluster(ns, "demo", c -> c.getStatus().getOperation() != null);
    awaitIdle(ns);
    assertOneAtATime(ns, drains(ns), 3);
    OperatorHarness.pause(Duration.ofSeconds(1));
    assertThat(drains(ns)).hasSize(3);
  }

  @Test
  void aPodsRestartAnnotationRestartsThatNodeOnly() {
    String ns = harness.kube().freshNamespace("onenode");
    ScaleIT.ready(ns, 3, "Retain");
    Map<String, String> before = podUids(ns);
    harness.edit(harness.admin().pods().inNamespace(ns).withName("demo-dc1-r2-0"), p -> {
      p.getMetadata().getAnnotations().put(Labels.RESTART, "now");
      return p;
    });
    CassandraCluster restarting = harness.awaitCluster(ns, "demo", c -> c.getStatus().getOperation() != null);
    assertThat(restarting.getStatus().getOperation().getType()).isEqualTo(OperationType.Restart);
    awaitIdle(ns);
    Map<String, String> after = podUids(ns);
    assertThat(after.get("demo-dc1-r2-0")).isNotEqualTo(before.get("demo-dc1-r2-0"));
    assertThat(after.get("demo-dc1-r1-0")).isEqualTo(before.get("demo-dc1-r1-0"));
    assertThat(after.get("demo-dc1-r3-0")).isEqualTo(before.get("demo-dc1-r3-0"));
    assertThat(drains(ns)).extracting(FakeNodeFleet.StartedJob::node).containsExactly("demo-dc1-r2-0");
    Pod recreated = harness.admin().pods().inNamespace(ns).withName("demo-dc1-r2-0").get();
    assertThat(recreated.getMetadata().getAnnotations()).doesNotContainKey(Labels.RESTART);
  }
}
