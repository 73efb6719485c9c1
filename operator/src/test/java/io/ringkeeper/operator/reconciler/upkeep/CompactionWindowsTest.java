package io.ringkeeper.operator.reconciler.upkeep;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringkeeper.operator.reconciler.act.UpkeepExecutor;
import io.ringkeeper.operator.testing.ImmediateAgents;
import io.ringkeeper.api.v1alpha1.CompactionThroughputWindow;
import io.ringkeeper.api.v1alpha1.MaintenanceStatus;
import io.ringkeeper.operator.reconciler.events.ClusterEvent;
import io.ringkeeper.operator.testing.FakeJobs;
import io.ringkeeper.operator.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompactionWindowsTest {
  private final TestClock clock = new TestClock(Instant.parse("2026-03-02T21:59:00Z"));
  private final FakeJobs agents = new FakeJobs(clock);
  private final List<ClusterEvent> events = new ArrayList<>();
  private CompactionWindows windows = new CompactionWindows(new UpkeepExecutor(new ImmediateAgents(agents)));
  private MaintenanceStatus status = new MaintenanceStatus();
  private List<UpkeepTarget> nodes = RepairRunnerTest.nodes(3, 1, 1);
  private final List<CompactionThroughputWindow> spec = List.of(window("0 22 * * *", "8h", 256));

  static CompactionThroughputWindow window(String schedule, String duration, int mib) {
    CompactionThroughputWindow w = new CompactionThroughputWindow();
    w.setSchedule(schedule);
    w.setDuration(duration);
    w.setMibPerSecond(mib);
    return w;
  }

  private Instant at(String time) {
    clock.set(Instant.parse(time));
    return windows.apply(spec, "UTC", status, nodes, clock.instant(), events);
  }

  private List<Integer> throughputs() {
    return nodes.stream().map(n -> agents.throughput(n.name())).toList();
  }

  @Test
  void setsEveryNodeAtTheWindowsStartAndRestoresItsPreviousValueAtTheEnd() {
    nodes.forEach(n -> agents.setCompactionThroughput(n.endpoint(), 96).join());
    assertThat(at("2026-03-02T21:59:00Z")).isEqualTo("2026-03-02T22:00:00Z");
    assertThat(status.getCompactionThroughput()).isNull();

    assertThat(at("2026-03-02T22:00:00Z")).isEqualTo("2026-03-03T06:00:00Z");
    assertThat(throughputs()).containsOnly(256);
    assertThat(status.getCompactionThroughput().getRestoreMibPerSecond()).isEqualTo(96);
    assertThat(status.getCompactionThroughput().getUntil()).isEqualTo("2026-03-03T06:00:00Z");
    assertThat(status.getCompactionThroughput().getAppliedTo()).hasSize(3);

    at("2026-03-03T05:59:00Z");
    assertThat(throughputs()).containsOnly(256);
    at("2026-03-03T06:00:00Z");
    assertThat(throughputs()).containsOnly(96);
    assertThat(status.getCompactionThroughput()).isNull();
    assertThat(events).extracting(ClusterEvent::reason)
        .containsExactly("CompactionWindowStarted", "CompactionWindowEnded");
  }

  @Test
  void aWindowSurvivesAnOperatorRestartAndANodeDownAtItsStartIsSetWhenBack() throws Exception {
    UpkeepTarget down = nodes.get(1);
    List<UpkeepTarget> all = nodes;
    nodes = List.of(all.get(0), new UpkeepTarget(down.name(), down.datacenter(), down.rack(), down.tokens(),
        down.endpoint(), false), all.get(2));
    Instant recheck = at("2026-03-02T23:00:00Z");
    assertThat(recheck).as("a node is left to set: look again soon").isEqualTo("2026-03-02T23:00:00Z");
    assertThat(agents.throughput(down.name())).isNull();

    ObjectMapper json = new ObjectMapper();
    status = json.readValue(json.writeValueAsString(status), MaintenanceStatus.class);
    windows = new CompactionWindows(new UpkeepExecutor(new ImmediateAgents(agents)));
    nodes = all;
    at("2026-03-02T23:01:00Z");
    assertThat(throughputs()).containsOnly(256);
    at("2026-03-03T06:00:00Z");
    assertThat(throughputs()).containsOnly(64);
    assertThat(events).extracting(ClusterEvent::reason).containsOnlyOnce("CompactionWindowStarted");
  }

  @Test
  void whenWindowsOverlapTheLaterStartIsInForce() {
    List<CompactionThroughputWindow> two = List.of(window("0 22 * * *", "8h", 256), window("0 2 * * *", "1h", 0));
    clock.set(Instant.parse("2026-03-03T02:30:00Z"));
    windows.apply(two, "UTC", status, nodes, clock.instant(), events);
    assertThat(throughputs()).containsOnly(0);
    clock.set(Instant.parse("2026-03-03T03:30:00Z"));
    windows.apply(two, "UTC", status, nodes, clock.instant(), events);
    assertThat(throughputs()).containsOnly(256);
    assertThat(status.getCompactionThroughput().getRestoreMibPerSecond()).isEqualTo(64);
  }
}
