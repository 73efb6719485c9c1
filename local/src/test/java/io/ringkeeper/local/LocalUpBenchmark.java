package io.ringkeeper.local;

import io.ringkeeper.local.cassandra.CassandraConfig;
import io.ringkeeper.local.cassandra.CassandraDistribution;
import io.ringkeeper.local.cassandra.CassandraLauncher;
import io.ringkeeper.local.cassandra.CassandraNodeSpec;
import io.ringkeeper.local.cassandra.CassandraProcess;
import io.ringkeeper.operator.node.AgentToken;
import io.ringkeeper.operator.node.HttpNodeClient;
import io.ringkeeper.operator.node.NodeEndpoint;
import io.ringkeeper.operator.node.NodeInfo;
import io.ringkeeper.operator.node.OperationMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Time to a Ready 3-node cluster (3 racks, RF 3) two ways, in one JVM, one after the other:
 *
 * <ol>
 *   <li><b>local mode</b>: the embedded API, kubelet and operator start, examples/minimal.yaml is applied, and the
 *       clock stops when the cluster's status says Ready 3/3 (what {@code ./ringkeeper local up} waits for, minus
 *       the launcher's own JVM start);
 *   <li><b>one at a time</b>: the same nodes (same heap, agent and JVM options) started by the plain launcher
 *       in order, each started only once the previous one is NORMAL with CQL up, the later ones bootstrapping
 *       into the ring as an ordered StatefulSet would make them.
 * </ol>
 * Prints numbers and asserts nothing about them. Not part of the normal build; run it with
 *
 * <pre>
 * mvn -o -q -B -pl local -am verify -Dit.test=LocalUpBenchmark -Dtest='None*' \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false
 * </pre>
 *
 * and read local/target/benchmarks/local-up.md. Addresses 127.20.9.x (local mode) and 127.20.8.x.
 */
class LocalUpBenchmark {
  private final StringBuilder report = new StringBuilder();

  @Test
  void measure() throws Exception {
    Path work = fresh("local-up-benchmark");
    Path manifest = Paths.get("../examples/minimal.yaml");
    CassandraDistribution distribution = CassandraDistribution.locate();

    long t0 = System.nanoTime();
    double apiUp;
    double ready;
    try (LocalEnvironment env = LocalEnvironment.builder(work.resolve("local")).addressBase("127.20.9.0")
        .stopGrace(Duration.ofSeconds(20)).distribution(distribution).start()) {
      apiUp = seconds(t0);
      env.apply(manifest);
      env.awaitReady("default", "demo", Duration.ofMinutes(6));
      ready = seconds(t0);
    }

    long t1 = System.nanoTime();
    List<Double> each = new ArrayList<>();
    List<CassandraProcess> processes = new ArrayList<>();
    try {
      AgentToken token = new AgentToken("benchmark-token-0123456789");
      Path tokenFile = work.resolve("serial/token");
      Files.createDirectories(tokenFile.getParent());
      Files.writeString(tokenFile, token.value(), StandardCharsets.UTF_8);
      CassandraLauncher launcher = new CassandraLauncher(distribution);
      HttpNodeClient agents = new HttpNodeClient(Duration.ofSeconds(1), Duration.ofSeconds(5), 4);
      List<List<Long>> tokens = CassandraConfig.evenTokens(3, 16);
      String[] racks = {"r1", "r2", "r3"};
      for (int i = 0; i < 3; i++) {
        long began = System.nanoTime();
        String address = "127.20.8." + (i + 1);
        Path dir = work.resolve("serial/node" + i);
        List<String> options = new ArrayList<>(LocalEnvironment.LOCAL_IMAGE_OPTIONS);
        options.addAll(List.of("-Xms256M", "-Xmx256M", "-javaagent:" + distribution.agentJar() + "=address="
            + address + ",port=8778,tokenFile=" + tokenFile));
        CassandraNodeSpec spec = new CassandraNodeSpec("serial-" + i, address, dir.resolve("conf"),
            dir.resolve("data"), dir.resolve("logs"), options);
        // The first node starts alone; each later one bootstraps into the ring (auto_bootstrap true).
        CassandraConfig.write(spec.configDir(), new CassandraConfig.NodeConfig("serial", List.of("127.20.8.1"),
            address, tokens.get(i), 16, i > 0, true), "dc1", racks[i]);
        CassandraProcess process = launcher.start(spec);
        processes.add(process);
        awaitNormal(agents, new NodeEndpoint(spec.name(), address, 8778, token), process, i + 1);
        each.add(seconds(began));
      }
    } finally {
      for (CassandraProcess p : processes) {
        p.kill();
      }
    }
    double serial = seconds(t1);

    line("## `local up` to Ready against one node at a time: raw results");
    line("");
    line("3 nodes, 3 racks, RF 3, 16 tokens, `-Xmx256M` + local mode's node options; JDK " + Runtime.version() + ", "
        + Runtime.getRuntime().availableProcessors() + " cores, load average at the end of the run "
        + String.format(Locale.ROOT, "%.1f", java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        .getSystemLoadAverage()) + ".");
    line("");
    line("| way | to Ready |");
    line("|---|---|");
    line(String.format(Locale.ROOT, "| local mode: API + kubelet + operator up | %.1f s |", apiUp));
    line(String.format(Locale.ROOT, "| local mode: apply -> Ready 3/3 (all nodes at once, pre-assigned tokens) | %.1f s |",
        ready - apiUp));
    line(String.format(Locale.ROOT, "| **local mode total** | **%.1f s** |", ready));
    line(String.format(Locale.ROOT, "| one at a time: node 1 / 2 / 3 | %.1f / %.1f / %.1f s |", each.get(0),
        each.get(1), each.get(2)));
    line(String.format(Locale.ROOT, "| **one at a time total** | **%.1f s** |", serial));
    Path out = Paths.get("target/benchmarks/local-up.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, report.toString(), StandardCharsets.UTF_8);
    System.out.print(report);
  }

  private static void awaitNormal(HttpNodeClient agents, NodeEndpoint endpoint, CassandraProcess process, int live)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(endpoint.node() + " exited; see " + process.logFile());
      }
      try {
        NodeInfo info = agents.nodeInfo(endpoint).get(6, TimeUnit.SECONDS);
        if (info.operationMode() == OperationMode.NORMAL && info.nativeTransportRunning()
            && info.liveNodes().size() >= live) {
          return;
        }
      } catch (Exception notYet) {
        // starting
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException(endpoint.node() + " not NORMAL in time; see " + process.logFile());
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  private void line(String text) {
    report.append(text).append('\n');
  }

  private static Path fresh(String name) throws java.io.IOException {
    Path dir = Paths.get("target/cassandra-nodes").resolve(name).toAbsolutePath();
    if (Files.exists(dir)) {
      try (Stream<Path> walk = Files.walk(dir)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    Files.createDirectories(dir);
    return dir;
  }
}
