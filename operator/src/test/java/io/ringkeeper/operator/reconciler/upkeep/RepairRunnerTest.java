package io.ringkeeper.operator.reconciler.upkeep;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringkeeper.operator.testing.ImmediateAgents;
import io.ringkeeper.api.v1alpha1.RepairRunStatus;
import io.ringkeeper.api.v1alpha1.RepairParallelism;
import io.ringkeeper.api.v1alpha1.RepairSpec;
import io.ringkeeper.api.v1alpha1.RepairStatus;
import io.ringkeeper.operator.domain.repair.IndexSet;
import io.ringkeeper.operator.domain.repair.RepairKeyspace;
import io.ringkeeper.operator.domain.repair.RepairPlan;
import io.ringkeeper.operator.domain.repair.RepairPlanner;
import io.ringkeeper.operator.domain.repair.Segment;
import io.ringkeeper.operator.node.AgentToken;
import io.ringkeeper.operator.node.JobKind;
import io.ringkeeper.operator.node.KeyspaceInfo;
import io.ringkeeper.operator.node.NodeEndpoint;
import io.ringkeeper.operator.node.TokenRange;
import io.ringkeeper.operator.domain.upkeep.RepairRunPlanner;
import io.ringkeeper.operator.reconciler.events.ClusterEvent;
import io.ringkeeper.operator.reconciler.observe.KeyspaceObservations;
import io.ringkeeper.operator.reconciler.observe.UpkeepSpecs;
import io.ringkeeper.operator.reconciler.status.RepairRecords;
import io.ringkeeper.operator.testing.FakeJobs;
import io.ringkeeper.operator.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** Runner scenarios on fake agents with an injected clock: one {@link #tick} is one reconcile. */
class RepairRunnerTest {
  private static final Duration CALL = Duration.ofSeconds(1);
  private static final Instant T0 = Instant.parse("2026-01-04T01:00:00Z");

  private final TestClock clock = new TestClock(T0);
  private final FakeJobs agents = new FakeJobs(clock);
  private final List<ClusterEvent> events = new ArrayList<>();
  private RepairRunner runner = new RepairRunner(new ImmediateAgents(agents));
  private List<UpkeepTarget> nodes = nodes(6, 4, 42);
  private RepairStatus status = new RepairStatus();
  private RepairSpec spec = new RepairSpec();

  RepairRunnerTest() {
    agents.keyspaces(List.of(
        new KeyspaceInfo("orders", false, "NetworkTopologyStrategy", Map.of("dc1", 3), List.of("o"), 864000),
        new KeyspaceInfo("cache", false, "NetworkTopologyStrategy", Map.of("dc1", 1), List.of("c"), 864000),
        new KeyspaceInfo("system_auth", true, "SimpleStrategy", Map.of("*", 1), List.of("roles"), 0)));
    agents.duration(JobKind.REPAIR, Duration.ofSeconds(10));
    spec.setSegmentsPerNode(4);
    spec.setIntensity(1.0);
  }

  static List<UpkeepTarget> nodes(int count, int tokens, long seed) {
    Random random = new Random(seed);
    List<UpkeepTarget> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      List<Long> own = new ArrayList<>();
      for (int t = 0; t < tokens; t++) {
        own.add(random.nextLong());
      }
      String name = "c-dc1-r" + (i % 3 + 1) + "-" + i / 3;
      out.add(new UpkeepTarget(name, "dc1", "r" + (i % 3 + 1), own,
          new NodeEndpoint(name, "10.0.0." + (i + 1), 8778, new AgentToken("t")), true));
    }
    return out;
  }

  private RepairPlan plan() {
    return runner.plan(nodes, KeyspaceObservations.of(agents.schema()), List.of(), spec.getSegmentsPerNode(),
        Set.of());
  }

  private void startRun() {
    RepairRecords.putRun(status, RepairRunPlanner.newRun(plan(), "Schedule", Set.of(), clock.instant()));
  }

  private void tick() {
    events.addAll(runner.advance(status, UpkeepSpecs.repair(spec), nodes,
        Optional.of(KeyspaceObservations.of(agents.schema())), ringConflict(), clock.instant()));
  }

  private Optional<String> ringConflict() {
    return RepairPlanner.conflict(RepairRunner.ring(nodes));
  }

  private void runUntil(Predicate<RepairStatus> done, Duration step, int maxTicks) {
    for (int i = 0; i < maxTicks && !done.test(status); i++) {
      tick();
      clock.advance(step);
    }
    assertThat(done.test(status)).as("condition reached within %d ticks", maxTicks).isTrue();
  }

  /** Every repair job with the segment it repaired. */
  private Map<FakeJobs.Job, Segment> jobSegments(RepairPlan plan) {
    Map<String, Segment> byKey = new HashMap<>();
    plan.segments().forEach(s -> byKey.put(s.keyspace() + new TokenRange(s.start(), s.end()), s));
    Map<FakeJobs.Job, Segment> out = new HashMap<>();
    for (FakeJobs.Job j : agents.history(JobKind.REPAIR)) {
      out.put(j, byKey.get(j.request.keyspace() + j.request.ranges().get(0)));
    }
    return out;
  }

  @Test
  void aRunRepairsEverySegmentOnceAndRecordsEachKeyspace() {
    startRun();
    RepairPlan plan = plan();
    runUntil(s -> s.getRunning() == null, Duration.ofSeconds(5), 2000);

    assertThat(status.getLastResult()).isEqualTo("Succeeded");
    assertThat(status.getLastCompleted()).isNotNull();
    assertThat(status.getKeyspaces()).extracting(k -> k.getName()).containsExactly("orders");
    Map<FakeJobs.Job, Segment> jobs = jobSegments(plan);
    assertThat(jobs).hasSize(plan.size());
    assertThat(new HashSet<>(jobs.values())).hasSize(plan.size());
    assertThat(jobs.values()).doesNotContainNull();
    jobs.forEach((job, segment) -> assertThat(segment.replicas()).contains(job.node));
    assertThat(events).extracting(ClusterEvent::reason).contains("RepairCompleted");
  }

  @Test
  void neverRunsTwoSegmentsSharingAReplica() {
    spec.setParallelism(RepairParallelism.Parallel);
    nodes = nodes(9, 4, 7);
    startRun();
    RepairPlan plan = plan();
    runUntil(s -> s.getRunning() == null, Duration.ofSeconds(3), 3000);

    Map<FakeJobs.Job, Segment> jobs = jobSegments(plan);
    assertThat(jobs).hasSize(plan.size());
    int maxTogether = 0;
    for (FakeJobs.Job j : jobs.keySet()) {
      List<FakeJobs.Job> together = agents.runningAt(j.started);
      maxTogether = Math.max(maxTogether, together.size());
      for (FakeJobs.Job other : together) {
        if (other != j) {
          assertThat(jobs.get(j).sharesReplicaWith(jobs.get(other))).as("%s beside %s", j, other).isFalse();
        }
      }
    }
    assertThat(maxTogether).as("Parallel runs disjoint segments together").isGreaterThan(1);
  }

  @Test
  void sequentialRunsOneSegmentAtATime() {
    startRun();
    runUntil(s -> s.getRunning() == null, Duration.ofSeconds(4), 3000);
    for (FakeJobs.Job j : agents.history(JobKind.REPAIR)) {
      assertThat(agents.runningAt(j.started)).hasSize(1);
    }
  }

  @Test
  void sleepsOneOverIntensityMinusOneTimesTheLastSegmentsDuration() {
    spec.setIntensity(0.25);
    startRun();
    runUntil(s -> agents.history(JobKind.REPAIR).size() >= 4, Duration.ofSeconds(1), 500);
    List<FakeJobs.Job> jobs = agents.history(JobKind.REPAIR);
    for (int i = 1; i < jobs.size(); i++) {
      Duration gap = Duration.between(jobs.get(i - 1).end(), jobs.get(i).started);
      // 10 s segments at intensity 0.25: 30 s pause; ticks every second may add up to two more.
      assertThat(gap).isBetween(Duration.ofSeconds(30), Duration.ofSeconds(32));
    }
  }

  @Test
  void resumesAtNextUnfinishedSegmentAfterOperatorRestart() throws Exception {
    startRun();
    RepairPlan plan = plan();
    runUntil(s -> s.getRunning().getSegmentsDone() >= 5, Duration.ofSeconds(5), 500);
    int repairsBefore = agents.history(JobKind.REPAIR).size();
    IndexSet doneBefore = IndexSet.parse(status.getRunning().getCompletedSegments());

    // The operator restarts: a new runner with nothing in memory, status read back from the API server.
    ObjectMapper json = new ObjectMapper();
    status = json.readValue(json.writeValueAsString(status), RepairStatus.class);
    runner = new RepairRunner(new ImmediateAgents(agents));
    runUntil(s -> s.getRunning() == null, Duration.ofSeconds(5), 2000);

    Map<FakeJobs.Job, Segment> jobs = jobSegments(plan);
    assertThat(new HashSet<>(jobs.values())).as("no segment repaired twice").hasSize(jobs.size());
    assertThat(jobs).hasSize(plan.size());
    List<FakeJobs.Job> after = agents.history(JobKind.REPAIR).subList(repairsBefore, jobs.size());
    assertThat(after).allSatisfy(j -> assertThat(doneBefore.contains(jobs.get(j).index())).isFalse());
    if (!after.isEmpty() && status.getLastResult().equals("Succeeded")) {
      int firstAfter = jobs.get(after.get(0)).index();
      assertThat(firstAfter).isGreaterThanOrEqualTo(doneBefore.firstMissing());
    }
    assertThat(status.getLastResult()).isEqualTo("Succeeded");
  }

  @Test
  void retriesAFailedSegmentABoundedNumberOfTimes() {
    spec.setSegmentRetries(2);
    agents.failNext(JobKind.REPAIR, 2);
    startRun();
    RepairPlan plan = plan();
    runUntil(s -> s.getRunning() == null, Duration.ofSeconds(5), 2000);
    assertThat(status.getLastResult()).isEqualTo("Succeeded");
    assertThat(agents.history(JobKind.REPAIR)).hasSize(plan.size() + 2);

    status = new RepairStatus();
    events.clear();
    agents.failNext(JobKind.REPAIR, 1000);
    spec.setSegmentRetries(1);
    startRun();
    int before = agents.history(JobKind.REPAIR).size();
    runUntil(s -> s.getRunning() == null, Duration.ofSeconds(5), 5000);
    assertThat(status.getLastResult()).isEqualTo("Failed");
    assertThat(status.getLastMessage()).contains("segments failed", "injected failure");
    // Each segment tried twice (one retry), then recorded failed.
    int tried = agents.history(JobKind.REPAIR).size() - before;
    assertThat(tried).isEqualTo(2 * plan.size());
    assertThat(status.getKeyspaces()).as("a keyspace with failed segments is not recorded repaired").isEmpty();
    assertThat(events).extracting(ClusterEvent::reason).contains("RepairSegmentFailed", "RepairFailed");
  }

  @Test
  void postponesWhileAReplicaIsDown() {
    startRun();
    RepairPlan plan = plan();
    UpkeepTarget down = nodes.get(0);
    nodes = new ArrayList<>(nodes);
    nodes.set(0, new UpkeepTarget(down.name(), down.datacenter(), down.rack(), down.tokens(), down.endpoint(),
        false));
    for (int i = 0; i < 400; i++) {
      tick();
      clock.advance(Duration.ofSeconds(5));
    }
    Map<FakeJobs.Job, Segment> jobs = jobSegments(plan);
    assertThat(jobs.values()).allSatisfy(s -> assertThat(s.replicas()).doesNotContain(down.name()));
    assertThat(status.getRunning()).as("segments of the down node wait").isNotNull();
    assertThat(status.getRunning().getPostponedReason()).contains(down.name() + " (down)");

    nodes = nodes(6, 4, 42);
    runUntil(s -> s.getRunning() == null, Duration.ofSeconds(5), 2000);
    assertThat(status.getLastResult()).isEqualTo("Succeeded");
    assertThat(jobSegments(plan)).hasSize(plan.size());
  }

  @Test
  void postponesWhileAReplicaHasMoreThanTwentyPendingCompactions() {
    startRun();
    String busy = nodes.get(2).name();
    agents.pendingCompactions(busy, 21);
    for (int i = 0; i < 300; i++) {
      tick();
      clock.advance(Duration.ofSeconds(5));
    }
    assertThat(jobSegments(plan()).values()).allSatisfy(s -> assertThat(s.replicas()).doesNotContain(busy));
    assertThat(status.getRunning().getPostponedReason()).contains(busy + " (21 pending compactions)");
    agents.pendingCompactions(busy, 20);
    runUntil(s -> s.getRunning() == null, Duration.ofSeconds(5), 2000);
    assertThat(status.getLastResult()).isEqualTo("Succeeded");
  }

  @Test
  void aSegmentRunningPastItsTimeoutIsReportedAndItsReplicasStayBusy() {
    spec.setSegmentTimeout("1m");
    agents.hang(JobKind.REPAIR, true);
    startRun();
    runUntil(s -> !s.getRunning().getActive().isEmpty(), Duration.ofSeconds(5), 10);
    clock.advance(Duration.ofMinutes(2));
    tick();
    tick();
    assertThat(events).extracting(ClusterEvent::reason).containsOnlyOnce("RepairSegmentTimedOut");
    assertThat(status.getRunning().getActive()).singleElement()
        .satisfies(a -> assertThat(a.getMessage()).startsWith("timed out"));
    assertThat(agents.history(JobKind.REPAIR)).as("nothing starts beside the hung session").hasSize(1);
  }

  @Test
  void aJobLostByARestartedNodeIsRetried() {
    agents.duration(JobKind.REPAIR, Duration.ofMinutes(5));
    startRun();
    tick();
    String coordinator = status.getRunning().getActive().get(0).getNode();
    agents.forgetJobs(coordinator);
    agents.duration(JobKind.REPAIR, Duration.ofSeconds(1));
    clock.advance(Duration.ofSeconds(5));
    tick();
    assertThat(status.getRunning().getActive()).singleElement()
        .satisfies(a -> assertThat(a.getAttempts()).isEqualTo(2));
    runUntil(s -> s.getRunning() == null, Duration.ofSeconds(5), 2000);
    assertThat(status.getLastResult()).isEqualTo("Succeeded");
  }

  @Test
  void aRunWhoseRingChangedStartsOverAfterItsRunningSegments() {
    startRun();
    runUntil(s -> s.getRunning().getSegmentsDone() >= 3, Duration.ofSeconds(5), 500);
    nodes = nodes(7, 4, 42); // a node joined
    runUntil(s -> s.getRunning() != null && s.getRunning().getSegmentsDone() == 0
        && s.getRunning().getSegmentsTotal() == plan().size(), Duration.ofSeconds(5), 50);
    assertThat(events).extracting(ClusterEvent::reason).contains("RepairReplanned");
    runUntil(s -> s.getRunning() == null, Duration.ofSeconds(5), 3000);
    assertThat(status.getLastResult()).isEqualTo("Succeeded");
  }

  @Test
  void aRunRecordedInStatusWithoutATriggerIsStillPlannedAndNamed() {
    RepairStatus recorded = new RepairStatus();
    RepairRecords.putRun(recorded, RepairRunPlanner.newRun(plan(), null, Set.of(), clock.instant()));
    RepairRunStatus run = recorded.getRunning();
    assertThat(run.getId()).startsWith("unknown-");
    assertThat(run.getSegmentsTotal()).isEqualTo(plan().size());
  }

  @Test
  void aRunWaitsWithItsRunningSegmentsWhileNoNodeReportsTheSchema() {
    startRun();
    tick();
    assertThat(status.getRunning().getActive()).hasSize(1);
    clock.advance(Duration.ofMinutes(1));
    events.addAll(runner.advance(status, UpkeepSpecs.repair(spec), nodes, Optional.empty(), ringConflict(),
        clock.instant()));
    assertThat(status.getRunning().getActive()).as("its result is not lost").hasSize(1);
    assertThat(status.getRunning().getPostponedReason()).contains("schema");
    tick();
    assertThat(status.getRunning().getSegmentsDone()).isEqualTo(1);
  }

  @Test
  void aRunWaitsWithItsRunningSegmentsWhileTheRecordedRingHoldsATokenTwice() {
    startRun();
    tick();
    assertThat(status.getRunning().getActive()).hasSize(1);
    // A volume's record edited by hand, adopted after a lost status: two nodes recorded with one token.
    List<UpkeepTarget> edited = new ArrayList<>(nodes);
    UpkeepTarget second = edited.get(1);
    List<Long> tokens = new ArrayList<>(second.tokens());
    tokens.set(0, nodes.get(0).tokens().get(0));
    edited.set(1, new UpkeepTarget(second.name(), second.datacenter(), second.rack(), tokens, second.endpoint(),
        second.up()));
    List<UpkeepTarget> consistent = nodes;
    nodes = edited;
    assertThat(ringConflict()).hasValueSatisfying(c -> assertThat(c).contains(nodes.get(0).name())
        .contains(second.name()).contains(String.valueOf(tokens.get(0))));
    clock.advance(Duration.ofMinutes(1));
    tick(); // no IllegalArgumentException from the planner: the run waits
    assertThat(status.getRunning().getActive()).as("its running segment is not lost").hasSize(1);
    assertThat(status.getRunning().getPostponedReason()).contains("their own tokens").contains(second.name());
    nodes = consistent;
    tick();
    assertThat(status.getRunning().getSegmentsDone()).isEqualTo(1);
  }
}
