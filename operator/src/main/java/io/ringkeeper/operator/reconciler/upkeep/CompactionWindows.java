package io.ringkeeper.operator.reconciler.upkeep;

import io.ringkeeper.api.v1alpha1.CompactionThroughputWindow;
import io.ringkeeper.api.v1alpha1.MaintenanceStatus;
import io.ringkeeper.operator.domain.upkeep.Answer;
import io.ringkeeper.operator.domain.upkeep.CompactionPlanner;
import io.ringkeeper.operator.domain.upkeep.UpkeepNode;
import io.ringkeeper.operator.reconciler.act.UpkeepExecutor;
import io.ringkeeper.operator.reconciler.events.ClusterEvent;
import io.ringkeeper.operator.reconciler.observe.UpkeepSpecs;
import io.ringkeeper.operator.reconciler.status.UpkeepRecords;
import java.time.Instant;
import java.util.List;

/**
 * The compaction window stage of a reconcile: the spec and the previous record become domain values, the pure
 * {@link CompactionPlanner} decides, the {@link UpkeepExecutor} fires the throughput changes, the planner folds the
 * answers into the next record, and the status stage puts it in {@code status.maintenance.compactionThroughput}.
 */
final class CompactionWindows {
  private final UpkeepExecutor executor;

  CompactionWindows(UpkeepExecutor executor) {
    this.executor = executor;
  }

  /**
   * One step; updates {@code status.compactionThroughput}.
   *
   * @return when the windows need a look again: the end of the window in force or the next start
   */
  Instant apply(List<CompactionThroughputWindow> windows, String timeZone, MaintenanceStatus status,
      List<UpkeepTarget> nodes, Instant now, List<ClusterEvent> events) {
    CompactionPlanner.Plan plan = CompactionPlanner.plan(UpkeepSpecs.windows(windows), UpkeepSpecs.zone(timeZone),
        UpkeepRecords.window(status), UpkeepTarget.upkeep(nodes), now);
    List<Answer> answers = executor.perform(plan.steps(), UpkeepTarget.endpoints(nodes));
    CompactionPlanner.Outcome outcome = CompactionPlanner.record(plan, answers);
    UpkeepRecords.putWindow(status, outcome.window());
    outcome.notices().forEach(n -> events.add(ClusterEvent.of(n)));
    return outcome.check();
  }
}
