package io.ringkeeper.operator.reconciler.observe;

import io.ringkeeper.api.v1alpha1.CompactionThroughputWindow;
import io.ringkeeper.api.v1alpha1.MaintenanceTask;
import io.ringkeeper.api.v1alpha1.RepairParallelism;
import io.ringkeeper.api.v1alpha1.RepairSpec;
import io.ringkeeper.operator.domain.repair.RepairMode;
import io.ringkeeper.operator.domain.schedule.Durations;
import io.ringkeeper.operator.domain.upkeep.CompactionWindow;
import io.ringkeeper.operator.domain.upkeep.NodeTask;
import io.ringkeeper.operator.domain.upkeep.RepairSettings;
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

  /** The repair section of the spec with its defaults filled in. */
  public static RepairSettings repair(RepairSpec spec) {
    RepairSpec s = spec == null ? new RepairSpec() : spec;
    RepairParallelism p = s.getParallelism() == null ? RepairParallelism.Sequential : s.getParallelism();
    RepairMode mode = switch (p) {
      case Sequential -> RepairMode.SEQUENTIAL;
      case Parallel -> RepairMode.PARALLEL;
      case DatacenterAware -> RepairMode.DATACENTER_AWARE;
    };
    return new RepairSettings(s.getKeyspaces() == null ? List.of() : List.copyOf(s.getKeyspaces()),
        s.getSegmentsPerNode() == null ? 16 : s.getSegmentsPerNode(), mode,
        s.getIntensity() == null ? 0.5 : s.getIntensity(),
        Durations.parse(s.getSegmentTimeout() == null ? "30m" : s.getSegmentTimeout()),
        s.getSegmentRetries() == null ? 3 : s.getSegmentRetries());
  }
}
