package io.ringkeeper.bench.operator;

import io.fabric8.kubernetes.api.model.Pod;
import io.ringkeeper.operator.node.AgentToken;
import io.ringkeeper.operator.node.NodeEndpoint;
import io.ringkeeper.operator.node.NodeInfo;
import io.ringkeeper.operator.testing.FakeKubelet;
import io.ringkeeper.operator.testing.FakeNodeFleet;
import io.ringkeeper.operator.testing.MockKube;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator in a JVM of its own, so its memory is its own: started with given JVM flags on the operator's
 * runtime classpath (this JVM's, less the benchmark's classes and the test fakes), connected to the mock API
 * server through a kubeconfig. Also: the flags the Helm chart is meant to use, RSS from /proc, heap after a
 * full GC from jcmd.
 */
final class ChildOperator implements AutoCloseable {
  /**
   * The JVM flags recommended for the chart (docs/benchmarks.md gives the reason for each). {@code -XX:MaxRAM}
   * stands in for the container's memory limit, which the JVM reads from the cgroup inside a pod.
   */
  static List<String> chartFlags(int limitMib) {
    return List.of("-XX:MaxRAM=" + limitMib + "m", "-XX:MaxRAMPercentage=75", "-XX:+UseSerialGC", "-Xss512k",
        "-XX:MaxMetaspaceSize=96m", "-XX:ReservedCodeCacheSize=32m", "-XX:TieredStopAtLevel=1",
        "-XX:+ExitOnOutOfMemoryError");
  }

  private final Process process;
  private final Path stdout;
  final long startedNanos;

  private ChildOperator(Process process, Path stdout, long startedNanos) {
    this.process = process;
    this.stdout = stdout;
    this.startedNanos = startedNanos;
  }

  static ChildOperator start(List<String> flags, String mainClass, List<String> args, Path dir, String name)
      throws IOException {
    Files.createDirectories(dir);
    Path out = dir.resolve(name + ".log");
    List<String> command = new ArrayList<>();
    command.add(System.getProperty("bench.java", Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(flags);
    command.add("-cp");
    command.add(operatorClasspath());
    command.add(mainClass);
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
    long t0 = System.nanoTime();
    return new ChildOperator(builder.start(), out, t0);
  }

  /** The benchmark JVM's classpath without the fakes and the benchmark (OperatorProcess excepted: see below). */
  static String operatorClasspath() {
    List<String> kept = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (entry.contains("tests.jar") || entry.contains("test-classes") || entry.contains("kubernetes-server-mock") || entry.contains("mockwebserver")
          || entry.contains("awaitility") || entry.contains("hamcrest")) {
        continue;
      }
      kept.add(entry);
    }
    return String.join(File.pathSeparator, kept);
  }

  static Path kubeconfig(MockKube kube, Path dir) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve("kubeconfig-" + System.nanoTime());
    Files.writeString(file, """
        apiVersion: v1
        kind: Config
        clusters: [{name: mock, cluster: {server: "%s"}}]
        users: [{name: bench, user: {token: bench}}]
        contexts: [{name: mock, context: {cluster: mock, user: bench, namespace: default}}]
        current-context: mock
        """.formatted(kube.admin().getMasterUrl().toString()));
    return file;
  }

  /** What a fake agent on {@code address} answers: the fake fleet's view of the pod the kubelet runs there. */
  static NodeInfo agentAnswer(FakeKubelet kubelet, FakeNodeFleet fleet, String address, int port) {
    Optional<Pod> pod = kubelet.runningAt(address);
    if (pod.isEmpty()) {
      return null;
    }
    try {
      return fleet.nodeInfo(new NodeEndpoint(pod.get().getMetadata().getName(), address, port, new AgentToken("x")))
          .get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      return null;
    }
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  List<String> output() throws IOException {
    return Files.readAllLines(stdout, StandardCharsets.UTF_8);
  }

  /** The last "RECONCILES n" line OperatorProcess printed, or -1. */
  long reconciles() throws IOException {
    List<String> lines = output();
    for (int i = lines.size() - 1; i >= 0; i--) {
      if (lines.get(i).startsWith("RECONCILES ")) {
        return Long.parseLong(lines.get(i).substring("RECONCILES ".length()).trim());
      }
    }
    return -1;
  }

  /**
   * CPU time the process has used so far (user + system, all threads), in ms: unlike wall time, hardly affected
   * by other processes competing for the cores.
   */
  double cpuMillis() throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid() + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime (fields 14, 15)
    return ticks * 10.0; // USER_HZ is 100 on Linux
  }

  /** VmRSS and VmHWM (peak) in MiB. */
  double[] rssMib() throws IOException {
    double rss = 0;
    double peak = 0;
    for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        rss = kib(line) / 1024.0;
      } else if (line.startsWith("VmHWM:")) {
        peak = kib(line) / 1024.0;
      }
    }
    return new double[] {rss, peak};
  }

  /** Runs a full GC in the operator JVM, then returns heap used and metaspace used in MiB. */
  double[] heapAfterGcMib() throws IOException, InterruptedException {
    jcmd("GC.run");
    String info = jcmd("GC.heap_info");
    double heap = 0;
    Matcher gen = Pattern.compile("generation\\s+total \\d+K, used (\\d+)K").matcher(info);
    while (gen.find()) {
      heap += Long.parseLong(gen.group(1)) / 1024.0;
    }
    Matcher meta = Pattern.compile("Metaspace\\s+used (\\d+)K").matcher(info);
    double metaspace = meta.find() ? Long.parseLong(meta.group(1)) / 1024.0 : -1;
    return new double[] {heap, metaspace};
  }

  private String jcmd(String command) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p = new ProcessBuilder(jcmd.toString(), String.valueOf(pid()), command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(30, TimeUnit.SECONDS);
    return out;
  }

  private static long kib(String line) {
    return Long.parseLong(Arrays.stream(line.split("\\s+")).filter(s -> s.matches("\\d+")).findFirst().orElse("0"));
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }
}
