package io.ringkeeper.local.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.local.LocalEnvironment;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The embedded API's door: what a real API server refuses is refused here, and a refusal changes nothing. */
class EmbeddedKubeAdmissionTest {
  private static EmbeddedKube kube;
  private static KubernetesClient client;

  private static final String DEMO = """
      apiVersion: ringkeeper.io/v1alpha1
      kind: CassandraCluster
      metadata: {name: %s}
      spec:
        datacenters:
        - {name: dc1, size: %s, replicationFactor: 3, racks: [{name: r1}, {name: r2}, {name: r3}]}
        jvm: {heapSize: %s}
      """;

  @BeforeAll
  static void start() {
    kube = EmbeddedKube.start("127.0.0.1", 0);
    client = kube.client("admission-test");
  }

  @AfterAll
  static void stop() {
    client.close();
    kube.close();
  }

  private static List<String> fields(KubernetesClientException e) {
    return e.getStatus().getDetails().getCauses().stream().map(StatusCause::getField).toList();
  }

  @Test
  void aManifestWithSeveralProblemsIsRefusedWith422NamingEachFieldAndNothingIsStored() {
    KubernetesClientException e = catchThrowableOfType(KubernetesClientException.class,
        () -> LocalEnvironment.apply(client, DEMO.formatted("bad", "-1", "lots"), true));
    assertThat(e.getCode()).isEqualTo(422);
    assertThat(fields(e)).contains("spec.datacenters[0].size", "spec.jvm.heapSize",
        "spec.datacenters[0].replicationFactor");
    assertThat(client.resources(CassandraCluster.class).inNamespace("default").withName("bad").get()).isNull();
  }

  @Test
  void aValueOfTheWrongTypeReachesTheDoorInsteadOfFailingInTheClient() {
    KubernetesClientException e = catchThrowableOfType(KubernetesClientException.class,
        () -> LocalEnvironment.apply(client, DEMO.formatted("typed", "three", "256Mi"), true));
    assertThat(e.getCode()).isEqualTo(422);
    assertThat(e.getStatus().getDetails().getCauses()).anySatisfy(c -> {
      assertThat(c.getField()).isEqualTo("spec.datacenters[0].size");
      assertThat(c.getReason()).isEqualTo("FieldValueTypeInvalid");
    });
  }

  @Test
  void anUnknownFieldIsRefusedUnderStrictValidationAndDroppedOtherwise() {
    String typo = DEMO.formatted("typo", "3", "256Mi").replace("spec:\n", "spec:\n  sizee: 5\n");
    KubernetesClientException e = catchThrowableOfType(KubernetesClientException.class,
        () -> LocalEnvironment.apply(client, typo, true));
    assertThat(e.getCode()).isEqualTo(400);
    assertThat(e.getStatus().getMessage()).contains("strict decoding error: unknown field \"spec.sizee\"");
    CassandraCluster stored = LocalEnvironment.apply(client, typo, false);
    assertThat(stored.getSpec().getDatacenters().get(0).getSize()).isEqualTo(3);
    assertThat(stored.getSpec().getTokens().getNumTokens()).as("defaulted as a real server does").isEqualTo(16);
  }

  @Test
  void patchesAreJudgedOnTheObjectTheyWouldStoreAndARefusedOneChangesNothing() {
    CassandraCluster created = LocalEnvironment.apply(client, DEMO.formatted("patched", "3", "256Mi"), true);
    var cluster = client.resources(CassandraCluster.class).inNamespace("default").withName("patched");
    KubernetesClientException json = catchThrowableOfType(KubernetesClientException.class,
        () -> cluster.patch(PatchContext.of(PatchType.JSON),
            "[{\"op\":\"replace\",\"path\":\"/spec/tokens/numTokens\",\"value\":32}]"));
    assertThat(json.getCode()).isEqualTo(422);
    assertThat(fields(json)).containsExactly("spec.tokens.numTokens");
    KubernetesClientException merge = catchThrowableOfType(KubernetesClientException.class,
        () -> cluster.patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"datacenters\":[{\"name\":\"dc9\","
            + "\"size\":3}]}}"));
    assertThat(merge.getCode()).isEqualTo(422);
    assertThat(fields(merge)).contains("spec.datacenters");
    assertThat(cluster.get().getMetadata().getResourceVersion()).isEqualTo(created.getMetadata()
        .getResourceVersion());

    CassandraCluster labelled = cluster.patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"metadata\":{\"labels\":{\"team\":\"data\"}}}");
    assertThat(labelled.getMetadata().getLabels()).containsEntry("team", "data");
  }

  @Test
  void theKeptStateIsRestoredWithoutAdmissionAsARealServerDoesNotValidateWhatEtcdHolds() {
    try (KubernetesClient restore = kube.client(EmbeddedKube.RESTORE_AGENT)) {
      CassandraCluster old = Serialization.unmarshal(
          DEMO.formatted("kept", "3", "lots"), CassandraCluster.class);
      old.getMetadata().setNamespace("default");
      restore.resource(old).create();
    }
    var cluster = client.resources(CassandraCluster.class).inNamespace("default").withName("kept");
    assertThat(cluster.get().getSpec().getJvm().getHeapSize()).isEqualTo("lots");
    CassandraCluster annotated = cluster.patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"metadata\":{\"annotations\":{\"ringkeeper.io/note\":\"x\"}}}");
    assertThat(annotated.getMetadata().getAnnotations()).as("an unchanged bad value ratchets")
        .containsEntry("ringkeeper.io/note", "x");
  }
}
