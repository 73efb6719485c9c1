package io.ringkeeper.cli;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.CassandraClusterStatus;
import io.ringkeeper.api.v1alpha1.ClusterPhase;
import io.ringkeeper.api.v1alpha1.NodeState;
import io.ringkeeper.api.v1alpha1.NodeStatus;
import io.ringkeeper.api.v1alpha1.OperationStatus;
import io.ringkeeper.api.v1alpha1.OperationType;
import io.ringkeeper.api.v1alpha1.RepairRunStatus;
import io.ringkeeper.api.v1alpha1.RepairStatus;
import io.ringkeeper.operator.node.Latency;
import io.ringkeeper.operator.node.NodeInfo;
import io.ringkeeper.operator.node.NodeMetrics;
import io.ringkeeper.operator.node.OperationMode;
import io.ringkeeper.operator.resources.Labels;
import io.ringkeeper.operator.resources.Names;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A CassandraCluster "orders" as the operator leaves it in the middle of a restart: three nodes in dc1 (one down,
 * being restarted), a repair run a third done, conditions, a PodDisruptionBudget, the pods, the Secrets they use,
 * events of the cluster and of another cluster; and a fake node agent for the first node.
 */
final class ClusterFixture {
  static final String CLUSTER = "orders";
  static final String AGENT_TOKEN = "s3cr3t-agent-token";
  static final String PASSWORD = "hunter2-very-secret";
  static final String[] NODES = {"orders-dc1-r1-0", "orders-dc1-r2-0", "orders-dc1-r3-0"};
  /** The fake agent of the first node listens here (an address of the 127.60.0.0 block, a port of 39000-39499). */
  static final String AGENT_ADDRESS = "127.60.0.1";

  private ClusterFixture() {}

  static String iso(Instant t) {
    return t.toString();
  }

  static void create(KubernetesClient client, String ns) {
    Instant now = Instant.now();
    CassandraCluster cr = Serialization.unmarshal("""
        apiVersion: ringkeeper.io/v1alpha1
        kind: CassandraCluster
        metadata: {name: orders}
        spec:
          cassandraVersion: "5.0.9"
          datacenters:
            - {name: dc1, replicationFactor: 3, size: 3, racks: [{name: r1}, {name: r2}, {name: r3}]}
          storage: {size: 1Gi}
          repair: {keyspaces: [shop]}
          tls: {enabled: false}  # the fake agents speak plain HTTP (AgentsTlsTest covers HTTPS)
        """, CassandraCluster.class);
    cr.getMetadata().setNamespace(ns);
    client.resource(cr).create();
    CassandraCluster stored = client.resources(CassandraCluster.class).inNamespace(ns).withName(CLUSTER).get();
    CassandraClusterStatus status = new CassandraClusterStatus();
    status.setPhase(ClusterPhase.Restarting);
    status.setReady("2/3");
    status.setReadyNodes(2);
    status.setDesiredNodes(3);
    List<NodeStatus> nodes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      NodeStatus node = new NodeStatus();
      node.setName(NODES[i]);
      node.setDatacenter("dc1");
      node.setRack("r" + (i + 1));
      node.setPodIP("127.60.0." + (i + 1));
      node.setState(i == 1 ? NodeState.DN : NodeState.UN);
      node.setLoadBytes(1_288_490_189L + i);
      node.setOwnership(1.0);
      node.setTokens(List.of(1L + i, 100L + i, 200L + i));
      node.setLastSeen(iso(now.minusSeconds(i == 1 ? 300 : 4)));
      nodes.add(node);
    }
    nodes.get(1).setMessage("draining for a restart asked on the pod");
    status.setNodes(nodes);
    OperationStatus op = new OperationStatus();
    op.setType(OperationType.Restart);
    op.setNode(NODES[1]);
    op.setDatacenter("dc1");
    op.setStep("WaitingForNormal");
    op.setSince(iso(now.minusSeconds(90)));
    op.setStartedAt(iso(now.minusSeconds(120)));
    status.setOperation(op);
    RepairStatus repair = new RepairStatus();
    RepairRunStatus run = new RepairRunStatus();
    run.setId("run-7");
    run.setTrigger("Schedule");
    run.setKeyspaces(List.of("shop"));
    run.setSegmentsDone(32);
    run.setSegmentsTotal(96);
    run.setPostponedReason("node orders-dc1-r2-0 is DN");
    repair.setRunning(run);
    repair.setLastCompleted("2026-11-29T01:42:00Z");
    repair.setNext("2026-12-06T01:00:00Z");
    status.setRepair(repair);
    status.setConditions(new ArrayList<>(List.of(
        new ConditionBuilder().withType("Ready").withStatus("False").withReason("NodesNotReady")
            .withMessage("2/3 nodes ready: orders-dc1-r2-0 is DN").withLastTransitionTime(iso(now.minusSeconds(100)))
            .build(),
        new ConditionBuilder().withType("Valid").withStatus("True").withReason("Valid").withMessage("spec is valid")
            .withLastTransitionTime(iso(now.minusSeconds(86400))).build())));
    stored.setStatus(status);
    client.resource(stored).updateStatus();

