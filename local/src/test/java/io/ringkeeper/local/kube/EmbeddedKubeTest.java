package io.ringkeeper.local.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.local.kubelet.ProcessKubelet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKubeTest {
  @TempDir
  Path dir;

  @Test
  void servesTheCassandraClusterApiAndWritesAKubeconfigForIt() throws Exception {
    try (EmbeddedKube kube = EmbeddedKube.start("127.0.0.1", 0); KubernetesClient client = kube.client("test")) {
      assertThat(client.resources(CassandraCluster.class).inNamespace("default").list().getItems()).isEmpty();
      Path file = kube.writeKubeconfig(dir.resolve("kubeconfig"));
      assertThat(Files.readString(file)).contains("server: " + kube.url());
    }
  }

  /**
   * The JDK client's h2c upgrade against the Vert.x mock server once left a create unanswered for good, now and
   * then (two JVMs of one CI run hung in EmbeddedKube.<init>): its clients speak HTTP/1.1 only. Twenty servers,
   * each created and written to, guard against a return of the hang.
   */
  @Test
  void startingTheServerAndWritingToItNeverHangs() {
    assertThat(EmbeddedKube.config("http://127.0.0.1:1", "t").isHttp2Disable()).isTrue();
    assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
      for (int i = 0; i < 20; i++) {
        try (EmbeddedKube kube = EmbeddedKube.start("127.0.0.1", 0); KubernetesClient client = kube.client("t")) {
          client.resource(new PodBuilder().withNewMetadata().withName("p" + i).withNamespace("default")
              .endMetadata().withNewSpec().addNewContainer().withName("c").withImage("i").endContainer().endSpec()
              .build()).create();
        }
      }
    });
  }

  /** A merge patch would not do: the mock merges arrays by index (see ProcessKubelet#writeStatus). */
  @Test
  void theKubeletsStatusWriteReplacesThePodsContainerStatuses() {
    try (EmbeddedKube kube = EmbeddedKube.start("127.0.0.1", 0); KubernetesClient client = kube.client("test")) {
      client.resource(new PodBuilder().withNewMetadata().withName("p").withNamespace("default").endMetadata()
          .withNewSpec().addNewContainer().withName("c").withImage("i").endContainer().endSpec().build()).create();
      for (int restarts = 0; restarts < 3; restarts++) {
        ProcessKubelet.writeStatus(client, "default", "p", Map.of("phase", "Running", "containerStatuses",
            List.of(Map.of("name", "c", "restartCount", restarts, "ready", false))));
      }
      Pod pod = client.pods().inNamespace("default").withName("p").get();
      assertThat(pod.getStatus().getContainerStatuses().get(0).getRestartCount()).isEqualTo(2);
    }
  }

  @Test
  void podLogsAreServedFromTheKubeletsFilesAsKubectlLogsAsksForThem() throws Exception {
    Path logs = dir.resolve("pods").resolve("default").resolve("p").resolve("logs");
    Files.createDirectories(logs);
    Files.writeString(logs.resolve("stdout.log"), "one\ntwo\nthree\n");
    try (EmbeddedKube kube = EmbeddedKube.start("127.0.0.1", 0); KubernetesClient client = kube.client("test")) {
      client.resource(new PodBuilder().withNewMetadata().withName("p").withNamespace("default").endMetadata()
          .withNewSpec().addNewContainer().withName("cassandra").withImage("cassandra:5.0.9").endContainer()
          .endSpec().build()).create();
      kube.servePodLogs(dir.resolve("pods"));

      assertThat(client.pods().inNamespace("default").withName("p").getLog()).isEqualTo("one\ntwo\nthree\n");
      assertThat(client.pods().inNamespace("default").withName("p").inContainer("cassandra").tailingLines(2)
          .getLog()).isEqualTo("two\nthree\n");
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.pods().inNamespace("default").withName("q")
          .getLog()).isInstanceOf(io.fabric8.kubernetes.client.KubernetesClientException.class)
          .hasMessageContaining("pods \"q\" not found");
    }
  }

  /** As the operator's StatusWriter writes: a JSON patch of the status subresource guarded by a resourceVersion test. */
  @Test
  void aGuardedPatchWithAStaleVersionIsRefusedAtOnceNotLeftUnanswered() {
    try (EmbeddedKube kube = EmbeddedKube.start("127.0.0.1", 0); KubernetesClient client = kube.client("test")) {
      CassandraCluster cr = io.fabric8.kubernetes.client.utils.Serialization.unmarshal("""
          apiVersion: ringkeeper.io/v1alpha1
          kind: CassandraCluster
          metadata: {name: orders, namespace: default}
          spec:
            datacenters: [{name: dc1, replicationFactor: 1, size: 1, racks: [{name: r1}]}]
            storage: {size: 1Gi}
          """, CassandraCluster.class);
      CassandraCluster created = client.resource(cr).create();
      String stale = "[{\"op\":\"test\",\"path\":\"/metadata/resourceVersion\",\"value\":\"not-"
          + created.getMetadata().getResourceVersion() + "\"},{\"op\":\"add\",\"path\":\"/status\","
          + "\"value\":{\"phase\":\"Creating\"}}]";
      assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.resource(created).subresource("status")
                .patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                    io.fabric8.kubernetes.client.dsl.base.PatchType.JSON), stale))
            .isInstanceOf(io.fabric8.kubernetes.client.KubernetesClientException.class)
            .satisfies(e -> assertThat(((io.fabric8.kubernetes.client.KubernetesClientException) e).getCode())
                .isEqualTo(422));
      });
      assertThat(client.resources(CassandraCluster.class).inNamespace("default").withName("orders").get()
          .getStatus()).as("nothing written").isNull();
    }
  }
}
