package io.ringkeeper.helm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Debian's prometheus and promtool, as {@code .ci/prometheus-toolchain} unpacks them: in
 * {@code -Dringkeeper.prometheus.home}, else {@code $RINGKEEPER_PROMETHEUS_HOME}, else
 * {@code ~/.cache/ringkeeper/prometheus}, under {@code bin/}. When they are missing the script is run once; when it
 * fails, so does the test, with the script's last lines (these tests never skip).
 */
final class PrometheusTools {
  private static final Duration TOOLCHAIN_TIMEOUT = Duration.ofMinutes(5);
  private static Path bin;

  private PrometheusTools() {}

  static synchronized Path bin() throws IOException, InterruptedException {
    if (bin != null) {
      return bin;
    }
    String home = System.getProperty("ringkeeper.prometheus.home", System.getenv().getOrDefault(
        "RINGKEEPER_PROMETHEUS_HOME", System.getProperty("user.home") + "/.cache/ringkeeper/prometheus"));
    Path dir = Path.of(home, "bin");
    if (!Files.isExecutable(dir.resolve("prometheus")) || !Files.isExecutable(dir.resolve("promtool"))) {
      Path script = Chart.dir().getParent().getParent().resolve(".ci/prometheus-toolchain");
      if (!Files.isExecutable(script)) {
        throw new IllegalStateException(dir + " holds no prometheus/promtool and " + script + " is missing");
      }
      System.out.println("[PrometheusTools] unpacking Debian's prometheus (" + script + ")");
      Result r = run(List.of(script.toString()), Chart.dir().getParent().getParent(),
          Map.of("RINGKEEPER_PROMETHEUS_HOME", home), TOOLCHAIN_TIMEOUT);
      if (r.exit() != 0) {
        throw new IllegalStateException(script + " failed (exit " + r.exit() + "):\n" + r.output());
      }
      if (!Files.isExecutable(dir.resolve("prometheus")) || !Files.isExecutable(dir.resolve("promtool"))) {
        throw new IllegalStateException(script + " left no prometheus/promtool in " + dir + ":\n" + r.output());
      }
    }
    bin = dir;
    return bin;
  }

  static Path promtool() throws IOException, InterruptedException {
    return bin().resolve("promtool");
  }

  static Path prometheus() throws IOException, InterruptedException {
    return bin().resolve("prometheus");
  }

  /** Exit code and the combined stdout and stderr of a finished command. */
  record Result(int exit, String output) {}

  static Result run(List<String> command, Path dir, Duration timeout) throws IOException, InterruptedException {
    return run(command, dir, Map.of(), timeout);
  }

  static Result run(List<String> command, Path dir, Map<String, String> env, Duration timeout)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile("prometheus-tool", ".log");
    try {
      ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).directory(dir.toFile())
          .redirectErrorStream(true).redirectOutput(log.toFile());
      builder.environment().putAll(env);
      Process p = builder.start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor();
        throw new IllegalStateException(command + " did not finish within " + timeout + ":\n"
            + Files.readString(log, StandardCharsets.UTF_8));
      }
      return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
