package io.ringkeeper.api.v1alpha1;

/** What happens to a node's PersistentVolumeClaim when the node is removed or the cluster deleted. */
public enum ReclaimPolicy {
  /** Keep the claim (and its data); the user deletes it. */
  Retain,
  /** Delete the claim once the node has decommissioned (or the cluster is deleted). */
  Delete
}
