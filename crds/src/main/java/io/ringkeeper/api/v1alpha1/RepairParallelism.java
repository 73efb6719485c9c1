package io.ringkeeper.api.v1alpha1;

/** How many repair segments run at once. */
public enum RepairParallelism {
  /** One segment at a time in the whole cluster. */
  Sequential,
  /** As many segments at once as have pairwise disjoint replica sets. */
  Parallel,
  /** Like Parallel, but segments of different datacenters never run together. */
  DatacenterAware
}
