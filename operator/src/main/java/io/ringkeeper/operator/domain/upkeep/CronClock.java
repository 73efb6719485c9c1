package io.ringkeeper.operator.domain.upkeep;

import io.ringkeeper.operator.domain.schedule.CronSchedule;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;

/**
 * Cron schedules against the next due time recorded in status: a due time that is reached fires once and the
 * next one is computed from now (runs missed while the operator was down fire once, not once per miss); a
 * recorded time that the schedule no longer produces (the schedule changed) is replaced.
 */
public final class CronClock {
  private CronClock() {}

  /**
   * @param fired whether the schedule came due now
   * @param next the next due time to record (whole seconds); null: none
   */
  public record Due(boolean fired, Instant next) {}

  public static Due check(String schedule, ZoneId zone, Instant recordedNext, Instant now) {
    CronSchedule cron = CronSchedule.parse(schedule);
    ZonedDateTime zonedNow = now.atZone(zone);
    Instant next = recordedNext;
    if (next != null && !isFiring(cron, next.atZone(zone))) {
      next = null;
    }
    boolean fired = false;
    if (next == null) {
      next = cron.next(zonedNow).orElseThrow().toInstant();
    } else if (!now.isBefore(next)) {
      fired = true;
      next = cron.next(zonedNow).orElseThrow().toInstant();
    }
    return new Due(fired, next.truncatedTo(ChronoUnit.SECONDS));
  }

  private static boolean isFiring(CronSchedule cron, ZonedDateTime t) {
    return cron.next(t.minusMinutes(1)).map(n -> n.toInstant().equals(t.toInstant())).orElse(false);
  }
}
