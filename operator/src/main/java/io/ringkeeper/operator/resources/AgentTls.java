package io.ringkeeper.operator.resources;

import io.ringkeeper.api.v1alpha1.CassandraClusterSpec;

/**
 * Whether a cluster's node agents serve HTTPS, so the operator and the command line call them over HTTPS and verify
 * them against the node's TLS Secret. The single place that decides it: TLS on for the cluster
 * ({@link SpecDefaults#tlsEnabled}) and the agents' HTTPS switched on ({@link #AGENT_TLS_SWITCH}).
 */
public final class AgentTls {
  /**
   * Whether the agents are started with HTTPS when the cluster's TLS is on. False until the agent, the pods'
   * readiness probes and the operator's client are merged together (issue #15); then it goes (or becomes the pods'
   * own switch).
   */
  public static final boolean AGENT_TLS_SWITCH = false;

  private AgentTls() {}

  /** Whether the agents of a cluster with this spec speak HTTPS. */
  public static boolean enabled(CassandraClusterSpec spec) {
    return enabled(spec, AGENT_TLS_SWITCH);
  }

  /** {@link #enabled(CassandraClusterSpec)} with the switch given (for tests of both positions). */
  public static boolean enabled(CassandraClusterSpec spec, boolean agentTlsSwitch) {
    return agentTlsSwitch && SpecDefaults.tlsEnabled(spec);
  }
}
