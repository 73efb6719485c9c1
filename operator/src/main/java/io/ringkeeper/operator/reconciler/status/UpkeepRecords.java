package io.ringkeeper.operator.reconciler.status;

import io.ringkeeper.api.v1alpha1.CompactionWindowStatus;
import io.ringkeeper.api.v1alpha1.MaintenanceStatus;
import io.ringkeeper.operator.domain.upkeep.WindowRecord;
import io.ringkeeper.operator.reconciler.observe.StatusTimes;
import java.time.Instant;
import java.util.ArrayList;

/**
 * The upkeep planner's records and their place in {@code status.maintenance}: read from the previous status into
 * domain values, and written back, here only, into the status being built.
 */
public final class UpkeepRecords {
  private UpkeepRecords() {}

  /** The compaction window record of {@code status.maintenance.compactionThroughput}; null when none. */
  public static WindowRecord window(MaintenanceStatus status) {
    CompactionWindowStatus w = status == null ? null : status.getCompactionThroughput();
    if (w == null) {
      return null;
    }
    return new WindowRecord(w.getSchedule(), w.getUntil() == null ? null : Instant.parse(w.getUntil()),
        w.getMibPerSecond(), w.getRestoreMibPerSecond(), w.getAppliedTo());
  }

  /** Puts the window record (null: none) into {@code status.maintenance.compactionThroughput}. */
  public static void putWindow(MaintenanceStatus status, WindowRecord window) {
    if (window == null) {
      status.setCompactionThroughput(null);
      return;
    }
    CompactionWindowStatus w = new CompactionWindowStatus();
    w.setSchedule(window.schedule());
    w.setUntil(window.until() == null ? null : StatusTimes.format(window.until()));
    w.setMibPerSecond(window.mibPerSecond());
    w.setRestoreMibPerSecond(window.restoreMibPerSecond());
    w.setAppliedTo(new ArrayList<>(window.appliedTo()));
    status.setCompactionThroughput(w);
  }
}
