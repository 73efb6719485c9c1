package io.ringkeeper.cli;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.NodeStatus;
import io.ringkeeper.operator.node.AgentToken;
import io.ringkeeper.operator.node.HttpNodeClient;
import io.ringkeeper.operator.node.NodeEndpoint;
import io.ringkeeper.operator.node.NodeMetrics;
import io.ringkeeper.operator.resources.Names;
import io.ringkeeper.operator.resources.Secrets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The node agents of a cluster as the command line reaches them: at each node's pod IP, with the bearer token from
 * the cluster's agent-token Secret (so it needs read access to that Secret, and a route to the pod network, as
 * the operator has; from outside the cluster the calls fail and the commands show "-").
 */
public final class Agents {
  /** Short: a status must not hang on a node that does not answer. */
  private static final Duration CONNECT = Duration.ofMillis(500);
  private static final Duration REQUEST = Duration.ofSeconds(2);

  private final HttpNodeClient client = new HttpNodeClient(CONNECT, REQUEST, 8);
  private final String token;
  private final int port;

  private Agents(String token, int port) {
    this.token = token;
    this.port = port;
  }

  /** The agents of a cluster, or empty when its agent-token Secret cannot be read. */
  public static Optional<Agents> of(KubernetesClient kube, CassandraCluster cr) {
    return of(kube, cr, NodeEndpoint.DEFAULT_PORT);
  }

  /** The agents of a cluster on another port than the pods' (e.g. a test's fake agent). */
  public static Optional<Agents> of(KubernetesClient kube, CassandraCluster cr, int port) {
    Secret secret;
    try {
      secret = kube.secrets().inNamespace(cr.getMetadata().getNamespace())
          .withName(Names.agentTokenSecret(cr.getMetadata().getName())).get();
    } catch (RuntimeException e) {
      return Optional.empty(); // e.g. RBAC forbids reading Secrets: the commands go on without the agents
    }
    String token = Secrets.value(secret, Names.AGENT_TOKEN_KEY);
    return token == null ? Optional.empty() : Optional.of(new Agents(token, port));
  }

  public NodeEndpoint endpoint(NodeStatus node) {
    return new NodeEndpoint(node.getName(), node.getPodIP(), port, new AgentToken(token));
  }

  public HttpNodeClient client() {
    return client;
  }

  /** Every node's current metrics from its agent, asked in parallel; nodes that do not answer are left out. */
  public Map<String, NodeMetrics> metrics(CassandraCluster cr) {
    Map<String, CompletableFuture<NodeMetrics>> asked = new HashMap<>();
    if (cr.getStatus() != null) {
      for (NodeStatus node : cr.getStatus().getNodes()) {
        if (node.getPodIP() != null) {
          asked.put(node.getName(), client.metrics(endpoint(node)));
        }
      }
    }
    Map<String, NodeMetrics> metrics = new HashMap<>();
    asked.forEach((name, future) -> {
      try {
        metrics.put(name, future.get(3, TimeUnit.SECONDS));
      } catch (Exception e) {
        // no answer: the table shows "-"
      }
    });
    return metrics;
  }

  /** {@link #metrics(CassandraCluster)}, or nothing when the agents cannot be reached at all. */
  public static Map<String, NodeMetrics> metrics(KubernetesClient kube, CassandraCluster cr) {
    return of(kube, cr).map(a -> a.metrics(cr)).orElseGet(Map::of);
  }
}
