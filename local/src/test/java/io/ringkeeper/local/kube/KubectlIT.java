package io.ringkeeper.local.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.CassandraClusterStatus;
import io.ringkeeper.api.v1alpha1.ClusterPhase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The installed kubectl (1.32 on these machines) against the embedded API of local mode: what users do, in the
 * order they do it. Fails, never skips, when kubectl is missing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubectlIT {
  /** In the 17570-17579 range this suite owns (the real API server tier uses 17570-17572). */
  private static final int PORT = 17575;
  private static final Path EXAMPLE = Path.of(System.getProperty("ringkeeper.repo.root", ".."), "examples",
      "minimal.yaml");

  @TempDir
  static Path dir;
  private static EmbeddedKube kube;
  private static KubernetesClient client;
  private static Path kubeconfig;

  record Run(int exit, String out) {}

  @BeforeAll
  static void start() throws Exception {
    Run version = kubectlRaw(List.of("kubectl", "version", "--client"));
    assertThat(version.exit()).as("kubectl must be installed for this test: " + version.out()).isZero();
    kube = EmbeddedKube.start("127.0.0.1", PORT);
    client = kube.client("kubectl-it");
    kubeconfig = kube.writeKubeconfig(dir.resolve("kubeconfig"));
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (kube != null) {
      kube.close();
    }
  }

  @Test
  @Order(1)
  void applyCreatesAClusterFromAnExampleAndAgainLeavesItUnchanged() throws Exception {
    assertThat(kubectl("apply", "-f", EXAMPLE.toString())).contains("cassandracluster.ringkeeper.io/demo created");
    assertThat(client.resources(CassandraCluster.class).inNamespace("default").withName("demo").get()).isNotNull();
    assertThat(kubectl("apply", "-f", EXAMPLE.toString())).contains("cassandracluster.ringkeeper.io/demo unchanged");
    Path bigger = dir.resolve("bigger.yaml");
    Files.writeString(bigger, Files.readString(EXAMPLE).replace("size: 3", "size: 4"));
    assertThat(kubectl("apply", "-f", bigger.toString())).contains("cassandracluster.ringkeeper.io/demo configured");
    assertThat(client.resources(CassandraCluster.class).inNamespace("default").withName("demo").get().getSpec()
        .getDatacenters().get(0).getSize()).isEqualTo(4);
  }

  /** What a real API server answers kubectl (its words, as LocalModeAdmissionApiServerIT compares them). */
  @Test
  @Order(0)
  void applyOfABadManifestIsRefusedWithTheFieldsAndChangesNothing() throws Exception {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, Files.readString(EXAMPLE).replace("size: 3", "size: -1").replace("name: demo",
        "name: broken"));
    Run refused = kubectlRaw(command("apply", "-f", bad.toString()));
    assertThat(refused.exit()).as(refused.out()).isNotZero();
    assertThat(refused.out()).contains("The CassandraCluster \"broken\" is invalid:",
        "spec.datacenters[0].size: Invalid value: -1: spec.datacenters[0].size in body should be greater than or"
            + " equal to 1");
    Path typo = dir.resolve("typo.yaml");
    Files.writeString(typo, Files.readString(EXAMPLE).replace("spec:\n", "spec:\n  sizee: 5\n").replace(
        "name: demo", "name: typo"));
    Run strict = kubectlRaw(command("apply", "-f", typo.toString()));
    assertThat(strict.exit()).as(strict.out()).isNotZero();
    assertThat(strict.out()).contains("strict decoding error: unknown field \"spec.sizee\"");
    assertThat(client.resources(CassandraCluster.class).inNamespace("default").list().getItems()).extracting(
        c -> c.getMetadata().getName()).doesNotContain("broken", "typo");
  }

  @Test
  @Order(2)
  void getCassShowsThePrinterColumns() throws Exception {
    CassandraCluster cr = client.resources(CassandraCluster.class).inNamespace("default").withName("demo").get();
    CassandraClusterStatus status = new CassandraClusterStatus();
    status.setPhase(ClusterPhase.Ready);
    status.setReady("3/3");
    cr.setStatus(status);
    client.resource(cr).updateStatus();

    List<String> lines = kubectl("get", "cass").lines().toList();
    assertThat(lines.get(0)).matches("NAME\\s+READY\\s+PHASE\\s+VERSION\\s+AGE\\s*");
    assertThat(lines.get(1)).matches("demo\\s+3/3\\s+Ready\\s+5\\.0\\.9\\s+\\d+s\\s*");
    assertThat(kubectl("get", "cassandraclusters")).contains("demo");
    assertThat(kubectl("get", "cassandra", "demo", "-o", "name")).isEqualTo("cassandracluster.ringkeeper.io/demo\n");
  }

  @Test
  @Order(3)
  void getCassAsYamlShowsTheWholeObject() throws Exception {
    String yaml = kubectl("get", "cass", "demo", "-o", "yaml");
    assertThat(yaml).contains("kind: CassandraCluster", "apiVersion: ringkeeper.io/v1alpha1", "name: demo",
        "size: 4", "phase: Ready");
  }

  @Test
  @Order(4)
  void describeCassShowsSpecAndStatus() throws Exception {
    String text = kubectl("describe", "cass", "demo");
    assertThat(text).containsPattern("Name:\\s+demo").containsPattern("Kind:\\s+CassandraCluster")
        .contains("Spec:", "Datacenters:", "Status:").containsPattern("Phase:\\s+Ready");
  }

  @Test
  @Order(5)
  void getPodsShowsReadyStatusRestartsAndAge() throws Exception {
    Pod pod = client.resource(new PodBuilder().withNewMetadata().withName("demo-dc1-r1-0").withNamespace("default")
        .endMetadata().withNewSpec().addNewContainer().withName("cassandra").withImage("cassandra:5.0.9")
        .endContainer().endSpec().build()).create();
    pod.setStatus(new PodStatusBuilder().withPhase("Running")
        .withContainerStatuses(new ContainerStatusBuilder().withName("cassandra").withReady(true)
            .withRestartCount(2).build()).build());
    client.resource(pod).updateStatus();
    List<String> lines = kubectl("get", "pods").lines().toList();
    assertThat(lines.get(0)).matches("NAME\\s+READY\\s+STATUS\\s+RESTARTS\\s+AGE\\s*");
    assertThat(lines.get(1)).matches("demo-dc1-r1-0\\s+1/1\\s+Running\\s+2\\s+\\d+s\\s*");
  }

  @Test
  @Order(6)
  void annotateSetsAnAnnotationTheOperatorReads() throws Exception {
    assertThat(kubectl("annotate", "cass", "demo", "ringkeeper.io/restart=now"))
        .contains("cassandracluster.ringkeeper.io/demo annotated");
    assertThat(client.resources(CassandraCluster.class).inNamespace("default").withName("demo").get()
        .getMetadata().getAnnotations()).containsEntry("ringkeeper.io/restart", "now");
  }

  @Test
  @Order(7)
  void deleteRemovesTheCluster() throws Exception {
    assertThat(kubectl("delete", "cass", "demo", "--timeout=60s"))
        .contains("cassandracluster.ringkeeper.io \"demo\" deleted");
    assertThat(client.resources(CassandraCluster.class).inNamespace("default").withName("demo").get()).isNull();
  }

  private static List<String> command(String... args) {
    List<String> command = new ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig.toString(),
        "--cache-dir", dir.resolve("cache").toString(), "--request-timeout=30s"));
    command.addAll(List.of(args));
    return command;
  }

  private static String kubectl(String... args) throws IOException, InterruptedException {
    Run run = kubectlRaw(command(args));
    assertThat(run.exit()).as(String.join(" ", args) + " answered:\n" + run.out()).isZero();
    return run.out();
  }

  private static Run kubectlRaw(List<String> command) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      return new Run(-1, "cannot run kubectl: " + e.getMessage());
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return new Run(-1, "kubectl did not finish in 120 s: " + out);
    }
    return new Run(p.exitValue(), out);
  }
}
