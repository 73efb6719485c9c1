package io.ringkeeper.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.NodeStatus;
import io.ringkeeper.cli.RingkeeperPlugin;
import io.ringkeeper.local.LocalEnvironment;
import io.ringkeeper.operator.resources.Labels;
import io.ringkeeper.operator.resources.Names;
import io.ringkeeper.operator.resources.Secrets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code kubectl ringkeeper} against local mode with three real Cassandra nodes, through the kubeconfig local
 * mode writes (as a user would run it): status with the agents' p99s, nodetool, report, logs, and a restart of one
 * node that the operator carries out.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubectlPluginE2E {
  static final E2eSupport.Phases PHASES = new E2eSupport.Phases("KubectlPluginE2E");
  static LocalEnvironment env;

  record Run(int code, String out, String err) {}

  @BeforeAll
  static void start() throws Exception {
    env = LocalEnvironment.builder(E2eSupport.freshWorkDir("kubectl-plugin"))
        .addressBase("127.61.0.0")
        .stopGrace(Duration.ofSeconds(20))
        .start();
    env.apply(E2eSupport.example("minimal.yaml"));
    env.awaitReady("default", "demo", Duration.ofMinutes(5));
    PHASES.done("start local mode and a 3-node cluster");
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  static Run run(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--kubeconfig";
    all[1] = env.kubeconfig().toString();
    System.arraycopy(args, 0, all, 2, args.length);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = RingkeeperPlugin.execute(all, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), RingkeeperPlugin::kubeconfigClient);
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  @Order(1)
  void statusShowsEveryNodeUpWithItsAgentsLatencies() {
    Run r = run("status", "demo");

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("cluster default/demo   phase Ready   ready 3/3", "Operation: none");
    assertThat(r.out()).containsPattern("demo-dc1-r1-0 +127\\.61\\.0\\.\\d +UN")
        .containsPattern("demo-dc1-r2-0 +127\\.61\\.0\\.\\d +UN").containsPattern("demo-dc1-r3-0 +127\\.61\\.0\\.\\d +UN");
    assertThat(r.out()).containsPattern("Ready +True +AllNodesReady");
    assertThat(r.out()).containsPattern("demo-dc1 +1 ");
    PHASES.done("status");
  }

  @Test
  @Order(2)
  void nodetoolStatusAndInfoComeFromTheNodesAgent() {
    Run status = run("nodetool", "demo", "dc1-r1-0", "--", "status");
    assertThat(status.code()).as(status.err()).isZero();
    assertThat(status.out().lines().filter(l -> l.startsWith("UN  127.61.0.")).count()).isEqualTo(3);

    Run info = run("nodetool", "demo", "dc1-r1-0", "--", "info");
    assertThat(info.code()).as(info.err()).isZero();
    assertThat(info.out()).containsPattern("Operation mode +: NORMAL").containsPattern("Release version +: 5\\.0\\.9")
        .containsPattern("Tokens +: 16");

    // tpstats and compactionstats from the agent's in-process reads of Cassandra's MBeans.
    Run tpstats = run("nodetool", "demo", "dc1-r1-0", "--", "tpstats");
    assertThat(tpstats.code()).as(tpstats.err()).isZero();
    assertThat(tpstats.out()).containsPattern("(?m)^Pool Name +Active +Pending +Completed +Blocked +All time blocked$")
        .containsPattern("(?m)^MutationStage +\\d+ +\\d+ +\\d+ +\\d+ +\\d+$")
        .containsPattern("(?m)^CompactionExecutor +\\d+ +\\d+ +[1-9]\\d* +\\d+ +\\d+$")
        .containsPattern("(?m)^MUTATION +\\d+$");
    Run compactions = run("nodetool", "demo", "dc1-r1-0", "--", "compactionstats");
    assertThat(compactions.code()).as(compactions.err()).isZero();
    assertThat(compactions.out()).containsPattern("^pending tasks: \\d+\\ncompleted tasks: [1-9]\\d*\\n"
        + "compaction throughput: \\d+ MiB/s\\n");
    System.out.print(tpstats.out() + compactions.out());
    PHASES.done("nodetool status, info, tpstats, compactionstats");
  }

  @Test
  @Order(2)
  void repairOfAKeyspaceTheClusterDoesNotHaveIsRefusedFromWhatTheAgentsReport() {
    Run r = run("repair", "demo", "--keyspace", "nope");

    assertThat(r.code()).isEqualTo(RingkeeperPlugin.USAGE);
    assertThat(r.err()).startsWith("error: --keyspace nope: cluster default/demo has no such keyspace").hasLineCount(1);
    java.util.Map<String, String> annotations = env.get("default", "demo").getMetadata().getAnnotations();
    assertThat(annotations == null ? java.util.Map.of() : annotations).doesNotContainKey(Labels.REPAIR_REQUEST);
  }

  @Test
  @Order(3)
  void reportHoldsTheClusterAndEveryAgentButNoSecretValue() throws IOException {
    Path file = env.workDir().resolve("report.tar.gz");
    Run r = run("report", "demo", "-f", file.toString());

    assertThat(r.code()).as(r.err()).isZero();
    byte[] all;
    try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
      all = in.readAllBytes();
    }
    String text = new String(all, StandardCharsets.UTF_8);
    assertThat(text).contains("report-default-demo/cluster.yaml", "report-default-demo/agents/demo-dc1-r3-0-node.json",
        "\"operationMode\":\"NORMAL\"", "report-default-demo/logs/demo-dc1-r2-0.log", "<redacted, ");
    KubernetesClient client = env.client();
    CassandraCluster cr = env.get("default", "demo");
    String password = Secrets.value(client.secrets().inNamespace("default")
        .withName(Names.superuserSecret("demo")).get(), "password");
    String token = Secrets.value(client.secrets().inNamespace("default")
        .withName(Names.agentTokenSecret("demo")).get(), Names.AGENT_TOKEN_KEY);
    assertThat(password).isNotBlank();
    assertThat(text).doesNotContain(password, token);
    assertThat(cr.getStatus().getNodes()).hasSize(3);
    PHASES.done("report");
  }

  @Test
  @Order(4)
  void logsOfANodeAreWhatItsJvmPrinted() {
    Run r = run("logs", "demo", "dc1-r1-0", "--tail", "50");

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).isNotBlank();
    assertThat(r.out().lines().count()).isLessThanOrEqualTo(50);
    PHASES.done("logs");
  }

  @Test
  @Order(5)
  void restartOfANodeIsCarriedOutByTheOperator() throws Exception {
    Pod before = env.client().pods().inNamespace("default").withName("demo-dc1-r2-0").get();
    Run r = run("restart", "demo", "dc1-r2-0");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("pod/demo-dc1-r2-0 annotated " + Labels.RESTART + "=");

    // The operator replaces the pod (a new uid, no restart annotation) and the cluster is Ready again.
    env.await("default", "demo", cr -> LocalEnvironment.isReady(cr) && !before.getMetadata().getUid()
        .equals(uid("demo-dc1-r2-0")), Duration.ofMinutes(3), "Ready with a new pod demo-dc1-r2-0");
    Pod after = env.client().pods().inNamespace("default").withName("demo-dc1-r2-0").get();
    assertThat(after.getMetadata().getAnnotations()).doesNotContainKey(Labels.RESTART);
    assertThat(env.get("default", "demo").getStatus().getNodes()).extracting(NodeStatus::getName).hasSize(3);
    Run status = run("status", "demo");
    assertThat(status.out()).contains("phase Ready   ready 3/3");
    PHASES.done("restart one node");
  }

  static String uid(String pod) {
    Pod p = env.client().pods().inNamespace("default").withName(pod).get();
    return p == null ? null : p.getMetadata().getUid();
  }
}
