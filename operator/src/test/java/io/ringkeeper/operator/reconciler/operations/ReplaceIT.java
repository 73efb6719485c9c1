package io.ringkeeper.operator.reconciler.operations;

import static io.ringkeeper.operator.testing.ClusterAssertions.condition;
import static io.ringkeeper.operator.testing.ClusterAssertions.conditionMessage;
import static io.ringkeeper.operator.testing.ClusterAssertions.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.ClusterPhase;
import io.ringkeeper.api.v1alpha1.NodeStatus;
import io.ringkeeper.api.v1alpha1.OperationType;
import io.ringkeeper.operator.node.JobKind;
import io.ringkeeper.operator.resources.JvmOptions;
import io.ringkeeper.operator.resources.Labels;
import io.ringkeeper.operator.testing.FakeNodeFleet;
import io.ringkeeper.operator.testing.OperatorHarness;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Replacing lost nodes with empty ones holding the same tokens, and growing volumes. */
class ReplaceIT {
  static OperatorHarness harness;
  static final String NODE = "demo-dc1-r2-0";

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

  private static Pod pod(String ns) {
    return harness.admin().pods().inNamespace(ns).withName(NODE).get();
  }

  private static List<Long> tokens(CassandraCluster cr) {
    return cr.getStatus().getNodes().stream().filter(n -> n.getName().equals(NODE)).findFirst()
        .map(NodeStatus::getTokens).orElseThrow();
  }

  private static CassandraCluster awaitReplaced(String ns, String oldPodUid) {
    return harness.awaitCluster(ns, "demo", Duration.ofSeconds(30), c -> c.getStatus().getOperation() == null
        && c.getStatus().getPhase() == ClusterPhase.Ready && pod(ns) != null
        && !pod(ns).getMetadata().getUid().equals(oldPodUid));
  }

  private static void askReplacement(String ns) {
    harness.admin().pods().inNamespace(ns).withName(NODE).edit(p -> {
      p.getMetadata().getAnnotations().put(Labels.REPLACE, "true");
      return p;
    });
  }

  @Test
  void aNodeWhoseVolumeIsGoneIsReplacedWithItsTokensAndReplaceAddress() {
    String ns = harness.kube().freshNamespace("lostvolume");
    CassandraCluster ready = ScaleIT.ready(ns, 3, "Retain");
    Pod old = pod(ns);
    String oldIp = old.getStatus().getPodIP();
    harness.admin().persistentVolumeClaims().inNamespace(ns).withName(NODE).delete();

    CassandraCluster replacing = harness.awaitCluster(ns, "demo", c -> c.getStatus().getOperation() != null
        && c.getStatus().getOperation().getType() == OperationType.Replace);
    assertThat(replacing.getStatus().getOperation().getAddress()).isEqualTo(oldIp);
    CassandraCluster done = awaitReplaced(ns, old.getMetadata().getUid());

    Pod replacement = pod(ns);
    String opts = FakeNodeFleet.jvmExtraOpts(replacement);
    assertThat(JvmOptions.systemProperties(JvmOptions.split(opts)))
        .containsEntry("cassandra.replace_address_first_boot", oldIp);
    assertThat(FakeNodeFleet.tokensOf(replacement)).isEqualTo(tokens(ready));
    assertThat(tokens(done)).isEqualTo(tokens(ready));
    assertThat(harness.admin().persistentVolumeClaims().inNamespace(ns).withName(NODE).get()).isNotNull();
    assertThat(event(harness.events(ns), "ReplaceCompleted")).isPresent();
    // The replacement runs what its predecessor ran: no restart follows.
    OperatorHarness.pause(Duration.ofSeconds(1));
    assertThat(pod(ns).getMetadata().getUid()).isEqualTo(replacement.getMetadata().getUid());
    assertThat(harness.fleet().jobsStarted(JobKind.DRAIN).stream()
        .filter(j -> harness.kubelet().addressesOf(ns).contains(j.address()))).isEmpty();
  }

  @Test
  void replacingTwiceInARowWorks() {
    String ns = harness.kube().freshNamespace("twice");
    CassandraCluster ready = ScaleIT.ready(ns, 3, "Retain");
    for (int round = 0; round < 2; round++) {
      Pod old = pod(ns);
      PersistentVolumeClaim oldClaim = harness.admin().persistentVolumeClaims().inNamespace(ns).withName(NODE).get();
      askReplacement(ns);
      awaitReplaced(ns, old.getMetadata().getUid());
      Pod replacement = pod(ns);
      assertThat(JvmOptions.systemProperties(JvmOptions.split(FakeNodeFleet.jvmExtraOpts(replacement))))
          .containsEntry("cassandra.replace_address_first_boot", old.getStatus().getPodIP());
      assertThat(replacement.getMetadata().getAnnotations()).doesNotContainKey(Labels.REPLACE);
      assertThat(harness.admin().persistentVolumeClaims().inNamespace(ns).withName(NODE).get().getMetadata()
          .getUid()).as("a fresh, empty volume").isNotEqualTo(oldClaim.getMetadata().getUid());
      assertThat(FakeNodeFleet.tokensOf(replacement)).isEqualTo(tokens(ready));
    }
  }

  @Test
  void neverReplacesWhileAnotherNodeIsDown() {
    String ns = harness.kube().freshNamespace("replacewait");
    ScaleIT.ready(ns, 3, "Retain");
    Pod old = pod(ns);
    harness.fleet().down("demo-dc1-r3-0", true);
    harness.awaitCluster(ns, "demo", c -> c.getStatus().getPhase() == ClusterPhase.Degraded);
    askReplacement(ns);
    harness.awaitCluster(ns, "demo", c -> "True/ReplaceWaiting".equals(condition(c, "Progressing")));
    OperatorHarness.pause(Duration.ofSeconds(1));
    assertThat(pod(ns).getMetadata().getUid()).isEqualTo(old.getMetadata().getUid());
    assertThat(conditionMessage(harness.get(ns, "demo"), "Progressing")).contains("demo-dc1-r3-0 (DOWN)");
    harness.fleet().down("demo-dc1-r3-0", false);
    awaitReplaced(ns, old.getMetadata().getUid());
  }

  @Test
  void growingStorageSizeExpandsEveryVolumeAndShrinkingIsRefused() {
    String ns = harness.kube().freshNamespace("resize");
    ScaleIT.ready(ns, 3, "Retain");
    harness.admin().resources(CassandraCluster.class).inNamespace(ns).withName("demo").edit(c -> {
      c.getSpec().getStorage().setSize("2Gi");
      return c;
    });
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> harness.admin()
        .persistentVolumeClaims().inNamespace(ns).list().getItems().stream()
        .allMatch(c -> c.getSpec().getResources().getRequests().get("storage").toString().equals("2Gi")));
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
        .until(() -> event(harness.events(ns), "VolumeResizing").isPresent());
    Map<String, String> uids = new java.util.HashMap<>();
    harness.pods(ns).forEach(p -> uids.put(p.getMetadata().getName(), p.getMetadata().getUid()));

    harness.admin().resources(CassandraCluster.class).inNamespace(ns).withName("demo").edit(c -> {
      c.getSpec().getStorage().setSize("1Gi");
      return c;
    });
    CassandraCluster refused = harness.awaitCluster(ns, "demo", c -> "False/InvalidSpec".equals(condition(c, "Valid")));
    assertThat(conditionMessage(refused, "Valid")).contains("spec.storage.size").contains("never shrink");
    assertThat(harness.pods(ns)).allSatisfy(p ->
        assertThat(p.getMetadata().getUid()).isEqualTo(uids.get(p.getMetadata().getName())));
  }
}
