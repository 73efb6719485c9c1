package io.ringkeeper.operator.reconciler.observe;

import io.ringkeeper.api.v1alpha1.CompactionThroughputWindow;
import io.ringkeeper.api.v1alpha1.MaintenanceTask;
import io.ringkeeper.operator.domain.schedule.Durations;
import io.ringkeeper.operator.domain.upkeep.CompactionWindow;
import io.ringkeeper.operator.domain.upkeep.NodeTask;
import java.time.ZoneId;
import java.util.List;

/** The upkeep parts of the spec as the upkeep planner's values (validated before: see SpecValidator). */
public final class UpkeepSpecs {
  private UpkeepSpecs() {}

  public static List<CompactionWindow> windows(List<CompactionThroughputWindow> windows) {
    return windows == null ? List.of() : windows.stream()
        .map(w -> new CompactionWindow(w.getSchedule(), Durations.parse(w.getDuration()), w.getMibPerSecond()))
        .toList();
  }

  /** The time zone schedules are read in: spec.repair.timeZone, UTC when unset. */
  public static ZoneId zone(String timeZone) {
    return ZoneId.of(timeZone == null ? "UTC" : timeZone);
  }

  public static List<NodeTask> tasks(List<MaintenanceTask> tasks) {
    return tasks == null ? List.of() : tasks.stream()
        .map(t -> new NodeTask(t.getName(), t.getSchedule(), NodeTask.Operation.valueOf(t.getOperation().name()),
            t.getKeyspaces(), t.getTables()))
        .toList();
  }
}
