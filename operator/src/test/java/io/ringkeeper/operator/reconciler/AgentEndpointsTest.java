package io.ringkeeper.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.operator.domain.model.NodeId;
import io.ringkeeper.operator.domain.plan.KnownNode;
import io.ringkeeper.operator.node.NodeEndpoint;
import io.ringkeeper.operator.reconciler.observe.ObservedState;
import io.ringkeeper.operator.resources.AgentTls;
import io.ringkeeper.operator.resources.Labels;
import io.ringkeeper.operator.resources.Names;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Which agents the poller asks, and how: over HTTPS with each node's CA and name when the agents serve TLS. */
class AgentEndpointsTest {
  private static final String CA_PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
  private static final List<KnownNode> KNOWN = List.of(
      new KnownNode(new NodeId("demo", "dc1", "r1", 0), List.of(1L), true),
      new KnownNode(new NodeId("demo", "dc1", "r2", 0), List.of(2L), true),
      new KnownNode(new NodeId("demo", "dc1", "r3", 0), List.of(3L), true));

  private static CassandraCluster cluster(boolean tls) {
    return Serialization.unmarshal("""
        apiVersion: ringkeeper.io/v1alpha1
        kind: CassandraCluster
        metadata: {name: demo, namespace: db}
        spec:
          tls: {enabled: %s}
          datacenters:
            - {name: dc1, replicationFactor: 3, size: 3, racks: [{name: r1}, {name: r2}, {name: r3}]}
        """.formatted(tls), CassandraCluster.class);
  }

  private static Secret secret(String name, Map<String, String> data) {
    Map<String, String> encoded = new HashMap<>();
    data.forEach((k, v) -> encoded.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    return new SecretBuilder().withNewMetadata().withName(name).withLabels(Labels.cluster("demo")).endMetadata()
        .withData(encoded).build();
  }

  /** Pods with IPs for every node; the token Secret; TLS Secrets for r1 (good) and r2 (no ca.crt), none for r3. */
  private static ObservedState observed() {
    Map<String, Pod> pods = new HashMap<>();
    for (KnownNode node : KNOWN) {
      pods.put(node.name(), new PodBuilder().withNewMetadata().withName(node.name()).endMetadata()
          .withNewStatus().withPodIP("10.0.0." + node.id().rack().charAt(1)).endStatus().build());
    }
    Map<String, Secret> secrets = new HashMap<>();
    secrets.put(Names.agentTokenSecret("demo"), secret(Names.agentTokenSecret("demo"),
        Map.of(Names.AGENT_TOKEN_KEY, "t0ken")));
    secrets.put("demo-dc1-r1-0-tls", secret("demo-dc1-r1-0-tls", Map.of(Names.TLS_CA_KEY, CA_PEM)));
    secrets.put("demo-dc1-r2-0-tls", secret("demo-dc1-r2-0-tls", Map.of(Names.TLS_CERT_KEY, "x")));
    return new ObservedState(pods, Map.of(), Map.of(), Map.of(), secrets, Map.of(), Map.of());
  }

  private static Map<String, NodeEndpoint> byNode(List<NodeEndpoint> endpoints) {
    return endpoints.stream().collect(Collectors.toMap(NodeEndpoint::node, Function.identity()));
  }

  @Test
  void withAgentTlsEachNodeIsCalledOverHttpsWithTheCaOfItsOwnSecretAndItsName() {
    Map<String, NodeEndpoint> endpoints = byNode(AgentEndpoints.of(cluster(true), observed(), KNOWN, 8778, true));
    NodeEndpoint good = endpoints.get("demo-dc1-r1-0");
    assertThat(good.https()).isTrue();
    assertThat(good.tls().caBundle()).isEqualTo(CA_PEM);
    assertThat(good.tls().serverName()).isEqualTo("demo-dc1-r1-0.demo-nodes.db.svc");
    assertThat(good.tls().source()).isEqualTo("Secret demo-dc1-r1-0-tls key ca.crt");
  }

  @Test
  void aNodeWhoseTlsSecretIsMissingOrHasNoCaIsNeverCalledOverPlainHttp() {
    Map<String, NodeEndpoint> endpoints = byNode(AgentEndpoints.of(cluster(true), observed(), KNOWN, 8778, true));
    NodeEndpoint noCa = endpoints.get("demo-dc1-r2-0");
    NodeEndpoint noSecret = endpoints.get("demo-dc1-r3-0");
    assertThat(noCa.https()).isTrue();
    assertThat(noCa.tls().hasCaBundle()).isFalse();
    assertThat(noCa.tls().source()).contains("demo-dc1-r2-0-tls has no key ca.crt");
    assertThat(noSecret.https()).isTrue();
    assertThat(noSecret.tls().hasCaBundle()).isFalse();
    assertThat(noSecret.tls().source()).contains("demo-dc1-r3-0-tls does not exist");
  }

  @Test
  void withoutAgentTlsTheAgentsAreCalledOverHttp() {
    assertThat(AgentEndpoints.of(cluster(true), observed(), KNOWN, 8778, false)).hasSize(3)
        .allMatch(e -> !e.https());
    // the agents serve HTTPS exactly when the cluster runs TLS
    assertThat(AgentTls.enabled(cluster(true).getSpec())).isTrue();
    assertThat(AgentTls.enabled(cluster(false).getSpec())).isFalse();
  }

  @Test
  void theTlsSecretsAreSeenByTheSecretInformerTheyCarryItsLabels() {
    // The informer selects Labels.MANAGED_SELECTOR and Observer keeps objects labelled for the cluster:
    // Labels.cluster(...) (what the TLS Secrets are written with) has both.
    Map<String, String> labels = Labels.cluster("demo");
    String[] selector = Labels.MANAGED_SELECTOR.split("=", 2);
    assertThat(labels).containsEntry(selector[0], selector[1]).containsEntry(Labels.CLUSTER, "demo");
  }
}
