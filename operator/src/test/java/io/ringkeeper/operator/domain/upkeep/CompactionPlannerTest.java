package io.ringkeeper.operator.domain.upkeep;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringkeeper.operator.domain.upkeep.UpkeepStep.SetCompactionThroughput;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompactionPlannerTest {
  private static final ZoneId UTC = ZoneId.of("UTC");
  private static final List<CompactionWindow> NIGHTLY =
      List.of(new CompactionWindow("0 22 * * *", Duration.ofHours(8), 256));
  private static final List<UpkeepNode> NODES = List.of(node("n1", true), node("n2", true), node("n3", true));

  private static UpkeepNode node(String name, boolean usable) {
    return new UpkeepNode(name, "dc1", usable);
  }

  private static List<Answer> done(int n, int value) {
    return Collections.nCopies(n, new Answer.Done(value));
  }

  @Test
  void nothingIsSetOutsideAWindowAndTheNextLookIsItsStart() {
    Instant now = Instant.parse("2026-03-02T21:59:00Z");
    CompactionPlanner.Plan plan = CompactionPlanner.plan(NIGHTLY, UTC, null, NODES, now);
    assertThat(plan.steps()).isEmpty();
    CompactionPlanner.Outcome outcome = CompactionPlanner.record(plan, List.of());
    assertThat(outcome.window()).isNull();
    assertThat(outcome.check()).isEqualTo("2026-03-02T22:00:00Z");
  }

  @Test
  void everyUsableNodeIsSetWhenAWindowStartsAndTheFirstAnswerIsKeptToRestore() {
    Instant now = Instant.parse("2026-03-02T22:00:00Z");
    CompactionPlanner.Plan plan = CompactionPlanner.plan(NIGHTLY, UTC, null, NODES, now);
    assertThat(plan.steps()).containsExactly(
        new SetCompactionThroughput("n1", 256, "window until 2026-03-03T06:00:00Z"),
        new SetCompactionThroughput("n2", 256, "window until 2026-03-03T06:00:00Z"),
        new SetCompactionThroughput("n3", 256, "window until 2026-03-03T06:00:00Z"));
    CompactionPlanner.Outcome outcome = CompactionPlanner.record(plan, done(3, 96));
    assertThat(outcome.window().restoreMibPerSecond()).isEqualTo(96);
    assertThat(outcome.window().appliedTo()).containsExactly("n1", "n2", "n3");
    assertThat(outcome.check()).as("all set: the window's end").isEqualTo("2026-03-03T06:00:00Z");
    assertThat(outcome.notices()).extracting(Notice::reason).containsExactly("CompactionWindowStarted");
  }

  @Test
  void aNodeThatHasNotAnsweredIsAskedAgainWithTheSameAttemptAndTheClusterIsLookedAtSoon() {
    Instant now = Instant.parse("2026-03-02T22:00:00Z");
    CompactionPlanner.Plan plan = CompactionPlanner.plan(NIGHTLY, UTC, null, NODES, now);
    CompactionPlanner.Outcome outcome = CompactionPlanner.record(plan,
        List.of(new Answer.Done(96), Answer.PENDING, new Answer.Done(96)));
    assertThat(outcome.window().appliedTo()).containsExactly("n1", "n3");
    assertThat(outcome.check()).isEqualTo(now);

    CompactionPlanner.Plan again = CompactionPlanner.plan(NIGHTLY, UTC, outcome.window(), NODES,
        now.plusSeconds(5));
    assertThat(again.steps()).containsExactly(plan.steps().get(1));
    assertThat(CompactionPlanner.record(again, done(1, 256)).notices()).as("started once").isEmpty();
  }

  @Test
  void aNodeThatIsDownIsNotSentAnything() {
    List<UpkeepNode> oneDown = List.of(node("n1", true), node("n2", false), node("n3", true));
    CompactionPlanner.Plan plan = CompactionPlanner.plan(NIGHTLY, UTC, null, oneDown,
        Instant.parse("2026-03-02T23:00:00Z"));
    assertThat(plan.steps()).extracting(UpkeepStep::node).containsExactly("n1", "n3");
  }

  @Test
  void whenTheWindowEndsEverySetNodeGetsBackTheValueItHadBeforeAndOneDownIsRestoredWhenBack() {
    WindowRecord set = new WindowRecord("0 22 * * *", Instant.parse("2026-03-03T06:00:00Z"), 256, 96,
        List.of("n1", "n2", "n3"));
    List<UpkeepNode> oneDown = List.of(node("n1", true), node("n2", false), node("n3", true));
    Instant end = Instant.parse("2026-03-03T06:00:00Z");
    CompactionPlanner.Plan plan = CompactionPlanner.plan(NIGHTLY, UTC, set, oneDown, end);
    assertThat(plan.steps()).containsExactly(
        new SetCompactionThroughput("n1", 96, "restore after the window until 2026-03-03T06:00:00Z"),
        new SetCompactionThroughput("n3", 96, "restore after the window until 2026-03-03T06:00:00Z"));
    CompactionPlanner.Outcome outcome = CompactionPlanner.record(plan, done(2, 256));
    assertThat(outcome.window().appliedTo()).containsExactly("n2");
    assertThat(outcome.check()).isEqualTo(end);

    CompactionPlanner.Plan back = CompactionPlanner.plan(NIGHTLY, UTC, outcome.window(), NODES, end.plusSeconds(60));
    assertThat(back.steps()).extracting(UpkeepStep::node).containsExactly("n2");
    CompactionPlanner.Outcome restored = CompactionPlanner.record(back, done(1, 256));
    assertThat(restored.window()).isNull();
    assertThat(restored.notices()).extracting(Notice::reason).containsExactly("CompactionWindowEnded");
    assertThat(restored.check()).isEqualTo("2026-03-03T22:00:00Z");
  }

  @Test
  void whenWindowsOverlapTheLaterStartIsInForceAndTheValueBeforeAnyWindowIsKept() {
    List<CompactionWindow> two = List.of(NIGHTLY.get(0), new CompactionWindow("0 2 * * *", Duration.ofHours(1), 0));
    WindowRecord nightly = new WindowRecord("0 22 * * *", Instant.parse("2026-03-03T06:00:00Z"), 256, 64,
        List.of("n1", "n2", "n3"));
    CompactionPlanner.Plan plan = CompactionPlanner.plan(two, UTC, nightly, NODES,
        Instant.parse("2026-03-03T02:30:00Z"));
    assertThat(plan.steps()).extracting(SetCompactionThroughput::mibPerSecond).containsOnly(0);
    CompactionPlanner.Outcome outcome = CompactionPlanner.record(plan, done(3, 256));
    assertThat(outcome.window().restoreMibPerSecond()).isEqualTo(64);
    assertThat(outcome.check()).as("the short window's end").isEqualTo("2026-03-03T03:00:00Z");
  }

  @Test
  void aNodeNoLongerInTheClusterIsForgottenNotRestored() {
    WindowRecord set = new WindowRecord("0 22 * * *", Instant.parse("2026-03-03T06:00:00Z"), 256, 96,
        List.of("gone", "n1"));
    CompactionPlanner.Plan plan = CompactionPlanner.plan(NIGHTLY, UTC, set, List.of(node("n1", true)),
        Instant.parse("2026-03-03T07:00:00Z"));
    assertThat(plan.steps()).extracting(UpkeepStep::node).containsExactly("n1");
    assertThat(CompactionPlanner.record(plan, done(1, 256)).window()).isNull();
  }

  @Test
  void aNodeDownAcrossOneWindowsEndAndTheNextOnesStartIsStillRestoredWhenBack() {
    List<CompactionWindow> everyTen = List.of(new CompactionWindow("*/10 * * * *", Duration.ofMinutes(4), 256));
    // n2 was set in the 10:00 window and went down before it ended: the others were restored, n2 still holds 256.
    WindowRecord left = new WindowRecord("*/10 * * * *", Instant.parse("2026-03-02T10:04:00Z"), 256, 64,
        List.of("n2"));
    List<UpkeepNode> n2Down = List.of(node("n1", true), node("n2", false), node("n3", true));
    CompactionPlanner.Plan next = CompactionPlanner.plan(everyTen, UTC, left, n2Down,
        Instant.parse("2026-03-02T10:10:00Z"));
    assertThat(next.steps()).extracting(UpkeepStep::node).containsExactly("n1", "n3");
    CompactionPlanner.Outcome set = CompactionPlanner.record(next, done(2, 64));
    assertThat(set.window().appliedTo()).as("n2 stays recorded").containsExactly("n1", "n2", "n3");

    // The 10:10 window ends with n2 back: every node, n2 too, gets 64 again.
    CompactionPlanner.Plan end = CompactionPlanner.plan(everyTen, UTC, set.window(), NODES,
        Instant.parse("2026-03-02T10:14:30Z"));
    assertThat(end.steps()).extracting(UpkeepStep::node).containsExactly("n1", "n2", "n3");
    assertThat(end.steps()).extracting(SetCompactionThroughput::mibPerSecond).containsOnly(64);
    assertThat(CompactionPlanner.record(end, done(3, 256)).window()).isNull();
  }

  @Test
  void aWindowWithAnotherValueSetsAgainTheNodesItCanAndKeepsTheOthersToRestore() {
    List<CompactionWindow> two = List.of(new CompactionWindow("0 22 * * *", Duration.ofHours(8), 128));
    WindowRecord previous = new WindowRecord("0 20 * * *", Instant.parse("2026-03-02T23:00:00Z"), 256, 64,
        List.of("n1", "n2"));
    List<UpkeepNode> n2Down = List.of(node("n1", true), node("n2", false), node("n3", true));
    CompactionPlanner.Plan plan = CompactionPlanner.plan(two, UTC, previous, n2Down,
        Instant.parse("2026-03-02T22:00:00Z"));
    assertThat(plan.window().appliedTo()).as("n1 is set again to 128; n2, down, is kept to restore")
        .containsExactly("n2");
    assertThat(plan.steps()).extracting(UpkeepStep::node).containsExactly("n1", "n3");
    assertThat(plan.window().restoreMibPerSecond()).isEqualTo(64);
  }
}
