package io.ringkeeper.local.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A Prometheus for local mode ({@code local up --prometheus}): Debian's {@code prometheus} binary, as
 * {@code .ci/prometheus-toolchain} unpacks it, scraping the operator's {@code /metrics} every 5 s as the chart's
 * ServiceMonitor would ({@code honor_labels}, so node and cluster series keep their own namespace), with the chart's
 * alert rules loaded ({@link ChartAlertRules}: what the chart's PrometheusRule holds). Its TSDB, rules file and
 * log live in {@code <work>/prometheus}; it runs as a child of the local server and stops with it.
 */
public final class LocalPrometheus implements AutoCloseable {
  static final String URL_FILE = "prometheus.url";
  /** The chart's alert rules, next to prometheus.yml (rule_files are relative to it). */
  static final String RULES_FILE = "alerts.rules.yaml";
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

  private final Process process;
  private final String url;

  private LocalPrometheus(Process process, String url) {
    this.process = process;
    this.url = url;
  }

  /** The binary: in $RINGKEEPER_PROMETHEUS_HOME/bin, ~/.cache/ringkeeper/prometheus/bin, or on the PATH. */
  public static Optional<Path> binary(Map<String, String> env, Path userHome) {
    Path home = env.containsKey("RINGKEEPER_PROMETHEUS_HOME") ? Path.of(env.get("RINGKEEPER_PROMETHEUS_HOME"))
        : userHome.resolve(".cache/ringkeeper/prometheus");
    Path cached = home.resolve("bin/prometheus");
    if (Files.isExecutable(cached)) {
      return Optional.of(cached);
    }
    for (String dir : env.getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "prometheus"))) {
        return Optional.of(Path.of(dir, "prometheus"));
      }
    }
    return Optional.empty();
  }

  /**
   * Starts Prometheus on 127.0.0.1:{@code port} (0: a free port) scraping {@code metricsPort}, with the alert rules
   * of the chart in {@code chart}, and waits until it is ready. Throws with the reason (no chart, no binary, port
   * taken, the end of its log) when it cannot.
   */
  public static LocalPrometheus start(Path binary, Path work, int port, int metricsPort, Path chart)
      throws IOException, InterruptedException {
    Path dir = work.resolve("prometheus");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(RULES_FILE), ChartAlertRules.render(chart), StandardCharsets.UTF_8);
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(config, """
        # Written by ringkeeper local up --prometheus.
        global: {scrape_interval: 5s, evaluation_interval: 5s}
        rule_files: [%s]
        scrape_configs:
          - job_name: ringkeeper
            honor_labels: true
            static_configs:
              - targets: ['127.0.0.1:%d']
                labels: {namespace: ringkeeper-system, pod: ringkeeper-local}
        """.formatted(RULES_FILE, metricsPort), StandardCharsets.UTF_8);
    int listen = port;
    if (listen == 0) {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        listen = s.getLocalPort();
      }
    }
    Path log = dir.resolve("prometheus.log");
    Process process = new ProcessBuilder(List.of(binary.toString(), "--config.file=" + config,
        "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + listen))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    String url = "http://127.0.0.1:" + listen;
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException("Prometheus exited (" + process.exitValue() + "); the end of " + log + ":\n"
            + tail(log));
      }
      try {
        // Bounded: whatever else listens on a port in use may accept the connection and never answer.
        if (http.send(HttpRequest.newBuilder(URI.create(url + "/-/ready")).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          break;
        }
      } catch (IOException notYet) {
        // not listening yet, or not answering (HttpTimeoutException)
      }
      if (System.nanoTime() > deadline) {
        process.destroyForcibly();
        throw new IllegalStateException("Prometheus not ready within " + READY_TIMEOUT + "; the end of " + log
            + ":\n" + tail(log));
      }
      Thread.sleep(200);
    }
    Files.writeString(work.resolve(URL_FILE), url + "\n", StandardCharsets.UTF_8);
    return new LocalPrometheus(process, url);
  }

  public String url() {
    return url;
  }

  /** The URL the running server's Prometheus wrote, if it runs one. */
  static Optional<String> runningUrl(Path work) {
    try {
      return Optional.of(Files.readString(work.resolve(URL_FILE)).trim());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  static void forget(Path work) throws IOException {
    Files.deleteIfExists(work.resolve(URL_FILE));
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
  }
}
