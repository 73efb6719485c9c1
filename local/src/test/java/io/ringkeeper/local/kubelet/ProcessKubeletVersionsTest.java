package io.ringkeeper.local.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.ringkeeper.local.cassandra.CassandraDistribution;
import io.ringkeeper.local.cassandra.CassandraLauncher;
import io.ringkeeper.local.cassandra.CassandraVersions;
import io.ringkeeper.local.kube.EmbeddedKube;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a pod shows while its Cassandra release is fetched, and when the release cannot run. No node runs. */
class ProcessKubeletVersionsTest {
  @TempDir
  Path dir;

  @Test
  void aPodOnAReleaseBeingFetchedIsPendingWithTheReasonAndOneLocalModeCannotRunIsRefusedWithAWarning()
      throws Exception {
    Path unused = Files.createDirectories(dir.resolve("unused"));
    CassandraDistribution bundled = new CassandraDistribution(unused.resolve("java"), unused, unused);
    CompletableFuture<Path> fetch = new CompletableFuture<>();
    CassandraVersions versions = CassandraVersions.fetching(bundled, "5.0.9", dir.resolve("cache"), v -> fetch);
    try (EmbeddedKube kube = EmbeddedKube.start("127.0.0.1", 0); KubernetesClient client = kube.client("test");
        ProcessKubelet kubelet = new ProcessKubelet(kube.client("kubelet"), dir.resolve("work"),
            new CassandraLauncher(bundled),
            new PodTranslator(versions, unused, List.of(), "256M", new AddressPool("127.0.98.0", null)),
            Duration.ofSeconds(1)).start()) {
      client.resource(pod("new", "cassandra:5.0.8")).create();
      client.resource(pod("old", "cassandra:4.1.10")).create();

      ContainerStateWaiting fetching = Awaitility.await().atMost(Duration.ofSeconds(10))
          .until(() -> waiting(client, "new"), w -> w != null);
      assertThat(fetching.getReason()).isEqualTo("FetchingCassandra");
      assertThat(fetching.getMessage()).contains("cassandra:5.0.8").contains("Maven Central");

      ContainerStateWaiting refused = Awaitility.await().atMost(Duration.ofSeconds(10))
          .until(() -> waiting(client, "old"), w -> w != null);
      assertThat(refused.getReason()).isEqualTo("UnsupportedImage");
      assertThat(refused.getMessage()).contains("cassandra:4.1.10").contains("JDK 8 or 11");
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> client.v1().events().inNamespace("default")
          .list().getItems().stream().anyMatch(e -> "Warning".equals(e.getType())
              && "UnsupportedImage".equals(e.getReason()) && e.getMessage().contains("cassandra:4.1.10")));

      // The fetch fails: the waiting pod is then refused, naming the image and why.
      fetch.completeExceptionally(new IllegalStateException("Maven exited 1: no such release"));
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
        ContainerStateWaiting w = waiting(client, "new");
        return w != null && "UnsupportedImage".equals(w.getReason()) && w.getMessage().contains("no such release");
      });
    }
  }

  private static Pod pod(String name, String image) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace("default").endMetadata().withNewSpec()
        .addNewContainer().withName("cassandra").withImage(image).endContainer().endSpec().build();
  }

  private static ContainerStateWaiting waiting(KubernetesClient client, String name) {
    Pod pod = client.pods().inNamespace("default").withName(name).get();
    if (pod == null || pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null
        || pod.getStatus().getContainerStatuses().isEmpty()
        || pod.getStatus().getContainerStatuses().get(0).getState() == null) {
      return null;
    }
    return pod.getStatus().getContainerStatuses().get(0).getState().getWaiting();
  }
}
