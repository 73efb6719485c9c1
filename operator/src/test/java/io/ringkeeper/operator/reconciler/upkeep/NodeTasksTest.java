package io.ringkeeper.operator.reconciler.upkeep;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringkeeper.operator.testing.ImmediateAgents;
import io.ringkeeper.api.v1alpha1.MaintenanceOperation;
import io.ringkeeper.api.v1alpha1.MaintenanceStatus;
import io.ringkeeper.api.v1alpha1.MaintenanceTask;
import io.ringkeeper.api.v1alpha1.MaintenanceTaskStatus;
import io.ringkeeper.operator.node.JobKind;
import io.ringkeeper.operator.reconciler.events.ClusterEvent;
import io.ringkeeper.operator.testing.FakeJobs;
import io.ringkeeper.operator.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeTasksTest {
  private final TestClock clock = new TestClock(Instant.parse("2026-03-07T02:59:00Z"));
  private final FakeJobs agents = new FakeJobs(clock);
  private final List<ClusterEvent> events = new ArrayList<>();
  private NodeTasks tasks = new NodeTasks(new ImmediateAgents(agents));
  private MaintenanceStatus status = new MaintenanceStatus();
  private List<UpkeepTarget> nodes = RepairRunnerTest.nodes(6, 1, 1);
  private final MaintenanceTask gc = new MaintenanceTask();

  NodeTasksTest() {
    gc.setName("weekly-gc");
    gc.setSchedule("0 3 * * 6");
    gc.setOperation(MaintenanceOperation.GarbageCollect);
    gc.setKeyspaces(List.of("orders"));
    agents.duration(JobKind.GARBAGE_COLLECT, Duration.ofSeconds(10));
  }

  private MaintenanceTaskStatus task() {
    return status.getTasks().get(0);
  }

  private void tick() {
    tasks.apply(List.of(gc), "UTC", status, nodes, false, java.util.Set.of(), clock.instant(), events);
  }

  private void runFor(Duration total) {
    for (long s = 0; s < total.toSeconds(); s++) {
      tick();
      clock.advance(Duration.ofSeconds(1));
    }
  }

  private static void assertOneAtATime(List<FakeJobs.Job> jobs) {
    for (FakeJobs.Job j : jobs) {
      assertThat(jobs.stream().filter(o -> o != j && o.runningAt(j.started))).as("beside %s", j).isEmpty();
    }
  }

  @Test
  void aGarbageCollectTaskRunsOnEachNodeInTurn() {
    tick();
    assertThat(task().getNext()).isEqualTo("2026-03-07T03:00:00Z");
    assertThat(task().getRunning()).isFalse();
    runFor(Duration.ofMinutes(3));

    List<FakeJobs.Job> jobs = agents.history(JobKind.GARBAGE_COLLECT);
    assertThat(jobs).extracting(j -> j.node).containsExactlyElementsOf(nodes.stream().map(UpkeepTarget::name)
        .sorted().toList());
    assertThat(jobs).allSatisfy(j -> assertThat(j.request.keyspace()).isEqualTo("orders"));
    assertOneAtATime(jobs);
    assertThat(task().getRunning()).isFalse();
    assertThat(task().getLastResult()).isEqualTo("Succeeded");
    assertThat(task().getDone()).hasSize(6);
    assertThat(task().getNext()).isEqualTo("2026-03-14T03:00:00Z");
    assertThat(events).extracting(ClusterEvent::reason).containsExactly("TaskStarted", "TaskCompleted");
  }

  @Test
  void eachListedKeyspaceIsItsOwnJobOnTheNode() {
    gc.setKeyspaces(List.of("orders", "users"));
    runFor(Duration.ofMinutes(5));
    List<FakeJobs.Job> jobs = agents.history(JobKind.GARBAGE_COLLECT);
    assertThat(jobs).hasSize(12);
    assertThat(jobs.subList(0, 2)).extracting(j -> j.node + "/" + j.request.keyspace())
        .containsExactly(jobs.get(0).node + "/orders", jobs.get(0).node + "/users");
    assertOneAtATime(jobs);
  }

  @Test
  void waitsWhileTheDatacenterIsNotHealthyAndSkipsAnOccurrenceDueMeanwhile() {
    UpkeepTarget n = nodes.get(3);
    List<UpkeepTarget> all = nodes;
    nodes = new ArrayList<>(all);
    nodes.set(3, new UpkeepTarget(n.name(), n.datacenter(), n.rack(), n.tokens(), n.endpoint(), false));
    runFor(Duration.ofMinutes(2));
    assertThat(agents.history(JobKind.GARBAGE_COLLECT)).isEmpty();
    assertThat(task().getRunning()).isTrue();
    assertThat(task().getMessage()).contains("datacenter dc1 is not healthy", n.name());

    clock.set(Instant.parse("2026-03-14T03:00:00Z"));
    tick();
    assertThat(events).extracting(ClusterEvent::reason).contains("TaskSkipped");
    nodes = all;
    runFor(Duration.ofMinutes(3));
    assertThat(task().getLastResult()).isEqualTo("Succeeded");
    assertThat(agents.history(JobKind.GARBAGE_COLLECT)).hasSize(6);
  }

  @Test
  void aNodeWhoseJobFailsIsRecordedAndTheRunGoesOn() {
    agents.failNext(JobKind.GARBAGE_COLLECT, 1);
    runFor(Duration.ofMinutes(3));
    assertThat(task().getLastResult()).isEqualTo("Failed");
    assertThat(task().getFailed()).singleElement().satisfies(f -> assertThat(f).contains("injected failure"));
    assertThat(task().getDone()).hasSize(5);
    assertThat(events).extracting(ClusterEvent::reason).contains("TaskFailed");
  }

  @Test
  void aRestartedOperatorFollowsTheJobItStartedAndNeverRepeatsANode() throws Exception {
    runFor(Duration.ofSeconds(85));
    assertThat(task().getDone()).isNotEmpty();
    ObjectMapper json = new ObjectMapper();
    status = json.readValue(json.writeValueAsString(status), MaintenanceStatus.class);
    tasks = new NodeTasks(new ImmediateAgents(agents));
    runFor(Duration.ofMinutes(3));
    assertThat(agents.history(JobKind.GARBAGE_COLLECT)).extracting(j -> j.node).doesNotHaveDuplicates().hasSize(6);
    assertThat(task().getLastResult()).isEqualTo("Succeeded");
  }

  @Test
  void noTaskStartsOnANodeWhileAClusterOperationRuns() {
    for (int i = 0; i < 120; i++) {
      tasks.apply(List.of(gc), "UTC", status, nodes, true, java.util.Set.of(), clock.instant(), events);
      clock.advance(Duration.ofSeconds(1));
    }
    assertThat(agents.history(JobKind.GARBAGE_COLLECT)).isEmpty();
    assertThat(task().getMessage()).contains("cluster operation");
  }
}
