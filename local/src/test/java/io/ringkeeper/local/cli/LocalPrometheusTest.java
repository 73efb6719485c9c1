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
import java.util.Map;
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
    try (LocalPrometheus prometheus = LocalPrometheus.start(binary(), work, 0, metrics.getAddress().getPort())) {
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

  @Test
  void aPortInUseIsRefusedWithPrometheusOwnReason(@TempDir Path work) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(() -> LocalPrometheus.start(binary(), work, taken.getLocalPort(), 1))
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
