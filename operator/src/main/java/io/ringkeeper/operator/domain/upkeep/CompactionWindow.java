package io.ringkeeper.operator.domain.upkeep;

import java.time.Duration;
import java.util.Objects;

/**
 * A compaction throughput window of the spec.
 *
 * @param schedule cron expression of its start
 * @param length how long it stays in force
 * @param mibPerSecond the throughput while it is in force
 */
public record CompactionWindow(String schedule, Duration length, int mibPerSecond) {
  public CompactionWindow {
    Objects.requireNonNull(schedule, "schedule");
    Objects.requireNonNull(length, "length");
  }
}
