package io.ringkeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.CassandraClusterStatus;
import io.ringkeeper.api.v1alpha1.NodeStatus;
import io.ringkeeper.operator.node.NodeClientException;
import io.ringkeeper.operator.node.NodeEndpoint;
import io.ringkeeper.operator.resources.Names;
import io.ringkeeper.operator.testing.FakeHttpsAgent;
import io.ringkeeper.operator.testing.TestCertificates;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The command line reaches agents that serve HTTPS, verified like the operator does (addresses 127.63.0.x). */
class AgentsTlsTest {
  private static final String NS = "tls";
  private static final String TOKEN = "s3cr3t";
  private static final TestCertificates.Ca CA = TestCertificates.ca("orders-ca");

  private PluginKube kube;
  private KubernetesClient client;
  private FakeHttpsAgent good;
  private FakeHttpsAgent impostor;

  @BeforeEach
  void start() throws Exception {
    kube = new PluginKube();
    client = kube.client();
    good = new FakeHttpsAgent("127.63.0.1", CA.issue("orders-dc1-r1-0", "orders-dc1-r1-0.orders-nodes.tls.svc")
        .serverContext(), TOKEN);
    // the same port on another address: an agent whose certificate names another node
    impostor = new FakeHttpsAgent("127.63.0.2", CA.issue("orders-dc1-r2-0", "orders-dc1-r2-0.orders-nodes.tls.svc")
        .serverContext(), TOKEN);
    secret(Names.agentTokenSecret("orders"), Map.of(Names.AGENT_TOKEN_KEY, TOKEN));
    for (String node : List.of("orders-dc1-r1-0", "orders-dc1-r2-0")) {
      secret(node + "-tls", Map.of(Names.TLS_CA_KEY, CA.pem()));
    }
  }

  @AfterEach
  void stop() {
    good.close();
    impostor.close();
    client.close();
    kube.close();
  }

  private void secret(String name, Map<String, String> data) {
    client.resource(new SecretBuilder().withNewMetadata().withName(name).withNamespace(NS).endMetadata()
        .withData(encoded(data)).build()).create();
  }

  private static Map<String, String> encoded(Map<String, String> data) {
    Map<String, String> out = new java.util.HashMap<>();
    data.forEach((k, v) -> out.put(k, ClusterFixture.b64(v)));
    return out;
  }

  private static NodeStatus node(String name, String rack, String ip) {
    NodeStatus node = new NodeStatus();
    node.setName(name);
    node.setDatacenter("dc1");
    node.setRack(rack);
    node.setPodIP(ip);
    return node;
  }

  private static CassandraCluster cluster(List<NodeStatus> nodes) {
    CassandraCluster cr = Serialization.unmarshal("""
        apiVersion: ringkeeper.io/v1alpha1
        kind: CassandraCluster
        metadata: {name: orders, namespace: tls}
        spec:
          tls: {enabled: true}
          datacenters:
            - {name: dc1, replicationFactor: 3, size: 3, racks: [{name: r1}, {name: r2}, {name: r3}]}
        """, CassandraCluster.class);
    CassandraClusterStatus status = new CassandraClusterStatus();
    status.setNodes(nodes);
    cr.setStatus(status);
    return cr;
  }

  @Test
  void aNodeIsAskedOverHttpsWithTheCaOfItsTlsSecret() throws Exception {
    NodeStatus first = node("orders-dc1-r1-0", "r1", "127.63.0.1");
    CassandraCluster cr = cluster(List.of(first));
    Agents agents = Agents.of(client, cr, good.port(), true).orElseThrow();
    NodeEndpoint endpoint = agents.endpoint(first);
    assertThat(endpoint.https()).isTrue();
    assertThat(endpoint.tls().serverName()).isEqualTo("orders-dc1-r1-0.orders-nodes.tls.svc");
    assertThat(agents.client().nodeInfo(endpoint).get(10, TimeUnit.SECONDS).hostId()).isEqualTo("h1");
    // The plugin's raw reads (tpstats, compactionstats) go over HTTPS too.
    assertThat(agents.get(first, "/v1/node").path("hostId").asText()).isEqualTo("h1");
    assertThat(good.authorizations()).containsExactly("Bearer " + TOKEN, "Bearer " + TOKEN);
  }

  @Test
  void anAgentShowingAnotherNodesCertificateIsNotBelieved() throws Exception {
    // r3's status says it is at the impostor's address, which serves r2's certificate
    NodeStatus third = node("orders-dc1-r3-0", "r3", "127.63.0.2");
    secret("orders-dc1-r3-0-tls", Map.of(Names.TLS_CA_KEY, CA.pem()));
    Agents agents = Agents.of(client, cluster(List.of(third)), impostor.port(), true).orElseThrow();
    try {
      agents.client().nodeInfo(agents.endpoint(third)).get(10, TimeUnit.SECONDS);
      throw new AssertionError("the impostor was believed");
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(NodeClientException.class)
          .hasMessageContaining("does not name orders-dc1-r3-0.orders-nodes.tls.svc");
    }
    assertThat(impostor.authorizations()).isEmpty();
  }

  @Test
  void aNodeWithoutTlsSecretIsNotAskedAndItsFiguresAreLeftOut() {
    NodeStatus first = node("orders-dc1-r1-0", "r1", "127.63.0.1");
    NodeStatus unknown = node("orders-dc1-r3-0", "r3", "127.63.0.1"); // no orders-dc1-r3-0-tls Secret
    CassandraCluster cr = cluster(List.of(first, unknown));
    Agents agents = Agents.of(client, cr, good.port(), true).orElseThrow();
    assertThat(agents.endpoint(unknown).tls().hasCaBundle()).isFalse();
    assertThat(agents.endpoint(unknown).tls().source()).contains("orders-dc1-r3-0-tls does not exist");
    assertThat(Agents.idOf("orders", node("orders-dc1-r1-x", "r1", "x"))).isNull();
    // status' figures: r1 answers over HTTPS, r3 is left out ("-")
    assertThat(agents.metrics(cr)).containsOnlyKeys("orders-dc1-r1-0");
    assertThat(good.authorizations()).hasSize(1); // r3, at the same address, was never called
  }
}
