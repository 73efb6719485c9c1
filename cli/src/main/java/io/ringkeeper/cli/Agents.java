package io.ringkeeper.cli;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.NodeStatus;
import io.ringkeeper.operator.domain.model.NodeId;
import io.ringkeeper.operator.node.AgentToken;
import io.ringkeeper.operator.node.HttpNodeClient;
import io.ringkeeper.operator.node.NodeEndpoint;
import io.ringkeeper.operator.node.NodeMetrics;
import io.ringkeeper.operator.node.NodeTls;
import io.ringkeeper.operator.resources.AgentTls;
import io.ringkeeper.operator.resources.Names;
import io.ringkeeper.operator.resources.Secrets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The node agents of a cluster as the command line reaches them: at each node's pod IP, with the bearer token from
 * the cluster's agent-token Secret (so it needs read access to that Secret, and a route to the pod network, as
 * the operator has; from outside the cluster the calls fail and the commands show "-").
 *
 * <p>When the cluster's agents serve HTTPS ({@link AgentTls#enabled}), each node is called over HTTPS and verified
 * as the operator does: its certificate must chain to the {@code ca.crt} of the node's TLS Secret and name the node
 * ({@link Names#nodeAddress}); that needs read access to the TLS Secrets too. A node whose Secret cannot be read
 * is not called (its figures show "-").
 */
public final class Agents {
  /**
   * Short: a status must not hang on a node that does not answer. Long enough for a first TLS handshake (it counts
   * in the connect time; 500 ms timed out on a loaded machine).
   */
  private static final Duration CONNECT = Duration.ofMillis(1500);
  private static final Duration REQUEST = Duration.ofSeconds(2);

  private final HttpNodeClient client = new HttpNodeClient(CONNECT, REQUEST, 8);
  private final String token;
  private final int port;
  private final KubernetesClient kube;
  private final CassandraCluster cr;
  private final boolean https;
  private final Map<String, NodeTls> tls = new ConcurrentHashMap<>();

  private Agents(String token, int port, KubernetesClient kube, CassandraCluster cr, boolean https) {
    this.token = token;
    this.port = port;
    this.kube = kube;
    this.cr = cr;
    this.https = https;
  }

  /** The agents of a cluster, or empty when its agent-token Secret cannot be read. */
  public static Optional<Agents> of(KubernetesClient kube, CassandraCluster cr) {
    return of(kube, cr, NodeEndpoint.DEFAULT_PORT);
  }

  /** The agents of a cluster on another port than the pods' (e.g. a test's fake agent). */
  public static Optional<Agents> of(KubernetesClient kube, CassandraCluster cr, int port) {
    return of(kube, cr, port, AgentTls.enabled(cr.getSpec()));
  }

  /** @param https whether the agents serve HTTPS (a test's choice; otherwise {@link AgentTls#enabled}) */
  public static Optional<Agents> of(KubernetesClient kube, CassandraCluster cr, int port, boolean https) {
    Secret secret;
    try {
      secret = kube.secrets().inNamespace(cr.getMetadata().getNamespace())
          .withName(Names.agentTokenSecret(cr.getMetadata().getName())).get();
    } catch (RuntimeException e) {
      return Optional.empty(); // e.g. RBAC forbids reading Secrets: the commands go on without the agents
    }
    String token = Secrets.value(secret, Names.AGENT_TOKEN_KEY);
    return token == null ? Optional.empty() : Optional.of(new Agents(token, port, kube, cr, https));
  }

  public NodeEndpoint endpoint(NodeStatus node) {
    return new NodeEndpoint(node.getName(), node.getPodIP(), port, new AgentToken(token),
        https ? tls.computeIfAbsent(node.getName(), n -> trust(node)) : null);
  }

  /** The CA bundle and name a node's agent is verified with, from its TLS Secret (read once per command). */
  private NodeTls trust(NodeStatus node) {
    String cluster = cr.getMetadata().getName();
    String namespace = cr.getMetadata().getNamespace();
    NodeId id = idOf(cluster, node);
    if (id == null) {
      return NodeTls.missing(node.getName() + "." + Names.peerService(cluster) + "." + namespace + ".svc",
          "node " + node.getName() + " has no datacenter, rack and index in status: its TLS Secret is unknown");
    }
    Secret secret;
    try {
      secret = kube.secrets().inNamespace(namespace).withName(Names.nodeTlsSecret(id)).get();
    } catch (RuntimeException e) {
      return NodeTls.missing(Names.nodeAddress(id, namespace), "its TLS Secret " + Names.nodeTlsSecret(id)
          + " cannot be read (" + e.getMessage() + "); reading it needs get on secrets");
    }
    return NodeTls.fromSecret(secret, id, namespace);
  }

  /** The node's identity from its status entry: its datacenter, rack and the index its name ends with. */
  static NodeId idOf(String cluster, NodeStatus node) {
    String name = node.getName();
    if (name == null || node.getDatacenter() == null || node.getRack() == null) {
      return null;
    }
    int dash = name.lastIndexOf('-');
    try {
      NodeId id = new NodeId(cluster, node.getDatacenter(), node.getRack(), Integer.parseInt(name.substring(dash + 1)));
      return id.name().equals(name) ? id : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  public HttpNodeClient client() {
    return client;
  }

  /**
   * {@code GET path} of one node's agent, its JSON answer; for the read-only endpoints the operator's client has no
   * call for ({@code /v1/threadpools}, {@code /v1/compactions}). A non-2xx answer is a {@link RingkeeperPlugin.Failure}
   * with the agent's error.
   */
  public com.fasterxml.jackson.databind.JsonNode get(NodeStatus node, String path) throws InterruptedException {
    // Through the operator's client: over HTTPS with the node's trust when the cluster runs TLS (a plain-HTTP GET
    // to an HTTPS agent got "header parser received no bytes", found by KubectlPluginE2E once TLS was the default).
    try {
      return client.get(endpoint(node), path).get(client.callTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof io.ringkeeper.operator.node.NodeClientException n && n.httpStatus() / 100 == 4) {
        throw new RingkeeperPlugin.Failure("the agent of " + node.getName() + " refused " + path + " ("
            + n.httpStatus() + "): " + n.getMessage());
      }
      if (cause instanceof io.ringkeeper.operator.node.NodeClientException n && n.httpStatus() != 0) {
        throw new RingkeeperPlugin.Failure("the agent of " + node.getName() + " answered " + path + " with "
            + n.httpStatus() + ": " + n.getMessage());
      }
      throw new RingkeeperPlugin.Failure("the agent of " + node.getName() + " at " + node.getPodIP()
          + " did not answer: " + RingkeeperPlugin.describe(cause));
    } catch (java.util.concurrent.TimeoutException e) {
      throw new RingkeeperPlugin.Failure("the agent of " + node.getName() + " at " + node.getPodIP()
          + " did not answer within " + client.callTimeout().toSeconds() + " s");
    }
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
