package io.ringkeeper.operator.reconciler.operations;

import static io.ringkeeper.operator.testing.ClusterAssertions.condition;
import static io.ringkeeper.operator.testing.ClusterAssertions.conditionMessage;
import static io.ringkeeper.operator.testing.ClusterAssertions.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.ClusterPhase;
import io.ringkeeper.api.v1alpha1.OperationType;
import io.ringkeeper.api.v1alpha1.PodTemplate;
import io.ringkeeper.operator.node.JobKind;
import io.ringkeeper.operator.resources.Names;
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

/** spec.podTemplate on the mock API server: it lands on every pod, a change rolls, an owned field changes nothing. */
class PodTemplateIT {
  static OperatorHarness harness;

  private static final String TEMPLATE = """
      labels: {team: payments}
      annotations: {example.com/owner: payments}
      priorityClassName: cassandra-high
      env: [{name: TZ, value: UTC}]
      volumes: [{name: logs, emptyDir: {}}]
      volumeMounts: [{name: logs, mountPath: /var/log/cassandra}]
      containers:
        - {name: log-shipper, image: fluent/fluent-bit:3.0, volumeMounts: [{name: logs, mountPath: /logs}]}
      initContainers: [{name: prep, image: busybox:1.36}]
      """;

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
  }

  private static Map<String, String> podUids(String ns) {
    return harness.pods(ns).stream().collect(Collectors.toMap(p -> p.getMetadata().getName(),
        p -> p.getMetadata().getUid()));
  }

  private static void setTemplate(String ns, String yaml) {
    harness.edit(harness.admin().resources(CassandraCluster.class).inNamespace(ns).withName("demo"), c -> {
      c.getSpec().setPodTemplate(Serialization.unmarshal(yaml, PodTemplate.class));
      return c;
    });
  }

  private static void assertTemplateOn(Pod pod) {
    assertThat(pod.getMetadata().getLabels()).as(pod.getMetadata().getName()).containsEntry("team", "payments")
        .containsEntry("ringkeeper.io/node", pod.getMetadata().getName());
    assertThat(pod.getMetadata().getAnnotations()).containsEntry("example.com/owner", "payments");
    assertThat(pod.getSpec().getPriorityClassName()).isEqualTo("cassandra-high");
    assertThat(pod.getSpec().getContainers()).extracting(Container::getName)
        .containsExactly(Names.CASSANDRA_CONTAINER, "log-shipper");
    assertThat(pod.getSpec().getInitContainers()).extracting(Container::getName)
        .containsExactly(Names.AGENT_INIT_CONTAINER, "prep");
    Container cassandra = pod.getSpec().getContainers().get(0);
    assertThat(cassandra.getEnv()).anyMatch(e -> e.getName().equals("TZ") && "UTC".equals(e.getValue()));
    assertThat(cassandra.getVolumeMounts()).anyMatch(m -> m.getMountPath().equals("/var/log/cassandra"));
  }

  @Test
  void aClusterCreatedWithAPodTemplateHasItsSidecarLabelsAndSettingsOnEveryPod() {
    String ns = harness.kube().freshNamespace("template");
    harness.create(ns, ScaleIT.CLUSTER.formatted(3, "Retain") + "  podTemplate:\n" + TEMPLATE.indent(4));
    harness.awaitCluster(ns, "demo", Duration.ofSeconds(60),
        c -> c.getStatus() != null && c.getStatus().getPhase() == ClusterPhase.Ready);
    List<Pod> pods = harness.pods(ns);
    assertThat(pods).hasSize(3);
    pods.forEach(PodTemplateIT::assertTemplateOn);
  }

  @Test
  void changingThePodTemplateRollsTheNodesOneAtATimeAndThenNothingMore() {
    String ns = harness.kube().freshNamespace("template-roll");
    ScaleIT.ready(ns, 3, "Retain");
    Map<String, String> before = podUids(ns);
    setTemplate(ns, TEMPLATE);
    harness.awaitCluster(ns, "demo", c -> c.getStatus().getOperation() != null
        && c.getStatus().getOperation().getType() == OperationType.RollingRestart);
    harness.awaitCluster(ns, "demo", Duration.ofSeconds(60), c -> c.getStatus() != null
        && c.getStatus().getOperation() == null && c.getStatus().getPhase() == ClusterPhase.Ready
        && harness.pods(ns).stream().allMatch(p -> p.getMetadata().getLabels().containsKey("team")));
    Map<String, String> after = podUids(ns);
    after.forEach((name, uid) -> assertThat(uid).as(name + " was recreated").isNotEqualTo(before.get(name)));
    harness.pods(ns).forEach(PodTemplateIT::assertTemplateOn);
    List<FakeNodeFleet.StartedJob> drains = harness.fleet().jobsStarted(JobKind.DRAIN).stream()
        .filter(j -> harness.kubelet().addressesOf(ns).contains(j.address())).toList();
    assertThat(drains).extracting(FakeNodeFleet.StartedJob::node).doesNotHaveDuplicates().hasSize(3);
    assertThat(event(harness.events(ns), "RollingRestartCompleted")).isPresent();

    // The same template again, and an operator restart: nothing more restarts.
    OperatorHarness.pause(Duration.ofSeconds(1));
    harness.restartOperator();
    OperatorHarness.pause(Duration.ofSeconds(1));
    assertThat(podUids(ns)).isEqualTo(after);
  }

  @Test
  void aTemplateOverridingAnOwnedFieldIsRefusedWithTheFieldAndNoPodChanges() {
    String ns = harness.kube().freshNamespace("template-owned");
    ScaleIT.ready(ns, 3, "Retain");
    Map<String, String> before = podUids(ns);
    harness.kube().clearRequests();
    setTemplate(ns, """
        labels: {team: payments}
        volumes: [{name: logs, emptyDir: {}}, {name: data, emptyDir: {}}]
        """);
    CassandraCluster invalid = harness.awaitPhase(ns, "demo", ClusterPhase.Invalid);
    assertThat(condition(invalid, "Valid")).isEqualTo("False/InvalidSpec");
    assertThat(conditionMessage(invalid, "Valid")).contains(
        "spec.podTemplate.volumes[1].name: \"data\" is the operator's data volume; choose another name");
    await().atMost(Duration.ofSeconds(5)).until(() -> event(harness.events(ns), "InvalidSpec").isPresent());
    OperatorHarness.pause(OperatorHarness.POLL_INTERVAL.multipliedBy(2));

    assertThat(harness.kube().writesBy(MockKube.OPERATOR_AGENT)).allSatisfy(r -> assertThat(
        r.path().endsWith("/cassandraclusters/demo/status") || r.path().contains("/events"))
        .as(r.toString()).isTrue());
    assertThat(podUids(ns)).isEqualTo(before);
    assertThat(harness.pods(ns)).allSatisfy(p -> {
      assertThat(p.getMetadata().getLabels()).doesNotContainKey("team");
      assertThat(p.getSpec().getVolumes()).noneMatch(v -> v.getName().equals("logs"));
    });
    assertThat(harness.fleet().jobsStarted(JobKind.DRAIN).stream()
        .filter(j -> harness.kubelet().addressesOf(ns).contains(j.address()))).isEmpty();
  }
}
