package io.ringkeeper.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.ClusterPhase;
import io.ringkeeper.operator.node.JobKind;
import io.ringkeeper.operator.node.KeyspaceInfo;
import io.ringkeeper.operator.resources.Labels;
import io.ringkeeper.operator.server.HealthServer;
import io.ringkeeper.operator.testing.OperatorHarness;
import io.ringkeeper.operator.testing.PrometheusText;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every query of every dashboard in {@code files/dashboards/}, run on Debian's real Prometheus against the
 * operator's real {@code /metrics}. The operator (mock API server, fake node fleet) runs a 3-node cluster to Ready,
 * loses one agent for a moment (poll failures), scales to 4 nodes, completes one repair and is in the middle of a second one, so that
 * every series the dashboards chart exists; Prometheus scrapes it every second as the chart's ServiceMonitor would
 * (honor_labels, the pod's namespace and name as target labels, a job named after the release). Each panel
 * expression, with Grafana's variables replaced by this cluster's values, must name only metrics of the operator's
 * scrape, evaluate without error as an instant query ({@code /api/v1/query}: a parse error is an error there), and
 * return data as the range query a panel sends ({@code /api/v1/query_range}, over the whole run: a panel that
 * shows only what is happening, such as the operation in progress, has data while creation ran). Each template
 * variable query ({@code label_values(query, label)}, sent as {@code group by (label) (query)}) must return that label.
 * The table of every query and its series counts is printed and kept in target/prometheus-dashboards/queries.txt.
 */
class DashboardQueriesTest {
  static final String CLUSTER = """
      apiVersion: ringkeeper.io/v1alpha1
      kind: CassandraCluster
      metadata: {name: dash}
      spec:
        datacenters:
          - name: dc1
            replicationFactor: 3
            size: 3
            racks: [{name: r1}, {name: r2}, {name: r3}]
        storage: {size: 1Gi}
      """;
  static final Path WORK = Path.of("target/prometheus-dashboards").toAbsolutePath();
  static final Pattern LABEL_VALUES = Pattern.compile("^label_values\\((.*),\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*\\)$",
      Pattern.DOTALL);

  static OperatorHarness harness;
  static HealthServer metrics;
  static Process prometheus;
  static URI api;
  static String namespace;
  static String node;
  static PrometheusText scrape;
  static Instant started;
  static int alertRules;
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void runAClusterScrapedByARealPrometheus() throws Exception {
    Path promBinary = PrometheusTools.prometheus();
    long t0 = System.nanoTime();
    harness = OperatorHarness.start();
    metrics = new HealthServer(0, () -> true, () -> harness.operator().metrics().scrape()).start();
    startPrometheus(promBinary, metrics.port());
    started = Instant.now();
    phase("operator and Prometheus started", t0);
    long t1 = System.nanoTime();

    namespace = harness.kube().freshNamespace("dash");
    harness.create(namespace, CLUSTER);
    harness.awaitCluster(namespace, "dash", Duration.ofSeconds(60),
        c -> c.getStatus() != null && c.getStatus().getPhase() == ClusterPhase.Ready);
    node = harness.pods(namespace).get(0).getMetadata().getName();
    phase("cluster Ready", t1);
    long t2 = System.nanoTime();

    // One agent refuses connections for a moment: ringkeeper_node_poll_failures_total gets its series.
    harness.fleet().down(node, true);
    await().atMost(Duration.ofSeconds(20)).until(() -> operatorScrape().has("ringkeeper_node_poll_failures_total"));
    harness.fleet().down(node, false);
    harness.awaitCluster(namespace, "dash", Duration.ofSeconds(60),
        c -> c.getStatus().getPhase() == ClusterPhase.Ready && c.getStatus().getOperation() == null);

    phase("one agent down, then back: Ready", t2);
    long t5 = System.nanoTime();

    // A scale-up to 4, its new node held joining until Prometheus has seen the operation in progress.
    harness.admin().resources(CassandraCluster.class).inNamespace(namespace).withName("dash").edit(c -> {
      c.getSpec().getDatacenters().get(0).setSize(4);
      return c;
    });
    await().atMost(Duration.ofSeconds(30)).until(() -> harness.pods(namespace).size() == 4);
    String added = harness.pods(namespace).stream().map(p -> p.getMetadata().getName())
        .filter(n -> !n.endsWith("-0")).findFirst().orElseThrow();
    harness.fleet().joining(added, true);
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() ->
        !query("max_over_time(ringkeeper_cluster_operation_in_progress[5m]) == 1").path("data").path("result")
            .isEmpty());
    harness.fleet().joining(added, false);
    harness.awaitCluster(namespace, "dash", Duration.ofSeconds(60), c -> c.getStatus().getPhase() == ClusterPhase.Ready
        && c.getStatus().getOperation() == null && c.getStatus().getNodes().size() == 4);
    phase("scaled to 4, the operation seen by Prometheus", t5);
    long t3 = System.nanoTime();
    // A repair completes (the since-last-completed series), then a second one runs slowly (the progress series).
    harness.fleet().jobs().keyspaces(List.of(
        new KeyspaceInfo("orders", false, "NetworkTopologyStrategy", Map.of("dc1", 3), List.of("o"), 864000)));
    harness.fleet().jobs().duration(JobKind.REPAIR, Duration.ofMillis(1));
    requestARepair();
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> operatorScrape().has("ringkeeper_cluster_repair_since_last_completed_seconds"));
    harness.fleet().jobs().duration(JobKind.REPAIR, Duration.ofMinutes(10));
    requestARepair();
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> operatorScrape().has("ringkeeper_cluster_repair_progress_ratio"));

    phase("a repair completed, a second one running", t3);
    long t4 = System.nanoTime();
    // Prometheus has the operator's state now, and enough samples for rate() over any range.
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() ->
        !query("ringkeeper_cluster_repair_progress_ratio").path("data").path("result").isEmpty()
            && !query("count_over_time(up{job=\"ringkeeper\"}[1m]) >= 5").path("data").path("result").isEmpty());
    scrape = operatorScrape();
    phase("Prometheus has scraped it", t4);
  }

  private static void phase(String what, long since) {
    System.out.printf("[DashboardQueriesTest] %-45s %5.1f s%n", what, (System.nanoTime() - since) / 1e9);
  }

  private static void requestARepair() {
    harness.admin().resources(CassandraCluster.class).inNamespace(namespace).withName("dash").edit(c -> {
      if (c.getMetadata().getAnnotations() == null) {
        c.getMetadata().setAnnotations(new HashMap<>());
      }
      c.getMetadata().getAnnotations().put(Labels.REPAIR_REQUEST, Instant.now().toString());
      return c;
    });
  }

  /**
   * Prometheus on a free loopback port (asked from the kernel, then handed over: retried once if another process
   * took it meanwhile), its TSDB under target/.
   */
  private static void startPrometheus(Path binary, int metricsPort) throws Exception {
    Files.createDirectories(WORK);
    Path config = WORK.resolve("prometheus.yml");
    alertRules = PrometheusRulesTest.writeRenderedRules(WORK.resolve("rules.yaml")).stream()
        .mapToInt(g -> ((List<?>) g.get("rules")).size()).sum();
    Files.writeString(config, """
        global: {scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}
        rule_files: [rules.yaml]
        scrape_configs:
          - job_name: ringkeeper
            honor_labels: true
            static_configs:
              - targets: ['127.0.0.1:%d']
                labels: {namespace: ringkeeper-system, pod: ringkeeper-0}
        """.formatted(metricsPort));
    for (int attempt = 1; ; attempt++) {
      int port;
      try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        port = s.getLocalPort();
      }
      Path data = WORK.resolve("data");
      deleteTree(data);
      Path log = WORK.resolve("prometheus.log");
      prometheus = new ProcessBuilder(binary.toString(), "--config.file=" + config,
          "--storage.tsdb.path=" + data, "--web.listen-address=127.0.0.1:" + port)
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      api = URI.create("http://127.0.0.1:" + port);
      try {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
            .until(() -> !prometheus.isAlive() || HTTP.send(HttpRequest.newBuilder(api.resolve("/-/ready")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        throw new IllegalStateException("Prometheus did not get ready in 20 s; " + log + ":\n" + tail(log), e);
      }
      if (prometheus.isAlive()) {
        return;
      }
      if (attempt == 2) {
        throw new IllegalStateException("Prometheus exited with " + prometheus.exitValue() + "; " + log + ":\n"
            + tail(log));
      }
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (prometheus != null) {
      prometheus.destroy();
      if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
        prometheus.destroyForcibly();
      }
    }
    if (metrics != null) {
      metrics.close();
    }
    if (harness != null) {
      harness.close();
    }
  }

  /** One dashboard query, where it comes from. */
  record Query(String dashboard, String where, String expr) {}

  static List<Query> dashboardQueries() throws IOException {
    List<Query> queries = new ArrayList<>();
    try (var files = Files.list(Chart.dir().resolve("files/dashboards"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        JsonNode dashboard = JSON.readTree(file.toFile());
        String name = file.getFileName().toString();
        dashboard.path("templating").path("list").forEach(v -> {
          if ("query".equals(v.path("type").asText())) {
            String q = v.path("query").isObject() ? v.path("query").path("query").asText() : v.path("query").asText();
            queries.add(new Query(name, "variable $" + v.path("name").asText(), q));
          }
        });
        panels(dashboard, name, queries);
      }
    }
    return queries;
  }

  private static void panels(JsonNode node, String dashboard, List<Query> queries) {
    for (JsonNode panel : node.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        if (target.hasNonNull("expr")) {
          queries.add(new Query(dashboard, "panel \"" + panel.path("title").asText() + "\" "
              + target.path("refId").asText(), target.get("expr").asText()));
        }
      }
      panels(panel, dashboard, queries); // rows hold panels of their own
    }
  }

  /** Grafana's variables replaced by this cluster's values, as Grafana would before sending the query. */
  static String substitute(String expr) {
    Map<String, String> values = Map.of("namespace", namespace, "cluster", "dash", "node", node,
        "__rate_interval", "1m", "__interval", "15s", "__range", "5m");
    String out = expr;
    for (var e : values.entrySet()) {
      out = out.replace("${" + e.getKey() + "}", e.getValue()).replaceAll("\\$" + Pattern.quote(e.getKey())
          + "\\b", Matcher.quoteReplacement(e.getValue()));
    }
    return out;
  }

  @Test
  void everyDashboardQueryRunsOnPrometheusAndReturnsDataForTheOperatorsSeries() throws Exception {
    List<Query> queries = dashboardQueries();
    assertThat(queries).hasSizeGreaterThan(30);
    List<String> problems = new ArrayList<>();
    StringBuilder report = new StringBuilder();
    for (Query q : queries) {
      String expr = substitute(q.expr());
      assertThat(expr).as("%s %s: every variable replaced", q.dashboard(), q.where()).doesNotContain("$");
      Matcher lv = LABEL_VALUES.matcher(expr.strip());
      String label = lv.matches() ? lv.group(2) : null;
      String promql = lv.matches() ? "group by (" + label + ") (" + lv.group(1) + ")" : expr;
      JsonNode answer = query(promql);
      JsonNode result = answer.path("data").path("result");
      // A Grafana panel charts a range: over the whole run (creation included), as the dashboard would.
      JsonNode range = queryRange(promql).path("data").path("result");
      boolean exported = OperatorContractTest.MetricNames.in(expr).stream().allMatch(scrape::has);
      report.append(String.format("%-24s %-45s %-7s now %2d, over the run %2d series  %s%n", q.dashboard(),
          q.where(), answer.path("status").asText(), result.size(), range.size(), promql));
      if (!"success".equals(answer.path("status").asText())) {
        problems.add(q + ": " + answer.path("error").asText());
      } else if (!exported) {
        problems.add(q + ": names a metric the operator does not export: "
            + OperatorContractTest.MetricNames.in(expr).stream().filter(n -> !scrape.has(n)).toList());
      } else if (range.isEmpty()) {
        problems.add(q + ": no data over the run (sent " + promql + ")");
      } else if (label != null && (result.isEmpty() || !result.get(0).path("metric").has(label))) {
        problems.add(q + ": no label " + label + " in " + result);
      }
    }
    System.out.print(report);
    Files.writeString(WORK.resolve("queries.txt"), report);
    assertThat(problems).as("dashboard queries on Prometheus (all of them: " + WORK.resolve("queries.txt") + ")")
        .isEmpty();
  }

  /**
   * The chart's alert rules, loaded by this Prometheus and evaluated every second on the operator's series: each
   * evaluates without error, and every metric it names has series in Prometheus. Which are pending or firing is printed, not asserted: 20 s of history say little
   * about rates over 10 or 15 minutes (the agent lost for a moment is a high rate over the few samples there are).
   */
  @Test
  void everyAlertRuleEvaluatesWithoutErrorOnTheOperatorsSeries() throws Exception {
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500)).until(() -> {
      List<JsonNode> rules = rules();
      return rules.size() == alertRules && rules.stream().noneMatch(r -> r.path("lastEvaluation").asText()
          .startsWith("0001-"));
    });
    List<String> problems = new ArrayList<>();
    for (JsonNode rule : rules()) {
      System.out.printf("[DashboardQueriesTest] alert %-28s health %-3s state %-8s %s%n", rule.path("name").asText(),
          rule.path("health").asText(), rule.path("state").asText(), rule.path("query").asText());
      if (!"ok".equals(rule.path("health").asText())) {
        problems.add(rule.path("name").asText() + ": " + rule.path("lastError").asText());
      }
      for (String metric : OperatorContractTest.MetricNames.in(rule.path("query").asText())) {
        if (query("count(" + metric + ")").path("data").path("result").isEmpty()) {
          problems.add(rule.path("name").asText() + ": no series " + metric + " in Prometheus");
        }
      }
    }
    assertThat(problems).as("alert rules evaluated by Prometheus").isEmpty();
  }

  private static List<JsonNode> rules() throws IOException, InterruptedException {
    JsonNode answer = JSON.readTree(HTTP.send(HttpRequest.newBuilder(api.resolve("/api/v1/rules")).build(),
        HttpResponse.BodyHandlers.ofString()).body());
    List<JsonNode> rules = new ArrayList<>();
    answer.path("data").path("groups").forEach(g -> g.path("rules").forEach(rules::add));
    return rules;
  }

  static JsonNode query(String promql) throws IOException, InterruptedException {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(api.resolve("/api/v1/query?query="
        + URLEncoder.encode(promql, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body());
  }

  static JsonNode queryRange(String promql) throws IOException, InterruptedException {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(api.resolve("/api/v1/query_range?query="
        + URLEncoder.encode(promql, StandardCharsets.UTF_8) + "&start=" + started.getEpochSecond() + "&end="
        + (Instant.now().getEpochSecond() + 1) + "&step=1")).build(), HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body());
  }

  private static PrometheusText operatorScrape() throws IOException, InterruptedException {
    return PrometheusText.parse(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metrics.port()
        + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body());
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
