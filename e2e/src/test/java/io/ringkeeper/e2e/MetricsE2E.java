package io.ringkeeper.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.NodeStatus;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringkeeper.cli.RingkeeperPlugin;
import io.ringkeeper.local.LocalEnvironment;
import io.ringkeeper.local.cli.LocalPrometheus;
import io.ringkeeper.operator.testing.MetricsDoc;
import io.ringkeeper.operator.testing.PrometheusText;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The operator's /metrics in local mode with real Cassandra: a 3-node cluster (examples/minimal.yaml), nodes on
 * 127.6.0.x, a CQL workload, then a scrape over HTTP of the endpoint local mode serves. Every series docs/metrics.md marks "always" must be there,
 * and every node must show non-zero read and write coordinator latencies: the figures come from the agents, in
 * the same poll round that feeds the reconciler.
 *
 * <p>All along, the Prometheus of {@code local up --prometheus} (Debian's, {@link LocalPrometheus}, with the chart's
 * alert rules) scrapes that endpoint: after the workload and one repair run asked with {@code kubectl ringkeeper
 * repair --keyspace}, every PromQL expression of every dashboard panel and template variable of the chart returns
 * data over the run, and every alert rule evaluates without error with series for every metric it names. The table
 * of every query and its series counts is printed and kept in target/metrics-e2e-dashboards.txt.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MetricsE2E {
  static final String NAMESPACE = "default";
  static final String CLUSTER = "demo";
  static final int ROWS = 2_000;
  static LocalEnvironment env;
  static final E2eSupport.Phases PHASES = new E2eSupport.Phases("MetricsE2E");

  @BeforeAll
  static void start() throws Exception {
    env = LocalEnvironment.builder(E2eSupport.freshWorkDir("metrics"))
        .addressBase("127.6.0.0")
        .stopGrace(Duration.ofSeconds(20))
        .metricsPort(0)
        .start();
    PHASES.done("start the embedded API, kubelet, operator and its /metrics");
    prometheus = LocalPrometheus.start(prometheusBinary(), env.workDir(), 0, URI.create(env.metricsUrl()).getPort(),
        CHART);
    started = Instant.now();
    PHASES.done("start Prometheus (local up --prometheus's) with the chart's alert rules");
  }

  @AfterAll
  static void stop() {
    if (prometheus != null) {
      prometheus.close();
    }
    if (env != null) {
      env.close();
    }
  }

  static final Path CHART = Path.of("..", "helm", "ringkeeper").toAbsolutePath().normalize();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final ObjectMapper JSON = new ObjectMapper();
  static final Pattern LABEL_VALUES = Pattern.compile("^label_values\\((.*),\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*\\)$",
      Pattern.DOTALL);
  static LocalPrometheus prometheus;
  static Instant started;

  /** Debian's binary; .ci/prometheus-toolchain unpacks it when missing (this test fails, never skips, without it). */
  static Path prometheusBinary() throws Exception {
    Map<String, String> environment = System.getenv();
    Path userHome = Path.of(System.getProperty("user.home"));
    if (LocalPrometheus.binary(environment, userHome).isEmpty()) {
      Path script = Path.of("..", ".ci", "prometheus-toolchain").toAbsolutePath().normalize();
      Process p = new ProcessBuilder(script.toString()).inheritIO().start();
      assertThat(p.waitFor(5, TimeUnit.MINUTES) && p.exitValue() == 0).as(script + " succeeded").isTrue();
    }
    return LocalPrometheus.binary(environment, userHome).orElseThrow(() -> new AssertionError(
        "no prometheus binary even after .ci/prometheus-toolchain"));
  }

  static PrometheusText scrape() throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(env.metricsUrl())).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return PrometheusText.parse(response.body());
  }

  @Test
  @Order(1)
  void everyDocumentedSeriesIsServedWithNonZeroLatenciesOnEveryNodeAfterACqlWorkload() throws Exception {
    env.apply(E2eSupport.example("minimal.yaml"));
    CassandraCluster cr = env.awaitReady(NAMESPACE, CLUSTER, Duration.ofMinutes(10));
    List<String> nodes = cr.getStatus().getNodes().stream().map(NodeStatus::getName).toList();
    assertThat(nodes).hasSize(3);
    assertThat(cr.getStatus().getNodes()).allSatisfy(n -> assertThat(n.getPodIP()).startsWith("127.6.0."));
    PHASES.done("apply examples/minimal.yaml -> Ready");

    try (CqlSession session = E2eSupport.cql(env, NAMESPACE, CLUSTER, cr.getStatus().getNodes().get(0).getPodIP(), "dc1")) {
      session.execute(SimpleStatement.newInstance("CREATE KEYSPACE IF NOT EXISTS metrics WITH replication ="
          + " {'class': 'NetworkTopologyStrategy', 'dc1': 3}"));
      session.execute(SimpleStatement.newInstance("CREATE TABLE IF NOT EXISTS metrics.kv (id int PRIMARY KEY,"
          + " value text)"));
      PreparedStatement insert = session.prepare("INSERT INTO metrics.kv (id, value) VALUES (?, ?)");
      PreparedStatement select = session.prepare("SELECT value FROM metrics.kv WHERE id = ?");
      // The driver routes by token, so every node coordinates about a third of the requests. Cassandra's
      // percentiles decay with time, so the workload goes on until the operator's scrape shows them.
      await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() -> {
        List<CompletableFuture<?>> requests = new ArrayList<>();
        for (int id = 0; id < ROWS; id++) {
          requests.add(session.executeAsync(insert.bind(id, "v" + id)
              .setConsistencyLevel(DefaultConsistencyLevel.QUORUM)).toCompletableFuture());
          if (requests.size() >= 64) {
            CompletableFuture.allOf(requests.toArray(CompletableFuture[]::new)).join();
            requests.clear();
          }
        }
        for (int id = 0; id < ROWS; id++) {
          requests.add(session.executeAsync(select.bind(id)
              .setConsistencyLevel(DefaultConsistencyLevel.QUORUM)).toCompletableFuture());
          if (requests.size() >= 64) {
            CompletableFuture.allOf(requests.toArray(CompletableFuture[]::new)).join();
            requests.clear();
          }
        }
        CompletableFuture.allOf(requests.toArray(CompletableFuture[]::new)).join();
        PrometheusText scrape = scrape();
        return nonZero(scrape, "ringkeeper_node_read_latency_seconds").containsAll(nodes)
            && nonZero(scrape, "ringkeeper_node_write_latency_seconds").containsAll(nodes);
      });
    }
    PHASES.done("CQL workload (writes and reads at QUORUM) until every node shows latencies");

    String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(env.metricsUrl())).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    Files.writeString(Path.of("target/metrics-e2e-scrape.txt"), text);
    PrometheusText scrape = PrometheusText.parse(text);
    List<MetricsDoc.Entry> always = MetricsDoc.read().stream().filter(MetricsDoc.Entry::always).toList();
    assertThat(always).hasSizeGreaterThan(30);
    assertThat(always).allSatisfy(e -> assertThat(scrape.has(e.series())).as(e.series()).isTrue());

    for (String quantile : List.of("0.5", "0.95", "0.99")) {
      for (String series : List.of("ringkeeper_node_read_latency_seconds", "ringkeeper_node_write_latency_seconds")) {
        assertThat(scrape.samples(series, l -> quantile.equals(l.get("quantile")) && CLUSTER.equals(l.get("cluster"))))
            .as("%s p%s", series, quantile).hasSize(3)
            .allSatisfy(s -> assertThat(s.value()).as("%s of %s", series, s.labels().get("node")).isPositive()
                .isLessThan(10.0));
      }
    }
    assertThat(scrape.samples("ringkeeper_node_up", l -> CLUSTER.equals(l.get("cluster"))))
        .hasSize(3).allSatisfy(s -> assertThat(s.value()).isEqualTo(1.0));
    assertThat(scrape.samples("ringkeeper_node_load_bytes", l -> CLUSTER.equals(l.get("cluster"))))
        .hasSize(3).allSatisfy(s -> assertThat(s.value()).isPositive());
    assertThat(scrape.samples("ringkeeper_node_heap_used_bytes", l -> CLUSTER.equals(l.get("cluster"))))
        .hasSize(3).allSatisfy(s -> assertThat(s.value()).isPositive());
    assertThat(scrape.samples("ringkeeper_node_effective_ownership_ratio", l -> CLUSTER.equals(l.get("cluster"))))
        .hasSize(3).allSatisfy(s -> assertThat(s.value()).isEqualTo(1.0));
    assertThat(scrape.samples("ringkeeper_cluster_nodes_ready", l -> CLUSTER.equals(l.get("cluster"))))
        .singleElement().satisfies(s -> assertThat(s.value()).isEqualTo(3.0));
    PHASES.done("scrape and check every documented series");
  }

  @Test
  @Order(2)
  void everyDashboardPanelAndAlertOfTheChartHasDataOnARealPrometheusWhileARealClusterRunsAWorkload()
      throws Exception {
    // One repair run, asked as a user would: the repair panels need one running, then one completed. Its 48
    // segments (one per token range: 16 tokens on each of 3 nodes) take about 200 s on this machine.
    String[] args = {"--kubeconfig", env.kubeconfig().toString(), "repair", CLUSTER, "--keyspace", "metrics"};
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    int code = RingkeeperPlugin.execute(args, new java.io.PrintStream(out, true, StandardCharsets.UTF_8),
        new java.io.PrintStream(err, true, StandardCharsets.UTF_8), RingkeeperPlugin::kubeconfigClient);
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains(";keyspaces=metrics");
    await().atMost(Duration.ofMinutes(8)).pollInterval(Duration.ofSeconds(2)).until(() ->
        !result("max_over_time(ringkeeper_cluster_repair_running[15m]) == 1").isEmpty()
            && !result("ringkeeper_cluster_repair_since_last_completed_seconds{keyspace=\"metrics\"}").isEmpty());
    CassandraCluster cr = env.get(NAMESPACE, CLUSTER);
    assertThat(cr.getStatus().getRepair().getLastMessage()).as("the run repaired only keyspace metrics")
        .contains("metrics").doesNotContain("system_auth");
    PHASES.done("repair --keyspace metrics: running, then completed, seen by Prometheus");
    // Enough samples for rate() over [5m], and one more scrape after the completed run's first sample, so that
    // the range queries of every panel (one point a second up to now) see it.
    await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1)).until(() ->
        !result("count_over_time(up{job=\"ringkeeper\"}[2m]) >= 5").isEmpty()
            && !result("count_over_time(ringkeeper_cluster_repair_since_last_completed_seconds[2m]) >= 2").isEmpty());

    Map<String, String> variables = Map.of("namespace", NAMESPACE, "cluster", CLUSTER, "node",
        cr.getStatus().getNodes().get(0).getName(), "__rate_interval", "1m", "__interval", "15s", "__range", "5m");
    List<String> problems = new ArrayList<>();
    StringBuilder report = new StringBuilder();
    int queries = 0;
    try (var files = Files.list(CHART.resolve("files/dashboards"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        JsonNode dashboard = JSON.readTree(file.toFile());
        List<String[]> found = new ArrayList<>();
        dashboard.path("templating").path("list").forEach(v -> {
          if ("query".equals(v.path("type").asText())) {
            found.add(new String[] {"variable $" + v.path("name").asText(), v.path("query").isObject()
                ? v.path("query").path("query").asText() : v.path("query").asText()});
          }
        });
        panels(dashboard, found);
        for (String[] q : found) {
          queries++;
          String expr = q[1];
          for (var v : variables.entrySet()) {
            expr = expr.replace("${" + v.getKey() + "}", v.getValue()).replaceAll("\\$" + Pattern.quote(v.getKey())
                + "\\b", Matcher.quoteReplacement(v.getValue()));
          }
          Matcher lv = LABEL_VALUES.matcher(expr.strip());
          String label = lv.matches() ? lv.group(2) : null;
          String promql = lv.matches() ? "group by (" + label + ") (" + lv.group(1) + ")" : expr;
          JsonNode now = query("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
          JsonNode range = query("/api/v1/query_range?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)
              + "&start=" + started.getEpochSecond() + "&end=" + (Instant.now().getEpochSecond() + 1) + "&step=1")
              .path("data").path("result");
          report.append(String.format("%-24s %-48s %-7s now %2d, over the run %2d series  %s%n",
              file.getFileName(), q[0], now.path("status").asText(), now.path("data").path("result").size(),
              range.size(), promql));
          if (expr.contains("$")) {
            problems.add(file.getFileName() + " " + q[0] + ": a variable left in " + expr);
          } else if (!"success".equals(now.path("status").asText())) {
            problems.add(file.getFileName() + " " + q[0] + ": " + now.path("error").asText());
          } else if (range.isEmpty()) {
            problems.add(file.getFileName() + " " + q[0] + ": no data over the run (sent " + promql + ")");
          }
        }
      }
    }
    System.out.print(report);
    Files.writeString(Path.of("target/metrics-e2e-dashboards.txt"), report);
    assertThat(queries).isGreaterThan(30);

    JsonNode groups = query("/api/v1/rules?type=alert").path("data").path("groups");
    int rules = 0;
    for (JsonNode group : groups) {
      for (JsonNode rule : group.path("rules")) {
        rules++;
        List<String> missing = new ArrayList<>();
        for (String metric : metricNames(rule.path("query").asText())) {
          if (result("count(" + metric + ")").isEmpty()) {
            missing.add(metric);
          }
        }
        System.out.printf("[MetricsE2E] alert %-28s health %-3s state %-8s metrics without series %s%n",
            rule.path("name").asText(), rule.path("health").asText(), rule.path("state").asText(), missing);
        if (!"ok".equals(rule.path("health").asText())) {
          problems.add("alert " + rule.path("name").asText() + ": " + rule.path("lastError").asText());
        }
        if (!missing.isEmpty()) {
          problems.add("alert " + rule.path("name").asText() + ": no series " + missing);
        }
      }
    }
    System.out.printf("[MetricsE2E] %d dashboard queries and %d alert rules checked on Prometheus%n", queries, rules);
    assertThat(rules).isEqualTo(10);
    assertThat(problems).as("dashboard queries and alert rules on Prometheus (target/metrics-e2e-dashboards.txt)")
        .isEmpty();
    PHASES.done(queries + " dashboard queries and " + rules + " alert rules have data");
  }

  private static void panels(JsonNode node, List<String[]> found) {
    for (JsonNode panel : node.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        if (target.hasNonNull("expr")) {
          found.add(new String[] {"panel \"" + panel.path("title").asText() + "\" " + target.path("refId").asText(),
              target.get("expr").asText()});
        }
      }
      panels(panel, found);
    }
  }

  private static JsonNode query(String pathAndQuery) throws Exception {
    return JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(prometheus.url() + pathAndQuery)).build(),
        HttpResponse.BodyHandlers.ofString()).body());
  }

  private static JsonNode result(String promql) throws Exception {
    return query("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)).path("data")
        .path("result");
  }

  /** The metric names of a PromQL expression: its identifiers less strings, matchers, ranges, clauses, functions. */
  static Set<String> metricNames(String expression) {
    String e = expression.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"").replaceAll("\\{[^}]*}", "")
        .replaceAll("\\[[^]]*]", "").replaceAll("\\b(by|on|without|ignoring|group_left|group_right)\\s*\\([^)]*\\)",
            "");
    Set<String> names = new java.util.TreeSet<>();
    Matcher m = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*").matcher(e);
    while (m.find()) {
      boolean number = m.start() > 0 && Character.isDigit(e.charAt(m.start() - 1));
      if (!number && m.group().contains("_") && !PROMQL.contains(m.group())) {
        names.add(m.group());
      }
    }
    return names;
  }

  private static final Set<String> PROMQL = Set.of("group_left", "group_right", "histogram_quantile",
      "label_values", "max_over_time", "min_over_time", "avg_over_time", "clamp_min", "clamp_max",
      "count_over_time");

  /** Nodes whose p99 of a latency series is above zero. */
  private static Set<String> nonZero(PrometheusText scrape, String series) {
    return scrape.samples(series, l -> "0.99".equals(l.get("quantile")) && CLUSTER.equals(l.get("cluster")))
        .stream().filter(s -> s.value() > 0).map(s -> s.labels().get("node")).collect(Collectors.toSet());
  }
}
