package io.ringkeeper.local.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.ringkeeper.local.cassandra.CassandraDistribution;
import io.ringkeeper.local.cassandra.CassandraLauncher;
import io.ringkeeper.local.kube.EmbeddedKube;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The process kubelet's volumes: directories, bound at once, expanded when their request grows. No node runs. */
class ProcessKubeletVolumeTest {
  @TempDir
  Path dir;

  @Test
  void aBoundClaimWhoseRequestGrowsReportsTheNewCapacityAsAnExpandableStorageClassDoes() throws Exception {
    Path unused = Files.createDirectories(dir.resolve("unused"));
    try (EmbeddedKube kube = EmbeddedKube.start("127.0.0.1", 0); KubernetesClient client = kube.client("test");
        ProcessKubelet kubelet = new ProcessKubelet(kube.client("kubelet"), dir.resolve("work"),
            new CassandraLauncher(new CassandraDistribution(unused.resolve("java"), unused, unused)),
            new PodTranslator("5.0.9", unused, List.of(), "256M", new AddressPool("127.0.99.0", null)),
            Duration.ofSeconds(1)).start()) {
      client.resource(new PersistentVolumeClaimBuilder().withNewMetadata().withName("data").withNamespace("default")
          .endMetadata().withNewSpec().withAccessModes("ReadWriteOnce").withNewResources()
          .withRequests(Map.of("storage", new Quantity("1Gi"))).endResources().endSpec().build()).create();
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> "1Gi".equals(capacity(client)));
      assertThat(Files.isDirectory(kubelet.claimDir("default", "data"))).isTrue();

      client.persistentVolumeClaims().inNamespace("default").withName("data").edit(c -> {
        c.getSpec().getResources().getRequests().put("storage", new Quantity("2Gi"));
        return c;
      });
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> "2Gi".equals(capacity(client)));
      PersistentVolumeClaim claim = client.persistentVolumeClaims().inNamespace("default").withName("data").get();
      assertThat(claim.getStatus().getPhase()).isEqualTo("Bound");
    }
  }

  private static String capacity(KubernetesClient client) {
    PersistentVolumeClaim claim = client.persistentVolumeClaims().inNamespace("default").withName("data").get();
    return claim == null || claim.getStatus() == null || claim.getStatus().getCapacity() == null ? null
        : String.valueOf(claim.getStatus().getCapacity().get("storage"));
  }
}
