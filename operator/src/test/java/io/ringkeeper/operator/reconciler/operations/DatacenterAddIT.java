package io.ringkeeper.operator.reconciler.operations;

import static io.ringkeeper.operator.testing.ClusterAssertions.condition;
import static io.ringkeeper.operator.testing.ClusterAssertions.conditionMessage;
import static io.ringkeeper.operator.testing.ClusterAssertions.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.CassandraClusterStatus;
import io.ringkeeper.api.v1alpha1.ClusterPhase;
import io.ringkeeper.api.v1alpha1.DatacenterSpec;
import io.ringkeeper.api.v1alpha1.NodeStatus;
import io.ringkeeper.api.v1alpha1.OperationType;
import io.ringkeeper.api.v1alpha1.RackSpec;
import io.ringkeeper.operator.node.JobKind;
import io.ringkeeper.operator.node.KeyspaceInfo;
import io.ringkeeper.operator.resources.Labels;
import io.ringkeeper.operator.testing.FakeNodeFleet;
import io.ringkeeper.operator.testing.OperatorHarness;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A datacenter added to a running cluster, against the mock API server and the fake fleet: its nodes join one at a
 * time without restarting the existing datacenter, and once the keyspaces replicate to it each of its nodes is
 * rebuilt once from the existing datacenter.
 */
