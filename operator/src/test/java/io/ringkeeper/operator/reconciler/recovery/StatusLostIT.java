package io.ringkeeper.operator.reconciler.recovery;

import static io.ringkeeper.operator.testing.ClusterAssertions.condition;
import static io.ringkeeper.operator.testing.ClusterAssertions.conditionMessage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.CassandraClusterStatus;
import io.ringkeeper.api.v1alpha1.ClusterPhase;
import io.ringkeeper.api.v1alpha1.NodeStatus;
import io.ringkeeper.operator.node.JobKind;
import io.ringkeeper.operator.resources.Labels;
import io.ringkeeper.operator.testing.OperatorHarness;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Status is a cache: a cleared status, or a resource deleted with storage.reclaim Retain and applied again, is
 * rebuilt from the volumes' identity records and the nodes' own reports, against the mock API server and the fake
 * fleet. The same tokens, no restart, an Adopted event per node; what cannot be adopted is refused, nothing deleted.
 */
class StatusLostIT {
  static OperatorHarness harness;

  static final String CLUSTER = """
      apiVersion: ringkeeper.io/v1alpha1
      kind: CassandraCluster
      metadata: {name: demo}
      spec:
        tokens: {numTokens: %d}
        datacenters:
          - name: dc1
            replicationFactor: 3
            size: %d
            racks: [%s]
        storage: {size: 1Gi, reclaim: Retain}
      """;
  static final String THREE_RACKS = "{name: r1}, {name: r2}, {name: r3}";

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

  static String manifest(int size) {
    return CLUSTER.formatted(16, size, THREE_RACKS);
  }

  static CassandraCluster ready(String ns, String yaml, int nodes) {
    harness.create(ns, yaml);
    return awaitSettled(ns, nodes);
  }

  static CassandraCluster awaitSettled(String ns, int nodes) {
    return harness.awaitCluster(ns, "demo", Duration.ofSeconds(90), c -> c.getStatus() != null
        && c.getStatus().getPhase() == ClusterPhase.Ready && c.getStatus().getOperation() == null
        && c.getStatus().getNodes() != null && c.getStatus().getNodes().size() == nodes
        && c.getStatus().getNodes().stream().allMatch(n -> n.getAdoptedFrom() == null
            || "Node".equals(n.getAdoptedFrom())));
  }

  static Map<String, List<Long>> tokens(CassandraCluster cr) {
    return new TreeMap<>(cr.getStatus().getNodes().stream()
        .collect(Collectors.toMap(NodeStatus::getName, n -> n.getTokens().stream().sorted().toList())));
  }

  static Map<String, String> podUids(String ns) {
    return harness.pods(ns).stream().collect(Collectors.toMap(p -> p.getMetadata().getName(),
        p -> p.getMetadata().getUid(), (a, b) -> a, TreeMap::new));
  }

