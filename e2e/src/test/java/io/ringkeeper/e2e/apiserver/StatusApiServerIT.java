package io.ringkeeper.e2e.apiserver;

import static io.ringkeeper.e2e.apiserver.Manifests.minimal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.CassandraClusterStatus;
import io.ringkeeper.api.v1alpha1.ClusterPhase;
import io.ringkeeper.api.v1alpha1.NodeState;
import io.ringkeeper.api.v1alpha1.NodeStatus;
import io.ringkeeper.operator.reconciler.status.StatusWriter;
import io.ringkeeper.operator.reconciler.act.KubeWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The status subresource, optimistic concurrency, the operator's own writes (StatusWriter's guarded JSON patches,
 * KubeWriter's metadata patches) and watches, all against the real API server.
 */
@ExtendWith(RealApiServerExtension.class)
class StatusApiServerIT {
  private static final AtomicInteger SEQ = new AtomicInteger();
  private static KubernetesClient client;
  private static String ns;
  private static NonNamespaceOperation<CassandraCluster, KubernetesResourceList<CassandraCluster>,
      Resource<CassandraCluster>> clusters;

  @BeforeAll
  static void connect(RealApiServer server) {
    client = server.client();
    ns = "status-" + ProcessHandle.current().pid();
    clusters = client.resources(CassandraCluster.class).inNamespace(ns);
  }

  private static CassandraCluster create() {
    CassandraCluster cr = Serialization.jsonMapper().convertValue(minimal("s" + SEQ.incrementAndGet()),
        CassandraCluster.class);
    cr.getMetadata().setNamespace(ns);
    return clusters.resource(cr).create();
  }

