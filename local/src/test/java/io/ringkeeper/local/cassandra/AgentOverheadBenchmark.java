package io.ringkeeper.local.cassandra;

import io.ringkeeper.operator.node.HttpNodeClient;
import io.ringkeeper.operator.node.NodeEndpoint;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The agent's overhead, measured on real single-node clusters: per-request latency of its endpoints, and
 * the memory of a node with the agent against an identical node without it. Prints numbers; asserts
 * nothing about them. Not part of the normal build (the name matches no test pattern); run it with
 *
 * <pre>
 * mvn -o -q -B -pl local -am verify -Dit.test=AgentOverheadBenchmark -Dtest='None*' \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * and read local/target/benchmarks/agent-overhead.md.
 */
class AgentOverheadBenchmark {
  private static final int WARMUP = 200;
  private static final int REQUESTS = 1000;
  private static final int MEMORY_SAMPLES = 10;

  private final StringBuilder report = new StringBuilder();

  @Test
  void measure() throws Exception {
    Path work = ItSupport.freshWorkDir("benchmark");
    try (LocalTestCluster with = LocalTestCluster.builder("bench-agent", work.resolve("with"))
            .addresses("127.0.5.31").racks("r1").build();
        LocalTestCluster without = LocalTestCluster.builder("bench-plain", work.resolve("without"))
            .addresses("127.0.5.32").racks("r1").withAgent(false).build()) {
      // Started together so both see the same machine load; each is its own one-node cluster.
      long t0 = System.nanoTime();
      CompletableFuture<Double> withReady = CompletableFuture.supplyAsync(() -> timed(() -> with.start(Duration.ofSeconds(180))));
      CompletableFuture<Double> withoutReady =
          CompletableFuture.supplyAsync(() -> timed(() -> without.start(Duration.ofSeconds(180))));
      line("## Node agent overhead: raw results");
      line("");
      line("Single-node clusters, `-Xms256m -Xmx256m -XX:+UseSerialGC`, JDK " + Runtime.version() + ", "
          + Runtime.getRuntime().availableProcessors() + " cores; started together.");
      line("");
      line(String.format(Locale.ROOT, "- time to ready (agent: NORMAL via /v1/node; plain: CQL port open): with agent %.1f s, without %.1f s",
          withReady.get(), withoutReady.get()));
      System.out.printf("both nodes ready after %.1f s%n", (System.nanoTime() - t0) / 1e9);

      // Let start-up work (compactions of system tables, schema) settle before comparing memory.
      Thread.sleep(20_000);
      memory("idle", with, without);

      latency(with);

      memory("after the latency runs", with, without);
    }
    Path out = Paths.get("target", "benchmarks", "agent-overhead.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, report.toString(), StandardCharsets.UTF_8);
    System.out.println(report);
  }

  private void latency(LocalTestCluster cluster) throws Exception {
    NodeEndpoint endpoint = cluster.endpoint(0);
    HttpNodeClient client = new HttpNodeClient(Duration.ofSeconds(2), Duration.ofSeconds(10), 16);
    HttpClient raw = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpRequest readyz = HttpRequest.newBuilder(URI.create("http://127.0.5.31:8778/readyz")).GET().build();

    line("");
    line("Sequential requests through the operator's HttpNodeClient (one connection reused), " + REQUESTS
        + " each after " + WARMUP + " warm-up requests; milliseconds, client-side:");
    line("");
    line("| endpoint | p50 | p95 | p99 | max | mean |");
    line("|---|---|---|---|---|---|");
    row("GET /readyz (no token)", () -> raw.send(readyz, HttpResponse.BodyHandlers.discarding()));
    row("GET /v1/node", () -> client.nodeInfo(endpoint).get(10, TimeUnit.SECONDS));
    row("GET /v1/metrics", () -> client.metrics(endpoint).get(10, TimeUnit.SECONDS));
    row("GET /v1/keyspaces", () -> client.keyspaces(endpoint).get(10, TimeUnit.SECONDS));

    // Concurrency: 8 callers at once, the way a poller asks many nodes (here one node) together.
    int total = 2000;
    long start = System.nanoTime();
    List<CompletableFuture<?>> calls = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      calls.add(client.metrics(endpoint));
      if (calls.size() == 8) {
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        calls.clear();
      }
    }
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    double seconds = (System.nanoTime() - start) / 1e9;
    line("");
    line(String.format(Locale.ROOT, "GET /v1/metrics, 8 in flight: %d requests in %.2f s = %.0f requests/s",
        total, seconds, total / seconds));
  }

  private void row(String name, Callable<?> call) throws Exception {
    for (int i = 0; i < WARMUP; i++) {
      call.call();
    }
    double[] millis = new double[REQUESTS];
    for (int i = 0; i < REQUESTS; i++) {
      long t = System.nanoTime();
      call.call();
      millis[i] = (System.nanoTime() - t) / 1e6;
    }
    Arrays.sort(millis);
    double mean = Arrays.stream(millis).average().orElse(0);
    line(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %.2f | %.2f |", name, pct(millis, 50), pct(millis, 95),
        pct(millis, 99), millis[millis.length - 1], mean));
  }

  private static double pct(double[] sorted, double p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private void memory(String when, LocalTestCluster with, LocalTestCluster without) throws Exception {
    long[] rssWith = new long[MEMORY_SAMPLES];
    long[] rssWithout = new long[MEMORY_SAMPLES];
    long threadsWith = 0;
    long threadsWithout = 0;
    for (int i = 0; i < MEMORY_SAMPLES; i++) {
      rssWith[i] = status(with.process(0).pid(), "VmRSS");
      rssWithout[i] = status(without.process(0).pid(), "VmRSS");
      threadsWith = status(with.process(0).pid(), "Threads");
      threadsWithout = status(without.process(0).pid(), "Threads");
      Thread.sleep(1000);
    }
    double meanWith = Arrays.stream(rssWith).average().orElse(0) / 1024;
    double meanWithout = Arrays.stream(rssWithout).average().orElse(0) / 1024;
    line("");
    line(String.format(Locale.ROOT,
        "Memory %s (%d samples, 1 s apart): RSS with agent %.1f MiB (min %.1f, max %.1f), without %.1f MiB "
            + "(min %.1f, max %.1f), difference %+.1f MiB; threads %d vs %d",
        when, MEMORY_SAMPLES, meanWith, min(rssWith) / 1024.0, max(rssWith) / 1024.0, meanWithout,
        min(rssWithout) / 1024.0, max(rssWithout) / 1024.0, meanWith - meanWithout, threadsWith, threadsWithout));
  }

  private static long min(long[] values) {
    return Arrays.stream(values).min().orElse(0);
  }

  private static long max(long[] values) {
    return Arrays.stream(values).max().orElse(0);
  }

  /** A field of /proc/PID/status: kB for VmRSS, a count for Threads. */
  private static long status(long pid, String field) throws IOException {
    for (String l : Files.readAllLines(Paths.get("/proc", Long.toString(pid), "status"))) {
      if (l.startsWith(field + ":")) {
        return Long.parseLong(l.substring(field.length() + 1).trim().split("\\s+")[0]);
      }
    }
    throw new IOException(field + " not in /proc/" + pid + "/status");
  }

  private interface Start {
    void run() throws Exception;
  }

  private static double timed(Start start) {
    long t = System.nanoTime();
    try {
      start.run();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return (System.nanoTime() - t) / 1e9;
  }

  private void line(String text) {
    report.append(text).append('\n');
  }
}
