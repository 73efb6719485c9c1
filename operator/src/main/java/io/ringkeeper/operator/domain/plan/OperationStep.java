package io.ringkeeper.operator.domain.plan;

/** Steps of the operations; the names are those of status.operation.step. */
public enum OperationStep {
  /** A new node's pod is created and the node streams its ranges. */
  Bootstrapping,
  /** cleanup runs on the operation's current node. */
  CleaningUp,
  /** The node is asked to decommission (recorded before the agent is asked). */
  Decommissioning,
  /** The node's pod is being deleted (recorded before it is deleted). */
  DeletingPod,
  /** The node's volume is being deleted (recorded before it is deleted). */
  DeletingVolume,
  /** The node flushes and stops accepting writes before its pod is deleted. */
  Draining,
  /** The node's pod was deleted after draining and is recreated; waiting for it to be up and normal. */
  Restarting,
  /** An empty node with the lost node's tokens starts with replace_address_first_boot. */
  Replacing,
  /** The node streams the data of its ranges from the source datacenter (agent rebuild job). */
  Rebuilding,
  /** Hibernate: every node is stopped; waiting for spec.stopped to be set back to false. */
  Stopped,
  /** Wake: the node's pod is created again with its volume and tokens; waiting for it to be up and normal. */
  Starting
}
