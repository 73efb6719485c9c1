package io.ringkeeper.bench;

import io.ringkeeper.operator.domain.tokens.NewNode;
import io.ringkeeper.operator.domain.tokens.OwnershipCalculator;
import io.ringkeeper.operator.domain.tokens.ReplicaMap;
import io.ringkeeper.operator.domain.tokens.ReplicatedRange;
import io.ringkeeper.operator.domain.tokens.ReplicationAwareTokenAllocator;
import io.ringkeeper.operator.domain.tokens.RingNode;
import io.ringkeeper.operator.domain.tokens.TokenAllocator;
import io.ringkeeper.operator.domain.topology.RackPlacement;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Token allocation benchmark: Ringkeeper's {@link ReplicationAwareTokenAllocator} against Cassandra 5.0.9's own
 * allocator and against random tokens, all scored by {@link OwnershipCalculator}, at replication factor 3.
 * Prints Markdown to stdout (see docs/benchmarks.md for the command and the latest output).
 *
 * <p>Spread = max/min effective ownership among the nodes of a rack; a datacenter's spread is its worst rack's.
 * Growth: a datacenter starts with 3 nodes and grows one node at a time to 96, node {@code i} joining rack
 * {@code i mod racks} (the order {@link RackPlacement#nextRack} gives). Cassandra's side runs in its own JVM:
 * each joining node calls {@code TokenAllocation.allocateTokens} on the ring of the nodes before it, as a
 * bootstrapping node with {@code allocate_tokens_for_local_replication_factor: 3} does. Times are CPU times (of
 * the allocating thread, and of the whole JVM) for growing from 3 to 96 nodes, medians of 5 runs after at least
 * 3 s of warm-up runs of the same sequence: CPU time, so that other processes on a shared machine skew the
 * comparison less.
 */
public final class TokenBenchmark {

  private static final int RF = 3;
  private static final int FIRST = 3;
  private static final int[] NUM_TOKENS = {16, 8, 4};
  private static final int[] RACKS = {3, 1, 2, 5};
  private static final int SHRINK_FROM = 24;
  private static final long WARM_UP_NANOS = 3_000_000_000L;
  private static final int TIMED_RUNS = 5;
  private static final int SHRINK_TO = 12;

  /** Allocation time is CPU time, as on Cassandra's side: of this JVM (all threads) and of the allocating thread. */
  private static final OperatingSystemMXBean CPU =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private static final ThreadMXBean THREAD = ManagementFactory.getThreadMXBean();

  private final TokenAllocator allocator = new ReplicationAwareTokenAllocator();
  private final Map<String, List<RingNode>> shrinkSources = new LinkedHashMap<>();
  private final CassandraProcess cassandra;
  private final int max;

  private TokenBenchmark(CassandraProcess cassandra, int max) {
    this.cassandra = cassandra;
    this.max = max;
  }

  public static void main(String[] args) throws IOException {
    Path classes = Path.of(System.getProperty("bench.classes", "bench/target/classes"));
    Path classpath = Path.of(System.getProperty("bench.cassandraClasspath", "bench/target/cassandra.classpath"));
    int max = args.length > 0 ? Integer.parseInt(args[0]) : 96;
    new TokenBenchmark(new CassandraProcess(classes, classpath), max).run();
  }

  private void run() throws IOException {
    Locale.setDefault(Locale.ROOT);
    System.out.printf("Java %s, %d processors, rf %d, growth %d -> %d nodes.%n%n",
        System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), RF, FIRST, max);
    List<String[]> speed = new ArrayList<>();
    Map<String, List<RingNode>> crossCheckRings = new LinkedHashMap<>();
    for (int racks : RACKS) {
      growth(racks, speed, crossCheckRings);
    }
    printSpeed(speed);
    newDatacenters();
    shrink();
    crossCheck(crossCheckRings);
  }

  // --- growth --------------------------------------------------------------------------------------------------

  private record Series(double[] ours, double[] cassandra, double[] random, double[] newDc, long oursMillis,
      long oursThreadMillis, long cassandraMillis, long cassandraThreadMillis, String refusal,
      double offlineWorst) {}

  private void growth(int racks, List<String[]> speed, Map<String, List<RingNode>> rings) throws IOException {
    Map<Integer, Series> byTokens = new LinkedHashMap<>();
    for (int numTokens : NUM_TOKENS) {
      long warmUntil = System.nanoTime() + WARM_UP_NANOS; // JIT warm-up, as Cassandra's side gets
      for (int run = 0; run < 2 || System.nanoTime() < warmUntil; run++) {
        grow(racks, numTokens, max);
      }
      long[] jvm = new long[TIMED_RUNS];
      long[] thread = new long[TIMED_RUNS];
      List<RingNode> ours = null;
      for (int run = 0; run < TIMED_RUNS; run++) {
        long start = CPU.getProcessCpuTime();
        long threadStart = THREAD.getCurrentThreadCpuTime();
        ours = grow(racks, numTokens, max);
        jvm[run] = (CPU.getProcessCpuTime() - start) / 1_000_000;
        thread[run] = (THREAD.getCurrentThreadCpuTime() - threadStart) / 1_000_000;
      }
      long oursMillis = median(jvm);
      long oursThreadMillis = median(thread);
      var theirs = cassandra.bootstrap(racks, numTokens, max, RF);
      var offline = cassandra.offline(racks, numTokens, max, RF);
      List<RingNode> random = randomRing(racks, numTokens, 42L * numTokens + racks);
      double[] newDc = new double[max + 1];
      for (int n = FIRST; n <= max; n++) {
        newDc[n] = newDatacenterSpread(n, racks, numTokens);
      }
      byTokens.put(numTokens, new Series(prefixSpreads(ours), prefixSpreads(theirs.nodes()), prefixSpreads(random),
          newDc, oursMillis, oursThreadMillis, theirs.millis(), theirs.threadMillis(), theirs.refusal(),
          worst(prefixSpreads(offline.nodes()))));
      if ((racks == 3 || racks == 1) && max >= SHRINK_FROM) {
        shrinkSources.put(racks + "/" + numTokens + "/Ringkeeper", ours.subList(0, SHRINK_FROM));
        if (theirs.refusal() == null) {
          shrinkSources.put(racks + "/" + numTokens + "/Cassandra", theirs.nodes().subList(0, SHRINK_FROM));
        }
        shrinkSources.put(racks + "/" + numTokens + "/random", random.subList(0, SHRINK_FROM));
      }
      if (numTokens == 16) {
        rings.put("ours, " + racks + " racks, 16 tokens, " + max + " nodes", ours);
      }
      if (numTokens == 4) {
        rings.put("random, " + racks + " racks, 4 tokens, " + max + " nodes", random);
        if (theirs.refusal() == null) {
          rings.put("Cassandra's, " + racks + " racks, 4 tokens, " + max + " nodes", theirs.nodes());
        }
      }
    }

    System.out.printf("## Growth with %d rack%s, rf %d%n%n", racks, racks == 1 ? "" : "s", RF);
    System.out.println("Spread at each size while the datacenter grows one node at a time: Ringkeeper (grow), "
        + "Cassandra 5.0.9 (cass), random tokens (rand), and Ringkeeper allocating a new datacenter of that "
        + "size at once (new). `!` marks a size where Ringkeeper's growth is worse than Cassandra's at 3 decimals.");
    for (var e : byTokens.entrySet()) {
      if (e.getValue().refusal() != null) {
        System.out.printf("%nCassandra, %d tokens, refused at %s%n", e.getKey(), e.getValue().refusal());
      }
    }
    System.out.println();
    StringBuilder header = new StringBuilder("| nodes |");
    StringBuilder rule = new StringBuilder("|---:|");
    for (int numTokens : byTokens.keySet()) {
      header.append(String.format(" %d: new | grow | cass | rand |", numTokens));
      rule.append("---:|---:|---:|---:|");
    }
    System.out.println(header);
    System.out.println(rule);
    for (int n = FIRST; n <= max; n++) {
      StringBuilder row = new StringBuilder("| " + n + " |");
      for (Series s : byTokens.values()) {
        boolean worse = !Double.isNaN(s.cassandra()[n]) && round(s.ours()[n]) > round(s.cassandra()[n]);
        row.append(String.format(" %s | %s%s | %s | %s |", fmt(s.newDc()[n]), fmt(s.ours()[n]), worse ? " !" : "",
            fmt(s.cassandra()[n]), fmt(s.random()[n])));
      }
      System.out.println(row);
    }
    System.out.println();
    System.out.println("| tokens | new: worst | grow: worst | grow: mean | cass: worst | cass: mean | "
        + "sizes grow <= cass | rand: worst | generatetokens: worst |");
    System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (var e : byTokens.entrySet()) {
      Series s = e.getValue();
      int noWorse = 0;
      int compared = 0;
      for (int n = FIRST; n <= max; n++) {
        if (!Double.isNaN(s.cassandra()[n])) {
          compared++;
          noWorse += round(s.ours()[n]) <= round(s.cassandra()[n]) ? 1 : 0;
        }
      }
      System.out.printf("| %d | %s | %s | %s | %s | %s | %d/%d | %s | %s |%n", e.getKey(), fmt(worst(s.newDc())),
          fmt(worst(s.ours())), fmt(mean(s.ours())), fmt(worst(s.cassandra())), fmt(mean(s.cassandra())), noWorse,
          compared, fmt(worst(s.random())), fmt(s.offlineWorst()));
      boolean ran = s.refusal() == null;
      speed.add(new String[] {Integer.toString(racks), Integer.toString(e.getKey()),
          Long.toString(s.oursThreadMillis()), ran ? Long.toString(s.cassandraThreadMillis()) : "refused",
          ran ? ratio(s.cassandraThreadMillis(), s.oursThreadMillis()) : "-", Long.toString(s.oursMillis()),
          ran ? Long.toString(s.cassandraMillis()) : "refused", ran ? ratio(s.cassandraMillis(), s.oursMillis()) : "-"});
    }
    System.out.println();
  }

  /** Grows a datacenter from 3 nodes (allocated at once) to {@code size}, one node at a time. */
  private List<RingNode> grow(int racks, int numTokens, int size) {
    List<String> rackNames = rackNames(racks);
    List<NewNode> first = new ArrayList<>();
    for (int i = 0; i < FIRST; i++) {
      first.add(new NewNode("n" + i, rackNames.get(i % racks)));
    }
    var initial = allocator.allocateNewDatacenter(first, numTokens, RF, Set.of());
    List<RingNode> ring = new ArrayList<>();
    first.forEach(n -> ring.add(new RingNode(n.name(), n.rack(), initial.get(n.name()))));
    for (int i = FIRST; i < size; i++) {
      Map<String, Integer> counts = new HashMap<>();
      ring.forEach(n -> counts.merge(n.rack(), 1, Integer::sum));
      NewNode node = new NewNode("n" + i, RackPlacement.nextRack(rackNames, counts));
      ring.add(new RingNode(node.name(), node.rack(), allocator.allocateNode(ring, node, numTokens, RF, Set.of())));
    }
    return ring;
  }

  private List<RingNode> randomRing(int racks, int numTokens, long seed) {
    Random random = new Random(seed);
    Set<Long> used = new HashSet<>();
    List<RingNode> ring = new ArrayList<>();
    for (int i = 0; i < max; i++) {
      List<Long> tokens = new ArrayList<>();
      while (tokens.size() < numTokens) {
        long t = random.nextLong();
        if (t != Long.MIN_VALUE && used.add(t)) {
          tokens.add(t);
        }
      }
      ring.add(new RingNode("n" + i, "r" + (i % racks), tokens));
    }
    return ring;
  }

  private double newDatacenterSpread(int size, int racks, int numTokens) {
    List<NewNode> nodes = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      nodes.add(new NewNode("n" + i, "r" + (i % racks)));
    }
    var tokens = allocator.allocateNewDatacenter(nodes, numTokens, RF, Set.of());
    return OwnershipCalculator.calculate(
        nodes.stream().map(n -> new RingNode(n.name(), n.rack(), tokens.get(n.name()))).toList(), RF).spread();
  }

  /** spread[n] of the first n nodes, NaN where there are not n nodes. */
  private double[] prefixSpreads(List<RingNode> nodes) {
    double[] out = new double[max + 1];
    java.util.Arrays.fill(out, Double.NaN);
    for (int n = FIRST; n <= Math.min(max, nodes.size()); n++) {
      out[n] = OwnershipCalculator.calculate(nodes.subList(0, n), RF).spread();
    }
    return out;
  }

  private void printSpeed(List<String[]> rows) {
    System.out.printf("## Speed%n%nCPU time to grow a datacenter from %d to %d nodes one node at a time, in "
        + "milliseconds: median of %d runs after at least %d s of warm-up runs of the same sequence in the same "
        + "JVM; scoring not included. Thread: the allocating thread. JVM: all threads of the JVM (garbage "
        + "collection, JIT compilation and the JVM's own threads too), which weighs most on short runs.%n%n",
        FIRST, max, TIMED_RUNS, WARM_UP_NANOS / 1_000_000_000L);
    System.out.println("| racks | tokens | thread: Ringkeeper | thread: Cassandra | ratio | JVM: Ringkeeper | "
        + "JVM: Cassandra | ratio |");
    System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|");
    rows.forEach(r -> System.out.printf("| %s | %s | %s | %s | %s | %s | %s | %s |%n", (Object[]) r));
    System.out.println();
  }

  // --- new datacenters -----------------------------------------------------------------------------------------

  private void newDatacenters() {
    System.out.printf("## New datacenters allocated at once%n%nWorst spread over every size from %d to %d nodes "
        + "(worst rack), and worst max/min across all nodes at the sizes where racks are equal.%n%n", FIRST, max);
    System.out.println("| racks | tokens | worst spread | worst overall (equal racks) | total ms |");
    System.out.println("|---:|---:|---:|---:|---:|");
    for (int racks : RACKS) {
      for (int numTokens : new int[] {1, 4, 8, 16}) {
        double worst = 1;
        double worstOverall = 1;
        long start = System.nanoTime();
        for (int n = FIRST; n <= max; n++) {
          List<NewNode> nodes = new ArrayList<>();
          for (int i = 0; i < n; i++) {
            nodes.add(new NewNode("n" + i, "r" + (i % racks)));
          }
          var tokens = allocator.allocateNewDatacenter(nodes, numTokens, RF, Set.of());
          var own = OwnershipCalculator.calculate(
              nodes.stream().map(x -> new RingNode(x.name(), x.rack(), tokens.get(x.name()))).toList(), RF);
          worst = Math.max(worst, own.spread());
          if (n % racks == 0) {
            worstOverall = Math.max(worstOverall, own.overallSpread());
          }
        }
        System.out.printf("| %d | %d | %s | %s | %d |%n", racks, numTokens, fmt(worst), fmt(worstOverall),
            (System.nanoTime() - start) / 1_000_000);
      }
    }
    System.out.println();
  }

  // --- shrink --------------------------------------------------------------------------------------------------

  private void shrink() {
    System.out.printf("## Shrinking from %d to %d nodes%n%nA datacenter of %d nodes (the first %d of each growth "
        + "run above: grown by Ringkeeper, by Cassandra, or random tokens) loses one node at a time: the node "
        + "`RackPlacement.nodeToRemove` picks (chosen) or the most recently added one (newest). Spread at the end "
        + "(%d nodes) and worst spread on the way.%n%n", SHRINK_FROM, SHRINK_TO, SHRINK_FROM, SHRINK_FROM, SHRINK_TO);
    System.out.println("| racks | tokens | grown by | chosen: end | chosen: worst | newest: end | newest: worst |");
    System.out.println("|---:|---:|---|---:|---:|---:|---:|");
    Map<String, double[][]> perSize = new LinkedHashMap<>();
    for (var e : shrinkSources.entrySet()) {
      String[] key = e.getKey().split("/");
      List<String> rackNames = rackNames(Integer.parseInt(key[0]));
      List<RingNode> chosen = new ArrayList<>(e.getValue());
      List<RingNode> newest = new ArrayList<>(e.getValue());
      double[][] spreads = new double[2][SHRINK_FROM + 1];
      spreads[0][SHRINK_FROM] = spreads[1][SHRINK_FROM] = OwnershipCalculator.calculate(chosen, RF).spread();
      for (int n = SHRINK_FROM - 1; n >= SHRINK_TO; n--) {
        String leaving = RackPlacement.nodeToRemove(chosen, rackNames, RF).node();
        chosen.removeIf(x -> x.name().equals(leaving));
        newest.remove(newest.size() - 1);
        spreads[0][n] = OwnershipCalculator.calculate(chosen, RF).spread();
        spreads[1][n] = OwnershipCalculator.calculate(newest, RF).spread();
      }
      System.out.printf("| %s | %s | %s | %s | %s | %s | %s |%n", key[0], key[1], key[2], fmt(spreads[0][SHRINK_TO]),
          fmt(worst(spreads[0], SHRINK_TO)), fmt(spreads[1][SHRINK_TO]), fmt(worst(spreads[1], SHRINK_TO)));
      if (key[0].equals("3") && key[2].equals("Ringkeeper")) {
        perSize.put(key[1], spreads);
      }
    }
    System.out.println();
    System.out.println("Per size, 3 racks, grown by Ringkeeper:");
    System.out.println();
    StringBuilder header = new StringBuilder("| nodes |");
    StringBuilder rule = new StringBuilder("|---:|");
    perSize.keySet().forEach(t -> {
      header.append(String.format(" %s: chosen | newest |", t));
      rule.append("---:|---:|");
    });
    System.out.println(header);
    System.out.println(rule);
    for (int n = SHRINK_FROM; n >= SHRINK_TO; n--) {
      StringBuilder row = new StringBuilder("| " + n + " |");
      for (double[][] sp : perSize.values()) {
        row.append(String.format(" %s | %s |", fmt(sp[0][n]), fmt(sp[1][n])));
      }
      System.out.println(row);
    }
    System.out.println();
  }

  // --- cross-check ---------------------------------------------------------------------------------------------

  private void crossCheck(Map<String, List<RingNode>> rings) throws IOException {
    System.out.printf("## Calculator cross-check%n%nFor every range of each ring, the replicas (in order) from "
        + "Ringkeeper's OwnershipCalculator against Cassandra 5.0.9's NetworkTopologyStrategy.%n%n");
    System.out.println("| ring | rf | ranges | identical | different |");
    System.out.println("|---|---:|---:|---:|---:|");
    for (var e : rings.entrySet()) {
      for (int rf : new int[] {RF, 2}) {
        ReplicaMap ours = OwnershipCalculator.replicaMap(e.getValue(), rf);
        Map<Long, List<String>> theirs = cassandra.replicas(e.getValue(), rf);
        int same = 0;
        for (ReplicatedRange range : ours.ranges()) {
          same += range.replicas().equals(theirs.get(range.end())) ? 1 : 0;
        }
        int total = ours.ranges().size();
        System.out.printf("| %s | %d | %d | %d | %d |%n", e.getKey(), rf, total, same,
            total - same + Math.abs(theirs.size() - total));
      }
    }
    System.out.println();
  }

  // --- helpers -------------------------------------------------------------------------------------------------

  private static List<String> rackNames(int racks) {
    return IntStream.range(0, racks).mapToObj(i -> "r" + i).toList();
  }

  private double worst(double[] spreads) {
    return worst(spreads, FIRST);
  }

  private static double worst(double[] spreads, int from) {
    double w = Double.NaN;
    for (int n = from; n < spreads.length; n++) {
      if (!Double.isNaN(spreads[n]) && (Double.isNaN(w) || spreads[n] > w)) {
        w = spreads[n];
      }
    }
    return w;
  }

  private double mean(double[] spreads) {
    return IntStream.rangeClosed(FIRST, max).mapToDouble(n -> spreads[n]).filter(d -> !Double.isNaN(d)).average()
        .orElse(Double.NaN);
  }

  private static long median(long[] values) {
    long[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static String ratio(long theirs, long ours) {
    return String.format("%.1fx", (double) theirs / Math.max(1, ours));
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  private static String fmt(double v) {
    return Double.isNaN(v) ? "-" : String.format("%.3f", v);
  }
}
