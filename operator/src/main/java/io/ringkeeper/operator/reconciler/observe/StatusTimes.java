package io.ringkeeper.operator.reconciler.observe;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** RFC 3339 timestamps as status and events write them (whole seconds, UTC). */
public final class StatusTimes {
  private StatusTimes() {}

  public static String format(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
