package io.ringkeeper.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.NodeStatus;
import io.ringkeeper.local.LocalEnvironment;
import io.ringkeeper.operator.testing.MetricsDoc;
import io.ringkeeper.operator.testing.PrometheusText;
import java.net.URI;
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
import org.junit.jupiter.api.Test;

/**
 * The operator's /metrics in local mode with real Cassandra: a 3-node cluster (examples/minimal.yaml), nodes on
 * 127.6.0.x, a CQL workload, then a scrape over HTTP of the endpoint local mode serves. Every series docs/metrics.md marks "always" must be there,
 * and every node must show non-zero read and write coordinator latencies: the figures come from the agents, in
 * the same poll round that feeds the reconciler.
 */
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
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  static PrometheusText scrape() throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(env.metricsUrl())).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return PrometheusText.parse(response.body());
  }

  @Test
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

  /** Nodes whose p99 of a latency series is above zero. */
  private static Set<String> nonZero(PrometheusText scrape, String series) {
    return scrape.samples(series, l -> "0.99".equals(l.get("quantile")) && CLUSTER.equals(l.get("cluster")))
        .stream().filter(s -> s.value() > 0).map(s -> s.labels().get("node")).collect(Collectors.toSet());
  }
}
