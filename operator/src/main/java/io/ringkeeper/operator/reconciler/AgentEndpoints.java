package io.ringkeeper.operator.reconciler;

import io.fabric8.kubernetes.api.model.Pod;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.operator.domain.plan.KnownNode;
import io.ringkeeper.operator.node.AgentToken;
import io.ringkeeper.operator.node.NodeEndpoint;
import io.ringkeeper.operator.node.NodeTls;
import io.ringkeeper.operator.reconciler.observe.ObservedState;
import io.ringkeeper.operator.resources.AgentTls;
import io.ringkeeper.operator.resources.Names;
import io.ringkeeper.operator.resources.Secrets;
import java.util.ArrayList;
import java.util.List;

/**
 * The agents the poller asks: recorded nodes whose pod has an IP, with the cluster's bearer token. When the agents
 * serve HTTPS ({@link AgentTls#enabled}), each endpoint carries the CA bundle of the node's TLS Secret (from the
 * Secret informer's cache) and the node's DNS name its certificate must show; a node whose Secret or CA is missing
 * gets an endpoint that says why, so it is reported as not answering, never contacted over plain HTTP.
 */
final class AgentEndpoints {
  private AgentEndpoints() {}

  static List<NodeEndpoint> of(CassandraCluster cr, ObservedState observed, List<KnownNode> known, int port,
      boolean agentTls) {
    String token = Secrets.value(observed.secrets().get(Names.agentTokenSecret(cr.getMetadata().getName())),
        Names.AGENT_TOKEN_KEY);
    List<NodeEndpoint> endpoints = new ArrayList<>();
    if (token == null || token.isBlank()) {
      return endpoints;
    }
    String namespace = cr.getMetadata().getNamespace();
    for (KnownNode node : known) {
      Pod pod = observed.pods().get(node.name());
      String ip = pod == null || pod.getStatus() == null ? null : pod.getStatus().getPodIP();
      if (ip != null && !ip.isBlank() && pod.getMetadata().getDeletionTimestamp() == null) {
        NodeTls tls = agentTls
            ? NodeTls.fromSecret(observed.secrets().get(Names.nodeTlsSecret(node.id())), node.id(), namespace)
            : null;
        endpoints.add(new NodeEndpoint(node.name(), ip, port, new AgentToken(token), tls));
      }
    }
    return endpoints;
  }

  /** {@link #of} with the agents' HTTPS as the cluster's spec and the switch say. */
  static List<NodeEndpoint> of(CassandraCluster cr, ObservedState observed, List<KnownNode> known, int port) {
    return of(cr, observed, known, port, AgentTls.enabled(cr.getSpec()));
  }
}