class DatacenterAddIT {
  static OperatorHarness harness;

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
        storage: {size: 1Gi, reclaim: Delete}
      """;

  static final KeyspaceInfo SYSTEM_AUTH =
      new KeyspaceInfo("system_auth", true, "SimpleStrategy", Map.of("*", 1), List.of("roles"), 0);
  static final List<KeyspaceInfo> ONLY_IN_DC1 = List.of(SYSTEM_AUTH,
      new KeyspaceInfo("orders", false, "NetworkTopologyStrategy", Map.of("dc1", 3), List.of("orders"), 864000));
  static final List<KeyspaceInfo> ALTERED = List.of(SYSTEM_AUTH,
      new KeyspaceInfo("orders", false, "NetworkTopologyStrategy", Map.of("dc1", 3, "dc2", 2), List.of("orders"),
          864000));

  @BeforeAll
  static void start() {
    harness = OperatorHarness.start();
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  @AfterEach
  void heal() {
    harness.fleet().reset();
    harness.fleet().jobDuration(Duration.ofMillis(300));
    harness.fleet().jobs().keyspaces(List.of(SYSTEM_AUTH));
    if (harness.operator() == null) {
      harness.startOperator();
    }
  }

  /** A ready dc1 of 3 nodes, its keyspace replicating to dc1 only, and dc2 (2 nodes, 2 racks) added to the spec. */
  static Map<String, String> dc1ReadyThenDc2Added(String ns) {
    harness.fleet().jobs().keyspaces(ONLY_IN_DC1);
    harness.create(ns, CLUSTER);
    harness.awaitCluster(ns, "demo", Duration.ofSeconds(60),
        c -> c.getStatus() != null && c.getStatus().getPhase() == ClusterPhase.Ready);
    Map<String, String> uids = uids(ns);
    harness.edit(harness.admin().resources(CassandraCluster.class).inNamespace(ns).withName("demo"), c -> {
      DatacenterSpec dc2 = new DatacenterSpec();
      dc2.setName("dc2");
      dc2.setReplicationFactor(2);
      dc2.setSize(2);
      dc2.setRacks(List.of(rack("r1"), rack("r2")));
      c.getSpec().getDatacenters().add(dc2);
      return c;
    });
    return uids;
  }

  private static RackSpec rack(String name) {
    RackSpec rack = new RackSpec();
    rack.setName(name);
    return rack;
  }

  static Map<String, String> uids(String ns) {
    return harness.pods(ns).stream().collect(Collectors.toMap(p -> p.getMetadata().getName(),
        p -> p.getMetadata().getUid()));
  }

  static CassandraCluster awaitRebuildPending(String ns) {
    return harness.awaitCluster(ns, "demo", Duration.ofSeconds(30), c -> c.getStatus() != null
        && c.getStatus().getNodes().size() == 5 && c.getStatus().getOperation() == null
        && "False/RebuildWaiting".equals(condition(c, "Progressing")));
  }

  static CassandraCluster awaitRebuilt(String ns) {
    return harness.awaitCluster(ns, "demo", Duration.ofSeconds(30), c -> c.getStatus() != null
        && c.getStatus().getOperation() == null && c.getStatus().getPhase() == ClusterPhase.Ready
        && c.getStatus().getRebuilds() != null
        && c.getStatus().getRebuilds().get(0).getCompletedAt() != null);
  }

  static List<FakeNodeFleet.StartedJob> jobs(String ns, JobKind kind) {
    Set<String> addresses = harness.kubelet().addressesOf(ns);
    return harness.fleet().jobsStarted(kind).stream().filter(j -> addresses.contains(j.address())).toList();
  }

  @Test
  void aNewDatacentersNodesJoinOneAtATimeWithoutRestartingTheExistingDatacenter() {
    String ns = harness.kube().freshNamespace("dcadd");
    Map<String, String> dc1 = dc1ReadyThenDc2Added(ns);

    // The second node of dc2 starts only once the first is ready.
    CassandraCluster second = harness.awaitCluster(ns, "demo", Duration.ofSeconds(30),
        c -> c.getStatus().getOperation() != null && c.getStatus().getOperation().getType() == OperationType.ScaleUp
            && "demo-dc2-r2-0".equals(c.getStatus().getOperation().getNode()));
    assertThat(second.getStatus().getNodes()).filteredOn(n -> n.getName().equals("demo-dc2-r1-0")).singleElement()
        .satisfies(n -> assertThat(n.getReady()).isTrue());
    assertThat(second.getStatus().getRebuilds()).singleElement().satisfies(r -> {
      assertThat(r.getDatacenter()).isEqualTo("dc2");
      assertThat(r.getSourceDatacenter()).isEqualTo("dc1");
      assertThat(r.getCompletedAt()).isNull();
    });

    CassandraCluster pending = awaitRebuildPending(ns);
    assertThat(pending.getStatus().getNodes()).extracting(NodeStatus::getName).containsExactly("demo-dc1-r1-0",
        "demo-dc1-r2-0", "demo-dc1-r3-0", "demo-dc2-r1-0", "demo-dc2-r2-0");
    Set<Long> tokens = new HashSet<>();
    pending.getStatus().getNodes().forEach(n -> tokens.addAll(n.getTokens()));
    assertThat(tokens).as("tokens unique across both datacenters").hasSize(5 * 16);
    assertThat(conditionMessage(pending, "Progressing")).contains("spec.datacenters[1]").contains("orders")
        .contains("ALTER KEYSPACE");

    // No restart of dc1 for dc2's seeds, and no cleanup anywhere: dc2 holds no data yet, dc1 lost no range.
    Map<String, String> now = uids(ns);
    dc1.forEach((pod, uid) -> assertThat(now.get(pod)).as("pod %s kept", pod).isEqualTo(uid));
    assertThat(event(harness.events(ns), "RollingRestartStarted")).isEmpty();
    assertThat(jobs(ns, JobKind.CLEANUP)).isEmpty();
    assertThat(jobs(ns, JobKind.REBUILD)).as("no rebuild before the keyspaces replicate to dc2").isEmpty();
    assertThat(harness.pods(ns)).filteredOn(p -> p.getMetadata().getName().startsWith("demo-dc2"))
        .extracting(Pod::getMetadata).extracting(m -> m.getLabels().get("ringkeeper.io/seed"))
        .as("dc2 has its own seeds").containsOnly("true");
  }

  @Test
  void aNewDatacenterIsRebuiltFromAnExistingOneNodeByNode() {
    String ns = harness.kube().freshNamespace("rebuild");
    Map<String, String> dc1 = dc1ReadyThenDc2Added(ns);
    awaitRebuildPending(ns);

    harness.fleet().jobs().keyspaces(ALTERED);
    CassandraCluster done = awaitRebuilt(ns);

    List<FakeNodeFleet.StartedJob> rebuilds = jobs(ns, JobKind.REBUILD);
    assertThat(rebuilds).extracting(FakeNodeFleet.StartedJob::node).containsExactly("demo-dc2-r1-0", "demo-dc2-r2-0");
    assertThat(rebuilds).extracting(FakeNodeFleet.StartedJob::source).containsOnly("dc1");
    // One at a time: the second starts only after the first (300 ms long) finished.
    assertThat(Duration.between(rebuilds.get(0).at(), rebuilds.get(1).at()))
        .isGreaterThanOrEqualTo(Duration.ofMillis(300));
    assertThat(done.getStatus().getRebuilds()).singleElement()
        .satisfies(r -> assertThat(r.getSourceDatacenter()).isEqualTo("dc1"));
    assertThat(event(harness.events(ns), "RebuildStarted")).isPresent();
    assertThat(event(harness.events(ns), "RebuildCompleted")).isPresent();
    Map<String, String> now = uids(ns);
    dc1.forEach((pod, uid) -> assertThat(now.get(pod)).as("pod %s kept", pod).isEqualTo(uid));

    // Never twice: the datacenter stays rebuilt however often the operator looks again.
    harness.restartOperator();
    harness.awaitCluster(ns, "demo", c -> c.getStatus().getPhase() == ClusterPhase.Ready);
    OperatorHarness.pause(Duration.ofMillis(1000));
    assertThat(jobs(ns, JobKind.REBUILD)).hasSize(2);
    assertThat(harness.get(ns, "demo").getStatus().getOperation()).isNull();
  }

  @Test
  void aPendingRebuildLostWithTheStatusIsFoundOnTheVolumesAndStillDoneButOnlyOnce() {
    String ns = harness.kube().freshNamespace("rebuildlost");
    dc1ReadyThenDc2Added(ns);
    awaitRebuildPending(ns);
    await().atMost(Duration.ofSeconds(10)).until(() -> dc2Claims(ns).stream()
        .allMatch(c -> "dc1".equals(c.getMetadata().getAnnotations().get(Labels.REBUILD_FROM))));

    clearStatus(ns);
    CassandraCluster refilled = harness.awaitCluster(ns, "demo", Duration.ofSeconds(30), c -> c.getStatus() != null
        && c.getStatus().getNodes() != null && c.getStatus().getNodes().size() == 5
        && c.getStatus().getRebuilds() != null);
    assertThat(refilled.getStatus().getRebuilds()).singleElement().satisfies(r -> {
      assertThat(r.getDatacenter()).isEqualTo("dc2");
      assertThat(r.getSourceDatacenter()).isEqualTo("dc1");
      assertThat(r.getCompletedAt()).isNull();
    });
    assertThat(jobs(ns, JobKind.REBUILD)).as("no rebuild before the keyspaces replicate to dc2").isEmpty();

    harness.fleet().jobs().keyspaces(ALTERED);
    awaitRebuilt(ns);
    assertThat(jobs(ns, JobKind.REBUILD)).extracting(FakeNodeFleet.StartedJob::node)
        .containsExactly("demo-dc2-r1-0", "demo-dc2-r2-0");
    await().atMost(Duration.ofSeconds(10)).until(() -> dc2Claims(ns).stream()
        .allMatch(c -> c.getMetadata().getAnnotations().get(Labels.REBUILT) != null));

    // Lost again once rebuilt: the volumes say it was done, it is not done again.
    clearStatus(ns);
    harness.awaitCluster(ns, "demo", Duration.ofSeconds(30), c -> c.getStatus() != null
        && c.getStatus().getNodes() != null && c.getStatus().getNodes().size() == 5
        && c.getStatus().getPhase() == ClusterPhase.Ready);
    OperatorHarness.pause(Duration.ofMillis(1000));
    assertThat(jobs(ns, JobKind.REBUILD)).hasSize(2);
    assertThat(harness.get(ns, "demo").getStatus().getOperation()).isNull();
  }

  private static List<PersistentVolumeClaim> dc2Claims(String ns) {
    return harness.admin().persistentVolumeClaims().inNamespace(ns).list().getItems().stream()
        .filter(c -> c.getMetadata().getName().startsWith("demo-dc2-")).toList();
  }

  /** The status lost while the operator is down: it finds only the volumes' records at first. */
  private static void clearStatus(String ns) {
    harness.stopOperator();
    harness.admin().resources(CassandraCluster.class).inNamespace(ns).withName("demo").editStatus(c -> {
      c.setStatus(new CassandraClusterStatus());
      return c;
    });
    harness.startOperator();
  }

  @Test
  void aRebuildIsNotRepeatedAfterAnOperatorRestart() {
    String ns = harness.kube().freshNamespace("rebuildrestart");
    dc1ReadyThenDc2Added(ns);
    awaitRebuildPending(ns);
    harness.fleet().jobDuration(Duration.ofSeconds(2));
    harness.fleet().jobs().keyspaces(ALTERED);
    // The first node is rebuilt and the second node's rebuild runs.
    harness.awaitCluster(ns, "demo", Duration.ofSeconds(30), c -> c.getStatus().getOperation() != null
        && c.getStatus().getOperation().getType() == OperationType.Rebuild
        && c.getStatus().getOperation().getDone().contains("demo-dc2-r1-0")
        && c.getStatus().getOperation().getJobId() != null);
    harness.stopOperator();
    OperatorHarness.pause(Duration.ofMillis(300));
    harness.startOperator();
    awaitRebuilt(ns);
    assertThat(jobs(ns, JobKind.REBUILD)).as("each node rebuilt once")
        .extracting(FakeNodeFleet.StartedJob::node).containsExactly("demo-dc2-r1-0", "demo-dc2-r2-0");
  }

  @Test
  void aFailedRebuildIsReportedWithTheNodesMessage() {
    String ns = harness.kube().freshNamespace("rebuildfail");
    dc1ReadyThenDc2Added(ns);
    awaitRebuildPending(ns);
    harness.fleet().failJobs(JobKind.REBUILD, "Unable to find sufficient sources for streaming range");
    harness.fleet().jobs().keyspaces(ALTERED);
    CassandraCluster failed = harness.awaitCluster(ns, "demo", Duration.ofSeconds(30),
        c -> c.getStatus().getOperation() != null && c.getStatus().getOperation().getAttempts() != null);
    assertThat(failed.getStatus().getOperation().getNode()).isEqualTo("demo-dc2-r1-0");
    assertThat(failed.getStatus().getOperation().getMessage())
        .isEqualTo("Unable to find sufficient sources for streaming range");
    harness.awaitCluster(ns, "demo", c -> event(harness.events(ns), "RebuildFailed").isPresent());
    assertThat(event(harness.events(ns), "RebuildFailed").orElseThrow().getMessage())
        .contains("Unable to find sufficient sources").contains("retried in 10 s");
    assertThat(failed.getStatus().getRebuilds()).singleElement()
        .satisfies(r -> assertThat(r.getCompletedAt()).isNull());
  }
}
