package io.ringkeeper.e2e.k3s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.ClusterPhase;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The chart on a real Kubernetes (k3s in Docker): load the operator image, {@code helm install}, apply
 * examples/minimal.yaml, wait for Ready, scale to 4 nodes, delete the cluster and uninstall. Skipped (and
 * reported skipped by Surefire) where no Docker engine runs. Needs the operator image built first; see
 * e2e/README.md.
 */
@Testcontainers(disabledWithoutDocker = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class K3sChartE2E {
  static final String IMAGE = System.getProperty("ringkeeper.image", "ghcr.io/ringkeeper/ringkeeper-operator:0.1.0");
  static final String OPERATOR_NAMESPACE = "ringkeeper";
  static final String NAMESPACE = "db";
  static final Duration READY = Duration.ofMinutes(15);

  @Container
  static final K3sContainer K3S = new K3sContainer(DockerImageName.parse("rancher/k3s:v1.31.4-k3s1"));

  static KubernetesClient client;
  static Path kubeconfig;

  static Path repo() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("examples/minimal.yaml"))) {
      dir = dir.getParent();
    }
    return dir;
  }

  @BeforeAll
  static void installTheChart() throws Exception {
    loadImage();
    kubeconfig = Files.createTempFile("k3s", ".yaml");
    Files.writeString(kubeconfig, K3S.getKubeConfigYaml());
    client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(K3S.getKubeConfigYaml())).build();
    String repository = IMAGE.substring(0, IMAGE.lastIndexOf(':'));
    String tag = IMAGE.substring(IMAGE.lastIndexOf(':') + 1);
    new Helm(repo().resolve("helm/ringkeeper")).install().withName("ringkeeper").withNamespace(OPERATOR_NAMESPACE)
        .createNamespace().withKubeConfig(kubeconfig).set("image.repository", repository).set("image.tag", tag)
        .set("image.pullPolicy", "Never").waitReady().withTimeout(300).call();
    client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
        .withName(NAMESPACE).endMetadata().build()).serverSideApply();
  }

  /** Copies the locally built operator image into k3s' containerd (the image is never pulled). */
  static void loadImage() throws Exception {
    try (InputStream image = DockerClientFactory.instance().client().saveImageCmd(IMAGE).exec()) {
      K3S.copyFileToContainer(Transferable.of(image.readAllBytes()), "/tmp/operator.tar");
    }
    var result = K3S.execInContainer("ctr", "-n", "k8s.io", "images", "import", "/tmp/operator.tar");
    assertThat(result.getExitCode()).as(result.getStderr()).isZero();
  }

  static CassandraCluster cluster() {
    return client.resources(CassandraCluster.class).inNamespace(NAMESPACE).withName("demo").get();
  }

  @Test
  @Order(1)
  void theMinimalExampleBecomesReady() throws Exception {
    CassandraCluster demo = Serialization.unmarshal(Files.readString(repo().resolve("examples/minimal.yaml")),
        CassandraCluster.class);
    demo.getMetadata().setNamespace(NAMESPACE);
    client.resource(demo).create();
    await().atMost(READY).pollInterval(Duration.ofSeconds(5)).until(() -> {
      CassandraCluster c = cluster();
      return c.getStatus() != null && c.getStatus().getPhase() == ClusterPhase.Ready;
    });
    assertThat(cluster().getStatus().getReady()).isEqualTo("3/3");
  }

  @Test
  @Order(2)
  void itScalesToFourNodes() {
    client.resources(CassandraCluster.class).inNamespace(NAMESPACE).withName("demo")
        .edit(c -> {
          c.getSpec().getDatacenters().get(0).setSize(4);
          return c;
        });
    await().atMost(READY).pollInterval(Duration.ofSeconds(5)).until(() -> {
      CassandraCluster c = cluster();
      return "4/4".equals(c.getStatus().getReady()) && c.getStatus().getPhase() == ClusterPhase.Ready;
    });
  }

  @Test
  @Order(3)
  void deletingTheClusterAndUninstallingLeaveNoOperatorBehind() {
    client.resources(CassandraCluster.class).inNamespace(NAMESPACE).withName("demo").delete();
    await().atMost(Duration.ofMinutes(5)).until(() -> cluster() == null);
    await().atMost(Duration.ofMinutes(2)).until(() -> client.pods().inNamespace(NAMESPACE).list().getItems().isEmpty());
    Helm.uninstall("ringkeeper").withNamespace(OPERATOR_NAMESPACE).withKubeConfig(kubeconfig).call();
    await().atMost(Duration.ofMinutes(2)).until(() ->
        client.pods().inNamespace(OPERATOR_NAMESPACE).list().getItems().isEmpty());
    // Helm keeps CRDs (crds/ is never deleted), so the API stays and no cluster is lost by an uninstall.
    assertThat(client.apiextensions().v1().customResourceDefinitions()
        .withName("cassandraclusters.ringkeeper.io").get()).isNotNull();
  }

  @AfterAll
  static void close() throws Exception {
    if (client != null) {
      client.close();
    }
    if (kubeconfig != null) {
      Files.deleteIfExists(kubeconfig);
    }
  }
}
