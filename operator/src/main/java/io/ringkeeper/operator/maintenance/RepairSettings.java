package io.ringkeeper.operator.maintenance;

import io.ringkeeper.api.v1alpha1.RepairParallelism;
import io.ringkeeper.api.v1alpha1.RepairSpec;
import io.ringkeeper.operator.domain.repair.RepairMode;
import io.ringkeeper.operator.domain.schedule.Durations;
import java.time.Duration;
import java.util.List;

/** The repair section of the spec with its defaults filled in (the spec was validated before). */
record RepairSettings(List<String> keyspaces, int segmentsPerNode, RepairMode mode, double intensity,
    Duration segmentTimeout, int retries) {

  static RepairSettings of(RepairSpec spec) {
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

  /** The repair parallelism each segment's repair session uses inside Cassandra. */
  String sessionParallelism() {
    return mode.name();
  }
}
