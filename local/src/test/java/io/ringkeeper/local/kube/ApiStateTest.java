package io.ringkeeper.local.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.CassandraClusterStatus;
import io.ringkeeper.api.v1alpha1.ClusterPhase;
import io.ringkeeper.api.v1alpha1.NodeStatus;
import io.ringkeeper.local.kubelet.ProcessKubelet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded API's objects outlive the server: saved through a client, re-created by the next one. */
class ApiStateTest {
  /** This work tree's ports (17553-17555). */
  private static final int PORT = 17553;

  @TempDir
  Path dir;

  static final String CLUSTER = """
      apiVersion: ringkeeper.io/v1alpha1
      kind: CassandraCluster
      metadata: {name: demo, namespace: default}
      spec:
        datacenters: [{name: dc1, size: 1, replicationFactor: 1}]
      """;

  @Test
  void aClusterWithItsStatusAndItsObjectsAreBackAfterTheServerRestarts() {
    try (EmbeddedKube kube = EmbeddedKube.start("127.50.0.1", PORT); KubernetesClient client = kube.client("test")) {
      CassandraCluster cr = client.resource(Serialization.unmarshal(CLUSTER, CassandraCluster.class)).create();
      CassandraClusterStatus status = new CassandraClusterStatus();
      NodeStatus node = new NodeStatus();
      node.setName("demo-dc1-r1-0");
      node.setTokens(List.of(-5L, 7L));
      node.setReady(true);
      status.setNodes(List.of(node));
      status.setPhase(ClusterPhase.Ready);
      status.setReadyNodes(1);
      status.setDesiredNodes(1);
      status.setReady("1/1");
      cr.setStatus(status);
      client.resource(cr).updateStatus();
      client.resource(new PodBuilder().withNewMetadata().withName("demo-dc1-r1-0").withNamespace("default")
          .addToLabels("app", "x").addNewOwnerReference().withApiVersion("ringkeeper.io/v1alpha1")
          .withKind("CassandraCluster").withName("demo").withUid(cr.getMetadata().getUid()).withController(true)
          .endOwnerReference().endMetadata().withNewSpec().addNewContainer().withName("c").withImage("i")
          .endContainer().endSpec().build()).create();
      ProcessKubelet.writeStatus(client, "default", "demo-dc1-r1-0", Map.of("phase", "Running", "podIP",
          "127.50.0.2"));
      client.resource(new PersistentVolumeClaimBuilder().withNewMetadata().withName("demo-dc1-r1-0")
          .withNamespace("default").addToAnnotations("ringkeeper.io/tokens", "-5,7").endMetadata().withNewSpec()
          .withAccessModes("ReadWriteOnce").withNewResources().addToRequests("storage",
              new io.fabric8.kubernetes.api.model.Quantity("1Gi")).endResources().endSpec().build()).create();
      client.resource(new ConfigMapBuilder().withNewMetadata().withName("demo-config").withNamespace("default")
          .endMetadata().addToData("cassandra.yaml", "num_tokens: 2").build()).create();
      client.resource(new SecretBuilder().withNewMetadata().withName("demo-agent").withNamespace("default")
          .endMetadata().addToStringData("token", "s3cret").build()).create();
      ApiState state = ApiState.in(dir, client);
      state.save();
      state.close();
    }
    assertThat(Files.isRegularFile(dir.resolve(ApiState.FILE))).isTrue();

    try (EmbeddedKube kube = EmbeddedKube.start("127.50.0.1", PORT + 1); KubernetesClient client = kube.client("test")) {
      assertThat(ApiState.in(dir, client).restore()).isEqualTo(5);
      CassandraCluster cr = client.resources(CassandraCluster.class).inNamespace("default").withName("demo").get();
      assertThat(cr.getStatus().getNodes()).singleElement().satisfies(n -> {
        assertThat(n.getTokens()).containsExactly(-5L, 7L);
        assertThat(n.getReady()).as("not ready until the operator saw it again").isFalse();
      });
      assertThat(cr.getStatus().getReady()).isEqualTo("0/1");
      Pod pod = client.pods().inNamespace("default").withName("demo-dc1-r1-0").get();
      assertThat(pod.getMetadata().getLabels()).containsEntry("app", "x");
      assertThat(pod.getMetadata().getOwnerReferences()).singleElement()
          .satisfies(o -> assertThat(o.getUid()).as("owned by the restored cluster").isEqualTo(cr.getMetadata()
              .getUid()));
      assertThat(pod.getStatus() == null || pod.getStatus().getPhase() == null)
          .as("the kubelet reports a restored pod's status again").isTrue();
      PersistentVolumeClaim claim = client.persistentVolumeClaims().inNamespace("default").withName("demo-dc1-r1-0")
          .get();
      assertThat(claim.getMetadata().getAnnotations()).containsEntry("ringkeeper.io/tokens", "-5,7");
      assertThat(client.configMaps().inNamespace("default").withName("demo-config").get().getData())
          .containsEntry("cassandra.yaml", "num_tokens: 2");
      assertThat(client.secrets().inNamespace("default").withName("demo-agent").get()).isNotNull();
    }
  }

  @Test
  void withoutASavedStateNothingIsRestored() {
    try (EmbeddedKube kube = EmbeddedKube.start("127.50.0.1", PORT + 2); KubernetesClient client = kube.client("test")) {
      assertThat(ApiState.in(dir, client).restore()).isZero();
    }
  }
}
