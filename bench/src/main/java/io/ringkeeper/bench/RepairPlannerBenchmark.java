package io.ringkeeper.bench;

import io.ringkeeper.operator.domain.repair.IndexSet;
import io.ringkeeper.operator.domain.repair.RepairKeyspace;
import io.ringkeeper.operator.domain.repair.RepairMode;
import io.ringkeeper.operator.domain.repair.RepairPlan;
import io.ringkeeper.operator.domain.repair.RepairPlanner;
import io.ringkeeper.operator.domain.repair.RingMember;
import io.ringkeeper.operator.domain.repair.Segment;
import io.ringkeeper.operator.domain.repair.SegmentScheduler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * How long the repair planner takes to cut a large ring into segments, and the scheduler to pick the segments
 * that may run, printed as Markdown. Rings: 100 nodes with 16 random tokens each (seeded), in 3 racks, in one
 * datacenter and in two of 50; keyspaces under NetworkTopologyStrategy RF 3 and SimpleStrategy RF 3; 64 segments
 * per node. Each case is timed over repeated runs after warm-up; the figures are wall-clock milliseconds.
 *
 * <p>Run: {@code mvn -o -q -B -pl bench -am -Pbenchmark -DskipTests verify} (with the token benchmark), or
 * directly with the bench classpath: {@code java -cp ... io.ringkeeper.bench.RepairPlannerBenchmark}.
 */
public final class RepairPlannerBenchmark {
  private static final int WARMUP = 5;
  private static final int RUNS = 20;

  private RepairPlannerBenchmark() {}

  public static void main(String[] args) {
    System.out.println("## Repair planner: " + RUNS + " timed runs after " + WARMUP + " warm-up runs, ms");
    System.out.println();
    System.out.println("| ring | keyspaces | segments/node | segments | plan p50 | plan min | plan max "
        + "| scheduler: whole Parallel run | max concurrent |");
    System.out.println("|---|---|---|---|---|---|---|---|---|");
    List<RingMember> oneDc = ring(new Random(1), Map.of("dc1", 100), 16);
    List<RingMember> twoDc = ring(new Random(2), Map.of("dc1", 50, "dc2", 50), 16);
    RepairKeyspace nts1 = new RepairKeyspace("orders", false, "NetworkTopologyStrategy", Map.of("dc1", 3), 864000);
    RepairKeyspace nts2 = new RepairKeyspace("orders", false, "NetworkTopologyStrategy",
        Map.of("dc1", 3, "dc2", 3), 864000);
    RepairKeyspace simple = new RepairKeyspace("users", false, "SimpleStrategy", Map.of("*", 3), 864000);
    row("100 nodes x 16 tokens, 1 dc", oneDc, List.of(nts1), 64);
    row("100 nodes x 16 tokens, 1 dc", oneDc, List.of(nts1, simple), 64);
    row("100 nodes x 16 tokens, 2 dcs of 50", twoDc, List.of(nts2), 64);
    row("100 nodes x 16 tokens, 1 dc", oneDc, List.of(nts1), 16);
  }

  private static void row(String ring, List<RingMember> members, List<RepairKeyspace> keyspaces, int perNode) {
    RepairPlan plan = null;
    for (int i = 0; i < WARMUP; i++) {
      plan = RepairPlanner.plan(members, keyspaces, List.of(), perNode, Set.of());
    }
    double[] ms = new double[RUNS];
    for (int i = 0; i < RUNS; i++) {
      long t0 = System.nanoTime();
      plan = RepairPlanner.plan(members, keyspaces, List.of(), perNode, Set.of());
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    Arrays.sort(ms);
    long t0 = System.nanoTime();
    int maxConcurrent = simulate(plan, RepairMode.PARALLEL);
    double simulateMs = (System.nanoTime() - t0) / 1e6;
    System.out.printf("| %s | %s | %d | %d | %.1f | %.1f | %.1f | %.0f | %d |%n", ring,
        String.join(" + ", keyspaces.stream().map(k -> k.strategy() + " " + k.replicationFactors()).toList()),
        perNode, plan.size(), ms[RUNS / 2], ms[0], ms[RUNS - 1], simulateMs, maxConcurrent);
  }

  /** Runs every segment of the plan, finishing the oldest running one at each step; returns the widest step. */
  private static int simulate(RepairPlan plan, RepairMode mode) {
    IndexSet done = IndexSet.empty();
    List<Segment> running = new ArrayList<>();
    int max = 0;
    while (done.size() < plan.size()) {
      running.addAll(SegmentScheduler.startable(plan, done, running, Set.of(), mode));
      max = Math.max(max, running.size());
      done = done.with(running.remove(0).index());
    }
    return max;
  }

  private static List<RingMember> ring(Random random, Map<String, Integer> dcs, int tokens) {
    List<RingMember> out = new ArrayList<>();
    Set<Long> used = new HashSet<>();
    dcs.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(dc -> {
      for (int n = 0; n < dc.getValue(); n++) {
        List<Long> own = new ArrayList<>();
        while (own.size() < tokens) {
          long t = random.nextLong();
          if (t != Long.MIN_VALUE && used.add(t)) {
            own.add(t);
          }
        }
        out.add(new RingMember(dc.getKey() + "-n" + n, dc.getKey(), "r" + (n % 3), own));
      }
    });
    return out;
  }
}
