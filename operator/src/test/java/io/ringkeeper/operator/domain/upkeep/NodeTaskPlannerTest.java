package io.ringkeeper.operator.domain.upkeep;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringkeeper.operator.domain.plan.JobFacts;
import io.ringkeeper.operator.domain.upkeep.UpkeepStep.StartNodeTask;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NodeTaskPlannerTest {
  private static final ZoneId UTC = ZoneId.of("UTC");
  private static final Instant DUE = Instant.parse("2026-03-07T03:00:00Z");
  private static final NodeTask GC = new NodeTask("weekly-gc", "0 3 * * 6", NodeTask.Operation.GarbageCollect,
      List.of("orders", "users"), List.of());
  private static final List<UpkeepNode> NODES = List.of(node("a1", "dc1", true), node("a2", "dc1", true),
      node("b1", "dc2", true));

  private static UpkeepNode node(String name, String dc, boolean usable) {
    return new UpkeepNode(name, dc, usable);
  }

  /** The record of a run just started on node {@code on} for keyspace {@code keyspace} with job {@code job}. */
  private static TaskRecord runningOn(String on, String keyspace, String job, List<String> done) {
    return new TaskRecord(GC.name(), true, Instant.parse("2026-03-14T03:00:00Z"), DUE, null, null, on, job, keyspace,
        done, List.of(), null);
  }

  private static NodeTaskPlanner.Plan plan(List<TaskRecord> previous, List<UpkeepNode> nodes,
      Map<String, JobFacts> jobs, boolean operationInProgress, Instant now) {
    return NodeTaskPlanner.plan(List.of(GC), UTC, previous, nodes, jobs, operationInProgress, Set.of(), now);
  }

  private static JobFacts job(JobFacts.Outcome outcome) {
    return new JobFacts(outcome, -1, outcome == JobFacts.Outcome.FAILED ? "disk full" : null);
  }

  @Test
  void aTaskWaitsForItsScheduleAndThenStartsOnTheFirstNodeWithItsFirstKeyspace() {
    NodeTaskPlanner.Plan before = plan(List.of(), NODES, Map.of(), false, DUE.minusSeconds(60));
    assertThat(before.steps()).isEmpty();
    NodeTaskPlanner.Outcome waiting = NodeTaskPlanner.record(before, List.of());
    assertThat(waiting.records().get(0).next()).isEqualTo(DUE);
    assertThat(waiting.running()).isFalse();

    NodeTaskPlanner.Plan due = plan(waiting.records(), NODES, Map.of(), false, DUE);
    assertThat(due.steps()).containsExactly(new StartNodeTask("a1", "weekly-gc", NodeTask.Operation.GarbageCollect,
        "orders", List.of(), "weekly-gc/2026-03-07T03:00:00Z"));
    assertThat(due.notices()).extracting(Notice::reason).containsExactly("TaskStarted");
    NodeTaskPlanner.Outcome started = NodeTaskPlanner.record(due, List.of(new Answer.Done("job-1")));
    assertThat(started.records().get(0).jobId()).isEqualTo("job-1");
    assertThat(started.records().get(0).message()).isEqualTo("running on a1 (keyspace orders)");
    assertThat(started.running()).isTrue();
  }

  @Test
  void aNodeTaskNeverStartsWhileATopologyOperationRuns() {
    NodeTaskPlanner.Plan plan = plan(List.of(runningOn(null, null, null, List.of())), NODES, Map.of(), true, DUE);
    assertThat(plan.steps()).isEmpty();
    assertThat(plan.records().get(0).message()).isEqualTo("waiting: a cluster operation is in progress");

    NodeTaskPlanner.Plan nextKeyspace = plan(List.of(runningOn("a1", "orders", "job-1", List.of())), NODES,
        Map.of("weekly-gc", job(JobFacts.Outcome.SUCCEEDED)), true, DUE.plusSeconds(60));
    assertThat(nextKeyspace.steps()).as("not even the next keyspace on the same node").isEmpty();
  }

  @Test
  void aNodeTaskNeverStartsWhileANodeOfItsDatacenterIsDown() {
    List<UpkeepNode> a2Down = List.of(node("a1", "dc1", true), node("a2", "dc1", false), node("b1", "dc2", true));
    NodeTaskPlanner.Plan plan = plan(List.of(runningOn(null, null, null, List.of())), a2Down, Map.of(), false, DUE);
    assertThat(plan.steps()).isEmpty();
    assertThat(plan.records().get(0).message()).isEqualTo("waiting: datacenter dc1 is not healthy (a2 not up)");
  }

  @Test
  void aTaskRunsOnOneNodeAtATimeAndMovesOnOnlyWhenTheNodesJobsAreDone() {
    NodeTaskPlanner.Plan running = plan(List.of(runningOn("a1", "orders", "job-1", List.of())), NODES,
        Map.of("weekly-gc", job(JobFacts.Outcome.RUNNING)), false, DUE.plusSeconds(60));
    assertThat(running.steps()).isEmpty();

    NodeTaskPlanner.Plan unknown = plan(List.of(runningOn("a1", "orders", "job-1", List.of())), NODES,
        Map.of("weekly-gc", job(JobFacts.Outcome.UNREACHABLE)), false, DUE.plusSeconds(60));
    assertThat(unknown.steps()).as("a node that does not answer is waited for, not given up").isEmpty();

    NodeTaskPlanner.Plan nextKeyspace = plan(List.of(runningOn("a1", "orders", "job-1", List.of())), NODES,
        Map.of("weekly-gc", job(JobFacts.Outcome.SUCCEEDED)), false, DUE.plusSeconds(60));
    assertThat(nextKeyspace.steps()).extracting(s -> s.node() + "/" + s.keyspace()).containsExactly("a1/users");

    NodeTaskPlanner.Plan nextNode = plan(List.of(runningOn("a1", "users", "job-2", List.of())), NODES,
        Map.of("weekly-gc", job(JobFacts.Outcome.SUCCEEDED)), false, DUE.plusSeconds(120));
    assertThat(nextNode.steps()).extracting(s -> s.node() + "/" + s.keyspace()).containsExactly("a2/orders");
    assertThat(nextNode.records().get(0).done()).containsExactly("a1");
  }

  @Test
  void aStartWithoutAnAnswerIsFiredAgainWithTheSameAttemptAndNeverOnAnotherNode() {
    NodeTaskPlanner.Plan plan = plan(List.of(runningOn("a2", "orders", null, List.of("a1"))), NODES, Map.of(), false,
        DUE.plusSeconds(60));
    assertThat(plan.steps()).containsExactly(new StartNodeTask("a2", "weekly-gc", NodeTask.Operation.GarbageCollect,
        "orders", List.of(), "weekly-gc/2026-03-07T03:00:00Z"));
    NodeTaskPlanner.Outcome pending = NodeTaskPlanner.record(plan, List.of(Answer.PENDING));
    assertThat(pending.records().get(0).node()).isEqualTo("a2");
    assertThat(pending.records().get(0).jobId()).isNull();
  }

  @Test
  void aFailedOrRefusedNodeIsRecordedAndTheRunGoesOnAndEndsFailed() {
    NodeTaskPlanner.Plan failed = plan(List.of(runningOn("a1", "orders", "job-1", List.of())), NODES,
        Map.of("weekly-gc", job(JobFacts.Outcome.FAILED)), false, DUE.plusSeconds(60));
    assertThat(failed.records().get(0).failed()).containsExactly("a1: disk full");
    assertThat(failed.steps()).extracting(UpkeepStep::node).containsExactly("a2");
    NodeTaskPlanner.Outcome refused = NodeTaskPlanner.record(failed, List.of(new Answer.Refused("busy")));
    assertThat(refused.records().get(0).failed()).containsExactly("a1: disk full", "a2: busy");

    TaskRecord onLastNode = new TaskRecord(GC.name(), true, null, DUE, null, null, "b1", "job-3", "users",
        List.of(), refused.records().get(0).failed(), null);
    NodeTaskPlanner.Plan last = plan(List.of(onLastNode), NODES, Map.of("weekly-gc", job(JobFacts.Outcome.SUCCEEDED)),
        false, DUE.plusSeconds(180));
    NodeTaskPlanner.Outcome end = NodeTaskPlanner.record(last, List.of());
    assertThat(end.records().get(0).running()).isFalse();
    assertThat(end.records().get(0).lastResult()).isEqualTo("Failed");
    assertThat(end.notices()).extracting(Notice::reason).containsExactly("TaskFailed");
  }

  @Test
  void aRunStillGoingWhenTheTaskComesDueAgainIsNotStartedTwice() {
    TaskRecord stillGoing = new TaskRecord(GC.name(), true, DUE, DUE.minusSeconds(7 * 24 * 3600), null, null, "a1",
        "job-1", "orders", List.of(), List.of(), null);
    NodeTaskPlanner.Plan plan = plan(List.of(stillGoing), NODES, Map.of("weekly-gc", job(JobFacts.Outcome.RUNNING)),
        false, DUE);
    assertThat(plan.steps()).isEmpty();
    assertThat(plan.notices()).extracting(Notice::reason).containsExactly("TaskSkipped");
    assertThat(plan.records().get(0).lastStarted()).isEqualTo(stillGoing.lastStarted());
  }

  @Test
  void aNodeThatLeftTheClusterIsRecordedAsFailedAndTheRunGoesOn() {
    NodeTaskPlanner.Plan plan = plan(List.of(runningOn("gone", "orders", "job-1", List.of())), NODES, Map.of(), false,
        DUE.plusSeconds(60));
    assertThat(plan.records().get(0).failed()).containsExactly("gone: the node no longer exists");
    assertThat(plan.steps()).extracting(UpkeepStep::node).containsExactly("a1");
  }
}
