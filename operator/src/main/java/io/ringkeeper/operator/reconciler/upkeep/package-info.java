/**
 * The upkeep stage of a reconcile: repair, compaction windows and node tasks, each wired the same way: observe
 * (reconciler/observe, the poller's last round), plan (domain/upkeep, pure), act (reconciler/act's UpkeepExecutor,
 * fired and never waited for), and status (reconciler/status turns the planners' records into the status). The
 * stage decides nothing itself.
 */
package io.ringkeeper.operator.reconciler.upkeep;