    Map<String, String> encoded = new LinkedHashMap<>();
    encoded.put("username", b64("orders-superuser"));
    encoded.put("password", b64(PASSWORD));
    client.resource(new SecretBuilder().withNewMetadata().withName(Names.superuserSecret(CLUSTER)).withNamespace(ns)
        .addToAnnotations("kubectl.kubernetes.io/last-applied-configuration", "{\"stringData\":{\"password\":\""
            + PASSWORD + "\"}}").endMetadata().withType("Opaque").withData(encoded).build()).create();
    client.resource(new SecretBuilder().withNewMetadata().withName(Names.agentTokenSecret(CLUSTER)).withNamespace(ns)
        .endMetadata().addToData(Names.AGENT_TOKEN_KEY, b64(AGENT_TOKEN)).build()).create();
    client.resource(new SecretBuilder().withNewMetadata().withName("unrelated").withNamespace(ns).endMetadata()
        .addToData("key", b64("not-referenced")).build()).create();

    for (int i = 0; i < 3; i++) {
      client.resource(pod(ns, NODES[i], "r" + (i + 1), "127.60.0." + (i + 1))).create();
    }
    client.resource(new PodDisruptionBudgetBuilder().withNewMetadata().withName(Names.disruptionBudget(CLUSTER, "dc1"))
        .withNamespace(ns).withLabels(Labels.datacenter(CLUSTER, "dc1")).endMetadata().withNewSpec()
        .withMaxUnavailable(new IntOrString(1)).endSpec().withNewStatus().withCurrentHealthy(2).withExpectedPods(3)
        .withDesiredHealthy(2).withDisruptionsAllowed(0).endStatus().build()).create();

