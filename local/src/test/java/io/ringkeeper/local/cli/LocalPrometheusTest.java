package io.ringkeeper.local.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code local up --prometheus}'s Prometheus: Debian's binary (from {@code .ci/prometheus-toolchain}, run here when
 * missing; this test fails, never skips, without it) scrapes a metrics endpoint as it would the operator's.
 */
class LocalPrometheusTest {
  static final String METRICS = """
      # HELP ringkeeper_node_up 1 when the cluster sees the node up
      # TYPE ringkeeper_node_up gauge
      ringkeeper_node_up{cluster="demo",dc="dc1",namespace="default",node="demo-dc1-r1-0",rack="r1"} 1.0
      """;

  /** The repository's chart (the tests run from local/). */
  static final Path CHART = Path.of("..", "helm", "ringkeeper").toAbsolutePath().normalize();

  static Path binary() throws Exception {
    Map<String, String> env = System.getenv();
    Path userHome = Path.of(System.getProperty("user.home"));
    if (LocalPrometheus.binary(env, userHome).isEmpty()) {
      Path script = Path.of("..", ".ci", "prometheus-toolchain").toAbsolutePath().normalize();
      Process p = new ProcessBuilder(script.toString()).inheritIO().start();
      assertThat(p.waitFor(5, TimeUnit.MINUTES) && p.exitValue() == 0).as(script + " succeeded").isTrue();
    }
    return LocalPrometheus.binary(env, userHome).orElseThrow(() -> new AssertionError(
        "no prometheus binary even after .ci/prometheus-toolchain"));
  }

