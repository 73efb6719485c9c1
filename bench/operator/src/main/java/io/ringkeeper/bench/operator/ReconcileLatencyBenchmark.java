package io.ringkeeper.bench.operator;

import static io.ringkeeper.bench.operator.OperatorBenchmarks.progress;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.ClusterPhase;
import io.ringkeeper.operator.config.OperatorConfig;
import io.ringkeeper.operator.domain.tokens.ReplicationAwareTokenAllocator;
import io.ringkeeper.operator.node.ClusterKey;
import io.ringkeeper.operator.node.NodePoller;
import io.ringkeeper.operator.reconciler.CassandraClusterReconciler;
import io.ringkeeper.operator.resources.Names;
import io.ringkeeper.operator.testing.FakeKubelet;
import io.ringkeeper.operator.testing.FakeNodeFleet;
import io.ringkeeper.operator.testing.MockKube;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark 2: how long one reconcile of a 96-node, 2-datacenter cluster takes. The operator runs in this JVM as
 * RingkeeperOperator wires it (JOSDK with SSA off, the same reconciler, informers, poller), with the reconciler
 * wrapped by {@link TimedReconciler}; the cluster is created and brought to Ready by the fake kubelet and fleet.
 * No-op: 1000 reconciles requested one after the other (after 300 warm-up ones) of the Ready cluster. One step:
 * a random node's pod is deleted, and the reconcile that finds it missing re-creates it (a create request and
 * a status patch to the mock API server, both included); repeated, each time after the cluster is Ready again.
 */
final class ReconcileLatencyBenchmark {
  static final int NO_OPS = 1000;
  static final int WARM_UP = 300;
  static final int STEPS = Integer.getInteger("bench.steps", 30);

  private ReconcileLatencyBenchmark() {}

  static String manifest(String name, int perDc) {
    return """
        apiVersion: ringkeeper.io/v1alpha1
        kind: CassandraCluster
        metadata: {name: %s}
        spec:
          datacenters:
            - {name: dc1, replicationFactor: 3, size: %d, racks: [{name: r1}, {name: r2}, {name: r3}]}
            - {name: dc2, replicationFactor: 3, size: %d, racks: [{name: r1}, {name: r2}, {name: r3}]}
          storage: {size: 1Gi}
        """.formatted(name, perDc, perDc);
  }