  /** Clears the status, again on a conflict: the operator may write it between the read and the patch (CI). */
  static void clearStatus(String ns) {
    for (int attempt = 1; ; attempt++) {
      try {
        harness.admin().resources(CassandraCluster.class).inNamespace(ns).withName("demo").editStatus(c -> {
          c.setStatus(new CassandraClusterStatus());
          return c;
        });
        return;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 20) {
          throw e;
        }
      }
    }
  }

  static List<Event> events(String ns, String reason) {
    return harness.events(ns).stream().filter(e -> reason.equals(e.getReason())).toList();
  }

  static List<PersistentVolumeClaim> claims(String ns) {
    return harness.admin().persistentVolumeClaims().inNamespace(ns).list().getItems();
  }

  /** Deletes the cluster and, as Kubernetes' garbage collector would, everything it owns (the mock has none). */
  static void deleteWithRetain(String ns) {
    CassandraCluster cr = harness.get(ns, "demo");
    harness.admin().resource(cr).delete();
    await().atMost(Duration.ofSeconds(20)).until(() -> harness.get(ns, "demo") == null);
    String uid = cr.getMetadata().getUid();
    List<HasMetadata> owned = new java.util.ArrayList<>();
    owned.addAll(harness.admin().pods().inNamespace(ns).list().getItems());
    owned.addAll(harness.admin().services().inNamespace(ns).list().getItems());
    owned.addAll(harness.admin().configMaps().inNamespace(ns).list().getItems());
    owned.addAll(harness.admin().secrets().inNamespace(ns).list().getItems());
    owned.addAll(harness.admin().policy().v1().podDisruptionBudget().inNamespace(ns).list().getItems());
    for (HasMetadata object : owned) {
      if (object.getMetadata().getOwnerReferences() != null && object.getMetadata().getOwnerReferences().stream()
          .anyMatch(o -> uid.equals(o.getUid()))) {
        harness.admin().resource(object).withGracePeriod(0).delete();
      }
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> harness.pods(ns).isEmpty());
  }

  @Test
  void aClearedStatusIsRebuiltWithTheSameTokensAndNoNodeRestarts() {
    String ns = harness.kube().freshNamespace("cleared");
    Map<String, List<Long>> before = tokens(ready(ns, manifest(3), 3));
    Map<String, String> pods = podUids(ns);

    // The operator is down while the status is lost: it finds only the volumes' records at first.
    harness.stopOperator();
    clearStatus(ns);
    harness.startOperator();

    CassandraCluster after = awaitSettled(ns, 3);
    assertThat(tokens(after)).isEqualTo(before);
    assertThat(after.getStatus().getNodes()).allSatisfy(n -> assertThat(n.getAdoptedFrom()).isEqualTo("Node"));
    assertThat(podUids(ns)).as("no pod was deleted or re-created").isEqualTo(pods);
    assertThat(events(ns, "Adopted")).extracting(e -> e.getInvolvedObject().getName()).isNotEmpty();
    assertThat(events(ns, "Adopted")).hasSize(3)
        .allSatisfy(e -> assertThat(e.getMessage()).contains("16 tokens"));
    assertThat(claims(ns)).allSatisfy(c -> assertThat(c.getMetadata().getAnnotations())
        .containsKeys(Labels.TOKENS, Labels.HOST_ID, Labels.INITIAL));
  }

  @Test
  void aResourceDeletedWithRetainAndAppliedAgainFindsItsNodesTokensOnTheirVolumes() {
    String ns = harness.kube().freshNamespace("recreated");
    Map<String, List<Long>> before = tokens(ready(ns, manifest(4), 4));
    deleteWithRetain(ns);
    assertThat(claims(ns)).hasSize(4);

    harness.create(ns, manifest(4));
    CassandraCluster after = awaitSettled(ns, 4);
    assertThat(tokens(after)).isEqualTo(before);
    assertThat(events(ns, "Adopted")).hasSizeGreaterThanOrEqualTo(4);
    for (Pod pod : harness.pods(ns)) {
      assertThat(io.ringkeeper.operator.testing.FakeNodeFleet.tokensOf(pod).stream().sorted().toList())
          .as("pod %s starts with its volume's tokens", pod.getMetadata().getName())
          .isEqualTo(before.get(pod.getMetadata().getName()));
    }
  }

  @Test
  void aReCreatedResourceThatCannotAdoptItsVolumesIsRefusedAndNothingIsDeleted() {
    String ns = harness.kube().freshNamespace("refused");
    ready(ns, manifest(3), 3);
    deleteWithRetain(ns);

    harness.create(ns, CLUSTER.formatted(16, 2, "{name: r1}, {name: r2}").replace("replicationFactor: 3",
        "replicationFactor: 2"));
    CassandraCluster refused = harness.awaitCluster(ns, "demo", c -> "False/InvalidSpec".equals(condition(c, "Valid"))
        || (condition(c, "Valid") != null && condition(c, "Valid").startsWith("False")));
    assertThat(conditionMessage(refused, "Valid")).contains("spec.datacenters[0].racks").contains("demo-dc1-r3-0");
    OperatorHarness.pause(Duration.ofSeconds(1));
    assertThat(claims(ns)).hasSize(3);
    assertThat(harness.pods(ns)).as("nothing started on a refused spec").isEmpty();

    deleteWithRetain(ns);
    harness.create(ns, CLUSTER.formatted(8, 3, THREE_RACKS));
    CassandraCluster otherTokens = harness.awaitCluster(ns, "demo", c -> condition(c, "Valid") != null
        && condition(c, "Valid").startsWith("False"));
    assertThat(conditionMessage(otherTokens, "Valid")).contains("spec.tokens.numTokens").contains("16 tokens");
    assertThat(claims(ns)).hasSize(3);
    assertThat(harness.pods(ns)).isEmpty();
  }

  @Test
  void aStatusClearedDuringADecommissionFinishesItWithoutAskingAgain() {
    String ns = harness.kube().freshNamespace("midleave");
    ready(ns, manifest(4), 4);
    harness.fleet().jobDuration(Duration.ofSeconds(3));
    harness.edit(harness.admin().resources(CassandraCluster.class).inNamespace(ns).withName("demo"), c -> {
      c.getSpec().getDatacenters().get(0).setSize(3);
      return c;
    });
    harness.awaitCluster(ns, "demo", c -> c.getStatus().getOperation() != null
        && c.getStatus().getOperation().getJobId() != null);
    clearStatus(ns);

    CassandraCluster after = awaitSettled(ns, 3);
    assertThat(after.getStatus().getNodes()).extracting(NodeStatus::getName).doesNotContain("demo-dc1-r1-1");
    long decommissions = harness.fleet().jobsStarted(JobKind.DECOMMISSION).stream()
        .filter(j -> harness.kubelet().addressesOf(ns).contains(j.address())).count();
    assertThat(decommissions).as("the decommission was asked once").isEqualTo(1);
    PersistentVolumeClaim left = harness.admin().persistentVolumeClaims().inNamespace(ns).withName("demo-dc1-r1-1")
        .get();
    assertThat(left).as("reclaim Retain keeps the volume").isNotNull();
    assertThat(left.getMetadata().getAnnotations()).containsKey(Labels.DECOMMISSIONED);
  }

  @Test
  void aNodesOwnTokensWinOverAVolumeRecordEditedByHandAndNothingRestarts() {
    String ns = harness.kube().freshNamespace("edited");
    Map<String, List<Long>> before = tokens(ready(ns, manifest(3), 3));
    Map<String, String> pods = podUids(ns);
    harness.stopOperator();
    harness.edit(harness.admin().persistentVolumeClaims().inNamespace(ns).withName("demo-dc1-r2-0"), c -> {
      String shifted = before.get("demo-dc1-r2-0").stream().map(t -> String.valueOf(t + 7))
          .collect(Collectors.joining(","));
      c.getMetadata().getAnnotations().put(Labels.TOKENS, shifted);
      return c;
    });
    clearStatus(ns);
    harness.startOperator();

    CassandraCluster after = awaitSettled(ns, 3);
    assertThat(tokens(after)).isEqualTo(before);
    assertThat(podUids(ns)).isEqualTo(pods);
    assertThat(events(ns, "IdentityDisagreement")).singleElement()
        .satisfies(e -> assertThat(e.getMessage()).contains("demo-dc1-r2-0").contains("16 of the 16"));
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(harness.admin().persistentVolumeClaims()
        .inNamespace(ns).withName("demo-dc1-r2-0").get().getMetadata().getAnnotations().get(Labels.TOKENS))
        .as("the volume's record is corrected to what the node holds")
        .isEqualTo(before.get("demo-dc1-r2-0").stream().map(String::valueOf).collect(Collectors.joining(","))));
  }
}
