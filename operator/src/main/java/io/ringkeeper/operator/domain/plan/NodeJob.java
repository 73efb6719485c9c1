package io.ringkeeper.operator.domain.plan;

/** Jobs the planner has a node's agent run. */
public enum NodeJob {
  DECOMMISSION,
  DRAIN,
  CLEANUP,
  REBUILD
}
