package io.ringkeeper.operator.domain.repair;

/** How many segments may run at once. */
public enum RepairMode {
  /** One segment at a time in the whole cluster. */
  SEQUENTIAL,
  /** Any segments whose replica sets are pairwise disjoint. */
  PARALLEL,
  /** Like PARALLEL, but only segments of one datacenter at a time. */
  DATACENTER_AWARE
}
