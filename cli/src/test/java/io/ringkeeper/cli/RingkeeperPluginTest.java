package io.ringkeeper.cli;

import static io.ringkeeper.cli.ClusterFixture.CLUSTER;
import static io.ringkeeper.cli.ClusterFixture.NODES;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.operator.resources.Labels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every command of {@code kubectl ringkeeper}, run in-process against the mock API server with a realistic cluster. */
class RingkeeperPluginTest {
  private static final AtomicInteger NAMESPACES = new AtomicInteger();
  private static final int AGENT_PORT = 39231;
  private static PluginKube kube;
  private static KubernetesClient admin;
  private static HttpServer agent;
  private String ns;

  record Run(int code, String out, String err) {}

  @BeforeAll
  static void start() throws IOException {
    kube = new PluginKube();
    admin = kube.client();
    agent = ClusterFixture.fakeAgent(AGENT_PORT);
  }

  @AfterAll
  static void stop() {
    agent.stop(0);
    admin.close();
    kube.close();
  }

  @BeforeEach
  void cluster() {
    ns = "cli-" + NAMESPACES.incrementAndGet();
    ClusterFixture.create(admin, ns);
  }

  Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String[] all = new String[args.length + 4];
    all[0] = "-n";
    all[1] = ns;
    all[2] = "--agent-port";
    all[3] = String.valueOf(AGENT_PORT);
    System.arraycopy(args, 0, all, 4, args.length);
    int code = RingkeeperPlugin.execute(all, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), p -> kube.client());
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  Map<String, String> clusterAnnotations() {
    CassandraCluster cr = admin.resources(CassandraCluster.class).inNamespace(ns).withName(CLUSTER).get();
    return cr.getMetadata().getAnnotations() == null ? Map.of() : cr.getMetadata().getAnnotations();
  }

  Map<String, String> podAnnotations(String pod) {
    Pod p = admin.pods().inNamespace(ns).withName(pod).get();
    return p.getMetadata().getAnnotations() == null ? Map.of() : p.getMetadata().getAnnotations();
  }

  // ---- status ----

  @Test
  void statusShowsTheNodesTheOperationTheRepairTheConditionsTheBudgetAndTheClustersWarnings() {
    Run r = run("status", CLUSTER);

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).isEmpty();
    List<String> lines = r.out().lines().toList();
    assertThat(lines.get(0)).contains(ns + "/orders", "phase Restarting", "ready 2/3");
    assertThat(lines.get(1)).contains("NODE", "ADDRESS", "STATE", "LOAD", "OWNS", "TOKENS", "READ p99", "WRITE p99",
        "LAST SEEN");
    // The first node's p99s come from its (fake) agent; the others' agents do not answer.
    assertThat(lines.get(2)).contains("orders-dc1-r1-0", "127.60.0.1", "UN", "1.2 GiB", "100.0%", "3", "2.5 ms",
        "700 us", "now");
    assertThat(lines.get(3)).contains("orders-dc1-r2-0", "DN", "5m ago");
    assertThat(lines.get(4)).contains("orders-dc1-r3-0", "UN", "4s ago");
    assertThat(r.out()).contains("orders-dc1-r2-0: draining for a restart asked on the pod",
        "Operation: Restart of orders-dc1-r2-0, step WaitingForNormal (since 90s ago), started 2m ago",
        "Repair: running run-7 (Schedule) keyspaces shop",
        "[#######-------------] 32/96 (33%) segments",
        "postponed: node orders-dc1-r2-0 is DN",
        "  last completed 2026-11-29T01:42:00Z, next 2026-12-06T01:00:00Z");
    assertThat(r.out()).containsPattern("Ready +False +NodesNotReady +1\\d\\ds ago +2/3 nodes ready: orders-dc1-r2-0"
        + " is DN");
    assertThat(r.out()).containsPattern("orders-dc1 +1 +2/3 +0");
    assertThat(r.out()).contains("Warnings (2):", "Pod/orders-dc1-r2-0", "Readiness probe failed",
        "CassandraCluster/orders", "RepairPostponed");
    assertThat(r.out()).doesNotContain("not about orders", "orders-eu", "restarting orders-dc1-r2-0");
  }

  @ParameterizedTest
  @ValueSource(strings = {"json", "yaml"})
  void statusPrintsTheResourceAsJsonOrYaml(String format) {
    Run r = run("status", CLUSTER, "-o", format);

    assertThat(r.code()).as(r.err()).isZero();
    CassandraCluster cr = Serialization.unmarshal(r.out(), CassandraCluster.class);
    assertThat(cr.getMetadata().getName()).isEqualTo(CLUSTER);
    assertThat(cr.getStatus().getNodes()).hasSize(3);
    assertThat(cr.getMetadata().getManagedFields()).isNullOrEmpty();
    if (format.equals("json")) {
      assertThat(r.out()).startsWith("{");
    } else {
      assertThat(r.out()).startsWith("---");
    }
  }

  @Test
  void statusWatchRefreshesTheView() {
    Run r = run("status", CLUSTER, "-w", "--interval", "0", "--watch-rounds", "2");

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out().split("Ctrl-C to leave", -1)).hasSize(3);
    assertThat(r.out().split("phase Restarting", -1)).hasSize(3);
  }

  @Test
  void namespaceAndOptionsMayComeAfterTheCommandAsWithKubectl() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = RingkeeperPlugin.execute(new String[] {"status", CLUSTER, "--namespace", ns}, new PrintStream(out,
        true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()), p -> kube.client());
    assertThat(code).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains(ns + "/orders");
  }

  @Test
  void theKubeconfigsContextAndItsNamespaceAreUsedLikeKubectlDoes(@TempDir Path dir) throws IOException {
    Path kubeconfig = dir.resolve("config");
    Files.writeString(kubeconfig, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: mock
          cluster: {server: "%s"}
        - name: nowhere
          cluster: {server: "http://127.60.0.9:39499"}
        users:
        - name: me
          user: {token: abc}
        contexts:
        - name: mock
          context: {cluster: mock, user: me, namespace: %s}
        - name: nowhere
          context: {cluster: nowhere, user: me}
        current-context: nowhere
        """.formatted(kube.url(), ns));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String previous = System.getProperty("kubeconfig");
    try {
      int code = RingkeeperPlugin.execute(new String[] {"--kubeconfig", kubeconfig.toString(), "--context", "mock",
          "status", CLUSTER}, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true,
          StandardCharsets.UTF_8), RingkeeperPlugin::kubeconfigClient);
      assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
      assertThat(out.toString(StandardCharsets.UTF_8)).contains(ns + "/orders", "phase Restarting");

      ByteArrayOutputStream err2 = new ByteArrayOutputStream();
      int unknown = RingkeeperPlugin.execute(new String[] {"--kubeconfig", kubeconfig.toString(), "--context",
          "prod", "status", CLUSTER}, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err2, true,
          StandardCharsets.UTF_8), RingkeeperPlugin::kubeconfigClient);
      assertThat(unknown).isEqualTo(2);
      assertThat(err2.toString(StandardCharsets.UTF_8)).isEqualTo("error: --context prod: no such context in the"
          + " kubeconfig\n");
    } finally {
      if (previous == null) {
        System.clearProperty("kubeconfig");
      } else {
        System.setProperty("kubeconfig", previous);
      }
    }
  }

  // ---- restart, replace, repair ----

  @Test
  void restartOfTheClusterAnnotatesTheClusterWithTheTime() {
    Instant before = Instant.now().minusSeconds(1);
    Run r = run("restart", CLUSTER);

    assertThat(r.code()).as(r.err()).isZero();
    String value = clusterAnnotations().get(Labels.RESTART);
    assertThat(Instant.parse(value)).isAfterOrEqualTo(before.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    assertThat(r.out()).contains("cassandracluster.ringkeeper.io/orders annotated ringkeeper.io/restart=" + value,
        "kubectl ringkeeper status orders -n " + ns + " -w");
    for (String node : NODES) {
      assertThat(podAnnotations(node)).doesNotContainKey(Labels.RESTART);
    }
    // The status the operator wrote is untouched by the annotation.
    assertThat(admin.resources(CassandraCluster.class).inNamespace(ns).withName(CLUSTER).get().getStatus()
        .getNodes()).hasSize(3);
  }

  @ParameterizedTest
  @ValueSource(strings = {"orders-dc1-r3-0", "dc1-r3-0"})
  void restartOfANodeAnnotatesItsPodOnly(String given) {
    Run r = run("restart", CLUSTER, given);

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(podAnnotations("orders-dc1-r3-0")).containsKey(Labels.RESTART);
    assertThat(podAnnotations("orders-dc1-r1-0")).doesNotContainKey(Labels.RESTART);
    assertThat(clusterAnnotations()).doesNotContainKey(Labels.RESTART);
    assertThat(r.out()).startsWith("pod/orders-dc1-r3-0 annotated ringkeeper.io/restart=");
  }

  @Test
  void replaceOfADownNodeAnnotatesItsPod() {
    Run r = run("replace", CLUSTER, "orders-dc1-r2-0");

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(podAnnotations("orders-dc1-r2-0")).containsEntry(Labels.REPLACE, "true");
    assertThat(r.out()).startsWith("pod/orders-dc1-r2-0 annotated ringkeeper.io/replace=true");
  }

  @Test
  void replaceOfAnUpNodeIsRefusedUnlessForced() {
    Run refused = run("replace", CLUSTER, "orders-dc1-r1-0");

    assertThat(refused.code()).isEqualTo(2);
    assertThat(refused.err()).isEqualTo("error: node orders-dc1-r1-0 is UN (up and normal): replacing it throws its"
        + " data away and streams it again; restart it instead, or add --force\n");
    assertThat(podAnnotations("orders-dc1-r1-0")).doesNotContainKey(Labels.REPLACE);

    Run forced = run("replace", CLUSTER, "orders-dc1-r1-0", "--force");
    assertThat(forced.code()).as(forced.err()).isZero();
    assertThat(podAnnotations("orders-dc1-r1-0")).containsEntry(Labels.REPLACE, "true");
  }

  @Test
  void repairAnnotatesTheClusterAndSaysTheRunningRunGoesFirst() {
    Run r = run("repair", CLUSTER);

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(clusterAnnotations()).containsKey(Labels.REPAIR_REQUEST);
    assertThat(r.out()).contains("annotated ringkeeper.io/repair=", "a run is going (run-7); the requested run starts"
        + " when it ends");
  }

  @Test
  void repairOfOneKeyspaceNamesItInTheRequestTheOperatorReads() {
    Run r = run("repair", CLUSTER, "--keyspace", "shop");

    assertThat(r.code()).as(r.err()).isZero();
    String value = clusterAnnotations().get(Labels.REPAIR_REQUEST);
    assertThat(value).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ;keyspaces=shop");
    assertThat(io.ringkeeper.operator.domain.upkeep.RepairTriggers.requestedKeyspaces(value)).containsExactly("shop");
    assertThat(r.out()).contains("annotated ringkeeper.io/repair=" + value);
    assertThat(r.err()).isEmpty();

    Run two = run("repair", CLUSTER, "--keyspace", "shop,system_auth", "--keyspace", "shop");
    assertThat(two.code()).as(two.err()).isZero();
    assertThat(clusterAnnotations().get(Labels.REPAIR_REQUEST)).endsWith(";keyspaces=shop,system_auth");
  }

  @Test
  void repairOfAnUnknownKeyspaceIsOneLineAndExitCode2AndWritesNothing() {
    Run r = run("repair", CLUSTER, "--keyspace", "shop,orders");

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("error: --keyspace orders: cluster " + ns + "/orders has no such keyspace (its"
        + " keyspaces: shop)\n");
    assertThat(clusterAnnotations()).doesNotContainKey(Labels.REPAIR_REQUEST);

    Run malformed = run("repair", CLUSTER, "--keyspace", "shop; DROP");
    assertThat(malformed.code()).isEqualTo(2);
    assertThat(malformed.err()).isEqualTo("error: --keyspace 'shop; DROP': not a keyspace name (1 to 48 letters,"
        + " digits or _)\n");
    Run empty = run("repair", CLUSTER, "--keyspace", "");
    assertThat(empty.code()).isEqualTo(2);
    assertThat(empty.err()).startsWith("error: --keyspace '': not a keyspace name").hasLineCount(1);
    assertThat(clusterAnnotations()).doesNotContainKey(Labels.REPAIR_REQUEST);
  }

  // ---- report ----

  @Test
  void reportWritesATarGzWithTheResourceItsObjectsAndAgentsAndNoSecretValue(@TempDir Path dir) throws IOException {
    kube.logs().put(ns + "/orders-dc1-r1-0/cassandra", "INFO  Startup complete\nINFO  Node is NORMAL\n");
    Path file = dir.resolve("out/report.tar.gz");
    Run r = run("report", CLUSTER, "-f", file.toString());

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo(file.toAbsolutePath() + "\n");
    Map<String, String> entries = untar(file);
    String p = "report-" + ns + "-orders/";
    assertThat(entries).containsKeys(p + "README.txt", p + "cluster.yaml", p + "events.yaml", p + "pods.yaml",
        p + "pvcs.yaml", p + "services.yaml", p + "configmaps.yaml", p + "poddisruptionbudgets.yaml",
        p + "secrets-redacted.yaml", p + "agents/orders-dc1-r1-0-node.json", p + "agents/orders-dc1-r1-0-metrics.json",
        p + "logs/orders-dc1-r1-0.log");
    assertThat(entries.get(p + "cluster.yaml")).contains("name: \"orders\"", "WaitingForNormal");
    assertThat(entries.get(p + "events.yaml")).contains("Readiness probe failed").doesNotContain("not about orders", "orders-eu");
    assertThat(entries.get(p + "pods.yaml")).contains("orders-dc1-r3-0");
    assertThat(entries.get(p + "agents/orders-dc1-r1-0-node.json")).contains("\"hostId\":\"host-1\"");
    assertThat(entries.get(p + "agents/orders-dc1-r2-0-node.json")).contains("\"error\"");
    assertThat(entries.get(p + "logs/orders-dc1-r1-0.log")).contains("Node is NORMAL");
    String secrets = entries.get(p + "secrets-redacted.yaml");
    assertThat(secrets).contains("orders-superuser", "orders-agent-token", "regcred", "password",
        "<redacted, 19 bytes>", "missing: true").doesNotContain("unrelated");
    String everything = String.join("\n", entries.values());
    for (String secret : List.of(ClusterFixture.PASSWORD, ClusterFixture.AGENT_TOKEN,
        ClusterFixture.b64(ClusterFixture.PASSWORD), ClusterFixture.b64(ClusterFixture.AGENT_TOKEN))) {
      assertThat(everything).doesNotContain(secret);
    }
    assertThat(r.err()).contains("note: log of orders-dc1-r2-0");
  }

  /** Reads the plugin's tar.gz back (ustar, regular files only). */
  static Map<String, String> untar(Path file) throws IOException {
    Map<String, String> entries = new LinkedHashMap<>();
    try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
      byte[] all = in.readAllBytes();
      int at = 0;
      while (at + 512 <= all.length && all[at] != 0) {
        String name = new String(all, at, 100, StandardCharsets.UTF_8).replace("\0", "");
        long size = Long.parseLong(new String(all, at + 124, 11, StandardCharsets.US_ASCII).trim(), 8);
        assertThat(new String(all, at + 257, 5, StandardCharsets.US_ASCII)).isEqualTo("ustar");
        entries.put(name, new String(all, at + 512, (int) size, StandardCharsets.UTF_8));
        at += 512 + (int) ((size + 511) / 512 * 512);
      }
    }
    return entries;
  }

  // ---- logs ----

  @Test
  void logsOfANodeAreItsCassandraContainersLog() {
    kube.logs().put(ns + "/orders-dc1-r2-0/cassandra", "line 1\nline 2\nline 3\n");
    kube.logs().put(ns + "/orders-dc1-r2-0/cassandra#previous", "ERROR before the crash\n");

    assertThat(run("logs", CLUSTER, "dc1-r2-0").out()).isEqualTo("line 1\nline 2\nline 3\n");
    assertThat(run("logs", CLUSTER, "dc1-r2-0", "--tail", "1").out()).isEqualTo("line 3\n");
    assertThat(run("logs", CLUSTER, "dc1-r2-0", "--previous").out()).isEqualTo("ERROR before the crash\n");
  }

  @Test
  void logsFollowStreamsOneNodesLogUntilTheServerEndsIt() {
    kube.logs().put(ns + "/orders-dc1-r3-0/cassandra", "a\nb\nc\n");

    Run r = run("logs", CLUSTER, "dc1-r3-0", "-f", "--tail", "2");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("b\nc\n");

    Run all = run("logs", CLUSTER, "-f");
    assertThat(all.code()).isEqualTo(2);
    assertThat(all.err()).isEqualTo("error: -f follows one node's current log: name a NODE, without -p\n");
  }

  @Test
  void logsOfTheClusterPrefixEveryLineWithItsNode() {
    for (String node : NODES) {
      kube.logs().put(ns + "/" + node + "/cassandra", "started " + node + "\n");
    }
    Run r = run("logs", CLUSTER);

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("[orders-dc1-r1-0] started orders-dc1-r1-0\n[orders-dc1-r2-0] started"
        + " orders-dc1-r2-0\n[orders-dc1-r3-0] started orders-dc1-r3-0\n");
  }

  @Test
  void logsOfTheClusterGoOnPastAPodWithoutALogAndExit1() {
    kube.logs().put(ns + "/orders-dc1-r1-0/cassandra", "one\n");
    kube.logs().put(ns + "/orders-dc1-r3-0/cassandra", "three\n");
    Run r = run("logs", CLUSTER);

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).isEqualTo("[orders-dc1-r1-0] one\n[orders-dc1-r3-0] three\n");
    assertThat(r.err()).startsWith("error: log of orders-dc1-r2-0: the API server refused (404)").hasLineCount(1);
  }

  // ---- nodetool ----

  @Test
  void nodetoolStatusShowsTheRingAsTheNodeSeesIt() {
    Run r = run("nodetool", CLUSTER, "dc1-r1-0", "--", "status");

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("Datacenter: dc1", "Status=Up/Down");
    assertThat(r.out()).containsPattern("UN +127\\.60\\.0\\.1 +3 +host-1 +r1")
        .containsPattern("DN +127\\.60\\.0\\.2 +3 +host-2 +r2");
  }

  @Test
  void nodetoolInfoShowsTheNodesStateAndMetrics() {
    Run r = run("nodetool", CLUSTER, "orders-dc1-r1-0", "--", "info");

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).containsPattern("ID +: host-1").containsPattern("Native Transport active +: true")
        .containsPattern("Load +: 1.2 GiB").containsPattern("Heap Memory \\(MiB\\) +: 100.00 / 256.00")
        .containsPattern("Read latency p99 +: 2.5 ms");
  }

  @Test
  void nodetoolOfANodeWhoseAgentDoesNotAnswerIsOneLine() {
    Run r = run("nodetool", CLUSTER, "orders-dc1-r2-0", "--", "info");

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).startsWith("error: the agent of orders-dc1-r2-0 at 127.60.0.2 did not"
        + " answer").hasLineCount(1);
  }

  @Test
  void nodetoolTpstatsShowsEveryThreadPoolAndTheDroppedMessages() {
    Run r = run("nodetool", CLUSTER, "dc1-r1-0", "--", "tpstats");

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).containsPattern("(?m)^Pool Name +Active +Pending +Completed +Blocked +All time blocked$")
        .containsPattern("(?m)^CompactionExecutor +1 +2 +345 +0 +0$")
        .containsPattern("(?m)^MutationStage +0 +0 +120034 +0 +7$")
        .containsPattern("(?m)^Message type +Dropped$").containsPattern("(?m)^MUTATION +3$")
        .containsPattern("(?m)^READ +0$");
  }

  @Test
  void nodetoolCompactionstatsShowsPendingTasksAndEachRunningCompaction() {
    Run r = run("nodetool", CLUSTER, "dc1-r1-0", "--", "compactionstats");

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("pending tasks: 4\ncompleted tasks: 51\ncompaction throughput: 64 MiB/s\n")
        .containsPattern("(?m)^id +compaction type +keyspace +table +completed +total +unit +progress$")
        .containsPattern("(?m)^6f1c2e40-b2a6-11ef-9f1e-1b2c3d4e5f60 +Compaction +shop +carts +1048576 +4194304 +bytes"
            + " +25\\.00%$");
  }

  @Test
  void nodetoolTpstatsAsJsonIsTheAgentsAnswer() throws IOException {
    Run r = run("nodetool", CLUSTER, "dc1-r1-0", "-o", "json", "--", "tpstats");

    assertThat(r.code()).as(r.err()).isZero();
    var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
    assertThat(json.path("pools").get(1).path("completed").asLong()).isEqualTo(120034);
    assertThat(json.path("droppedMessages").path("MUTATION").asLong()).isEqualTo(3);
  }

  @Test
  void nodetoolCompactionstatsOfANodeWhoseAgentDoesNotAnswerIsOneLine() {
    Run r = run("nodetool", CLUSTER, "orders-dc1-r2-0", "--", "compactionstats");

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).startsWith("error: the agent of orders-dc1-r2-0 at 127.60.0.2 did not answer")
        .hasLineCount(1);
  }

  @Test
  void nodetoolOfAWritingSubcommandIsRefusedNamingTheReadOnlyOnes() {
    Run r = run("nodetool", CLUSTER, "dc1-r1-0", "--", "compact");

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("error: nodetool compact: only the read-only status, info, tpstats, compactionstats"
        + " are supported; anything that changes a node goes through the operator\n");
  }

  // ---- bad input ----

  @Test
  void anUnknownCommandIsOneLineAndExitCode2() {
    Run r = run("frobnicate", CLUSTER);

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("error: unknown command 'frobnicate' (commands: status, restart, replace, repair,"
        + " report, logs, nodetool, hibernate, fence); see `kubectl ringkeeper --help`\n");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void noCommandIsOneLineAndExitCode2() {
    Run r = run();

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).startsWith("error: name a command: status, restart").hasLineCount(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"status", "restart", "repair", "report", "logs"})
  void anUnknownClusterIsOneLineAndExitCode2(String command) {
    Run r = run(command, "inventory");

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("error: no CassandraCluster inventory in namespace " + ns + " (it has: orders)\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"restart", "replace", "logs", "nodetool"})
  void anUnknownNodeIsOneLineAndExitCode2(String command) {
    Run r = command.equals("nodetool") ? run(command, CLUSTER, "dc1-r9-0", "--", "status")
        : run(command, CLUSTER, "dc1-r9-0");

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("error: cluster " + ns + "/orders has no node dc1-r9-0 (its nodes: orders-dc1-r1-0,"
        + " orders-dc1-r2-0, orders-dc1-r3-0)\n");
    for (String node : NODES) {
      assertThat(podAnnotations(node)).doesNotContainKeys(Labels.RESTART, Labels.REPLACE);
    }
  }

  @Test
  void badOptionsAndMissingArgumentsAreOneLineAndExitCode2() {
    for (String[] args : List.of(new String[] {"status", CLUSTER, "-o", "xml"}, new String[] {"status"},
        new String[] {"status", CLUSTER, "--frob"}, new String[] {"replace", CLUSTER},
        new String[] {"nodetool", CLUSTER, "dc1-r1-0", "--", "decommission"})) {
      Run r = run(args);
      assertThat(r.code()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(r.err()).as(String.join(" ", args)).startsWith("error: ").hasLineCount(1).doesNotContain("\tat ");
    }
  }

  @Test
  void anUnreachableApiServerIsOneLineAndExitCode1() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = RingkeeperPlugin.execute(new String[] {"status", CLUSTER}, new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(err, true, StandardCharsets.UTF_8), p -> new io.fabric8.kubernetes.client.KubernetesClientBuilder()
            .withConfig(new io.fabric8.kubernetes.client.ConfigBuilder().withMasterUrl("http://127.60.0.9:39498")
                .withRequestRetryBackoffLimit(0).withConnectionTimeout(1000).build()).build());
    assertThat(code).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("error: cannot reach the Kubernetes API: ")
        .hasLineCount(1);
  }

  // ---- hibernate, fence ----

  private CassandraCluster cr() {
    return admin.resources(CassandraCluster.class).inNamespace(ns).withName(CLUSTER).get();
  }

  /** The fixture's down node up and normal again, so fencing one node is safe. */
  private void allNodesUp() {
    CassandraCluster c = cr();
    c.getStatus().getNodes().forEach(n -> n.setState(io.ringkeeper.api.v1alpha1.NodeState.UN));
    admin.resource(c).updateStatus();
  }

  @Test
  void hibernateOnAndOffSetSpecStopped() {
    Run on = run("hibernate", "on", CLUSTER);
    assertThat(on.code()).as(on.err()).isZero();
    assertThat(cr().getSpec().getStopped()).isTrue();
    assertThat(on.out()).startsWith("cassandracluster.ringkeeper.io/orders spec.stopped=true: ");

    Run again = run("hibernate", "on", CLUSTER);
    assertThat(again.code()).isZero();
    assertThat(again.out()).contains("nothing changed");

    Run off = run("hibernate", "off", CLUSTER);
    assertThat(off.code()).as(off.err()).isZero();
    assertThat(cr().getSpec().getStopped()).isNotEqualTo(Boolean.TRUE);
    assertThat(off.out()).contains("starts the stopped nodes again, one at a time");
  }

  @Test
  void hibernateWithBadInputExitsTwoWithOneLine() {
    Run bad = run("hibernate", "maybe", CLUSTER);
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).isEqualTo("error: hibernate: 'maybe' is neither on nor off\n");
    Run unknown = run("hibernate", "on", "nosuch");
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err().lines()).hasSize(1);
    assertThat(unknown.err()).startsWith("error: no CassandraCluster nosuch in namespace " + ns);
    assertThat(cr().getSpec().getStopped()).isNull();
  }

  @Test
  void fenceOnAndOffNameTheNodeInTheClusterAnnotation() {
    allNodesUp();
    Run on = run("fence", "on", CLUSTER, "dc1-r2-0");
    assertThat(on.code()).as(on.err()).isZero();
    assertThat(clusterAnnotations()).containsEntry(Labels.FENCED, "orders-dc1-r2-0");
    assertThat(on.out()).startsWith("cassandracluster.ringkeeper.io/orders annotated ringkeeper.io/fenced="
        + "orders-dc1-r2-0: the operator drains node orders-dc1-r2-0");

    Run off = run("fence", "off", CLUSTER, "orders-dc1-r2-0");
    assertThat(off.code()).as(off.err()).isZero();
    assertThat(clusterAnnotations()).doesNotContainKey(Labels.FENCED);
  }

  @Test
  void aSecondFenceInTheDatacenterIsRefusedAndChangesNothing() {
    allNodesUp();
    assertThat(run("fence", "on", CLUSTER, "orders-dc1-r1-0").code()).isZero();
    Run second = run("fence", "on", CLUSTER, "orders-dc1-r3-0");
    assertThat(second.code()).isEqualTo(2);
    assertThat(second.err()).isEqualTo("error: fence orders-dc1-r3-0 refused: orders-dc1-r1-0 is fenced in"
        + " datacenter dc1; fencing orders-dc1-r3-0 too would take two replicas of its ranges down\n");
    assertThat(clusterAnnotations()).containsEntry(Labels.FENCED, "orders-dc1-r1-0");
  }

  @Test
  void fencingWhileAnotherNodeOfTheDatacenterIsDownIsRefused() {
    Run r = run("fence", "on", CLUSTER, "orders-dc1-r1-0");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("orders-dc1-r2-0 is DN", "two replicas").endsWith("\n");
    assertThat(r.err().lines()).hasSize(1);
    assertThat(clusterAnnotations()).doesNotContainKey(Labels.FENCED);
  }

  @Test
  void fenceWithBadInputExitsTwoWithOneLine() {
    Run unknownNode = run("fence", "on", CLUSTER, "dc9-r1-0");
    assertThat(unknownNode.code()).isEqualTo(2);
    assertThat(unknownNode.err()).startsWith("error: cluster " + ns + "/orders has no node dc9-r1-0");
    assertThat(unknownNode.err().lines()).hasSize(1);
    Run badState = run("fence", "yes", CLUSTER, "dc1-r1-0");
    assertThat(badState.code()).isEqualTo(2);
    assertThat(badState.err()).isEqualTo("error: fence: 'yes' is neither on nor off\n");
    Run missing = run("fence", "on", CLUSTER);
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err().lines()).hasSize(1);
  }
}
