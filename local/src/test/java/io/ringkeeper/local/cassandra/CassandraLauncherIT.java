package io.ringkeeper.local.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringkeeper.operator.node.HttpNodeClient;
import io.ringkeeper.operator.node.NodeClientException;
import io.ringkeeper.operator.node.NodeEndpoint;
import io.ringkeeper.operator.node.NodeInfo;
import io.ringkeeper.operator.node.OperationMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The launcher on one real node: per-node settings passed as system properties take effect, the agent
 * answers "starting" before Cassandra's MBeans exist and never delays the start, SIGTERM stops the node,
 * the data directory survives a restart, SIGKILL kills it.
 */
class CassandraLauncherIT {
  private static final String ADDRESS = "127.0.5.21";
  private static final String YAML_ADDRESS = "127.0.5.29";

  private static LocalTestCluster cluster;

  @BeforeAll
  static void writeConfig() throws Exception {
    Path work = ItSupport.freshWorkDir("launcher");
    // The yaml says 127.0.5.29 and auto_bootstrap true; the system properties must win.
    cluster = LocalTestCluster.builder("launcher", work)
        .addresses(ADDRESS)
        .extraJvmOptions("-Dcassandra.config.allow_system_properties=true",
            "-Dcassandra.settings.listen_address=" + ADDRESS,
            "-Dcassandra.settings.auto_bootstrap=false")
        .build();
    LocalTestCluster.Node node = cluster.node(0);
    String yaml = Files.readString(node.spec().configDir().resolve("cassandra.yaml"))
        .replace("listen_address: " + ADDRESS, "listen_address: " + YAML_ADDRESS)
        .replace("auto_bootstrap: false", "auto_bootstrap: true");
    Files.writeString(node.spec().configDir().resolve("cassandra.yaml"), yaml);
  }

  @AfterAll
  static void stopAll() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void runsStopsRestartsAndKillsANodeWithSettingsFromSystemProperties() throws Exception {
    HttpNodeClient client = new HttpNodeClient(Duration.ofMillis(500), Duration.ofSeconds(5), 4);
    NodeEndpoint endpoint = cluster.endpoint(0);
    CassandraProcess first = new CassandraLauncher(CassandraDistribution.locate()).start(cluster.node(0).spec());
    // Adopt the process so that close() kills it on failure.
    List<CassandraProcess> started = new ArrayList<>();
    started.add(first);
    try {
      Set<String> seen = new LinkedHashSet<>();
      NodeInfo info = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (System.nanoTime() < deadline) {
        assertThat(first.isAlive()).as("node process alive; see %s", first.logFile()).isTrue();
        try {
          info = client.nodeInfo(endpoint).get(10, TimeUnit.SECONDS);
          seen.add("mode " + info.operationMode());
          if (info.operationMode() == OperationMode.NORMAL && info.nativeTransportRunning()) {
            break;
          }
        } catch (ExecutionException e) {
          NodeClientException failure = (NodeClientException) e.getCause();
          seen.add(failure.kind() + (failure.httpStatus() == 503 ? " 503 " + failure.getMessage().replaceAll(
              ".*-> 503: (starting).*", "$1") : ""));
        }
        Thread.sleep(50);
      }
      System.out.println("states seen while starting: " + seen);
      assertThat(info).isNotNull();
      assertThat(info.operationMode()).isEqualTo(OperationMode.NORMAL);
      // The agent answered before Cassandra had registered StorageService: it starts first and says so.
      assertThat(seen).contains("ERROR 503 starting");
      // -Dcassandra.settings.listen_address overrode the yaml's 127.0.5.29.
      assertThat(info.endpoint()).isEqualTo(ADDRESS);
      assertThat(info.liveNodes()).containsExactly(ADDRESS);
      // Cassandra logs "Startup complete" just after it opens the native transport, so the agent can report NORMAL
      // with native transport running a moment before the line is written: wait for it (bounded).
      String log = Files.readString(first.logFile());
      long logDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!log.contains("Startup complete") && System.nanoTime() < logDeadline) {
        Thread.sleep(100);
        log = Files.readString(first.logFile());
      }
      assertThat(log).contains("auto_bootstrap=false").contains("listen_address=" + ADDRESS)
          .contains("Startup complete");
      String hostId = info.hostId();

      int exit = first.stop(Duration.ofSeconds(60));
      assertThat(first.isAlive()).isFalse();
      assertThat(first.exitCode()).hasValue(exit);
      assertThat(Files.readString(first.logFile())).contains("Cassandra shutdown complete");

      CassandraProcess second = cluster.restart(0);
      started.add(second);
      cluster.awaitReady(Duration.ofSeconds(120));
      assertThat(second.pid()).isNotEqualTo(first.pid());
      NodeInfo again = client.nodeInfo(endpoint).get(10, TimeUnit.SECONDS);
      assertThat(again.hostId()).as("same data directory, same host id").isEqualTo(hostId);

      assertThat(second.kill()).isEqualTo(137);
      assertThat(second.isAlive()).isFalse();
      ExecutionException down = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
          () -> client.nodeInfo(endpoint).get(10, TimeUnit.SECONDS));
      assertThat(((NodeClientException) down.getCause()).kind()).isEqualTo(NodeClientException.Kind.UNREACHABLE);
    } finally {
      for (CassandraProcess p : started) {
        if (p.isAlive()) {
          p.kill();
        }
      }
    }
  }
}
