package io.ringkeeper.local.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.DatacenterSpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KubectlSupportTest {
  /** In the 17570-17579 range of the API server tiers. */
  private static final int PORT = 17576;

  @Test
  void discoveryListsCassandraClustersUnderTheirShortNamesAndTheCoreKindsLocalModeStores() {
    try (EmbeddedKube kube = EmbeddedKube.start("127.0.0.1", PORT); KubernetesClient client = kube.client("test")) {
      APIResource clusters = client.getApiResources("ringkeeper.io/v1alpha1").getResources().stream()
          .filter(r -> r.getName().equals("cassandraclusters")).findFirst().orElseThrow();
      assertThat(clusters.getShortNames()).containsExactly("cass", "cassandra");
      assertThat(clusters.getNamespaced()).isTrue();
      assertThat(client.getApiResources("v1").getResources()).extracting(APIResource::getName)
          .contains("pods", "persistentvolumeclaims", "secrets", "configmaps", "services", "events");
      assertThat(client.getApiGroups().getGroups()).extracting(g -> g.getName()).contains("ringkeeper.io");
    }
  }

  @Test
  void aMergePatchReplacesArraysAsRfc7386SaysInsteadOfAppendingToThem() {
    try (EmbeddedKube kube = EmbeddedKube.start("127.0.0.1", PORT); KubernetesClient client = kube.client("test")) {
      CassandraCluster cr = new CassandraCluster();
      cr.getMetadata().setName("demo");
      cr.getMetadata().setNamespace("default");
      DatacenterSpec dc = new DatacenterSpec();
      dc.setName("dc1");
      dc.setSize(3);
      cr.getSpec().setDatacenters(List.of(dc));
      client.resource(cr).create();
      client.resources(CassandraCluster.class).inNamespace("default").withName("demo")
          .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(Map.of(
              "metadata", Map.of("annotations", Map.of("a", "b")),
              "spec", Map.of("datacenters", List.of(Map.of("name", "dc1", "size", 4))))));
      CassandraCluster patched = client.resources(CassandraCluster.class).inNamespace("default").withName("demo")
          .get();
      assertThat(patched.getSpec().getDatacenters()).hasSize(1);
      assertThat(patched.getSpec().getDatacenters().get(0).getSize()).isEqualTo(4);
      assertThat(patched.getSpec().getCassandraVersion()).as("fields the patch leaves out are kept").isEqualTo("5.0.9");
      assertThat(patched.getMetadata().getAnnotations()).containsEntry("a", "b");
    }
  }

  @Test
  void agesArePrintedAsKubectlPrintsThem() {
    Instant now = Instant.parse("2026-12-03T12:00:00Z");
    KubectlSupport support = new KubectlSupport(EmbeddedKube.loadCrd(), Clock.fixed(now, ZoneOffset.UTC));
    assertThat(support.age("2026-12-03T11:59:15Z")).isEqualTo("45s");
    assertThat(support.age("2026-12-03T11:55:30Z")).isEqualTo("4m30s");
    assertThat(support.age("2026-12-03T11:00:00Z")).isEqualTo("60m");
    assertThat(support.age("2026-12-03T07:30:00Z")).isEqualTo("4h30m");
    assertThat(support.age("2026-12-02T12:00:00Z")).isEqualTo("24h");
    assertThat(support.age("2026-11-30T09:00:00Z")).isEqualTo("3d3h");
    assertThat(support.age("2026-10-01T12:00:00Z")).isEqualTo("63d");
    assertThat(support.age("not a time")).isEqualTo("<unknown>");
  }
}
