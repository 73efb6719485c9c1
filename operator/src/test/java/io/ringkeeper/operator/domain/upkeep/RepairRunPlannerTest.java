package io.ringkeeper.operator.domain.upkeep;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringkeeper.operator.domain.plan.JobFacts;
import io.ringkeeper.operator.domain.repair.RepairKeyspace;
import io.ringkeeper.operator.domain.repair.RepairMode;
import io.ringkeeper.operator.domain.repair.RepairPlan;
import io.ringkeeper.operator.domain.repair.RepairPlanner;
import io.ringkeeper.operator.domain.repair.RingMember;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The run planner alone: recorded run and job facts in, segment starts and the next run out; no agent. */
class RepairRunPlannerTest {
  private static final Instant T0 = Instant.parse("2026-01-04T01:00:00Z");
  private static final RepairSettings SETTINGS = new RepairSettings(List.of(), 2, RepairMode.SEQUENTIAL, 1.0,
      Duration.ofMinutes(30), 1);
  private final Map<String, UpkeepNode> nodes = new HashMap<>();
  private final List<RingMember> ring = new ArrayList<>();

  RepairRunPlannerTest() {
    for (int i = 0; i < 3; i++) {
      String name = "n" + i;
      ring.add(new RingMember(name, "dc1", "r" + i, List.of(-4_000_000_000_000_000_000L + i * 3_000_000_000_000_000_000L)));
      nodes.put(name, new UpkeepNode(name, "dc1", true));
    }
  }

  private RepairPlan plan(List<RingMember> members) {
    return RepairPlanner.plan(members, List.of(new RepairKeyspace("orders", false, RepairKeyspace.NETWORK_TOPOLOGY,
        Map.of("dc1", 3), 864000)), List.of(), SETTINGS.segmentsPerNode(), Set.of());
  }

  private static RepairRunPlanner.Outcome step(RepairRun run, RepairPlan plan, Map<Integer, RepairRunPlanner.SegmentJob> jobs,
      Map<String, UpkeepNode> nodes, Instant now, String jobId) {
    RepairRunPlanner.Plan p = RepairRunPlanner.advance(run, plan, SETTINGS, jobs, Map.of(), nodes, now);
    return RepairRunPlanner.record(p, p.steps().stream().<Answer>map(s -> new Answer.Done(jobId)).toList());
  }

  @Test
  void aFailedJobCostsAnAttemptAndASegmentOutOfAttemptsIsRecordedFailed() {
    RepairPlan plan = plan(ring);
    RepairRun run = RepairRunPlanner.newRun(plan, "Schedule", Set.of(), T0);
    run = step(run, plan, Map.of(), nodes, T0, "job-1").run();
    assertThat(run.active()).singleElement().satisfies(a -> assertThat(a.attempts()).isEqualTo(1));
    int index = run.active().get(0).index();

    RepairRunPlanner.SegmentJob failed = new RepairRunPlanner.SegmentJob(JobFacts.Outcome.FAILED, "boom", null);
    RepairRunPlanner.Outcome second = step(run, plan, Map.of(index, failed), nodes, T0.plusSeconds(10), "job-2");
    assertThat(second.run().active()).singleElement().satisfies(a -> {
      assertThat(a.index()).isEqualTo(index);
      assertThat(a.attempts()).isEqualTo(2);
    });

    RepairRunPlanner.Outcome third = step(second.run(), plan, Map.of(index, failed), nodes, T0.plusSeconds(20), "j3");
    assertThat(third.run().failed()).singleElement().satisfies(f -> assertThat(f.message()).isEqualTo("boom"));
    assertThat(third.notices()).extracting(Notice::reason).contains("RepairSegmentFailed");
  }

  @Test
  void aChangedRingLetsRunningSegmentsEndThenStartsOverUnderTheSameId() {
    RepairPlan plan = plan(ring);
    RepairRun run = step(RepairRunPlanner.newRun(plan, "Schedule", Set.of(), T0), plan, Map.of(), nodes, T0, "job-1")
        .run();
    int index = run.active().get(0).index();
    List<RingMember> grown = new ArrayList<>(ring);
    grown.add(new RingMember("n3", "dc1", "r0", List.of(7_000_000_000_000_000_000L)));
    RepairPlan replanned = plan(grown);

    RepairRunPlanner.SegmentJob running = new RepairRunPlanner.SegmentJob(JobFacts.Outcome.RUNNING, null, null);
    RepairRun waiting = step(run, replanned, Map.of(index, running), nodes, T0.plusSeconds(5), "x").run();
    assertThat(waiting.active()).hasSize(1);
    assertThat(waiting.postponedReason()).contains("planning again");

    RepairRunPlanner.SegmentJob done = new RepairRunPlanner.SegmentJob(JobFacts.Outcome.SUCCEEDED, null,
        Duration.ofSeconds(3));
    RepairRunPlanner.Outcome over = step(waiting, replanned, Map.of(index, done), nodes, T0.plusSeconds(9), "x");
    assertThat(over.run().id()).isEqualTo(run.id());
    assertThat(over.run().planFingerprint()).isEqualTo(replanned.fingerprint());
    assertThat(over.run().segmentsDone()).isZero();
    assertThat(over.notices()).extracting(Notice::reason).containsExactly("RepairReplanned");
  }

  @Test
  void aRunWithNothingToRepairStartsNoRun() {
    RepairPlan empty = RepairPlanner.plan(ring, List.of(), List.of(), 2, Set.of());
    RepairRunPlanner.Start start = RepairRunPlanner.start(empty, new RepairTriggers.Trigger("Annotation", Set.of()),
        T0);
    assertThat(start.run()).isNull();
    assertThat(start.notice().reason()).isEqualTo("RepairNothingToDo");
  }
}
