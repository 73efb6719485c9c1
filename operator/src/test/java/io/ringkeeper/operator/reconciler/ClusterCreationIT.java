package io.ringkeeper.operator.reconciler;

import static io.ringkeeper.operator.testing.ClusterAssertions.assertOwnedByCluster;
import static io.ringkeeper.operator.testing.ClusterAssertions.event;
import static io.ringkeeper.operator.testing.ClusterAssertions.names;
import static io.ringkeeper.operator.testing.ClusterAssertions.objects;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ringkeeper.operator.reconciler.observe.ClusterMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.ClusterPhase;
import io.ringkeeper.api.v1alpha1.NodeStatus;
import io.ringkeeper.operator.domain.plan.ClusterState;
import io.ringkeeper.operator.domain.plan.Planner;
import io.ringkeeper.operator.domain.plan.Step;
import io.ringkeeper.operator.domain.tokens.ReplicationAwareTokenAllocator;
import io.ringkeeper.operator.node.ClusterKey;
import io.ringkeeper.operator.resources.CassandraYaml;
import io.ringkeeper.operator.resources.Labels;
import io.ringkeeper.operator.testing.FakeNodeFleet;
import io.ringkeeper.operator.testing.MockKube;
import io.ringkeeper.operator.testing.OperatorHarness;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A manifest becomes a running, observed ring: objects, tokens, status, events, no-op and deletion. */
class ClusterCreationIT {
  static OperatorHarness harness;

