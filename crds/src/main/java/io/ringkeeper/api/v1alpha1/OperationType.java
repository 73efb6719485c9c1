package io.ringkeeper.api.v1alpha1;

/** A disruptive operation the operator carries out one step at a time. */
public enum OperationType {
  /** Start the nodes of a new cluster together with pre-assigned tokens. */
  Create,
  /** Add one node, which bootstraps. */
  ScaleUp,
  /** Run cleanup on the other nodes after a join, one at a time. */
  Cleanup,
  /** Decommission one node, then delete its pod (and claim, per reclaim). */
  ScaleDown,
  /** Restart nodes one at a time after what they run changed. */
  RollingRestart,
  /** Restart one node on request. */
  Restart,
  /** Replace a lost node with an empty one holding the same tokens. */
  Replace,
  /** Grow the nodes' claims. */
  ResizeStorage,
  /** Stream data into a new datacenter from an existing one. */
  Rebuild,
  /** spec.stopped: drain and stop every node one at a time; stays recorded while the cluster is stopped. */
  Hibernate,
  /** spec.stopped back to false: start the stopped nodes one at a time with their volumes and tokens. */
  Wake,
  /** A node named in the cluster's ringkeeper.io/fenced annotation is drained and its pod stopped. */
  Fence
}
