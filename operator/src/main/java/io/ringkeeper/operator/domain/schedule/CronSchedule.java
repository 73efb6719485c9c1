package io.ringkeeper.operator.domain.schedule;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A five-field cron schedule (minute hour day-of-month month day-of-week) with the usual extensions:
 * {@code *}, lists {@code a,b}, ranges {@code a-b}, steps {@code * /n} and {@code a-b/n}, month and weekday
 * names ({@code JAN}, {@code MON}), day-of-week 0 or 7 for Sunday, and the macros {@code @yearly},
 * {@code @annually}, {@code @monthly}, {@code @weekly}, {@code @daily}, {@code @midnight}, {@code @hourly}.
 *
 * <p>As in Vixie cron, when both day-of-month and day-of-week are restricted, a day matches if either does.
 * Times are evaluated in a time zone on local wall-clock time: a time that falls in a daylight-saving gap fires
 * at the first instant after the gap; in an overlap it fires once, at the earlier offset.
 *
 * <p>Searching steps over whole months, days and hours that cannot match, so a search costs at most a few
 * thousand steps; {@link #parse} rejects a schedule that never fires (e.g. 31 February).
 */
public final class CronSchedule {
  private static final Map<String, String> MACROS = Map.of(
      "@yearly", "0 0 1 1 *",
      "@annually", "0 0 1 1 *",
      "@monthly", "0 0 1 * *",
      "@weekly", "0 0 * * 0",
      "@daily", "0 0 * * *",
      "@midnight", "0 0 * * *",
      "@hourly", "0 * * * *");
  private static final String[] MONTHS = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
  private static final String[] DAYS = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};
  /**
   * How far a search looks. A date of a month falls on a given weekday again only after up to 11 years (28 for
   * 29 February), and an expression whose day-of-month starts with {@code *} (e.g. {@code * /7}) and whose
   * day-of-week is restricted fires only on such coincidences (Vixie cron ANDs them then). Weekdays repeat every 28
   * years between 1901 and 2099; one more year covers a search that starts late in a year. 9 years was too few:
   * {@code 21,25 * /8 * /7 4 3-5/3} (April Wednesdays on the 1st, 8th... ) was refused as never firing because
   * after 2000 it first fires in April 2009 (found against cron-utils, CronScheduleOracleTest).
   */
  private static final int SEARCH_YEARS = 29;

  private final String expression;
  private final BitSet minutes;
  private final BitSet hours;
  private final BitSet daysOfMonth;
  private final BitSet months;
  private final BitSet daysOfWeek;
  private final boolean domRestricted;
  private final boolean dowRestricted;

  private CronSchedule(String expression, BitSet minutes, BitSet hours, BitSet daysOfMonth, BitSet months,
      BitSet daysOfWeek, boolean domRestricted, boolean dowRestricted) {
    this.expression = expression;
    this.minutes = minutes;
    this.hours = hours;
    this.daysOfMonth = daysOfMonth;
    this.months = months;
    this.daysOfWeek = daysOfWeek;
    this.domRestricted = domRestricted;
    this.dowRestricted = dowRestricted;
  }

  /**
   * Parses a cron expression.
   *
   * @throws IllegalArgumentException with a message that names the faulty field and shows a valid form
   */
  public static CronSchedule parse(String expression) {
    if (expression == null || expression.isBlank()) {
      throw new IllegalArgumentException("is empty; expected 5 fields, e.g. '0 1 * * 0' (Sundays 01:00) or @daily");
    }
    String trimmed = expression.trim();
    String expanded = trimmed.startsWith("@") ? MACROS.get(trimmed.toLowerCase(Locale.ROOT)) : trimmed;
    if (expanded == null) {
      throw new IllegalArgumentException("unknown macro '" + trimmed + "'; use one of " + String.join(", ",
          new java.util.TreeSet<>(MACROS.keySet())));
    }
    String[] fields = expanded.split("\\s+");
    if (fields.length != 5) {
      throw new IllegalArgumentException("'" + trimmed + "' has " + fields.length
          + " fields; expected 5 (minute hour day-of-month month day-of-week), e.g. '0 1 * * 0'");
    }
    BitSet minutes = field("minute", fields[0], 0, 59, null);
    BitSet hours = field("hour", fields[1], 0, 23, null);
    BitSet dom = field("day-of-month", fields[2], 1, 31, null);
    BitSet months = field("month", fields[3], 1, 12, MONTHS);
    BitSet dow = field("day-of-week", fields[4], 0, 7, DAYS);
    if (dow.get(7)) {
      dow.set(0);
      dow.clear(7);
    }
    CronSchedule schedule = new CronSchedule(trimmed, minutes, hours, dom, months, dow,
        !fields[2].startsWith("*"), !fields[4].startsWith("*"));
    ZonedDateTime probe = ZonedDateTime.of(2000, 1, 1, 0, 0, 0, 0, ZoneId.of("UTC"));
    if (schedule.next(probe).isEmpty()) {
      throw new IllegalArgumentException("'" + trimmed + "' never fires (no such date, e.g. 31 February)");
    }
    return schedule;
  }

  private static BitSet field(String name, String text, int min, int max, String[] names) {
    BitSet bits = new BitSet(max + 1);
    for (String part : text.split(",", -1)) {
      if (part.isEmpty()) {
        throw new IllegalArgumentException(name + " field '" + text + "' has an empty list element");
      }
      int step = 1;
      String range = part;
      int slash = part.indexOf('/');
      if (slash >= 0) {
        range = part.substring(0, slash);
        step = number(name, part.substring(slash + 1), 1, max - min + 1, null);
      }
      int from;
      int to;
      if (range.equals("*")) {
        from = min;
        to = max;
      } else {
        int dash = range.indexOf('-', 1);
        if (dash >= 0) {
          from = number(name, range.substring(0, dash), min, max, names);
          to = number(name, range.substring(dash + 1), min, max, names);
          if (to < from) {
            throw new IllegalArgumentException(name + " range '" + range + "' runs backwards; write it low-high");
          }
        } else {
          from = number(name, range, min, max, names);
          to = slash >= 0 ? max : from;
        }
      }
      for (int v = from; v <= to; v += step) {
        bits.set(v);
      }
    }
    return bits;
  }

  private static int number(String name, String text, int min, int max, String[] names) {
    if (names != null) {
      for (int i = 0; i < names.length; i++) {
        if (names[i].equalsIgnoreCase(text)) {
          return names == MONTHS ? i + 1 : i;
        }
      }
    }
    int value;
    try {
      value = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " value '" + text + "' is not a number"
          + (names != null ? " or a name like " + names[0] : ""));
    }
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + " value " + value + " is out of range " + min + "-" + max);
    }
    return value;
  }

  /** The expression as written. */
  public String expression() {
    return expression;
  }

  /** The first time strictly after {@code after} at which the schedule fires, in {@code after}'s zone. */
  public Optional<ZonedDateTime> next(ZonedDateTime after) {
    Objects.requireNonNull(after, "after");
    ZoneId zone = after.getZone();
    LocalDateTime t = after.toLocalDateTime().truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
    LocalDateTime limit = t.plusYears(SEARCH_YEARS);
    while (t.isBefore(limit)) {
      if (!months.get(t.getMonthValue())) {
        t = t.withDayOfMonth(1).toLocalDate().atStartOfDay().plusMonths(1);
      } else if (!dayMatches(t)) {
        t = t.toLocalDate().plusDays(1).atStartOfDay();
      } else if (!hours.get(t.getHour())) {
        t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
      } else if (!minutes.get(t.getMinute())) {
        t = t.plusMinutes(1);
      } else {
        ZonedDateTime candidate = ZonedDateTime.ofLocal(t, zone, null);
        if (candidate.isAfter(after)) {
          return Optional.of(candidate);
        }
        t = t.plusMinutes(1);
      }
    }
    return Optional.empty();
  }

  /** The last time at or before {@code at} at which the schedule fired, in {@code at}'s zone. */
  public Optional<ZonedDateTime> previous(ZonedDateTime at) {
    Objects.requireNonNull(at, "at");
    ZoneId zone = at.getZone();
    LocalDateTime t = at.toLocalDateTime().truncatedTo(ChronoUnit.MINUTES);
    LocalDateTime limit = t.minusYears(SEARCH_YEARS);
    while (t.isAfter(limit)) {
      if (!months.get(t.getMonthValue())) {
        t = t.withDayOfMonth(1).toLocalDate().atStartOfDay().minusMinutes(1);
      } else if (!dayMatches(t)) {
        t = t.toLocalDate().atStartOfDay().minusMinutes(1);
      } else if (!hours.get(t.getHour())) {
        t = t.truncatedTo(ChronoUnit.HOURS).minusMinutes(1);
      } else if (!minutes.get(t.getMinute())) {
        t = t.minusMinutes(1);
      } else {
        ZonedDateTime candidate = ZonedDateTime.ofLocal(t, zone, null);
        if (!candidate.isAfter(at)) {
          return Optional.of(candidate);
        }
        t = t.minusMinutes(1);
      }
    }
    return Optional.empty();
  }

  /** Whether the schedule fires at this wall-clock minute (the plain definition; tests check the search against it). */
  boolean matches(LocalDateTime t) {
    return months.get(t.getMonthValue()) && dayMatches(t) && hours.get(t.getHour()) && minutes.get(t.getMinute());
  }

  private boolean dayMatches(LocalDateTime t) {
    boolean dom = daysOfMonth.get(t.getDayOfMonth());
    boolean dow = daysOfWeek.get(t.getDayOfWeek().getValue() % 7);
    if (domRestricted && dowRestricted) {
      return dom || dow;
    }
    return dom && dow;
  }

  @Override
  public String toString() {
    return expression;
  }
}
