package io.ringkeeper.operator.node;

import java.util.Objects;

/**
 * Where one node's agent listens.
 *
 * @param node the node (pod) name, used in messages and metrics
 * @param address the pod IP the agent is bound to
 * @param port the agent's port
 * @param token the bearer token of the cluster's agents
 * @param tls how the agent's HTTPS certificate is verified, or null when the agent speaks plain HTTP
 */
public record NodeEndpoint(String node, String address, int port, AgentToken token, NodeTls tls) {
  public static final int DEFAULT_PORT = 8778;

  public NodeEndpoint {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(token, "token");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
  }

  /** An agent that speaks plain HTTP. */
  public NodeEndpoint(String node, String address, int port, AgentToken token) {
    this(node, address, port, token, null);
  }

  /** Whether the agent is called over HTTPS. */
  public boolean https() {
    return tls != null;
  }
}