  /** A status as the operator writes it: conditions, three nodes with tokens at both ends of the ring. */
  private static CassandraClusterStatus status(CassandraCluster cr, ClusterPhase phase, int ready) {
    CassandraClusterStatus s = new CassandraClusterStatus();
    s.setObservedGeneration(cr.getMetadata().getGeneration());
    s.setPhase(phase);
    s.setReady(ready + "/3");
    s.setReadyNodes(ready);
    s.setDesiredNodes(3);
    s.setClusterName(cr.getMetadata().getName());
    s.setNumTokens(16);
    s.setRingFormed(ready == 3);
    Condition available = new ConditionBuilder().withType("Available").withStatus(ready == 3 ? "True" : "False")
        .withReason(phase.name()).withMessage(ready + " of 3 nodes ready").withLastTransitionTime("2026-12-03T07:00:00Z")
        .withObservedGeneration(cr.getMetadata().getGeneration()).build();
    s.setConditions(new ArrayList<>(List.of(available)));
    List<NodeStatus> nodes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      NodeStatus n = new NodeStatus();
      n.setName(cr.getMetadata().getName() + "-dc1-r" + (i + 1) + "-0");
      n.setDatacenter("dc1");
      n.setRack("r" + (i + 1));
      n.setState(i < ready ? NodeState.UN : NodeState.DN);
      n.setReady(i < ready);
      n.setTokens(new ArrayList<>(List.of(Long.MIN_VALUE + 1 + i, Long.MAX_VALUE - i)));
      nodes.add(n);
    }
    s.setNodes(nodes);
    return s;
  }

  @Test
  void theOperatorsStatusWriterPatchesAreAcceptedAndStoredExactly() {
    CassandraCluster cr = create();
    StatusWriter writer = new StatusWriter(client);
    CassandraClusterStatus creating = status(cr, ClusterPhase.Creating, 1);
    CassandraCluster written = writer.write(cr, creating, null);
    assertThat(written).isNotNull();
    CassandraClusterStatus ready = status(written, ClusterPhase.Ready, 3);
    CassandraCluster second = writer.write(written, ready, null);

    CassandraCluster stored = clusters.withName(cr.getMetadata().getName()).get();
    assertThat(Serialization.jsonMapper().valueToTree(stored.getStatus()).toString())
        .isEqualTo(Serialization.jsonMapper().valueToTree(ready).toString());
    assertThat(stored.getStatus().getNodes().get(0).getTokens()).containsExactly(Long.MIN_VALUE + 1, Long.MAX_VALUE);
    assertThat(stored.getMetadata().getResourceVersion()).isEqualTo(second.getMetadata().getResourceVersion());
    assertThat(writer.write(stored, ready, null)).as("an unchanged status writes nothing").isNull();
  }

  @Test
  void aStatusWriteNeverChangesTheSpecOrTheGeneration() {
    CassandraCluster cr = create();
    CassandraCluster attempt = clusters.withName(cr.getMetadata().getName()).get();
    attempt.setStatus(status(cr, ClusterPhase.Creating, 0));
    attempt.getSpec().getDatacenters().get(0).setSize(9);
    CassandraCluster written = clusters.resource(attempt).updateStatus();
    assertThat(written.getStatus().getPhase()).isEqualTo(ClusterPhase.Creating);
    assertThat(written.getSpec().getDatacenters().get(0).getSize()).isEqualTo(3);
    assertThat(written.getMetadata().getGeneration()).isEqualTo(cr.getMetadata().getGeneration());
  }

  @Test
  void aSpecWriteNeverChangesTheStatusAndBumpsTheGeneration() {
    CassandraCluster cr = create();
    CassandraCluster withStatus = new StatusWriter(client).write(cr, status(cr, ClusterPhase.Ready, 3), null);
    withStatus.getSpec().getDatacenters().get(0).setSize(4);
    withStatus.setStatus(status(cr, ClusterPhase.Invalid, 0));
    CassandraCluster updated = clusters.resource(withStatus).update();
    assertThat(updated.getSpec().getDatacenters().get(0).getSize()).isEqualTo(4);
    assertThat(updated.getStatus().getPhase()).isEqualTo(ClusterPhase.Ready);
    assertThat(updated.getMetadata().getGeneration()).isEqualTo(cr.getMetadata().getGeneration() + 1);
  }

  @Test
  void anUpdateWithAStaleResourceVersionGets409AndChangesNothing() {
    CassandraCluster cr = create();
    CassandraCluster fresh = clusters.withName(cr.getMetadata().getName()).get();
    fresh.getSpec().getDatacenters().get(0).setSize(4);
    clusters.resource(fresh).update();

    cr.getSpec().getDatacenters().get(0).setSize(5);
    KubernetesClientException e = catchThrowableOfType(KubernetesClientException.class,
        () -> clusters.resource(cr).update());
    assertThat(e).isNotNull();
    assertThat(e.getCode()).as(e.getMessage()).isEqualTo(409);
    assertThat(clusters.withName(cr.getMetadata().getName()).get().getSpec().getDatacenters().get(0).getSize())
        .isEqualTo(4);
  }

  @Test
  void aStatusWriterPatchBasedOnAStaleCopyIsRefusedAndChangesNothing() {
    CassandraCluster cr = create();
    CassandraCluster moved = clusters.withName(cr.getMetadata().getName()).get();
    moved.getMetadata().setAnnotations(Map.of("touched", "yes"));
    clusters.resource(moved).update();

    KubernetesClientException e = catchThrowableOfType(KubernetesClientException.class,
        () -> new StatusWriter(client).write(cr, status(cr, ClusterPhase.Ready, 3), null));
    assertThat(e).as("a patch guarded by a stale resourceVersion was applied").isNotNull();
    System.out.println("[StatusApiServerIT] stale status patch: " + e.getMessage());
    // The real server answers the failed test operation with 422; StatusWriter reports the 409 the reconciler
    // retries quietly (updateErrorStatus), instead of a ReconcileFailed warning on every such race.
    assertThat(e.getCode()).as(e.getMessage()).isEqualTo(409);
    assertThat(e.getMessage()).contains("the object changed since it was read");
    assertThat(clusters.withName(cr.getMetadata().getName()).get().getStatus()).isNull();
  }

  @Test
  void aKubeWriterPatchBasedOnAStaleCopyIsAConflictAndChangesNothing() {
    CassandraCluster cr = create();
    CassandraCluster moved = clusters.withName(cr.getMetadata().getName()).get();
    moved.getMetadata().setAnnotations(Map.of("touched", "yes"));
    clusters.resource(moved).update();

    CassandraCluster desired = clusters.withName(cr.getMetadata().getName()).get();
    desired.getMetadata().setLabels(Map.of("team", "orders"));
    KubernetesClientException e = catchThrowableOfType(KubernetesClientException.class,
        () -> new KubeWriter(client).ensure(desired, cr, KubeWriter.Scope.METADATA, null));
    assertThat(e).as("a patch guarded by a stale resourceVersion was applied").isNotNull();
    assertThat(e.getCode()).as(e.getMessage()).isEqualTo(409);
    assertThat(clusters.withName(cr.getMetadata().getName()).get().getMetadata().getLabels()).isNullOrEmpty();
  }

  @Test
  void theOperatorsKubeWriterMetadataPatchesAreAcceptedOnAClusterTheCelRulesGuard() {
    CassandraCluster cr = create();
    KubeWriter writer = new KubeWriter(client);
    CassandraCluster desired = clusters.withName(cr.getMetadata().getName()).get();
    desired.getMetadata().setAnnotations(Map.of("ringkeeper.io/restart", "2026-12-03T07:00:00Z"));
    desired.getMetadata().setLabels(Map.of("team", "orders"));
    CassandraCluster annotated = writer.ensure(desired, cr, KubeWriter.Scope.METADATA, null);
    assertThat(annotated.getMetadata().getAnnotations()).containsEntry("ringkeeper.io/restart", "2026-12-03T07:00:00Z");
    assertThat(annotated.getMetadata().getLabels()).containsEntry("team", "orders");
    assertThat(writer.ensure(desired, annotated, KubeWriter.Scope.METADATA, null)).as("no-op").isNull();
    CassandraCluster cleared = writer.removeAnnotations(annotated, List.of("ringkeeper.io/restart"), null);
    assertThat(cleared.getMetadata().getAnnotations()).doesNotContainKey("ringkeeper.io/restart");
    assertThat(cleared.getSpec().getDatacenters().get(0).getSize()).isEqualTo(3);
  }

  @Test
  void aWatchFromAResourceVersionDeliversEveryChangeInOrder() {
    CassandraCluster cr = create();
    String from = cr.getMetadata().getResourceVersion();
    StatusWriter writer = new StatusWriter(client);
    CassandraCluster current = cr;
    List<String> written = new ArrayList<>();
    for (ClusterPhase phase : List.of(ClusterPhase.Creating, ClusterPhase.Scaling, ClusterPhase.Degraded,
        ClusterPhase.Ready)) {
      current = writer.write(current, status(current, phase, phase == ClusterPhase.Ready ? 3 : 1), null);
      written.add(current.getMetadata().getResourceVersion() + " " + phase);
    }
    current.getSpec().getDatacenters().get(0).setSize(4);
    current = clusters.resource(current).update();
    written.add(current.getMetadata().getResourceVersion() + " Ready size=4");
    clusters.resource(current).delete();

    List<String> seen = new CopyOnWriteArrayList<>();
    try (Watch ignored = clusters.withName(cr.getMetadata().getName())
        .watch(new ListOptionsBuilder().withResourceVersion(from).build(), new Watcher<>() {
          @Override
          public void eventReceived(Action action, CassandraCluster c) {
            String phase = c.getStatus() == null ? "none" : String.valueOf(c.getStatus().getPhase());
            int size = c.getSpec().getDatacenters().get(0).getSize();
            seen.add(action + " " + c.getMetadata().getResourceVersion() + " " + phase + (size == 4 ? " size=4" : ""));
          }

          @Override
          public void onClose(WatcherException cause) {
          }
        })) {
      await().atMost(Duration.ofSeconds(30)).until(() -> seen.stream().anyMatch(s -> s.startsWith("DELETED")));
    }
    List<String> expected = new ArrayList<>();
    written.forEach(w -> expected.add("MODIFIED " + w));
    assertThat(seen).hasSize(expected.size() + 1);
    assertThat(seen.subList(0, expected.size())).containsExactlyElementsOf(expected);
  }
}
