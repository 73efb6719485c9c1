package io.ringkeeper.api.v1alpha1;

/** A node's state in nodetool's two-letter notation, as the cluster sees it. */
public enum NodeState {
  /** Up, normal. */
  UN,
  /** Up, joining the ring. */
  UJ,
  /** Up, leaving the ring (decommissioning). */
  UL,
  /** Up, moving. */
  UM,
  /** Down (not reachable, or seen down by its peers). */
  DN,
  /** Not started yet, or never reached. */
  Unknown
}
