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
import io.ringkeeper.operator.testing.MockKube;
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
    harness.edit(harness.admin().pods().inNamespace(ns).withName(NODE), p -> {
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
    // Its ranges are repaired next: a write only another replica held gets its second copy (ChaosE2E lost 768
    // acknowledged writes over 6 replacements without).
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
        .until(() -> event(harness.events(ns), "ReplacementRepairPending").isPresent());
    assertThat(event(harness.events(ns), "ReplacementRepairPending").get().getMessage()).contains(NODE);
    harness.awaitCluster(ns, "demo", Duration.ofSeconds(30), c -> c.getStatus().getRepair() != null
        && c.getStatus().getRepair().getPendingHintRepairs().isEmpty()
        && (event(harness.events(ns), "RepairStarted").isPresent()
            || event(harness.events(ns), "RepairNothingToDo").isPresent()));
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
  void aReplacementLeftHibernatingByAFailedAttemptIsMarkedShutDownOnAPeerAndThenJoins() {
    // ChaosE2E, seed 1849467536926383856: the replacement's peers held it hibernating after its first attempt
    // failed and never gossiped with it again (CASSANDRA-19580).
    String ns = harness.kube().freshNamespace("hibernating");
    ScaleIT.ready(ns, 3, "Retain");
    Pod old = pod(ns);
    harness.fleet().down(NODE, true);
    askReplacement(ns);
    Pod replacement = org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> pod(ns),
        p -> p != null && !p.getMetadata().getUid().equals(old.getMetadata().getUid())
            && p.getStatus() != null && p.getStatus().getPodIP() != null);
    String ip = replacement.getStatus().getPodIP();
    harness.fleet().jobs().hibernate(ip);

    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
        .until(() -> harness.fleet().jobs().endedHibernations().contains(ip));
    assertThat(harness.fleet().jobs().hibernating()).doesNotContain(ip);
    // Recorded by the reconcile the answer triggers.
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
        .until(() -> event(harness.events(ns), "HibernationEnded").isPresent());
    assertThat(event(harness.events(ns), "HibernationEnded")).hasValueSatisfying(e -> assertThat(e.getMessage())
        .contains(NODE).contains(ip).contains("CASSANDRA-19580"));
    // Its peers gossip with it again: the next start joins.
    harness.fleet().down(NODE, false);
    awaitReplaced(ns, old.getMetadata().getUid());
    // Asked once: once shut down in the peers' view, nothing is left to end.
    assertThat(harness.fleet().jobs().endedHibernations()).containsExactly(ip);
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
    harness.edit(harness.admin().resources(CassandraCluster.class).inNamespace(ns).withName("demo"), c -> {
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

    harness.edit(harness.admin().resources(CassandraCluster.class).inNamespace(ns).withName("demo"), c -> {
      c.getSpec().getStorage().setSize("1Gi");
      return c;
    });
    CassandraCluster refused = harness.awaitCluster(ns, "demo", c -> "False/InvalidSpec".equals(condition(c, "Valid")));
    assertThat(conditionMessage(refused, "Valid")).contains("spec.storage.size").contains("never shrink");
    assertThat(harness.pods(ns)).allSatisfy(p ->
        assertThat(p.getMetadata().getUid()).isEqualTo(uids.get(p.getMetadata().getName())));
  }

  private static final String REFUSED = "persistentvolumeclaims \"%s\" is forbidden: only dynamically provisioned"
      + " pvc can be resized and the storageclass that provisions the pvc must support resize";

  private static void growStorageTo(String ns, String size) {
    harness.edit(harness.admin().resources(CassandraCluster.class).inNamespace(ns).withName("demo"), c -> {
      c.getSpec().getStorage().setSize(size);
      return c;
    });
  }

  private static List<PersistentVolumeClaim> claims(String ns) {
    return harness.admin().persistentVolumeClaims().inNamespace(ns).list().getItems();
  }

  /** Sets a claim's status.capacity.storage, as a storage class reports the size of the bound volume. */
  private static void capacity(String ns, String claim, String size) {
    harness.admin().persistentVolumeClaims().inNamespace(ns).withName(claim).subresource("status")
        .patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
            io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
            "{\"status\":{\"phase\":\"Bound\",\"capacity\":{\"storage\":\"" + size + "\"}}}");
  }

  @Test
  void aRefusedResizeIsReportedWithTheFieldAndTheFixAndNotRetriedAtEveryReconcile() {
    String ns = harness.kube().freshNamespace("resizerefused");
    ScaleIT.ready(ns, 3, "Retain");
    java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
    // The API server refuses to change the request of a claim whose storage class does not allow expansion, and
    // accepts a change of its metadata.
    harness.kube().refuseRequests((r, body) -> {
      boolean resize = r.userAgent().equals(MockKube.OPERATOR_AGENT) && r.verb().equals("patch")
          && r.path().contains("/namespaces/" + ns + "/persistentvolumeclaims/")
          && body.contains("/spec/resources/requests");
      if (resize) {
        refused.incrementAndGet();
      }
      return resize;
    }, REFUSED.formatted(NODE));
    try {
      growStorageTo(ns, "2Gi");
      CassandraCluster held = harness.awaitCluster(ns, "demo",
          c -> "False/VolumeResizeHeld".equals(condition(c, "Progressing")));
      assertThat(conditionMessage(held, "Progressing")).contains("spec.storage.size").contains(NODE)
          .contains("cannot grow to 2Gi from 1Gi").contains("only dynamically provisioned pvc can be resized")
          .contains("allowVolumeExpansion: true").contains("set spec.storage.size back to 1Gi");
      assertThat(held.getStatus().getPhase()).isEqualTo(ClusterPhase.Ready);
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> claims(ns).stream()
          .allMatch(c -> "2Gi".equals(c.getMetadata().getAnnotations().get(Labels.RESIZE_FAILED))));
      assertThat(claims(ns)).allSatisfy(c -> {
        assertThat(c.getMetadata().getAnnotations()).containsEntry(Labels.RESIZE_ATTEMPTS, "1")
            .containsKey(Labels.RESIZE_FAILED_AT)
            .hasEntrySatisfying(Labels.RESIZE_MESSAGE, m -> assertThat(m).contains("must support resize"));
        assertThat(c.getSpec().getResources().getRequests().get("storage").toString()).isEqualTo("1Gi");
      });
      assertThat(event(harness.events(ns), "VolumeResizeFailed")).hasValueSatisfying(e ->
          assertThat(e.getMessage()).contains("spec.storage.size").contains("allowVolumeExpansion: true"));
      assertThat(refused.get()).isEqualTo(3);

      // Reconciles go on (the retry is rechecked every poll interval), an operator restart among them; the
      // refused volumes are not patched again before the first retry is due (10 s after the refusal).
      long reconciles = harness.operator().reconciler().reconciliations();
      OperatorHarness.pause(Duration.ofSeconds(2));
      assertThat(harness.operator().reconciler().reconciliations()).isGreaterThan(reconciles);
      harness.restartOperator();
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
          .until(() -> harness.operator().reconciler().reconciliations() > 2);
      OperatorHarness.pause(Duration.ofSeconds(1));
      assertThat(refused.get()).as("patches refused before the retry was due").isEqualTo(3);
      assertThat(condition(harness.get(ns, "demo"), "Progressing")).isEqualTo("False/VolumeResizeHeld");
    } finally {
      harness.kube().refuseRequests(null, null);
    }

    // The storage class allows expansion now: the retry grows the volumes and clears the record.
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> claims(ns).stream().allMatch(c ->
        c.getSpec().getResources().getRequests().get("storage").toString().equals("2Gi")
        && c.getMetadata().getAnnotations().keySet().stream().noneMatch(k -> k.startsWith("ringkeeper.io/resize"))));
    harness.awaitCluster(ns, "demo", c -> "False/Idle".equals(condition(c, "Progressing")));
    assertThat(event(harness.events(ns), "VolumeResizing")).isPresent();
  }

  @Test
  void aRefusedResizeForASizeNoLongerAskedForIsForgotten() {
    String ns = harness.kube().freshNamespace("resizeback");
    ScaleIT.ready(ns, 3, "Retain");
    harness.kube().refuseRequests((r, body) -> r.userAgent().equals(MockKube.OPERATOR_AGENT)
        && r.path().contains("/namespaces/" + ns + "/persistentvolumeclaims/")
        && body.contains("/spec/resources/requests"), REFUSED.formatted(NODE));
    try {
      growStorageTo(ns, "2Gi");
      harness.awaitCluster(ns, "demo", c -> "False/VolumeResizeHeld".equals(condition(c, "Progressing")));
      growStorageTo(ns, "1Gi");
      harness.awaitCluster(ns, "demo", c -> "False/Idle".equals(condition(c, "Progressing")));
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> claims(ns).stream()
          .allMatch(c -> c.getMetadata().getAnnotations().keySet().stream()
              .noneMatch(k -> k.startsWith("ringkeeper.io/resize"))));
    } finally {
      harness.kube().refuseRequests(null, null);
    }
  }

  @Test
  void aResizeIsReportedUntilTheVolumeHasGrown() {
    String ns = harness.kube().freshNamespace("resizing");
    ScaleIT.ready(ns, 3, "Retain");
    List<String> names = claims(ns).stream().map(c -> c.getMetadata().getName()).sorted().toList();
    names.forEach(n -> capacity(ns, n, "1Gi"));
    OperatorHarness.pause(Duration.ofMillis(500));
    assertThat(condition(harness.get(ns, "demo"), "Progressing")).isEqualTo("False/Idle");

    growStorageTo(ns, "2Gi");
    CassandraCluster resizing = harness.awaitCluster(ns, "demo",
        c -> "True/ResizingStorage".equals(condition(c, "Progressing"))
            && conditionMessage(c, "Progressing").contains("1Gi -> 2Gi"));
    assertThat(conditionMessage(resizing, "Progressing")).contains("spec.storage.size")
        .contains(names.get(0) + " 1Gi -> 2Gi, " + names.get(1) + " 1Gi -> 2Gi, " + names.get(2) + " 1Gi -> 2Gi");
    assertThat(resizing.getStatus().getPhase()).isEqualTo(ClusterPhase.Ready);
    assertThat(claims(ns)).allSatisfy(c ->
        assertThat(c.getSpec().getResources().getRequests().get("storage").toString()).isEqualTo("2Gi"));

    // Waiting writes nothing: no patch of a volume, no status update.
    OperatorHarness.pause(Duration.ofMillis(500));
    int writes = harness.kube().writesBy(MockKube.OPERATOR_AGENT).size();
    OperatorHarness.pause(Duration.ofSeconds(1));
    assertThat(harness.kube().writesBy(MockKube.OPERATOR_AGENT)).hasSize(writes);

    capacity(ns, names.get(0), "2Gi");
    capacity(ns, names.get(2), "2Gi");
    CassandraCluster one = harness.awaitCluster(ns, "demo", c -> conditionMessage(c, "Progressing")
        .endsWith(names.get(1) + " 1Gi -> 2Gi"));
    assertThat(conditionMessage(one, "Progressing")).doesNotContain(names.get(0)).doesNotContain(names.get(2));
    capacity(ns, names.get(1), "2Gi");
    harness.awaitCluster(ns, "demo", c -> "False/Idle".equals(condition(c, "Progressing")));
  }
}
