package io.ringkeeper.bench.operator;

import static io.ringkeeper.bench.operator.OperatorBenchmarks.progress;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.ClusterPhase;
import io.ringkeeper.operator.testing.FakeKubelet;
import io.ringkeeper.operator.testing.FakeNodeFleet;
import io.ringkeeper.operator.testing.MockKube;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Benchmark 4: 100 clusters of 6 nodes (3 racks, rf 3) created at once. The operator runs as its own JVM
 * ({@link OperatorProcess}, wired as Main, default options: 4 reconcile threads, 10 s poll interval, 16 agent
 * calls in flight) with the chart's flags for a 256 MiB limit; the 600 pods get addresses 127.8.20.1 onwards,
 * where JDK HttpServers answer as their agents (the fake fleet's answers over real HTTP). Measured: time from
 * the first create until all 100 clusters are Ready 6/6, reconciles per second over that time, the operator's
 * RSS (and peak) 20 s later, heap used after a full GC.
 */
final class ScaleBenchmark {
  static final int CLUSTERS = 100;
  static final int NODES = 6;
  static final int RUNS = 3;
  static final int LIMIT_MIB = 256;

  private ScaleBenchmark() {}

  static void run() throws Exception {
    Path dir = Path.of(System.getProperty("bench.target", "target"), "bench-scale");
    List<String> addresses = new ArrayList<>();
    for (int i = 0; i < CLUSTERS * NODES; i++) {
      addresses.add(FakeAgents.address(20, i));
    }
    List<Double> readyS = new ArrayList<>();
    List<Double> rate = new ArrayList<>();
    List<Double> reconciles = new ArrayList<>();
    List<Double> rss = new ArrayList<>();
    List<Double> peak = new ArrayList<>();
    List<Double> heap = new ArrayList<>();
    for (int run = 0; run < RUNS; run++) {
      try (MockKube kube = MockKube.start();
           FakeKubelet kubelet = new FakeKubelet(kube, n -> FakeAgents.address(20, n - 1));
           FakeNodeFleet fleet = new FakeNodeFleet(kubelet)) {
        int[] port = new int[1];
        try (FakeAgents agents = FakeAgents.start(addresses,
            address -> ChildOperator.agentAnswer(kubelet, fleet, address, port[0]))) {
          port[0] = agents.port();
          Path kubeconfig = ChildOperator.kubeconfig(kube, dir);
          try (ChildOperator child = ChildOperator.start(ChildOperator.chartFlags(LIMIT_MIB),
              OperatorProcess.class.getName(), List.of(kubeconfig.toString(), String.valueOf(agents.port())), dir,
              "scale-" + run)) {
            while (child.reconciles() < 0) {
              if (!child.alive()) {
                throw new IllegalStateException("the operator exited; see " + dir.resolve("scale-" + run + ".log"));
              }
              Thread.sleep(100);
            }
            Thread.sleep(2000);
            long before = child.reconciles();
            progress("scale: run " + (run + 1) + ": creating " + CLUSTERS + " clusters of " + NODES + " nodes");
            long t0 = System.nanoTime();
            for (int c = 0; c < CLUSTERS; c++) {
              CassandraCluster cr = Serialization.unmarshal(ApiRequestsBenchmark.TWELVE_NODES
                  .replace("size: 12", "size: " + NODES).replace("twelve", "c" + c), CassandraCluster.class);
              cr.getMetadata().setNamespace("scale-" + (c % 10));
              kube.admin().resource(cr).create();
            }
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (readyCount(kube) < CLUSTERS) {
              if (System.nanoTime() > deadline || !child.alive()) {
                throw new IllegalStateException("not all clusters Ready (" + readyCount(kube) + "); see "
                    + dir.resolve("scale-" + run + ".log"));
              }
              Thread.sleep(250);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            Thread.sleep(1500); // OperatorProcess prints its count once a second
            long done = child.reconciles() - before;
            readyS.add(seconds);
            reconciles.add((double) done);
            rate.add(done / seconds);
            progress("scale: run " + (run + 1) + ": all Ready after " + Stats.fmt(seconds, 1) + " s, " + done
                + " reconciles");
            Thread.sleep(20_000);
            double[] memory = child.rssMib();
            rss.add(memory[0]);
            peak.add(memory[1]);
            heap.add(child.heapAfterGcMib()[0]);
          }
        }
      }
    }
    System.out.println("### 4. 100 clusters of 6 nodes created at once");
    System.out.println();
    System.out.println("Operator in its own JVM (wired as Main, default options), flags `"
        + String.join(" ", ChildOperator.chartFlags(LIMIT_MIB)) + "`; " + RUNS + " runs, min / median / max.");
    System.out.println();
    System.out.println("| figure | value |");
    System.out.println("|---|---:|");
    System.out.println("| first create to all 100 clusters Ready 6/6, s | " + Stats.of(readyS).mmm(1) + " |");
    System.out.println("| reconciles in that time | " + Stats.of(reconciles).mmm(0) + " |");
    System.out.println("| reconciles per second | " + Stats.of(rate).mmm(1) + " |");
    System.out.println("| RSS, 20 s after all Ready, MiB | " + Stats.of(rss).mmm(1) + " |");
    System.out.println("| peak RSS (VmHWM), MiB | " + Stats.of(peak).mmm(1) + " |");
    System.out.println("| heap used after a full GC, MiB | " + Stats.of(heap).mmm(1) + " |");
    System.out.println();
  }

  private static long readyCount(MockKube kube) {
    return kube.admin().resources(CassandraCluster.class).inAnyNamespace().list().getItems().stream()
        .filter(c -> c.getStatus() != null && c.getStatus().getPhase() == ClusterPhase.Ready
            && (NODES + "/" + NODES).equals(c.getStatus().getReady()))
        .count();
  }
}
