package io.ringkeeper.operator.domain.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class CronScheduleTest {
  private static final ZoneId UTC = ZoneId.of("UTC");

  private static ZonedDateTime utc(int y, int mo, int d, int h, int mi) {
    return ZonedDateTime.of(y, mo, d, h, mi, 0, 0, UTC);
  }

  static Stream<Arguments> nextCases() {
    return Stream.of(
        Arguments.of("0 1 * * 0", utc(2026, 11, 22, 0, 30), utc(2026, 11, 22, 1, 0)), // 22 Nov 2026 is a Sunday
        Arguments.of("0 1 * * 0", utc(2026, 11, 22, 1, 0), utc(2026, 11, 29, 1, 0)), // strictly after
        Arguments.of("*/15 * * * *", utc(2026, 1, 1, 10, 7), utc(2026, 1, 1, 10, 15)),
        Arguments.of("0 22 * * *", utc(2026, 12, 31, 23, 0), utc(2027, 1, 1, 22, 0)),
        Arguments.of("30 2 1 * *", utc(2026, 1, 31, 3, 0), utc(2026, 2, 1, 2, 30)),
        Arguments.of("0 0 29 2 *", utc(2026, 3, 1, 0, 0), utc(2028, 2, 29, 0, 0)),
        Arguments.of("0 3 * * 6", utc(2026, 11, 22, 0, 0), utc(2026, 11, 28, 3, 0)),
        Arguments.of("0 3 * * SAT", utc(2026, 11, 22, 0, 0), utc(2026, 11, 28, 3, 0)),
        Arguments.of("0 0 * JAN,jul *", utc(2026, 2, 1, 0, 0), utc(2026, 7, 1, 0, 0)),
        Arguments.of("0 0 * * 7", utc(2026, 11, 23, 0, 0), utc(2026, 11, 29, 0, 0)),
        Arguments.of("0 9-17/4 * * MON-FRI", utc(2026, 11, 21, 12, 0), utc(2026, 11, 23, 9, 0)),
        // day-of-month and day-of-week both restricted: either matches (the 1st, or any Monday).
        Arguments.of("0 0 1 * MON", utc(2026, 11, 24, 0, 0), utc(2026, 11, 30, 0, 0)),
        Arguments.of("0 0 1 * MON", utc(2026, 11, 30, 0, 0), utc(2026, 12, 1, 0, 0)),
        Arguments.of("@daily", utc(2026, 5, 5, 5, 5), utc(2026, 5, 6, 0, 0)),
        Arguments.of("@hourly", utc(2026, 5, 5, 5, 5), utc(2026, 5, 5, 6, 0)),
        Arguments.of("@weekly", utc(2026, 11, 23, 0, 0), utc(2026, 11, 29, 0, 0)),
        Arguments.of("@yearly", utc(2026, 5, 5, 5, 5), utc(2027, 1, 1, 0, 0)));
  }

  @ParameterizedTest(name = "{0} after {1}")
  @MethodSource("nextCases")
  void nextFiresAtTheExpectedTime(String expression, ZonedDateTime after, ZonedDateTime expected) {
    assertThat(CronSchedule.parse(expression).next(after)).contains(expected);
  }

  @Test
  void previousIsTheLastFiringAtOrBefore() {
    CronSchedule nightly = CronSchedule.parse("0 22 * * *");
    assertThat(nightly.previous(utc(2026, 11, 22, 23, 0))).contains(utc(2026, 11, 22, 22, 0));
    assertThat(nightly.previous(utc(2026, 11, 22, 22, 0))).contains(utc(2026, 11, 22, 22, 0));
    assertThat(nightly.previous(utc(2026, 11, 22, 21, 59))).contains(utc(2026, 11, 21, 22, 0));
    assertThat(CronSchedule.parse("0 0 29 2 *").previous(utc(2027, 1, 1, 0, 0))).contains(utc(2024, 2, 29, 0, 0));
  }

  @Test
  void aTimeInTheSpringForwardGapFiresRightAfterTheGap() {
    ZoneId paris = ZoneId.of("Europe/Paris"); // 29 March 2026: 02:00 -> 03:00
    ZonedDateTime after = ZonedDateTime.of(2026, 3, 29, 1, 0, 0, 0, paris);
    ZonedDateTime fired = CronSchedule.parse("30 2 * * *").next(after).orElseThrow();
    assertThat(fired.toLocalDateTime()).isEqualTo(LocalDateTime.of(2026, 3, 29, 3, 30));
    assertThat(CronSchedule.parse("30 2 * * *").next(fired).orElseThrow().toLocalDateTime())
        .isEqualTo(LocalDateTime.of(2026, 3, 30, 2, 30));
  }

  @Test
  void aTimeInTheFallBackOverlapFiresOnce() {
    ZoneId paris = ZoneId.of("Europe/Paris"); // 25 October 2026: 03:00 -> 02:00
    CronSchedule schedule = CronSchedule.parse("30 2 * * *");
    ZonedDateTime first = schedule.next(ZonedDateTime.of(2026, 10, 25, 0, 0, 0, 0, paris)).orElseThrow();
    ZonedDateTime second = schedule.next(first).orElseThrow();
    assertThat(first.toLocalDateTime()).isEqualTo(LocalDateTime.of(2026, 10, 25, 2, 30));
    assertThat(second.toLocalDate()).isEqualTo(LocalDateTime.of(2026, 10, 26, 0, 0).toLocalDate());
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of("", "empty"),
        Arguments.of("0 1 *", "3 fields"),
        Arguments.of("0 1 * * * *", "6 fields"),
        Arguments.of("60 * * * *", "minute value 60 is out of range 0-59"),
        Arguments.of("0 24 * * *", "hour value 24"),
        Arguments.of("0 0 0 * *", "day-of-month value 0"),
        Arguments.of("0 0 * 13 *", "month value 13"),
        Arguments.of("0 0 * * 8", "day-of-week value 8"),
        Arguments.of("0 0 * FOO *", "month value 'FOO' is not a number"),
        Arguments.of("0 0 * * 5-1", "runs backwards"),
        Arguments.of("*/0 * * * *", "minute value 0 is out of range 1-60"),
        Arguments.of("1,,2 * * * *", "empty list element"),
        Arguments.of("0 0 31 2 *", "never fires"),
        Arguments.of("0 0 30 2 *", "never fires"),
        Arguments.of("@sometimes", "unknown macro"),
        Arguments.of("every day", "2 fields"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void invalidExpressionsAreRefusedWithAMessageNamingTheProblem(String expression, String message) {
    assertThatThrownBy(() -> CronSchedule.parse(expression))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  /** next() and previous() agree with a naive minute-by-minute scan on random schedules. */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1L, 42L, 20261122L})
  void searchAgreesWithANaiveScan(long seed) {
    System.out.println("CronScheduleTest.searchAgreesWithANaiveScan seed=" + seed);
    Random random = new Random(seed);
    IntStream.range(0, 60).forEach(i -> {
      String expression = randomExpression(random);
      CronSchedule schedule;
      try {
        schedule = CronSchedule.parse(expression);
      } catch (IllegalArgumentException e) {
        return; // e.g. a day that never exists in the chosen months
      }
      ZonedDateTime from = utc(2026, 1 + random.nextInt(12), 1 + random.nextInt(28), random.nextInt(24), random.nextInt(60));
      assertThat(schedule.next(from)).as(expression + " next after " + from).isEqualTo(naiveNext(schedule, from));
      assertThat(schedule.previous(from)).as(expression + " previous of " + from).isEqualTo(naivePrevious(schedule, from));
    });
  }

  private static String randomExpression(Random r) {
    return pick(r, "*", String.valueOf(r.nextInt(60)), "*/" + (1 + r.nextInt(30)), r.nextInt(30) + "-" + (30 + r.nextInt(30)))
        + " " + pick(r, "*", String.valueOf(r.nextInt(24)), "*/" + (1 + r.nextInt(12)), r.nextInt(3) + "," + (10 + r.nextInt(14)))
        + " " + pick(r, "*", "*", String.valueOf(1 + r.nextInt(31)), (1 + r.nextInt(10)) + "-" + (15 + r.nextInt(15)))
        + " " + pick(r, "*", "*", String.valueOf(1 + r.nextInt(12)), "*/" + (1 + r.nextInt(6)))
        + " " + pick(r, "*", "*", String.valueOf(r.nextInt(8)), "1-5");
  }

  private static String pick(Random r, String... options) {
    return options[r.nextInt(options.length)];
  }

  private static Optional<ZonedDateTime> naiveNext(CronSchedule s, ZonedDateTime from) {
    ZonedDateTime t = from.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
    for (int i = 0; i < 60 * 24 * 366 * 2; i++, t = t.plusMinutes(1)) {
      if (matches(s, t)) {
        return Optional.of(t);
      }
    }
    return s.next(from).filter(found -> found.isAfter(from.plusYears(2))); // beyond the scan: trust but bound
  }

  private static Optional<ZonedDateTime> naivePrevious(CronSchedule s, ZonedDateTime at) {
    ZonedDateTime t = at.truncatedTo(ChronoUnit.MINUTES);
    for (int i = 0; i < 60 * 24 * 366 * 2; i++, t = t.minusMinutes(1)) {
      if (matches(s, t)) {
        return Optional.of(t);
      }
    }
    return s.previous(at).filter(found -> found.isBefore(at.minusYears(2)));
  }

  private static boolean matches(CronSchedule s, ZonedDateTime t) {
    return s.matches(t.toLocalDateTime());
  }
}
