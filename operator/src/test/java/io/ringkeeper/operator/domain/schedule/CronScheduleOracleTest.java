package io.ringkeeper.operator.domain.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Our cron schedule against a kept library, cron-utils (UNIX definition), as the oracle: on random five-field
 * expressions and random times, both must name the same next and previous firing. Evaluated in UTC, where wall
 * time has no gaps; daylight-saving behaviour is ours by design (CronScheduleTest pins it: a time in a gap fires
 * just after it, an overlap fires once) and cron-utils has open reports there (jmrozanec/cron-utils#446).
 */
class CronScheduleOracleTest {
  private static final CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
  private static final ZoneId UTC = ZoneId.of("UTC");

  private static String field(Random random, int min, int max) {
    int kind = random.nextInt(7);
    int a = min + random.nextInt(max - min + 1);
    int b = min + random.nextInt(max - min + 1);
    int lo = Math.min(a, b);
    int hi = Math.max(a, b);
    int step = 1 + random.nextInt(Math.max(1, (max - min) / 2));
    return switch (kind) {
      case 0, 1 -> "*";
      case 2 -> String.valueOf(a);
      case 3 -> lo + "-" + hi;
      case 4 -> "*/" + step;
      case 5 -> lo + "-" + hi + "/" + step;
      default -> a == b ? String.valueOf(a) : lo + "," + hi;
    };
  }

  private static String expression(Random random) {
    return String.join(" ", field(random, 0, 59), field(random, 0, 23), field(random, 1, 28), field(random, 1, 12),
        field(random, 0, 6));
  }

  /**
   * Where the two differ by design: Vixie cron (Debian's cron, and ours) ANDs day-of-month and day-of-week when
   * either field starts with {@code *}, so {@code * /10} counts as unrestricted; cron-utils ORs them unless one is
   * exactly {@code *}. Such expressions are compared in {@link #aStarStepDayIsAndedWithTheWeekdayAsVixieCronDoes}.
   */
  private static boolean vixieAndsTheDays(String expression) {
    String[] fields = expression.split(" ");
    boolean domStar = fields[2].startsWith("*");
    boolean dowStar = fields[4].startsWith("*");
    return (domStar || dowStar) && !fields[2].equals("*") && !fields[4].equals("*");
  }

  @Test
  void aStarStepDayIsAndedWithTheWeekdayAsVixieCronDoes() {
    // 14:00 on days 1, 11, 21, 31 that are Wednesdays (Vixie: DOM_STAR set by the leading '*').
    CronSchedule ours = CronSchedule.parse("0 14 */10 * 3");
    ZonedDateTime after = ZonedDateTime.of(2026, 12, 10, 17, 52, 0, 0, UTC);
    assertThat(ours.next(after)).contains(ZonedDateTime.of(2027, 3, 31, 14, 0, 0, 0, UTC));
    // cron-utils ORs them and fires on Friday 11 December.
    assertThat(ExecutionTime.forCron(UNIX.parse("0 14 */10 * 3")).nextExecution(after))
        .contains(ZonedDateTime.of(2026, 12, 11, 14, 0, 0, 0, UTC));
  }

  @Test
  void aScheduleThatFiresOnlyOnARareWeekdayCoincidenceIsNotRefusedAsNeverFiring() {
    // April Wednesdays that are the 1st, 8th, 15th, 22nd or 29th: after 2000 first in April 2009.
    CronSchedule rare = CronSchedule.parse("21,25 */8 */7 4 3-5/3");
    assertThat(rare.next(ZonedDateTime.of(2000, 1, 1, 0, 0, 0, 0, UTC)))
        .contains(ZonedDateTime.of(2009, 4, 1, 0, 21, 0, 0, UTC));
  }

  @Test
  void ourScheduleFiresWhenCronUtilsSaysOnRandomExpressionsAndTimes() {
    Random random = new Random(20261204);
    List<String> disagreements = new ArrayList<>();
    int compared = 0;
    for (int i = 0; i < 2000; i++) {
      String expression = expression(random);
      if (vixieAndsTheDays(expression)) {
        continue;
      }
      CronSchedule ours = CronSchedule.parse(expression);
      ExecutionTime theirs = ExecutionTime.forCron(UNIX.parse(expression));
      ZonedDateTime t = ZonedDateTime.of(2020 + random.nextInt(10), 1 + random.nextInt(12), 1 + random.nextInt(28),
          random.nextInt(24), random.nextInt(60), random.nextInt(60), 0, UTC);
      for (int step = 0; step < 3; step++) {
        Optional<ZonedDateTime> next = ours.next(t);
        Optional<ZonedDateTime> expected = theirs.nextExecution(t);
        compared++;
        if (!next.equals(expected)) {
          disagreements.add(expression + " after " + t + ": ours " + next + ", cron-utils " + expected);
          break;
        }
        Optional<ZonedDateTime> previous = ours.previous(t);
        Optional<ZonedDateTime> last = theirs.lastExecution(t);
        // cron-utils' lastExecution is strictly before; ours is at or before: they agree unless t fires itself.
        if (!previous.equals(last) && !(previous.isPresent() && previous.get().equals(t))) {
          disagreements.add(expression + " before " + t + ": ours " + previous + ", cron-utils " + last);
          break;
        }
        t = next.orElseThrow();
      }
    }
    assertThat(disagreements).as("of %d comparisons", compared).isEmpty();
    assertThat(compared).isGreaterThan(3000);
  }
}
