package io.ringkeeper.e2e.apiserver;

import static io.ringkeeper.e2e.apiserver.Manifests.clusters;
import static io.ringkeeper.e2e.apiserver.Manifests.generic;
import static io.ringkeeper.e2e.apiserver.Manifests.minimal;
import static io.ringkeeper.e2e.apiserver.Manifests.remove;
import static io.ringkeeper.e2e.apiserver.Manifests.set;
import static io.ringkeeper.e2e.apiserver.Manifests.yaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The generated CRD on a real API server: accepted, and refusing bad clusters at the door with the field. */
@ExtendWith(RealApiServerExtension.class)
class CrdValidationApiServerIT {
  private static final AtomicInteger SEQ = new AtomicInteger();
  private static KubernetesClient client;
  private static String ns;

  @BeforeAll
  static void connect(RealApiServer server) {
    client = server.client();
    ns = "crd-" + ProcessHandle.current().pid();
  }

  private static String name() {
    return "c" + SEQ.incrementAndGet();
  }

  @Test
  void theGeneratedCrdIsStructuralAcceptedAndEstablished() {
    CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions()
        .withName("cassandraclusters.ringkeeper.io").get();
    assertThat(crd).isNotNull();
    assertThat(RealApiServerExtension.condition(client, "Established")).isEqualTo("True");
    assertThat(RealApiServerExtension.condition(client, "NamesAccepted")).isEqualTo("True");
    // A non-structural schema is accepted but flagged with this condition (and then neither prunes nor defaults).
    assertThat(RealApiServerExtension.condition(client, "NonStructuralSchema")).isNull();
    assertThat(crd.getStatus().getAcceptedNames().getShortNames()).containsExactly("cass", "cassandra");
  }

  @Test
  void everyExampleIsAccepted() throws IOException {
    List<Path> examples;
    try (Stream<Path> files = Files.list(RealApiServerExtension.REPO.resolve("examples"))) {
      examples = files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted()
          .toList();
    }
    assertThat(examples).as("files in examples/").isNotEmpty();
    for (Path example : examples) {
      ObjectNode tree = Manifests.read(example);
      GenericKubernetesResource created = clusters(client).inNamespace("examples").resource(generic(tree)).create();
      assertThat(created.getMetadata().getUid()).as(example.toString()).isNotBlank();
    }
  }

  @Test
  void aPodTemplateIsStoredWithEveryFieldNothingPruned() {
    String name = name();
    ObjectNode tree = set(minimal(name), "/spec/podTemplate", yaml("""
        labels: {team: payments}
        annotations: {example.com/owner: payments}
        priorityClassName: high
        serviceAccountName: cassandra
        securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
        env: [{name: NODE, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}]
        volumes: [{name: logs, emptyDir: {sizeLimit: 1Gi}}]
        volumeMounts: [{name: logs, mountPath: /var/log/cassandra}]
        containers:
          - name: shipper
            image: fluent/fluent-bit:3.0
            ports: [{containerPort: 2020, name: http}]
            readinessProbe: {httpGet: {path: /, port: http}}
            resources: {limits: {memory: 64Mi}}
        initContainers: [{name: prep, image: busybox, command: [sh, -c, "true"]}]
        topologySpreadConstraints:
          - {maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: ScheduleAnyway}
        """));
    JsonNode sent = tree.at("/spec/podTemplate");
    GenericKubernetesResource created = clusters(client).inNamespace(ns).resource(generic(tree)).create();
    JsonNode stored = Manifests.tree(created).at("/spec/podTemplate");
    assertThat(stored).isEqualTo(sent);
  }

  @ParameterizedTest(name = "{0} is refused with 422 naming {1}")
  @MethodSource("io.ringkeeper.e2e.apiserver.ValidationCases#refused")
  void badInputIsRefusedAtTheDoorNamingTheField(String what, String field, String reason,
      UnaryOperator<ObjectNode> change) {
    String name = name();
    ObjectNode tree = change.apply(minimal(name));
    KubernetesClientException e = catchThrowableOfType(KubernetesClientException.class,
        () -> clusters(client).inNamespace(ns).resource(generic(tree)).create());
    assertThat(e).as(what + " was accepted").isNotNull();
    assertRefused(e, field, reason);
    String stored = tree.at("/metadata/name").asText();
    assertThat(clusters(client).inNamespace(ns).withName(stored).get()).as("nothing was stored").isNull();
  }

  /** The manifest of the issue that local mode once answered with "configured": every problem named at once. */
  @Test
  void aManifestWithSeveralProblemsIsRefusedNamingEachField() {
    ObjectNode tree = minimal(name());
    set(tree, "/spec/datacenters/0/replicationFactor", 5);
    set(tree, "/spec/jvm/heapSize", "lots");
    set(tree, "/spec/datacenters/0/racks/2/name", "R_3!");
    set(tree, "/spec/storage/size", "-1Gi");
    KubernetesClientException e = catchThrowableOfType(KubernetesClientException.class,
        () -> clusters(client).inNamespace(ns).resource(generic(tree)).create());
    System.out.println("[CrdValidationApiServerIT] " + e.getStatus().getMessage());
    assertRefused(e, "spec.datacenters[0].replicationFactor", "every replica needs its own node");
    assertRefused(e, "spec.jvm.heapSize", "should match");
    assertRefused(e, "spec.datacenters[0].racks[2].name", "should match");
    assertRefused(e, "spec.storage.size", "should match");
  }

