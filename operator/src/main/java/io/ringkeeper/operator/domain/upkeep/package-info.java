/**
 * The upkeep planner: repair runs (when they start: {@link io.ringkeeper.operator.domain.upkeep.RepairTriggers};
 * how they go: {@link io.ringkeeper.operator.domain.upkeep.RepairRunPlanner}; when keyspaces are overdue:
 * {@link io.ringkeeper.operator.domain.upkeep.RepairDeadlines}), compaction throughput windows, scheduled node tasks
 * and the SSTable upgrade after a version change, as pure decisions. Each planner takes the spec, the previous
 * record (as kept in status) and the nodes as plain values and returns the
 * {@link io.ringkeeper.operator.domain.upkeep.UpkeepStep}s to fire now; what the nodes answered is folded back
 * into the next record by the same planner. Nothing here calls a node, reads a clock or touches a Kubernetes type.
 */
package io.ringkeeper.operator.domain.upkeep;
