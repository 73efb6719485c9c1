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
}
