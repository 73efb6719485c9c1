package io.ringkeeper.bench.operator;

import static io.ringkeeper.bench.operator.OperatorBenchmarks.progress;

import io.fabric8.kubernetes.api.model.Pod;
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
import java.util.Random;

/**
 * Benchmark 6 (issue 13): isolation between clusters. 20 clusters of 3 nodes served by one operator in its own JVM
 * ({@link OperatorProcess}: wired as Main, real HttpNodeClient, default options); every node's agent is a JDK
 * HttpServer on its pod's loopback address ({@link FakeAgents}). Measured on the 15 healthy clusters, in one run:
 * the time from deleting a random pod of one of them until the operator has created it again (seen at the API
 * server), first while all 20 clusters' agents answer, then while every agent of the other 5 clusters accepts
 * requests and never answers. Also the operator's reconciles per second in each phase. The ratio (hung / healthy)
 * is what the issue bounds (<= 1.2).
 */
final class IsolationBenchmark {
  static final int CLUSTERS = 20;
  static final int HUNG = 5;
  static final int NODES = 3;
  static final int ROUNDS = Integer.getInteger("bench.isolation.rounds", 30);
  static final int BLOCK = 30;

  private IsolationBenchmark() {}

  static void run() throws Exception {
    Path dir = Path.of(System.getProperty("bench.target", "target"), "bench-isolation");
    // Every pod ever started gets the next address: re-created pods too, so serve enough of them.
    int addressCount = CLUSTERS * NODES + 2 * ROUNDS + 20;
    List<String> addresses = new ArrayList<>();
    for (int i = 0; i < addressCount; i++) {
      addresses.add(FakeAgents.address(BLOCK, i));
    }
    try (MockKube kube = MockKube.start();
         FakeKubelet kubelet = new FakeKubelet(kube, n -> FakeAgents.address(BLOCK, n - 1));
         FakeNodeFleet fleet = new FakeNodeFleet(kubelet)) {
      int[] port = new int[1];
      try (FakeAgents agents = FakeAgents.start(addresses,
          address -> ChildOperator.agentAnswer(kubelet, fleet, address, port[0]))) {
        port[0] = agents.port();
        Path kubeconfig = ChildOperator.kubeconfig(kube, dir);
        try (ChildOperator child = ChildOperator.start(ChildOperator.chartFlags(256),
            OperatorProcess.class.getName(), List.of(kubeconfig.toString(), String.valueOf(agents.port())), dir,
            "isolation")) {
          while (child.reconciles() < 0) {
            if (!child.alive()) {
              throw new IllegalStateException("the operator exited; see " + dir.resolve("isolation.log"));
            }
            Thread.sleep(100);
          }
          progress("isolation: creating " + CLUSTERS + " clusters of " + NODES + " nodes");
          for (int c = 0; c < CLUSTERS; c++) {
            CassandraCluster cr = Serialization.unmarshal(ApiRequestsBenchmark.TWELVE_NODES
                .replace("size: 12", "size: " + NODES).replace("twelve", name(c)), CassandraCluster.class);
            cr.getMetadata().setNamespace("iso");
            kube.admin().resource(cr).create();
          }
          for (int c = 0; c < CLUSTERS; c++) {
            ReconcileLatencyBenchmark.awaitReady(kube, "iso", name(c), NODES, Duration.ofMinutes(5));
          }
          Random random = new Random(13);
          progress("isolation: phase 1, every agent answers: " + ROUNDS + " deleted pods");
          long r0 = child.reconciles();
          long t0 = System.nanoTime();
          List<Double> healthy = reactions(kube, random);
          double healthyRate = (child.reconciles() - r0) / ((System.nanoTime() - t0) / 1e9);

          List<String> hungAddresses = new ArrayList<>();
          for (int c = 0; c < HUNG; c++) {
            for (Pod pod : kube.admin().pods().inNamespace("iso").withLabel("ringkeeper.io/cluster", name(c)).list()
                .getItems()) {
              hungAddresses.add(pod.getStatus().getPodIP());
            }
          }
          hungAddresses.forEach(a -> agents.hang(a, true));
          progress("isolation: phase 2, the " + hungAddresses.size() + " agents of " + HUNG
              + " clusters never answer; waiting 30 s for their polls to hang");
          Thread.sleep(30_000);
          long r1 = child.reconciles();
          long t1 = System.nanoTime();
          List<Double> hung = reactions(kube, random);
          double hungRate = (child.reconciles() - r1) / ((System.nanoTime() - t1) / 1e9);
          long hungReady = 0;
          for (int c = 0; c < HUNG; c++) {
            CassandraCluster cr = kube.admin().resources(CassandraCluster.class).inNamespace("iso").withName(name(c))
                .get();
            hungReady += cr.getStatus() != null && cr.getStatus().getPhase() == ClusterPhase.Ready ? 1 : 0;
          }

          Stats a = Stats.of(healthy);
          Stats b = Stats.of(hung);
          System.out.println("### 6. Isolation: 15 healthy clusters beside 5 whose agents hang (issue 13)");
          System.out.println();
          System.out.println("One operator JVM (wired as Main, default options, flags `"
              + String.join(" ", ChildOperator.chartFlags(256)) + "`), " + CLUSTERS + " clusters of " + NODES
              + " nodes, agents over real HTTP. Time from deleting a random pod of one of the " + (CLUSTERS - HUNG)
              + " healthy clusters until the operator has created it again, in ms, " + ROUNDS
              + " times per phase; the hung phase starts 30 s after every agent of the other " + HUNG
              + " clusters stopped answering (requests accepted, never answered).");
          System.out.println();
          System.out.println("| phase | count | min | p50 | p90 | p99 | max | reconciles/s |");
          System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
          System.out.println(row("every agent answers", a, healthyRate));
          System.out.println(row(HUNG + " clusters' agents hang", b, hungRate));
          System.out.println("| ratio hung / healthy | | " + ratio(b.min(), a.min()) + " | " + ratio(b.median(), a.median())
              + " | " + ratio(b.percentile(90), a.percentile(90)) + " | " + ratio(b.percentile(99), a.percentile(99))
              + " | " + ratio(b.max(), a.max()) + " | |");
          System.out.println();
          System.out.println("The hung clusters in status at the end: " + hungReady + " of " + HUNG + " still Ready (a"
              + " node whose agent does not answer is not counted ready).");
          System.out.println();
        }
      }
    }
  }