  @ParameterizedTest(name = "{0} is refused with 422 naming {1} and changes nothing")
  @MethodSource("io.ringkeeper.e2e.apiserver.ValidationCases#immutable")
  void changesToImmutableFieldsAreRefusedAndChangeNothing(String what, String field, String reason,
      UnaryOperator<ObjectNode> change) {
    GenericKubernetesResource created = createTwoDatacenters("explicit");
    ObjectNode edited = (ObjectNode) Manifests.tree(created);
    change.apply(edited);
    KubernetesClientException e = catchThrowableOfType(KubernetesClientException.class,
        () -> clusters(client).inNamespace(ns).resource(generic(edited)).update());
    assertThat(e).as(what + " was accepted").isNotNull();
    assertRefused(e, field, reason);
    GenericKubernetesResource after = clusters(client).inNamespace(ns).withName(created.getMetadata().getName()).get();
    assertThat(after.getMetadata().getResourceVersion()).isEqualTo(created.getMetadata().getResourceVersion());
  }

  @Test
  void aClusterNameMayBeWrittenOutWhenItKeepsItsValueAndADatacenterMayBeAdded() {
    GenericKubernetesResource created = createTwoDatacenters(null);
    ObjectNode edited = (ObjectNode) Manifests.tree(created);
    set(edited, "/spec/clusterName", created.getMetadata().getName());
    set(edited, "/spec/datacenters/-", yaml("{name: dc3, size: 1, replicationFactor: 1}"));
    GenericKubernetesResource updated = clusters(client).inNamespace(ns).resource(generic(edited)).update();
    JsonNode spec = Manifests.tree(updated).get("spec");
    assertThat(spec.at("/clusterName").asText()).isEqualTo(created.getMetadata().getName());
    assertThat(spec.at("/datacenters/2/name").asText()).isEqualTo("dc3");

    ObjectNode dropped = (ObjectNode) Manifests.tree(updated);
    set(dropped, "/spec/clusterName", "renamed");
    KubernetesClientException e = catchThrowableOfType(KubernetesClientException.class,
        () -> clusters(client).inNamespace(ns).resource(generic(dropped)).update());
    assertRefused(e, "spec.clusterName", "is immutable");
  }

  @Test
  void theApiServerFillsInTheDocumentedDefaults() {
    ObjectNode bare = (ObjectNode) Manifests.tree(yaml("""
        apiVersion: ringkeeper.io/v1alpha1
        kind: CassandraCluster
        metadata: {name: %s}
        spec:
          datacenters: [{name: dc1, size: 3}]
        """.formatted(name())));
    JsonNode spec = Manifests.tree(clusters(client).inNamespace(ns).resource(generic(bare)).create()).get("spec");
    assertThat(spec.at("/cassandraVersion").asText()).isEqualTo("5.0.9");
    assertThat(spec.at("/imagePullPolicy").asText()).isEqualTo("IfNotPresent");
    assertThat(spec.at("/datacenters/0/replicationFactor").asInt()).isEqualTo(3);
    assertThat(spec.at("/tokens/numTokens").asInt()).isEqualTo(16);
    assertThat(spec.at("/storage/size").asText()).isEqualTo("10Gi");
    assertThat(spec.at("/storage/reclaim").asText()).isEqualTo("Retain");
    assertThat(spec.has("clusterName")).as("clusterName stays unset (it falls back to metadata.name)").isFalse();
  }

  @Test
  void unknownFieldsArePrunedNotStored() {
    ObjectNode tree = minimal(name());
    set(tree, "/spec/sizee", 5);
    set(tree, "/spec/datacenters/0/replicas", 9);
    JsonNode spec = Manifests.tree(clusters(client).inNamespace(ns).resource(generic(tree)).create()).get("spec");
    assertThat(spec.has("sizee")).isFalse();
    assertThat(spec.at("/datacenters/0").has("replicas")).isFalse();
  }

  private GenericKubernetesResource createTwoDatacenters(String clusterName) {
    ObjectNode tree = minimal(name());
    set(tree, "/spec/datacenters/-", yaml("{name: dc2, size: 3, replicationFactor: 3}"));
    if (clusterName != null) {
      set(tree, "/spec/clusterName", clusterName);
    }
    return clusters(client).inNamespace(ns).resource(generic(tree)).create();
  }

  static void assertRefused(KubernetesClientException e, String field, String reason) {
    assertThat(e).as("refused").isNotNull();
    assertThat(e.getCode()).as(e.getMessage()).isEqualTo(422);
    List<String> fields = e.getStatus().getDetails().getCauses().stream().map(StatusCause::getField).toList();
    assertThat(fields).as(e.getMessage()).contains(field);
    String messages = String.join("\n", e.getStatus().getDetails().getCauses().stream()
        .filter(c -> field.equals(c.getField())).map(StatusCause::getMessage).toList());
    assertThat(messages).as(e.getMessage()).contains(reason);
  }
}