  @Test
  void itScrapesTheOperatorsMetricsKeepingTheirNamespaceAndWritesItsUrl(@TempDir Path work) throws Exception {
    HttpServer metrics = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    metrics.createContext("/metrics", exchange -> {
      byte[] body = METRICS.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    metrics.start();
    try (LocalPrometheus prometheus = LocalPrometheus.start(binary(), work, 0, metrics.getAddress().getPort(), CHART)) {
      assertThat(LocalPrometheus.runningUrl(work)).contains(prometheus.url());
      HttpClient http = HttpClient.newHttpClient();
      ObjectMapper json = new ObjectMapper();
      JsonNode result = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (System.nanoTime() < deadline) {
        result = json.readTree(http.send(HttpRequest.newBuilder(URI.create(prometheus.url() + "/api/v1/query?query="
            + URLEncoder.encode("ringkeeper_node_up", StandardCharsets.UTF_8))).build(),
            HttpResponse.BodyHandlers.ofString()).body()).path("data").path("result");
        if (!result.isEmpty()) {
          break;
        }
        Thread.sleep(500);
      }
      assertThat(result).as("ringkeeper_node_up in Prometheus").hasSize(1);
      assertThat(result.get(0).path("metric").path("namespace").asText()).isEqualTo("default");
      assertThat(result.get(0).path("metric").path("job").asText()).isEqualTo("ringkeeper");
    } finally {
      metrics.stop(0);
    }
  }

  /** The alert names of the chart's template, read from its text (not through the renderer under test). */
  static List<String> chartAlerts() throws Exception {
    List<String> names = new ArrayList<>();
    Matcher m = Pattern.compile("(?m)^\\s*- alert: (\\S+)\\s*$").matcher(Files.readString(
        CHART.resolve(ChartAlertRules.TEMPLATE)));
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  @Test
  void everyAlertOfTheChartIsLoadedByThePrometheusOfLocalModeAndEvaluates(@TempDir Path work) throws Exception {
    List<String> expected = chartAlerts();
    assertThat(expected).hasSizeGreaterThanOrEqualTo(10).doesNotHaveDuplicates();
    HttpServer metrics = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    metrics.createContext("/metrics", exchange -> {
      byte[] body = METRICS.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    metrics.start();
    try (LocalPrometheus prometheus = LocalPrometheus.start(binary(), work, 0, metrics.getAddress().getPort(), CHART)) {
      HttpClient http = HttpClient.newHttpClient();
      ObjectMapper json = new ObjectMapper();
      Map<String, JsonNode> rules = new LinkedHashMap<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      // Listed once loaded; health "ok" once evaluated (every 5 s) without error.
      while (true) {
        rules.clear();
        JsonNode groups = json.readTree(http.send(HttpRequest.newBuilder(URI.create(prometheus.url()
            + "/api/v1/rules?type=alert")).build(), HttpResponse.BodyHandlers.ofString()).body())
            .path("data").path("groups");
        groups.forEach(g -> g.path("rules").forEach(r -> rules.put(r.path("name").asText(), r)));
        if (rules.keySet().containsAll(expected) && rules.values().stream()
            .allMatch(r -> "ok".equals(r.path("health").asText()))) {
          break;
        }
        assertThat(System.nanoTime()).as("every alert loaded and evaluated ok within 30 s: %s", rules).isLessThan(
            deadline);
        Thread.sleep(500);
      }
      System.out.printf("[LocalPrometheusTest] %d alert rules loaded and evaluated: %s%n", rules.size(),
          String.join(", ", rules.keySet()));
      assertThat(rules.keySet()).containsExactlyElementsOf(expected);
      // The thresholds are the chart's default values, and no template is left in a query.
      assertThat(rules.get("CassandraNodeDown").path("duration").asInt()).isEqualTo(300);
      assertThat(rules.get("CassandraPendingCompactions").path("query").asText()).endsWith("> 100");
      assertThat(rules.values()).allSatisfy(r -> assertThat(r.path("query").asText()).doesNotContain("{{", "$r"));
      assertThat(rules.get("CassandraNodeDown").path("annotations").path("summary").asText())
          .isEqualTo("Cassandra node {{ $labels.node }} of {{ $labels.namespace }}/{{ $labels.cluster }} is down");
    } finally {
      metrics.stop(0);
    }
  }

  @Test
  void aThresholdMissingFromTheValuesIsRefusedNamingIt(@TempDir Path chart) throws Exception {
    Files.createDirectories(chart.resolve("templates"));
    Files.writeString(chart.resolve("values.yaml"), "prometheusRule:\n  nodeDownFor: 5m\n");
    Files.writeString(chart.resolve(ChartAlertRules.TEMPLATE), """
        {{- if .Values.prometheusRule.enabled }}
        spec:
          groups:
            - name: g
              rules:
                - alert: A
                  expr: up == 0
                  for: {{ $r.nodeDownFor }}
                - alert: B
                  expr: up > {{ $r.missing }}
        {{- end }}
        """);
    assertThatThrownBy(() -> ChartAlertRules.render(chart)).hasMessageContaining("line 10")
        .hasMessageContaining("has no scalar prometheusRule.missing");
    Files.writeString(chart.resolve(ChartAlertRules.TEMPLATE), """
        spec:
          groups:
            - name: g
              rules:
                - alert: A
                  expr: up == 0
                  for: {{ $r.nodeDownFor }}
                  labels: {{ toYaml .Values.extra }}
        """);
    assertThatThrownBy(() -> ChartAlertRules.render(chart)).hasMessageContaining("line 8")
        .hasMessageContaining("cannot render").hasMessageContaining("toYaml .Values.extra");
    assertThatThrownBy(() -> ChartAlertRules.render(chart.resolve("nope"))).hasMessageContaining("no chart at");
  }

  @Test
  void theRenderedRulesAreTheChartsWithItsDefaultThresholds() throws Exception {
    String rules = ChartAlertRules.render(CHART);
    assertThat(ChartAlertRules.alerts(rules)).containsExactlyElementsOf(chartAlerts());
    assertThat(rules).contains("for: 5m", "> 864000", "> 1.25", "> 0.5").doesNotContain("$r.", "{{ \"");
  }

  @Test
  void aPortInUseIsRefusedWithPrometheusOwnReason(@TempDir Path work) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(() -> LocalPrometheus.start(binary(), work, taken.getLocalPort(), 1, CHART))
          .hasMessageContaining("Prometheus exited").hasMessageContaining("address already in use");
    }
    assertThat(LocalPrometheus.runningUrl(work)).isEmpty();
  }

  @Test
  void theBinaryIsLookedUpInTheCacheThenOnThePath(@TempDir Path dir) throws Exception {
    Path cached = Files.createDirectories(dir.resolve("home/bin")).resolve("prometheus");
    Files.writeString(cached, "#!/bin/sh\n");
    cached.toFile().setExecutable(true);
    assertThat(LocalPrometheus.binary(Map.of("RINGKEEPER_PROMETHEUS_HOME", dir.resolve("home").toString()), dir))
        .contains(cached);
    assertThat(LocalPrometheus.binary(Map.of("PATH", dir.resolve("home/bin").toString()), dir.resolve("nohome")))
        .contains(cached);
    assertThat(LocalPrometheus.binary(Map.of("PATH", ""), dir.resolve("nohome"))).isEmpty();
  }
}
