package io.ringkeeper.operator.reconciler.operations;

import static io.ringkeeper.operator.testing.ClusterAssertions.condition;
import static io.ringkeeper.operator.testing.ClusterAssertions.conditionMessage;
import static io.ringkeeper.operator.testing.ClusterAssertions.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.ClusterPhase;
import io.ringkeeper.api.v1alpha1.NodeStatus;
import io.ringkeeper.api.v1alpha1.OperationType;
import io.ringkeeper.operator.node.JobKind;
import io.ringkeeper.operator.testing.FakeNodeFleet;
import io.ringkeeper.operator.testing.OperatorHarness;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Scaling a datacenter up and down against the mock API server and the fake fleet, one safe step at a time. */
class ScaleIT {
  static OperatorHarness harness;

  static final String CLUSTER = """
      apiVersion: ringkeeper.io/v1alpha1
      kind: CassandraCluster
      metadata: {name: demo}
      spec:
        datacenters:
          - name: dc1
            replicationFactor: 3
            size: %d
            racks: [{name: r1}, {name: r2}, {name: r3}]
        storage: {size: 1Gi, reclaim: %s}
      """;

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
    if (harness.operator() == null) {
      harness.startOperator();
    }
  }

  static CassandraCluster ready(String ns, int size, String reclaim) {
    harness.create(ns, CLUSTER.formatted(size, reclaim));
    // Generous: the first cluster of a class starts while the JVM warms up on a busy 2-core machine.
    return harness.awaitCluster(ns, "demo", Duration.ofSeconds(60),
        c -> c.getStatus() != null && c.getStatus().getPhase() == ClusterPhase.Ready);
  }

  static void resize(String ns, int size) {
    harness.edit(harness.admin().resources(CassandraCluster.class).inNamespace(ns).withName("demo"), c -> {
      c.getSpec().getDatacenters().get(0).setSize(size);
      return c;
    });
  }

  static CassandraCluster awaitSettled(String ns, int nodes) {
    return harness.awaitCluster(ns, "demo", Duration.ofSeconds(30), c -> c.getStatus() != null
        && c.getStatus().getOperation() == null && c.getStatus().getPhase() == ClusterPhase.Ready
        && c.getStatus().getNodes().size() == nodes);
  }

  static List<FakeNodeFleet.StartedJob> jobs(String ns, JobKind kind) {
    return harness.fleet().jobsStarted(kind).stream().filter(j -> j.node().startsWith("demo-")
        && harness.kube() != null && nodeIn(ns, j)).toList();
  }

  // Node names repeat across namespaces; a job belongs to this test when its address is one of its pods' past IPs.
  private static boolean nodeIn(String ns, FakeNodeFleet.StartedJob job) {
    return harness.kubelet().addressesOf(ns).contains(job.address());
  }

  /** A 4-node cluster scaled to 3, with its 2-second decommission job started and recorded. */
  static void decommissionUnderWay(String ns) {
    ready(ns, 4, "Delete");
    harness.fleet().jobDuration(Duration.ofSeconds(2));
    resize(ns, 3);
    harness.awaitCluster(ns, "demo", c -> c.getStatus().getOperation() != null
        && c.getStatus().getOperation().getJobId() != null);
  }

  @Test
  void runsCleanupOnOneNodeAtATimeAfterScaleUp() {
    String ns = harness.kube().freshNamespace("up");
    ready(ns, 3, "Retain");
    // Every status the cluster goes through, from a watch: the scale-up of a fake node may last less than one poll
    // of the API (it was missed so on a busy machine).
    List<CassandraCluster> seen = new CopyOnWriteArrayList<>();
    try (Watch watch = harness.admin().resources(CassandraCluster.class).inNamespace(ns).withName("demo")
        .watch(new Watcher<>() {
          @Override
          public void eventReceived(Action action, CassandraCluster cluster) {
            seen.add(cluster);
          }

          @Override
          public void onClose(WatcherException cause) {}
        })) {
      resize(ns, 4);
      awaitSettled(ns, 4);
      await().atMost(Duration.ofSeconds(10)).until(() -> seen.stream().anyMatch(c -> c.getStatus() != null
          && c.getStatus().getOperation() == null && c.getStatus().getNodes().size() == 4));
    }
    CassandraCluster scaling = seen.stream().filter(c -> c.getStatus() != null && c.getStatus().getOperation() != null
        && c.getStatus().getOperation().getType() == OperationType.ScaleUp).findFirst().orElseThrow();
    assertThat(scaling.getStatus().getOperation().getNode()).isEqualTo("demo-dc1-r1-1");
    assertThat(scaling.getStatus().getPhase()).isEqualTo(ClusterPhase.Scaling);
    assertThat(seen).as("a status with the Cleanup operation").anyMatch(c -> c.getStatus() != null
        && c.getStatus().getOperation() != null && c.getStatus().getOperation().getType() == OperationType.Cleanup);

    CassandraCluster done = awaitSettled(ns, 4);
    assertThat(done.getStatus().getNodes()).extracting(NodeStatus::getName).contains("demo-dc1-r1-1");
    assertThat(done.getStatus().getNodes()).filteredOn(n -> n.getName().equals("demo-dc1-r1-1")).singleElement()
        .satisfies(n -> assertThat(n.getInitial()).isFalse());
    List<FakeNodeFleet.StartedJob> cleanups = jobs(ns, JobKind.CLEANUP);
    assertThat(cleanups).extracting(FakeNodeFleet.StartedJob::node)
        .containsExactly("demo-dc1-r1-0", "demo-dc1-r2-0", "demo-dc1-r3-0");
    for (int i = 1; i < cleanups.size(); i++) {
      // One at a time: each starts only after the previous one (300 ms long) finished.
      assertThat(Duration.between(cleanups.get(i - 1).at(), cleanups.get(i).at()))
          .isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }
    assertThat(event(harness.events(ns), "ScaleUpStarted")).isPresent();
    assertThat(event(harness.events(ns), "CleanupCompleted")).isPresent();
    // The new node bootstrapped: it was not started with auto_bootstrap false.
    assertThat(FakeNodeFleet.jvmExtraOpts(harness.admin().pods().inNamespace(ns).withName("demo-dc1-r1-1").get()))
        .doesNotContain("auto_bootstrap=false");
  }

  @Test
  void scaleDownDecommissionsThenDeletesThePodThenTheVolume() {
    String ns = harness.kube().freshNamespace("down");
    ready(ns, 4, "Delete");
    resize(ns, 3);
    CassandraCluster done = awaitSettled(ns, 3);
    List<FakeNodeFleet.StartedJob> decommissions = jobs(ns, JobKind.DECOMMISSION);
    assertThat(decommissions).singleElement().satisfies(j -> assertThat(j.node()).isEqualTo("demo-dc1-r1-1"));
    assertThat(done.getStatus().getNodes()).extracting(NodeStatus::getName)
        .containsExactly("demo-dc1-r1-0", "demo-dc1-r2-0", "demo-dc1-r3-0");
    assertThat(harness.admin().pods().inNamespace(ns).withName("demo-dc1-r1-1").get()).isNull();
    assertThat(harness.admin().persistentVolumeClaims().inNamespace(ns).list().getItems())
        .extracting(PersistentVolumeClaim::getMetadata).extracting(m -> m.getName())
        .containsExactlyInAnyOrder("demo-dc1-r1-0", "demo-dc1-r2-0", "demo-dc1-r3-0");
    assertThat(event(harness.events(ns), "ScaleDownCompleted")).isPresent();
  }

  @Test
  void scaleDownWithReclaimRetainKeepsTheVolumeAndANewNodeNeverTakesItsName() {
    String ns = harness.kube().freshNamespace("retain");
    ready(ns, 4, "Retain");
    resize(ns, 3);
    awaitSettled(ns, 3);
    assertThat(harness.admin().persistentVolumeClaims().inNamespace(ns).withName("demo-dc1-r1-1").get()).isNotNull();
    resize(ns, 4);
    CassandraCluster grown = awaitSettled(ns, 4);
    assertThat(grown.getStatus().getNodes()).extracting(NodeStatus::getName).contains("demo-dc1-r1-2")
        .doesNotContain("demo-dc1-r1-1");
  }

  @Test
  void refusesScaleDownBelowReplicationFactor() {
    String ns = harness.kube().freshNamespace("belowrf");
    ready(ns, 3, "Delete");
    resize(ns, 2);
    CassandraCluster refused = harness.awaitCluster(ns, "demo", c -> "False/InvalidSpec".equals(condition(c, "Valid")));
    assertThat(conditionMessage(refused, "Valid")).contains("spec.datacenters[0].size")
        .contains("below its replicationFactor 3");
    OperatorHarness.pause(Duration.ofMillis(600));
    assertThat(jobs(ns, JobKind.DECOMMISSION)).isEmpty();
    assertThat(harness.get(ns, "demo").getStatus().getNodes()).hasSize(3);
  }

  @Test
  void neverDecommissionsWhileAnotherNodeIsDown() {
    String ns = harness.kube().freshNamespace("downpeer");
    ready(ns, 4, "Delete");
    harness.fleet().down("demo-dc1-r2-0", true);
    harness.awaitCluster(ns, "demo", c -> c.getStatus().getPhase() == ClusterPhase.Degraded);
    resize(ns, 3);
    CassandraCluster waiting = harness.awaitCluster(ns, "demo", c -> conditionMessage(c, "Progressing") != null
        && conditionMessage(c, "Progressing").contains("demo-dc1-r2-0 (DOWN)"));
    OperatorHarness.pause(Duration.ofMillis(800));
    assertThat(jobs(ns, JobKind.DECOMMISSION)).isEmpty();
    assertThat(waiting.getStatus().getNodes()).hasSize(4);

    harness.fleet().down("demo-dc1-r2-0", false);
    awaitSettled(ns, 3);
    assertThat(jobs(ns, JobKind.DECOMMISSION)).hasSize(1);
  }

  @Test
  void resumesDecommissionAfterOperatorRestart() {
    String ns = harness.kube().freshNamespace("resume");
    decommissionUnderWay(ns);
    harness.stopOperator();
    OperatorHarness.pause(Duration.ofMillis(300));
    harness.startOperator();
    awaitSettled(ns, 3);
    assertThat(jobs(ns, JobKind.DECOMMISSION)).as("decommission asked once").hasSize(1);
  }

  @Test
  void aRestartedOperatorNeverAsksALeavingNodeToDecommissionAgain() {
    String ns = harness.kube().freshNamespace("leaving");
    decommissionUnderWay(ns);
    harness.stopOperator();
    // The record of the job is lost (as if the operator stopped between asking and recording).
    harness.admin().resources(CassandraCluster.class).inNamespace(ns).withName("demo").editStatus(c -> {
      c.getStatus().getOperation().setJobId(null);
      return c;
    });
    harness.startOperator();
    awaitSettled(ns, 3);
    assertThat(jobs(ns, JobKind.DECOMMISSION)).as("decommission asked once").hasSize(1);
  }

  @Test
  void aFailedDecommissionIsReportedWithTheNodesMessage() {
    String ns = harness.kube().freshNamespace("failed");
    ready(ns, 4, "Delete");
    harness.fleet().failJobs(JobKind.DECOMMISSION, "Not enough live nodes to maintain replication factor");
    resize(ns, 3);
    CassandraCluster failed = harness.awaitCluster(ns, "demo", c -> c.getStatus().getOperation() != null
        && c.getStatus().getOperation().getAttempts() != null);
    assertThat(failed.getStatus().getOperation().getMessage())
        .isEqualTo("Not enough live nodes to maintain replication factor");
    harness.awaitCluster(ns, "demo", c -> event(harness.events(ns), "DecommissioningFailed").isPresent());
    assertThat(event(harness.events(ns), "DecommissioningFailed").orElseThrow().getMessage())
        .contains("Not enough live nodes");
    // Nothing was deleted: the node did not leave.
    assertThat(harness.admin().pods().inNamespace(ns).withName(failed.getStatus().getOperation().getNode()).get())
        .isNotNull();
    assertThat(failed.getStatus().getNodes()).hasSize(4);
  }

  @Test
  void aSizeChangedBackAndForthConvergesWithoutGettingStuck() {
    String ns = harness.kube().freshNamespace("flip");
    ready(ns, 4, "Delete");
    harness.fleet().jobDuration(Duration.ofSeconds(1));
    resize(ns, 3);
    harness.awaitCluster(ns, "demo", c -> c.getStatus().getOperation() != null
        && c.getStatus().getOperation().getType() == OperationType.ScaleDown);
    resize(ns, 4);
    CassandraCluster settled = awaitSettled(ns, 4);
    assertThat(settled.getStatus().getReady()).isEqualTo("4/4");
  }
}
