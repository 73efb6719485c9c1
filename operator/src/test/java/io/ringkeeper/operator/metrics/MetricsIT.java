package io.ringkeeper.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.ClusterPhase;
import io.ringkeeper.operator.server.HealthServer;
import io.ringkeeper.operator.testing.OperatorHarness;
import io.ringkeeper.operator.testing.MetricsDoc;
import io.ringkeeper.operator.testing.PrometheusText;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The operator's /metrics against the mock API server and the fake fleet: what a Prometheus scrape sees. */
class MetricsIT {
  static OperatorHarness harness;
  static HealthServer server;

  static final String THREE_NODES = """
      apiVersion: ringkeeper.io/v1alpha1
      kind: CassandraCluster
      metadata: {name: %s}
      spec:
        datacenters:
          - name: dc1
            replicationFactor: 3
            size: 3
            racks: [{name: r1}, {name: r2}, {name: r3}]
        storage: {size: 1Gi}
      """;

  @BeforeAll
  static void start() {
    harness = OperatorHarness.start();
    server = new HealthServer(0, () -> true, () -> harness.operator().metrics().scrape()).start();
  }

  @AfterAll
  static void stop() {
    server.close();
    harness.close();
  }

  /** Generous: the machine may be shared by several builds, and this test is about metrics, not speed. */
  static void awaitReady(String ns, String name) {
    harness.awaitCluster(ns, name, Duration.ofSeconds(90),
        c -> c.getStatus() != null && c.getStatus().getPhase() == ClusterPhase.Ready);
  }

  static String scrape() throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
        type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
    return response.body();
  }

  @Test
  void everyAlwaysPresentDocumentedSeriesIsServedForAThreeNodeCluster() throws Exception {
    String ns = harness.kube().freshNamespace("scrape");
    harness.create(ns, THREE_NODES.formatted("demo"));
    awaitReady(ns, "demo");
    await().atMost(Duration.ofSeconds(30)).until(() -> PrometheusText.parse(scrape())
        .samples("ringkeeper_node_read_latency_seconds", l -> ns.equals(l.get("namespace"))).size() == 9);

    String text = scrape();
    // Kept for reading: what a scrape of a three-node cluster looks like.
    java.nio.file.Files.writeString(java.nio.file.Path.of("target/metrics-scrape.txt"), text);
    PrometheusText scrape = PrometheusText.parse(text);
    List<MetricsDoc.Entry> always = MetricsDoc.read().stream().filter(MetricsDoc.Entry::always).toList();
    assertThat(always).hasSizeGreaterThan(20);
    assertThat(always).allSatisfy(e -> assertThat(scrape.has(e.series())).as(e.series()).isTrue());

    List<PrometheusText.Sample> p99 = scrape.samples("ringkeeper_node_read_latency_seconds",
        l -> ns.equals(l.get("namespace")) && "0.99".equals(l.get("quantile")));
    assertThat(p99).extracting(s -> s.labels().get("node"))
        .containsExactlyInAnyOrder("demo-dc1-r1-0", "demo-dc1-r2-0", "demo-dc1-r3-0");
    assertThat(p99).allSatisfy(s -> {
      assertThat(s.value()).isPositive();
      assertThat(s.labels()).containsOnlyKeys("namespace", "cluster", "dc", "rack", "node", "quantile");
    });
    assertThat(scrape.samples("ringkeeper_node_up", l -> ns.equals(l.get("namespace"))))
        .hasSize(3).allSatisfy(s -> assertThat(s.value()).isEqualTo(1.0));
    assertThat(scrape.samples("ringkeeper_cluster_nodes_ready", l -> ns.equals(l.get("namespace"))))
        .singleElement().satisfies(s -> assertThat(s.value()).isEqualTo(3.0));
    assertThat(scrape.samples("ringkeeper_cluster_phase", l -> ns.equals(l.get("namespace"))
        && "Ready".equals(l.get("phase")))).singleElement().satisfies(s -> assertThat(s.value()).isEqualTo(1.0));
    assertThat(scrape.samples("ringkeeper_reconcile_duration_seconds_count",
        l -> "success".equals(l.get("outcome")) && "reconcile".equals(l.get("operation"))))
        .singleElement().satisfies(s -> assertThat(s.value()).isPositive());
  }

  @Test
  void aDownNodeIsReportedDownAndItsPollFailuresCounted() throws Exception {
    String ns = harness.kube().freshNamespace("down");
    harness.create(ns, THREE_NODES.formatted("down"));
    awaitReady(ns, "down");
    harness.fleet().down("down-dc1-r2-0", true);
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> PrometheusText.parse(scrape()).samples("ringkeeper_node_up",
          l -> ns.equals(l.get("namespace")) && "down-dc1-r2-0".equals(l.get("node")))
          .stream().anyMatch(s -> s.value() == 0.0));
      PrometheusText scrape = PrometheusText.parse(scrape());
      assertThat(scrape.samples("ringkeeper_node_state", l -> "down-dc1-r2-0".equals(l.get("node"))
          && "DN".equals(l.get("state")))).singleElement().satisfies(s -> assertThat(s.value()).isEqualTo(1.0));
      assertThat(scrape.samples("ringkeeper_node_poll_failures_total", l -> "unreachable".equals(l.get("reason"))
          && "info".equals(l.get("call")))).singleElement().satisfies(s -> assertThat(s.value()).isPositive());
      // Stale latencies are not kept for a node that stopped answering.
      assertThat(scrape.samples("ringkeeper_node_read_latency_seconds",
          l -> "down-dc1-r2-0".equals(l.get("node")))).isEmpty();
    } finally {
      harness.fleet().down("down-dc1-r2-0", false);
    }
  }

  @Test
  void theSeriesOfADeletedClusterDisappear() throws Exception {
    String ns = harness.kube().freshNamespace("gone");
    harness.create(ns, THREE_NODES.formatted("gone"));
    awaitReady(ns, "gone");
    assertThat(PrometheusText.parse(scrape()).samples().stream().filter(s -> ns.equals(s.labels().get("namespace"))))
        .isNotEmpty();

    harness.admin().resources(CassandraCluster.class).inNamespace(ns).withName("gone").delete();
    await().atMost(Duration.ofSeconds(60)).until(() -> harness.get(ns, "gone") == null);
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(PrometheusText.parse(scrape()).samples()
        .stream().map(PrometheusText.Sample::labels).map(Map::entrySet).flatMap(java.util.Set::stream)
        .filter(e -> e.getKey().equals("namespace") && e.getValue().equals(ns))).isEmpty());
  }
}