    event(client, ns, "e1", "CassandraCluster", CLUSTER, "Normal", "Restarting", "restarting orders-dc1-r2-0",
        now.minusSeconds(120));
    event(client, ns, "e2", "Pod", NODES[1], "Warning", "Unhealthy", "Readiness probe failed: HTTP probe failed"
        + " with statuscode: 503", now.minusSeconds(60));
    event(client, ns, "e3", "CassandraCluster", CLUSTER, "Warning", "RepairPostponed", "repair run-7 waits: node"
        + " orders-dc1-r2-0 is DN", now.minusSeconds(30));
    event(client, ns, "e4", "CassandraCluster", "billing", "Warning", "Invalid", "not about orders",
        now.minusSeconds(10));
    event(client, ns, "e5", "Pod", "orders-eu-dc1-r1-0", "Warning", "BackOff", "a pod of cluster orders-eu",
        now.minusSeconds(10));
    event(client, ns, "e6", "CassandraCluster", "orders-eu", "Warning", "Invalid", "cluster orders-eu",
        now.minusSeconds(10));
  }

  static Pod pod(String ns, String name, String rack, String ip) {
    Map<String, String> labels = new LinkedHashMap<>(Labels.datacenter(CLUSTER, "dc1"));
    labels.put(Labels.RACK, rack);
    labels.put(Labels.NODE, name);
    return new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).withLabels(labels).endMetadata()
        .withNewSpec().addNewImagePullSecret("regcred")
        .addNewInitContainer().withName(Names.AGENT_INIT_CONTAINER).withImage("ringkeeper-operator:0.1.0")
        .endInitContainer()
        .addNewContainer().withName(Names.CASSANDRA_CONTAINER).withImage("cassandra:5.0.9")
        .addNewEnv().withName("SUPERUSER_PASSWORD").withNewValueFrom().withNewSecretKeyRef()
        .withName(Names.superuserSecret(CLUSTER)).withKey("password").endSecretKeyRef().endValueFrom().endEnv()
        .endContainer()
        .addNewVolume().withName(Names.AGENT_TOKEN_VOLUME).withNewSecret()
        .withSecretName(Names.agentTokenSecret(CLUSTER)).endSecret().endVolume()
        .endSpec().withNewStatus().withPodIP(ip).withPhase("Running").endStatus().build();
  }

  static void event(KubernetesClient client, String ns, String name, String kind, String object, String type,
      String reason, String message, Instant at) {
    client.resource(new EventBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
        .withNewInvolvedObject().withKind(kind).withName(object).withNamespace(ns).endInvolvedObject()
        .withType(type).withReason(reason).withMessage(message).withCount(3).withLastTimestamp(iso(at))
        .withFirstTimestamp(iso(at.minusSeconds(60))).build()).create();
  }

  static String b64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

  /** A node agent answering /v1/node, /v1/metrics, /v1/keyspaces, /v1/threadpools and /v1/compactions for the first node, with the cluster's bearer token. */
  static HttpServer fakeAgent(int port) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(AGENT_ADDRESS, port), 10);
    Map<Long, String> ring = new LinkedHashMap<>();
    for (int i = 0; i < 3; i++) {
      for (long t : new long[] {1L + i, 100L + i, 200L + i}) {
        ring.put(t, "127.60.0." + (i + 1));
      }
    }
    NodeInfo info = new NodeInfo(OperationMode.NORMAL, "host-1", "127.60.0.1", "dc1", "r1", "5.0.9", true, true,
        List.of(1L, 100L, 200L), 1_288_490_189L, List.of("127.60.0.1", "127.60.0.3"), List.of("127.60.0.2"),
        List.of(), List.of(), List.of(), ring,
        Map.of("127.60.0.1", "dc1", "127.60.0.2", "dc1", "127.60.0.3", "dc1"),
        Map.of("127.60.0.1", "r1", "127.60.0.2", "r2", "127.60.0.3", "r3"),
        Map.of("127.60.0.1", "host-1", "127.60.0.2", "host-2", "127.60.0.3", "host-3"), 10_800_000L, 3600L);
    NodeMetrics metrics = new NodeMetrics(new Latency(300, 900, 2500, 1000), new Latency(100, 300, 700, 2000), 4, 0, 0,
        100L << 20, 256L << 20, 64);
    // As the agent answers them (agent/Cassandra.java keyspaces, threadPools, compactions).
    String keyspaces = """
        [{"name":"shop","system":false,"replicationStrategy":"NetworkTopologyStrategy","replicationFactors":{"dc1":3},
          "tables":["carts"],"minGcGraceSeconds":864000},
         {"name":"system_auth","system":true,"replicationStrategy":"NetworkTopologyStrategy",
          "replicationFactors":{"dc1":3},"tables":["roles"],"minGcGraceSeconds":7776000}]
        """;
    String threadPools = """
        {"pools":[{"name":"CompactionExecutor","path":"internal","active":1,"pending":2,"completed":345,"blocked":0,
          "allTimeBlocked":0},
          {"name":"MutationStage","path":"request","active":0,"pending":0,"completed":120034,"blocked":0,
          "allTimeBlocked":7}],
         "droppedMessages":{"MUTATION":3,"READ":0}}
        """;
    String compactions = """
        {"pendingTasks":4,"completedTasks":51,"throughputMibPerSec":64,
         "active":[{"id":"6f1c2e40-b2a6-11ef-9f1e-1b2c3d4e5f60","kind":"Compaction","keyspace":"shop","table":"carts",
           "completed":1048576,"total":4194304,"unit":"bytes"}]}
        """;
    Map<String, String> routes = Map.of("/v1/node", Serialization.asJson(info), "/v1/metrics",
        Serialization.asJson(metrics), "/v1/keyspaces", keyspaces, "/v1/threadpools", threadPools,
        "/v1/compactions", compactions);
    server.createContext("/", exchange -> {
      String body = routes.get(exchange.getRequestURI().getPath());
      int code = 200;
      if (!("Bearer " + AGENT_TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
        code = 401;
        body = "{\"error\":\"wrong bearer token\"}";
      } else if (body == null) {
        code = 404;
        body = "{\"error\":\"no endpoint\"}";
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(code, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    server.start();
    return server;
  }
}
