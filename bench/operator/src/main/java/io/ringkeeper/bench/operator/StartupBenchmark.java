package io.ringkeeper.bench.operator;

import static io.ringkeeper.bench.operator.OperatorBenchmarks.progress;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.operator.testing.FakeKubelet;
import io.ringkeeper.operator.testing.FakeNodeFleet;
import io.ringkeeper.operator.testing.MockKube;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Benchmark 5 (start-up) and the one-cluster half of benchmark 4 (memory of a 3-node cluster). The real
 * {@code io.ringkeeper.operator.Main} is started as its own JVM with the chart's flags (128 MiB limit) against the
 * mock API server, where a new 3-node cluster waits. Start-up: from just before the process is started until the
 * API server receives the first reconcile's status patch (the last request of a reconcile that assigns tokens).
 * Then the cluster is brought to Ready (fake kubelet; the pods' agents are JDK HttpServers on 127.8.10.x answering
 * for the fake fleet), left alone for 15 s, and the operator's RSS and heap after a full GC are read.
 */
final class StartupBenchmark {
  static final int RUNS = 5;
  static final int LIMIT_MIB = 128;

  private StartupBenchmark() {}

  static void run() throws Exception {
    Path dir = Path.of(System.getProperty("bench.target", "target"), "bench-startup");
    List<Double> startup = new ArrayList<>();
    List<Double> ready = new ArrayList<>();
    List<Double> cpu = new ArrayList<>();
    List<Double> rss = new ArrayList<>();
    List<Double> peak = new ArrayList<>();
    List<Double> heap = new ArrayList<>();
    List<Double> metaspace = new ArrayList<>();
    List<String> addresses = new ArrayList<>();
    for (int i = 0; i < 3 * RUNS; i++) {
      addresses.add(FakeAgents.address(10, i));
    }
    for (int run = 0; run < RUNS; run++) {
      int offset = 3 * run;
      try (MockKube kube = MockKube.start();
           FakeKubelet kubelet = new FakeKubelet(kube, n -> FakeAgents.address(10, offset + n - 1));
           FakeNodeFleet fleet = new FakeNodeFleet(kubelet)) {
        int[] port = new int[1];
        try (FakeAgents agents = FakeAgents.start(addresses.subList(offset, offset + 3),
            address -> ChildOperator.agentAnswer(kubelet, fleet, address, port[0]))) {
          port[0] = agents.port();
          String ns = "startup";
          CassandraCluster cr = Serialization.unmarshal(ApiRequestsBenchmark.TWELVE_NODES
              .replace("size: 12", "size: 3").replace("twelve", "three"), CassandraCluster.class);
          cr.getMetadata().setNamespace(ns);
          kube.admin().resource(cr).create();
          kube.clearRequests();
          Path kubeconfig = ChildOperator.kubeconfig(kube, dir);
          try (ChildOperator child = ChildOperator.start(ChildOperator.chartFlags(LIMIT_MIB),
              "io.ringkeeper.operator.Main", List.of("--kubeconfig", kubeconfig.toString(), "--no-leader-election",
                  "--http-port", "0", "--agent-port", String.valueOf(agents.port())), dir, "startup-" + run)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (kube.requests(r -> r.path().endsWith("/status") && r.verb().equals("patch")
                && !r.userAgent().equals(MockKube.TEST_AGENT) && !r.userAgent().equals(MockKube.KUBELET_AGENT))
                .isEmpty()) {
              if (System.nanoTime() > deadline || !child.alive()) {
                throw new IllegalStateException("no reconcile finished; see " + dir.resolve("startup-" + run + ".log"));
              }
              Thread.sleep(2);
            }
            startup.add((System.nanoTime() - child.startedNanos) / 1e6);
            cpu.add(child.cpuMillis());
            ReconcileLatencyBenchmark.awaitReady(kube, ns, "three", 3, Duration.ofSeconds(60));
            ready.add((System.nanoTime() - child.startedNanos) / 1e6);
            Thread.sleep(15_000);
            double[] memory = child.rssMib();
            rss.add(memory[0]);
            peak.add(memory[1]);
            double[] afterGc = child.heapAfterGcMib();
            heap.add(afterGc[0]);
            metaspace.add(afterGc[1]);
            progress("startup: run " + (run + 1) + ": first reconcile after " + Stats.fmt(startup.get(run), 0)
                + " ms, RSS " + Stats.fmt(memory[0], 1) + " MiB");
          }
        }
      }
    }
    System.out.println("### 5. Start-up, and memory with one 3-node cluster");
    System.out.println();
    System.out.println("The real Main in its own JVM, flags `" + String.join(" ", ChildOperator.chartFlags(LIMIT_MIB))
        + "`; " + RUNS + " runs, min / median / max.");
    System.out.println();
    System.out.println("| figure | value |");
    System.out.println("|---|---:|");
    System.out.println("| process start to first reconcile finished (its status patch at the API server), ms | "
        + Stats.of(startup).mmm(0) + " |");
    System.out.println("| CPU time of the operator process until then (user + system, all threads), ms | "
        + Stats.of(cpu).mmm(0) + " |");
    System.out.println("| process start to the 3-node cluster Ready, ms | " + Stats.of(ready).mmm(0) + " |");
    System.out.println("| RSS, 15 s after Ready, MiB | " + Stats.of(rss).mmm(1) + " |");
    System.out.println("| peak RSS (VmHWM), MiB | " + Stats.of(peak).mmm(1) + " |");
    System.out.println("| heap used after a full GC, MiB | " + Stats.of(heap).mmm(1) + " |");
    System.out.println("| metaspace used, MiB | " + Stats.of(metaspace).mmm(1) + " |");
    System.out.println();
  }
}