  private static String name(int c) {
    return "c" + c;
  }

  /** Deletes a random pod of a random healthy cluster, ROUNDS times; each time the ms until it exists again. */
  private static List<Double> reactions(MockKube kube, Random random) throws InterruptedException {
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < ROUNDS; i++) {
      String cluster = name(HUNG + random.nextInt(CLUSTERS - HUNG));
      List<Pod> pods = kube.admin().pods().inNamespace("iso").withLabel("ringkeeper.io/cluster", cluster).list()
          .getItems();
      Pod victim = pods.get(random.nextInt(pods.size()));
      String uid = victim.getMetadata().getUid();
      long t0 = System.nanoTime();
      kube.admin().resource(victim).withGracePeriod(0).delete();
      long deadline = t0 + Duration.ofSeconds(60).toNanos();
      while (true) {
        Pod now = kube.admin().pods().inNamespace("iso").withName(victim.getMetadata().getName()).get();
        if (now != null && !uid.equals(now.getMetadata().getUid())) {
          out.add((System.nanoTime() - t0) / 1e6);
          break;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(victim.getMetadata().getName() + " not re-created within 60 s");
        }
        Thread.sleep(5);
      }
      ReconcileLatencyBenchmark.awaitReady(kube, "iso", cluster, NODES, Duration.ofSeconds(90));
    }
    return out;
  }

  private static String row(String what, Stats s, double rate) {
    return "| " + what + " | " + s.count() + " | " + Stats.fmt(s.min(), 1) + " | " + Stats.fmt(s.median(), 1) + " | "
        + Stats.fmt(s.percentile(90), 1) + " | " + Stats.fmt(s.percentile(99), 1) + " | " + Stats.fmt(s.max(), 1)
        + " | " + Stats.fmt(rate, 1) + " |";
  }

  private static String ratio(double b, double a) {
    return a <= 0 ? "-" : Stats.fmt(b / a, 2);
  }
}
