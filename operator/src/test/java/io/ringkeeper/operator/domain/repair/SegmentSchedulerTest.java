package io.ringkeeper.operator.domain.repair;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SegmentSchedulerTest {

  static Stream<Arguments> seedsAndModes() {
    List<Arguments> out = new ArrayList<>();
    for (long seed = 1; seed <= 15; seed++) {
      for (RepairMode mode : RepairMode.values()) {
        out.add(Arguments.of(seed, mode));
      }
    }
    return out.stream();
  }

  /** Runs a whole plan with segments finishing in random order and checks every moment of it. */
  @ParameterizedTest(name = "seed {0}, {1}")
  @MethodSource("seedsAndModes")
  void neverRunsTwoSegmentsSharingAReplica(long seed, RepairMode mode) {
    System.out.println("seed " + seed + " " + mode);
    Random random = new Random(seed);
    List<RingMember> ring = RepairPlannerTest.randomRing(random);
    RepairPlan plan = RepairPlanner.plan(ring, RepairPlannerTest.schema(), List.of(), 4, Set.of());
    IndexSet done = IndexSet.empty();
    List<Segment> running = new ArrayList<>();
    int maxConcurrent = 0;
    int rounds = 0;
    while (done.size() < plan.size()) {
      running.addAll(SegmentScheduler.startable(plan, done, running, Set.of(), mode));
      assertThat(running).as("something runs while segments remain").isNotEmpty();
      for (int i = 0; i < running.size(); i++) {
        for (int j = i + 1; j < running.size(); j++) {
          assertThat(running.get(i).sharesReplicaWith(running.get(j)))
              .as("%s and %s run together", running.get(i), running.get(j)).isFalse();
          if (mode == RepairMode.DATACENTER_AWARE) {
            assertThat(running.get(i).datacenter()).isEqualTo(running.get(j).datacenter());
          }
        }
      }
      if (mode == RepairMode.SEQUENTIAL) {
        assertThat(running).hasSize(1);
      }
      maxConcurrent = Math.max(maxConcurrent, running.size());
      Segment finished = running.remove(random.nextInt(running.size()));
      done = done.with(finished.index());
      rounds++;
    }
    assertThat(rounds).isEqualTo(plan.size());
    if (mode != RepairMode.SEQUENTIAL && ring.size() >= 8) {
      assertThat(maxConcurrent).as("parallel modes overlap disjoint segments").isGreaterThan(1);
    }
  }

  @Test
  void skipsSegmentsWithAnUnavailableReplicaAndTakesTheNextUnfinished() {
    RepairPlan plan = RepairPlanner.plan(List.of(
        new RingMember("a", "dc1", "r1", List.of(100L)),
        new RingMember("b", "dc1", "r1", List.of(200L)),
        new RingMember("c", "dc1", "r1", List.of(300L))),
        List.of(new RepairKeyspace("k", false, "SimpleStrategy", Map.of("*", 2), 0)), List.of(), 1, Set.of());
    // (300,100]: a,b  (100,200]: b,c  (200,300]: c,a
    assertThat(SegmentScheduler.startable(plan, IndexSet.empty(), List.of(), Set.of("a"), RepairMode.SEQUENTIAL))
        .extracting(Segment::index).containsExactly(1);
    assertThat(SegmentScheduler.startable(plan, IndexSet.parse("0"), List.of(), Set.of(), RepairMode.PARALLEL))
        .extracting(Segment::index).containsExactly(1);
    assertThat(SegmentScheduler.startable(plan, IndexSet.empty(), List.of(), Set.of("a", "b", "c"),
        RepairMode.PARALLEL)).isEmpty();
  }

  @Test
  void pausesForTheSegmentsDurationTimesOneOverIntensityMinusOne() {
    assertThat(SegmentScheduler.pauseAfter(Duration.ofSeconds(10), 0.5)).isEqualTo(Duration.ofSeconds(10));
    assertThat(SegmentScheduler.pauseAfter(Duration.ofSeconds(10), 0.25)).isEqualTo(Duration.ofSeconds(30));
    assertThat(SegmentScheduler.pauseAfter(Duration.ofSeconds(10), 1)).isEqualTo(Duration.ZERO);
  }

  @Test
  void indexSetsRoundTripAsRanges() {
    IndexSet set = IndexSet.empty().with(0).with(1).with(2).with(5).with(7).with(8);
    assertThat(set.toString()).isEqualTo("0-2,5,7-8");
    assertThat(IndexSet.parse("0-2,5,7-8")).isEqualTo(set);
    assertThat(set.firstMissing()).isEqualTo(3);
    assertThat(IndexSet.parse("").size()).isZero();
  }
}
