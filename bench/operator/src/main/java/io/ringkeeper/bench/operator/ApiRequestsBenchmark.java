package io.ringkeeper.bench.operator;

import static io.ringkeeper.bench.operator.OperatorBenchmarks.progress;
import static org.awaitility.Awaitility.await;

import io.ringkeeper.api.v1alpha1.ClusterPhase;
import io.ringkeeper.operator.node.ClusterKey;
import io.ringkeeper.operator.testing.MockKube;
import io.ringkeeper.operator.testing.OperatorHarness;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Benchmark 1: requests the operator sends to the API server, counted by verb at the mock API server (the
 * operator's own user agent only; watches are long-lived and opened once at start-up, so they are listed apart).
 * For each run, in a fresh namespace: create a 12-node cluster and count until it is Ready and the operator has
 * been quiet for a second; then one no-op reconcile. Writes per object: creates by type, and every patch by
 * object path (an object patched after its creation, with no spec change, would be an object written twice).
 */
final class ApiRequestsBenchmark {
  static final String TWELVE_NODES = """
      apiVersion: ringkeeper.io/v1alpha1
      kind: CassandraCluster
      metadata: {name: twelve}
      spec:
        datacenters:
          - name: dc1
            replicationFactor: 3
            size: 12
            racks: [{name: r1}, {name: r2}, {name: r3}]
        storage: {size: 1Gi}
      """;
  static final int RUNS = 5;

  private ApiRequestsBenchmark() {}

  static void run() {
    progress("requests: " + RUNS + " runs of creating a 12-node cluster, then a no-op reconcile");
    List<Map<String, Long>> creations = new ArrayList<>();
    List<Map<String, Long>> noOps = new ArrayList<>();
    List<Integer> objects = new ArrayList<>();
    List<Integer> patchedObjects = new ArrayList<>();
    List<Integer> statusPatches = new ArrayList<>();
    List<Integer> events = new ArrayList<>();
    TreeSet<String> patchedPaths = new TreeSet<>();
    try (OperatorHarness harness = OperatorHarness.start(
        OperatorHarness.testConfig().withAgentTimeout(Duration.ofSeconds(5)))) {
      for (int run = 0; run < RUNS; run++) {
        MockKube kube = harness.kube();
        String ns = kube.freshNamespace("requests");
        quiet(kube);
        kube.clearRequests();
        harness.create(ns, TWELVE_NODES);
        harness.awaitCluster(ns, "twelve", Duration.ofSeconds(120),
            c -> c.getStatus() != null && c.getStatus().getPhase() == ClusterPhase.Ready);
        settled(kube);
        List<MockKube.Request> creation = operator(kube, r -> true);
        creations.add(byVerb(creation));
        List<MockKube.Request> creates = operator(kube, r -> r.verb().equals("create") && !isEvent(r));
        objects.add(creates.size());
        List<MockKube.Request> patches = operator(kube, r -> r.verb().equals("patch") && !isEvent(r)
            && !r.path().endsWith("/status"));
        patchedObjects.add((int) patches.stream().map(MockKube.Request::path).distinct().count());
        patches.forEach(p -> patchedPaths.add(p.method() + " " + p.path().replace(ns, "<ns>")));
        statusPatches.add(operator(kube, r -> r.path().endsWith("/status")).size());
        events.add(operator(kube, ApiRequestsBenchmark::isEvent).size());

        kube.clearRequests();
        long before = harness.operator().reconciler().reconciliations();
        harness.operator().reconciler().requestReconcile(new ClusterKey(ns, "twelve"));
        await().atMost(Duration.ofSeconds(30)).until(() -> harness.operator().reconciler().reconciliations() > before);
        OperatorHarness.pause(Duration.ofMillis(500));
        noOps.add(byVerb(operator(kube, r -> true)));
        progress("requests: run " + (run + 1) + " done");
      }
    }
    System.out.println("### 1. API requests per reconcile (12-node cluster)");
    System.out.println();
    System.out.println("Requests of the operator at the mock API server, by verb, " + RUNS
        + " runs (min / median / max). Watches (opened once at start-up) are not per reconcile and not counted.");
    System.out.println();
    System.out.println("| what | " + String.join(" | ", verbs(creations, noOps)) + " | total |");
    System.out.println("|---|" + "---:|".repeat(verbs(creations, noOps).size() + 1));
    System.out.println(row("creating a 12-node cluster, until Ready", creations, verbs(creations, noOps)));
    System.out.println(row("no-op reconcile of the Ready cluster", noOps, verbs(creations, noOps)));
    System.out.println();
    System.out.println("Creation in detail: objects created (pods, volumes, services, config, secrets, budgets) "
        + Stats.of(objects).mmm(0) + "; objects patched after creation " + Stats.of(patchedObjects).mmm(0)
        + "; status patches " + Stats.of(statusPatches).mmm(0) + "; event writes " + Stats.of(events).mmm(0)
        + ". Requests per created object (all requests / objects): "
        + Stats.of(ratio(creations, objects)).mmm(2) + ".");
    System.out.println();
    if (!patchedPaths.isEmpty()) {
      System.out.println("Objects patched after their creation: " + String.join(", ", patchedPaths) + ".");
      System.out.println();
    }
  }

  /** Waits until the operator sent nothing but watches for one second. */
  static void quiet(MockKube kube) {
    await().atMost(Duration.ofSeconds(120)).pollDelay(Duration.ofSeconds(1)).pollInterval(Duration.ofSeconds(1))
        .until(() -> {
          boolean none = operator(kube, r -> true).isEmpty();
          if (!none) {
            kube.clearRequests();
          }
          return none;
        });
  }

  /** Waits until the operator sent no request but watches for one second, keeping what was recorded. */
  static void settled(MockKube kube) {
    int count = -1;
    while (true) {
      int now = operator(kube, r -> true).size();
      if (now == count) {
        return;
      }
      count = now;
      OperatorHarness.pause(Duration.ofSeconds(1));
    }
  }

  static List<MockKube.Request> operator(MockKube kube, Predicate<MockKube.Request> filter) {
    return kube.requests(r -> r.userAgent().equals(MockKube.OPERATOR_AGENT) && !r.verb().equals("watch")
        && filter.test(r));
  }

  static boolean isEvent(MockKube.Request r) {
    return r.path().contains("/events");
  }

  static Map<String, Long> byVerb(List<MockKube.Request> requests) {
    Map<String, Long> counts = new TreeMap<>();
    requests.forEach(r -> counts.merge(r.verb(), 1L, Long::sum));
    return counts;
  }

  private static List<String> verbs(List<Map<String, Long>> a, List<Map<String, Long>> b) {
    TreeSet<String> verbs = new TreeSet<>(List.of("get", "list", "create", "patch", "update", "delete"));
    a.forEach(m -> verbs.addAll(m.keySet()));
    b.forEach(m -> verbs.addAll(m.keySet()));
    return new ArrayList<>(verbs);
  }

  private static String row(String what, List<Map<String, Long>> runs, List<String> verbs) {
    StringBuilder row = new StringBuilder("| " + what + " | ");
    for (String verb : verbs) {
      row.append(Stats.of(runs.stream().map(m -> m.getOrDefault(verb, 0L)).toList()).mmm(0)).append(" | ");
    }
    row.append(Stats.of(runs.stream().map(m -> m.values().stream().mapToLong(Long::longValue).sum()).toList())
        .mmm(0)).append(" |");
    return row.toString();
  }

  private static List<Double> ratio(List<Map<String, Long>> runs, List<Integer> objects) {
    List<Double> ratios = new ArrayList<>();
    for (int i = 0; i < runs.size(); i++) {
      long total = runs.get(i).values().stream().mapToLong(Long::longValue).sum();
      ratios.add((double) total / objects.get(i));
    }
    return ratios;
  }
}
