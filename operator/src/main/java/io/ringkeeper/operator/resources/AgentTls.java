package io.ringkeeper.operator.resources;

import io.ringkeeper.api.v1alpha1.CassandraClusterSpec;

/**
 * Whether a cluster's node agents serve HTTPS: exactly when the cluster runs TLS ({@link SpecDefaults#tlsEnabled}).
 * The single place that decides it, for the agent's {@code tlsDir} argument ({@link JvmOptions#forNode}), the
 * readiness probe's scheme ({@link NodePods}) and how the operator and the command line call the agents.
 */
public final class AgentTls {
  private AgentTls() {}

  /** Whether the agents of a cluster with this spec speak HTTPS. */
  public static boolean enabled(CassandraClusterSpec spec) {
    return SpecDefaults.tlsEnabled(spec);
  }
}