  static final String THREE_NODES = """
      apiVersion: ringkeeper.io/v1alpha1
      kind: CassandraCluster
      metadata: {name: demo}
      spec:
        datacenters:
          - name: dc1
            replicationFactor: 3
            size: 3
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

  @Test
  void aThreeNodeClusterReachesReady() {
    String ns = harness.kube().freshNamespace("three");
    harness.create(ns, THREE_NODES.formatted("Retain"));
    CassandraCluster ready = harness.awaitPhase(ns, "demo", ClusterPhase.Ready);

    assertThat(ready.getStatus().getReady()).isEqualTo("3/3");
    assertThat(ready.getStatus().getRingFormed()).isTrue();
    assertThat(ready.getStatus().getOperation()).isNull();
    assertThat(ready.getStatus().getNodes()).extracting(NodeStatus::getName)
        .containsExactly("demo-dc1-r1-0", "demo-dc1-r2-0", "demo-dc1-r3-0");
    assertThat(ready.getStatus().getNodes()).allSatisfy(n -> {
      assertThat(n.getState().name()).isEqualTo("UN");
      assertThat(n.getReady()).isTrue();
      assertThat(n.getPodIP()).isNotBlank();
      assertThat(n.getHostId()).isNotBlank();
      assertThat(n.getOwnership()).isEqualTo(1.0);
      assertThat(n.getInitial()).isTrue();
    });
    assertThat(ready.getStatus().getRing().getDatacenters()).singleElement()
        .satisfies(dc -> assertThat(dc.getOwnershipSpread()).isEqualTo(1.0));
    await().atMost(Duration.ofSeconds(5)).until(() -> event(harness.events(ns), "ClusterReady").isPresent());
    assertThat(harness.events(ns)).extracting(e -> e.getReason())
        .contains("TokensAssigned", "NodeCreated", "RingFormed", "ClusterReady");
  }

  @Test
  void aTwoDatacenterSixNodeClusterReachesReady() {
    String ns = harness.kube().freshNamespace("multi");
    harness.create(ns, """
        apiVersion: ringkeeper.io/v1alpha1
        kind: CassandraCluster
        metadata: {name: global}
        spec:
          datacenters:
            - name: dc-a
              replicationFactor: 3
              size: 3
              racks: [{name: r1, zone: a1}, {name: r2, zone: a2}, {name: r3, zone: a3}]
            - name: dc-b
              replicationFactor: 3
              size: 3
              racks: [{name: r1, zone: b1}, {name: r2, zone: b2}, {name: r3, zone: b3}]
        """);
    CassandraCluster ready = harness.awaitPhase(ns, "global", ClusterPhase.Ready);
    assertThat(ready.getStatus().getReady()).isEqualTo("6/6");
    assertThat(ready.getStatus().getRing().getDatacenters()).extracting(d -> d.getName() + ":" + d.getReadyNodes())
        .containsExactly("dc-a:3", "dc-b:3");
    assertThat(harness.admin().pods().inNamespace(ns).list().getItems()).hasSize(6);
    assertThat(harness.admin().policy().v1().podDisruptionBudget().inNamespace(ns).list().getItems())
        .extracting(p -> p.getMetadata().getName()).containsExactlyInAnyOrder("global-dc-a", "global-dc-b");

    // Seeds: two per datacenter, the first node of the first two racks, by stable DNS name.
    ConfigMap config = harness.admin().configMaps().inNamespace(ns).withName("global-config").get();
    String seeds = CassandraYaml.parse(config.getData().get("cassandra.yaml"))
        .at("/seed_provider/0/parameters/0/seeds").asText();
    assertThat(seeds).isEqualTo(String.join(",",
        "global-dc-a-r1-0.global-nodes." + ns + ".svc", "global-dc-a-r2-0.global-nodes." + ns + ".svc",
        "global-dc-b-r1-0.global-nodes." + ns + ".svc", "global-dc-b-r2-0.global-nodes." + ns + ".svc"));
    assertThat(harness.admin().pods().inNamespace(ns).withLabel(Labels.SEED, "true").list().getItems())
        .extracting(p -> p.getMetadata().getName())
        .containsExactlyInAnyOrder("global-dc-a-r1-0", "global-dc-a-r2-0", "global-dc-b-r1-0", "global-dc-b-r2-0");
  }

  @Test
  void tokensInPodsEqualTheAllocationAndTheStatus() {
    String ns = harness.kube().freshNamespace("tokens");
    CassandraCluster created = harness.create(ns, THREE_NODES.formatted("Retain"));
    CassandraCluster ready = harness.awaitPhase(ns, "demo", ClusterPhase.Ready);

    // The allocation the planner makes for this spec, computed independently of the running operator.
    ClusterState fresh = new ClusterState("demo", 16, ClusterMapper.datacenters(created), false, List.of(), Map.of());
    Step.AssignInitialTokens expected = (Step.AssignInitialTokens)
        new Planner(new ReplicationAwareTokenAllocator()).plan(fresh).step();
    Map<String, List<Long>> allocation = expected.tokens().entrySet().stream()
        .collect(Collectors.toMap(e -> e.getKey().name(), Map.Entry::getValue));

    Map<String, List<Long>> inStatus = ready.getStatus().getNodes().stream()
        .collect(Collectors.toMap(NodeStatus::getName, NodeStatus::getTokens));
    Map<String, List<Long>> inPods = harness.admin().pods().inNamespace(ns).list().getItems().stream()
        .collect(Collectors.toMap(p -> p.getMetadata().getName(), FakeNodeFleet::tokensOf));
    Map<String, String> inClaims = harness.admin().persistentVolumeClaims().inNamespace(ns).list().getItems()
        .stream().collect(Collectors.toMap(c -> c.getMetadata().getName(),
            c -> c.getMetadata().getAnnotations().get(Labels.TOKENS)));

    assertThat(inStatus).isEqualTo(allocation);
    assertThat(inPods).isEqualTo(allocation);
    allocation.forEach((node, tokens) -> assertThat(inClaims.get(node))
        .isEqualTo(tokens.stream().map(String::valueOf).collect(Collectors.joining(","))));
    assertThat(ready.getStatus().getNumTokens()).isEqualTo(16);
  }

  @Test
  void everyObjectTheNodesNeedExistsAndIsOwnedByTheClusterExceptTheVolumes() {
    String ns = harness.kube().freshNamespace("objects");
    harness.create(ns, THREE_NODES.formatted("Retain"));
    CassandraCluster ready = harness.awaitPhase(ns, "demo", ClusterPhase.Ready);
    List<HasMetadata> objects = objects(harness.admin(), ns);
    assertThat(names(objects)).containsExactly(
        "ConfigMap/demo-config",
        "PersistentVolumeClaim/demo-dc1-r1-0", "PersistentVolumeClaim/demo-dc1-r2-0",
        "PersistentVolumeClaim/demo-dc1-r3-0",
        "Pod/demo-dc1-r1-0", "Pod/demo-dc1-r2-0", "Pod/demo-dc1-r3-0",
        "PodDisruptionBudget/demo-dc1",
        "Secret/demo-agent-token", "Secret/demo-ca", "Secret/demo-dc1-r1-0-tls", "Secret/demo-dc1-r2-0-tls",
        "Secret/demo-dc1-r3-0-tls", "Secret/demo-superuser", // TLS by default: the CA and one Secret per node
        "Service/demo-client", "Service/demo-nodes", "Service/demo-seeds");
    assertOwnedByCluster(objects.stream().filter(o -> !(o instanceof PersistentVolumeClaim)).toList(), ready);
    assertThat(objects.stream().filter(o -> o instanceof PersistentVolumeClaim))
        .allSatisfy(c -> assertThat(c.getMetadata().getOwnerReferences()).isEmpty());
    // The generated password never shows in status or events.
    String password = io.ringkeeper.operator.resources.Secrets.value(
        harness.admin().secrets().inNamespace(ns).withName("demo-superuser").get(), "password");
    assertThat(password).hasSizeGreaterThan(20);
    assertThat(io.fabric8.kubernetes.client.utils.Serialization.asJson(ready)).doesNotContain(password);
    assertThat(harness.events(ns)).noneMatch(e -> e.getMessage().contains(password));
  }

  @Test
  void aNoOpReconcileIssuesNoRequestToTheApiServer() {
    String ns = harness.kube().freshNamespace("noop");
    harness.create(ns, THREE_NODES.formatted("Retain"));
    harness.awaitPhase(ns, "demo", ClusterPhase.Ready);
    await().atMost(Duration.ofSeconds(5)).until(() -> event(harness.events(ns), "ClusterReady").isPresent());
    // Let the last writes' watch events and a few poll rounds pass.
    OperatorHarness.pause(OperatorHarness.POLL_INTERVAL.multipliedBy(3));

    harness.kube().clearRequests();
    long before = harness.operator().reconciler().reconciliations();
    harness.operator().reconciler().requestReconcile(new ClusterKey(ns, "demo"));
    await().atMost(Duration.ofSeconds(5)).until(() -> harness.operator().reconciler().reconciliations() > before);
    OperatorHarness.pause(OperatorHarness.POLL_INTERVAL.multipliedBy(5)); // and several poll rounds of a steady cluster

    List<MockKube.Request> byOperator = harness.kube().requests(r -> r.userAgent().equals(MockKube.OPERATOR_AGENT)
        && !r.path().contains("watch=true"));
    assertThat(byOperator).as("requests of the operator during a no-op reconcile").isEmpty();
  }

  @Test
  void deletingAClusterWithReclaimDeleteDeletesItsVolumes() {
    String ns = harness.kube().freshNamespace("delete");
    harness.create(ns, THREE_NODES.formatted("Delete"));
    CassandraCluster ready = harness.awaitPhase(ns, "demo", ClusterPhase.Ready);
    harness.admin().resource(ready).delete();
    await().atMost(Duration.ofSeconds(10)).until(() -> harness.get(ns, "demo") == null);
    assertThat(harness.admin().persistentVolumeClaims().inNamespace(ns).list().getItems()).isEmpty();
    // Everything else goes with the cluster through its owner references (the mock server has no garbage
    // collector, so the references are what is checked).
    assertOwnedByCluster(objects(harness.admin(), ns), ready);
    assertThat(event(harness.events(ns), "VolumesDeleted")).isPresent();
  }

  @Test
  void deletingAClusterWithReclaimRetainKeepsItsVolumes() {
    String ns = harness.kube().freshNamespace("retain");
    harness.create(ns, THREE_NODES.formatted("Retain"));
    CassandraCluster ready = harness.awaitPhase(ns, "demo", ClusterPhase.Ready);
    harness.admin().resource(ready).delete();
    await().atMost(Duration.ofSeconds(10)).until(() -> harness.get(ns, "demo") == null);
    List<PersistentVolumeClaim> claims = harness.admin().persistentVolumeClaims().inNamespace(ns).list().getItems();
    assertThat(claims).extracting(c -> c.getMetadata().getName())
        .containsExactlyInAnyOrder("demo-dc1-r1-0", "demo-dc1-r2-0", "demo-dc1-r3-0");
    assertThat(claims).allSatisfy(c -> assertThat(c.getMetadata().getDeletionTimestamp()).isNull());
    assertThat(event(harness.events(ns), "VolumesRetained")).isPresent();
  }
}
