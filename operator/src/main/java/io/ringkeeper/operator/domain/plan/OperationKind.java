package io.ringkeeper.operator.domain.plan;

/** Kinds of operation; the names are those of status.operation.type. */
public enum OperationKind {
  /** One node added; it bootstraps alone. */
  ScaleUp,
  /** cleanup on the other nodes of the datacenter after a join, one at a time. */
  Cleanup,
  /** One node decommissioned, then its pod (and volume, per storage.reclaim) deleted. */
  ScaleDown,
  /** Nodes whose configuration changed, or all nodes on the cluster's restart annotation, one at a time. */
  RollingRestart,
  /** One node restarted on its pod's restart annotation. */
  Restart,
  /** A lost node replaced by an empty one with the same tokens. */
  Replace,
  /** The nodes of a datacenter added to the running cluster stream its data from an existing one, one at a time. */
  Rebuild,
  /** spec.stopped: every node drained and stopped, one at a time; recorded for as long as the cluster is stopped. */
  Hibernate,
  /** spec.stopped back to false: the stopped nodes started again, one at a time, with their volumes and tokens. */
  Wake,
  /** A node named in the cluster's fenced annotation drained and its pod stopped; its volume is kept. */
  Fence;

  /** Whether the operation stops or starts the whole cluster (spec.stopped): upkeep and node tasks pause. */
  public boolean hibernation() {
    return this == Hibernate || this == Wake;
  }

  /** A rolling restart, or the restart of nodes asked for by annotation. */
  public boolean restart() {
    return this == RollingRestart || this == Restart;
  }

  /** Whether the operation changes the datacenter's size (phase Scaling). */
  public boolean scaling() {
    return this == ScaleUp || this == Cleanup || this == ScaleDown;
  }
}
