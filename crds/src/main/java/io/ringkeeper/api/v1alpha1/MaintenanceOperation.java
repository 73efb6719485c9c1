package io.ringkeeper.api.v1alpha1;

/** A node operation that can be scheduled. */
public enum MaintenanceOperation {
  /** Major compaction (nodetool compact). */
  Compact,
  /** Drop deleted data and overwritten cells (nodetool garbagecollect). */
  GarbageCollect,
  /** Rewrite SSTables in the current format (nodetool upgradesstables). */
  UpgradeSSTables,
  /** Drop data of ranges the node no longer owns (nodetool cleanup). */
  Cleanup
}
