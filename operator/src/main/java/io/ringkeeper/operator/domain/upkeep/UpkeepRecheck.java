package io.ringkeeper.operator.domain.upkeep;

import java.time.Duration;
import java.time.Instant;

/**
 * When a cluster's upkeep needs another look: at the tick while work runs on the nodes (a repair run, a node task,
 * a node left to set for a compaction window) or the schema is awaited; otherwise at the first of the next repair
 * time, the next gc_grace_seconds deadline, the next compaction window change and the next task due time (one
 * second after it), and at least every {@link #MAX_RECHECK}. Pure.
 */
public final class UpkeepRecheck {
  /** Even an idle cluster is looked at this often, so gc_grace_seconds deadlines are noticed. */
  public static final Duration MAX_RECHECK = Duration.ofMinutes(5);

  private UpkeepRecheck() {}

  /**
   * @param tick how soon to look again while work runs
   * @param repairRunning a repair run is going
   * @param busy a node task runs, or no node reported the schema (yet, or since a run came due)
   * @param repairNext the next scheduled repair; null: none
   * @param deadline the next gc_grace_seconds deadline; null: none
   * @param windowCheck when the compaction windows need a look; null: never
   * @param taskNext the earliest next node task due time; null: none
   */
  public static Duration after(Duration tick, boolean repairRunning, boolean busy, Instant repairNext,
      Instant deadline, Instant windowCheck, Instant taskNext, Instant now) {
    if (busy || (windowCheck != null && !windowCheck.isAfter(now))) {
      return tick;
    }
    Duration wait = repairRunning ? tick : shorter(shorter(MAX_RECHECK, repairNext, now), deadline, now);
    return shorter(shorter(wait, windowCheck, now), taskNext, now);
  }

  private static Duration shorter(Duration current, Instant at, Instant now) {
    if (at == null || !at.isAfter(now)) {
      return current;
    }
    Duration until = Duration.between(now, at).plusSeconds(1);
    return until.compareTo(current) < 0 ? until : current;
  }
}
