package io.ringkeeper.operator.domain.schedule;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the API's durations: one or more number-unit pairs, units ms, s, m, h, d (e.g. 30m, 1h30m, 500ms). */
public final class Durations {
  private static final Pattern WHOLE = Pattern.compile("([0-9]+(ms|s|m|h|d))+");
  private static final Pattern PART = Pattern.compile("([0-9]+)(ms|s|m|h|d)");

  private Durations() {}

  /**
   * @throws IllegalArgumentException naming the expected form when the text is not a duration
   */
  public static Duration parse(String text) {
    if (text == null || !WHOLE.matcher(text).matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a duration; write e.g. 30m, 1h30m, 45s or 500ms");
    }
    Duration total = Duration.ZERO;
    Matcher m = PART.matcher(text);
    while (m.find()) {
      long n = Long.parseLong(m.group(1));
      total = total.plus(switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      });
    }
    return total;
  }

  /** A duration in the same notation, in hours and below: 24h, 1h30m, 45s, 500ms; 0s for zero. */
  public static String format(Duration d) {
    StringBuilder s = new StringBuilder();
    long hours = d.toHours();
    int minutes = d.toMinutesPart();
    int seconds = d.toSecondsPart();
    int millis = d.toMillisPart();
    if (hours > 0) {
      s.append(hours).append('h');
    }
    if (minutes > 0) {
      s.append(minutes).append('m');
    }
    if (seconds > 0) {
      s.append(seconds).append('s');
    }
    if (millis > 0) {
      s.append(millis).append("ms");
    }
    return s.length() == 0 ? "0s" : s.toString();
  }
}
