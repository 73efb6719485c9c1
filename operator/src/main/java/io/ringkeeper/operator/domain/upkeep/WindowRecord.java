package io.ringkeeper.operator.domain.upkeep;

import java.time.Instant;
import java.util.List;

/**
 * The window in force (or being undone), as kept in {@code status.maintenance.compactionThroughput}: everything a
 * restarted operator needs to finish setting the nodes and to restore them at the end.
 *
 * @param schedule the window's cron expression
 * @param until its end
 * @param mibPerSecond its throughput
 * @param restoreMibPerSecond the value to give back at the end (the one the first node set reported); null until known
 * @param appliedTo the nodes set so far (sorted)
 */
public record WindowRecord(String schedule, Instant until, Integer mibPerSecond, Integer restoreMibPerSecond,
    List<String> appliedTo) {
  public WindowRecord {
    appliedTo = appliedTo == null ? List.of() : List.copyOf(appliedTo);
  }
}
