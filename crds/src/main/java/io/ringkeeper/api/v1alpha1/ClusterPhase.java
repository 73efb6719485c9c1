package io.ringkeeper.api.v1alpha1;

/** The one-word summary of a cluster's state shown by {@code kubectl get cass}. */
public enum ClusterPhase {
  /** Nodes of a new cluster are starting. */
  Creating,
  /** Every node is up and normal and nothing is in progress. */
  Ready,
  /** A node is joining or leaving, or cleanup after a join is running. */
  Scaling,
  /** Nodes are being restarted one at a time. */
  Restarting,
  /** A node is being replaced. */
  Replacing,
  /** A repair run is in progress. */
  Repairing,
  /** A node is down or does not hold the tokens it was given. */
  Degraded,
  /** spec.stopped: the nodes are being drained and stopped one at a time. */
  Stopping,
  /** spec.stopped: every node is stopped; volumes and tokens are kept. */
  Stopped,
  /** spec.stopped set back to false: the stopped nodes start again one at a time. */
  Starting,
  /** The spec is invalid; see the Valid condition. Nothing is changed until it is fixed. */
  Invalid
}