  static void run() throws Exception {
    OperatorConfig config = OperatorConfig.defaults().withHttpPort(0).withPollInterval(Duration.ofSeconds(1))
        .withAgentTimeout(Duration.ofSeconds(5));
    try (MockKube kube = MockKube.start(); FakeKubelet kubelet = new FakeKubelet(kube);
         FakeNodeFleet fleet = new FakeNodeFleet(kubelet)) {
      KubernetesClient client = kube.client(MockKube.OPERATOR_AGENT);
      NodePoller poller = new NodePoller(fleet, config.pollInterval(), config.agentTimeout(), config.pollConcurrency(),
          Clock.systemUTC());
      CassandraClusterReconciler reconciler = new CassandraClusterReconciler(client, config, Clock.systemUTC(), poller,
          new ReplicationAwareTokenAllocator());
      TimedReconciler timed = new TimedReconciler(reconciler);
      Operator operator = new Operator(o -> o.withKubernetesClient(client)
          .withUseSSAToPatchPrimaryResource(false)
          .withSSABasedCreateUpdateMatchForDependentResources(false)
          .withCloseClientOnStop(false)
          .withConcurrentReconciliationThreads(config.reconcileThreads()));
      operator.register(timed, c -> c.withFinalizer(Names.FINALIZER).watchingAllNamespaces()
          .withRetry(new GenericRetry().setInitialInterval(1000).setIntervalMultiplier(2).setMaxInterval(60_000)));
      operator.start();
      poller.start();
      try {
        String ns = kube.freshNamespace("latency");
        progress("latency: creating a 96-node 2-DC cluster");
        CassandraCluster cr = Serialization.unmarshal(manifest("big", 48), CassandraCluster.class);
        cr.getMetadata().setNamespace(ns);
        kube.admin().resource(cr).create();
        awaitReady(kube, ns, "big", 96, Duration.ofMinutes(5));
        Thread.sleep(2000);
        timed.samples().clear();
        ClusterKey key = new ClusterKey(ns, "big");

        progress("latency: " + WARM_UP + " warm-up and " + NO_OPS + " measured no-op reconciles");
        kube.clearRequests();
        List<Double> noOps = new ArrayList<>();
        List<Double> noOpsCpu = new ArrayList<>();
        for (int i = 0; i < WARM_UP + NO_OPS; i++) {
          reconciler.requestReconcile(key);
          TimedReconciler.Sample sample = timed.samples().poll(30, TimeUnit.SECONDS);
          if (sample == null) {
            throw new IllegalStateException("no reconcile within 30 s");
          }
          if (i >= WARM_UP) {
            noOps.add(sample.nanos() / 1e6);
            noOpsCpu.add(sample.cpuNanos() / 1e6);
          }
        }
        long writes = kube.writesBy(MockKube.OPERATOR_AGENT).size();
        progress("latency: no-op p50 " + Stats.fmt(Stats.of(noOps).median(), 2) + " ms, p99 "
            + Stats.fmt(Stats.of(noOps).percentile(99), 2) + " ms (CPU p50 " + Stats.fmt(Stats.of(noOpsCpu).median(), 2)
            + ", p99 " + Stats.fmt(Stats.of(noOpsCpu).percentile(99), 2) + " ms), writes " + writes);

        progress("latency: " + STEPS + " reconciles that re-create a deleted pod");
        List<Double> steps = new ArrayList<>();
        List<Double> stepsCpu = new ArrayList<>();
        List<Double> others = new ArrayList<>();
        List<String> missed = new ArrayList<>();
        Random random = new Random(2);
        for (int i = 0; i < STEPS; i++) {
          List<Pod> pods = kube.admin().pods().inNamespace(ns).list().getItems();
          Pod victim = pods.get(random.nextInt(pods.size()));
          timed.samples().clear();
          kube.admin().resource(victim).withGracePeriod(0).delete();
          TimedReconciler.Sample step = null;
          List<Integer> seenPods = new ArrayList<>();
          while (step == null) {
            TimedReconciler.Sample sample = timed.samples().poll(30, TimeUnit.SECONDS);
            if (sample == null) {
              break;
            }
            seenPods.add(sample.podsInCache());
            if (sample.podsInCache() < 96) {
              step = sample;
            } else {
              others.add(sample.nanos() / 1e6);
            }
          }
          if (step == null) {
            progress("latency: reconciles after the deletion saw these numbers of pods in the cache: " + seenPods);
            missed.add(victim.getMetadata().getName());
            progress("latency: no reconcile found pod " + victim.getMetadata().getName() + " missing within 30 s");
            awaitReady(kube, ns, "big", 96, Duration.ofMinutes(6));
            continue;
          }
          steps.add(step.nanos() / 1e6);
          stepsCpu.add(step.cpuNanos() / 1e6);
          awaitReady(kube, ns, "big", 96, Duration.ofSeconds(60));
          if (i % 50 == 49) {
            progress("latency: " + (i + 1) + " steps");
          }
        }
        timed.samples().forEach(s -> others.add(s.nanos() / 1e6));

        Stats noOp = Stats.of(noOps);
        Stats step = Stats.of(steps);
        Stats other = Stats.of(others);
        System.out.println("### 2. Reconcile latency, 96 nodes in 2 datacenters");
        System.out.println();
        System.out.println("Wall time of CassandraClusterReconciler.reconcile on JOSDK's thread, with JOSDK's caches,"
            + " in ms. No-op: " + NO_OPS + " reconciles after " + WARM_UP + " warm-up ones (operator writes during"
            + " them: " + writes + "). One step: the reconcile that re-creates a deleted pod (create + status"
            + " patch at the mock API server included), " + STEPS + " times; the other reconciles of those"
            + " recoveries (the pod starting, its node answering: status patches) are listed apart.");
        System.out.println();
        System.out.println("| reconcile | count | min | p50 | p90 | p99 | max |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        System.out.println(row("no-op", noOp));
        System.out.println(row("one step: re-create a pod", step));
        System.out.println(row("status changes while a node comes back", other));
        System.out.println(row("no-op, CPU time of the reconcile", Stats.of(noOpsCpu)));
        System.out.println(row("one step, CPU time of the reconcile", Stats.of(stepsCpu)));
        System.out.println();
        if (!missed.isEmpty()) {
          System.out.println("Deleted pods no reconcile found missing within 30 s (re-created later, by the"
              + " periodic resync, or when something else about the cluster changed): " + missed + ".");
          System.out.println();
        }
      } finally {
        poller.close();
        operator.stop();
        client.close();
      }
    }
  }

  private static String row(String what, Stats s) {
    return "| " + what + " | " + s.count() + " | " + Stats.fmt(s.min(), 2) + " | " + Stats.fmt(s.median(), 2)
        + " | " + Stats.fmt(s.percentile(90), 2) + " | " + Stats.fmt(s.percentile(99), 2) + " | "
        + Stats.fmt(s.max(), 2) + " |";
  }

  static void awaitReady(MockKube kube, String ns, String name, int nodes, Duration atMost)
      throws InterruptedException {
    long deadline = System.nanoTime() + atMost.toNanos();
    String want = nodes + "/" + nodes;
    while (System.nanoTime() < deadline) {
      CassandraCluster c = kube.admin().resources(CassandraCluster.class).inNamespace(ns).withName(name).get();
      if (c != null && c.getStatus() != null && c.getStatus().getPhase() == ClusterPhase.Ready
          && want.equals(c.getStatus().getReady())) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(ns + "/" + name + " not Ready " + want + " within " + atMost);
  }
}
