package io.ringkeeper.local.kube.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.ringkeeper.local.kube.EmbeddedKube;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Local mode's door on its own, with the shipped CRD. The expected words are the real API server's (seen by
 * LocalModeAdmissionApiServerIT in e2e, which compares both servers on every case).
 */
class AdmissionTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Admission ADMISSION = Admission.of(EmbeddedKube.loadCrd());

  private static ObjectNode minimal() {
    return (ObjectNode) yaml("""
        apiVersion: ringkeeper.io/v1alpha1
        kind: CassandraCluster
        metadata: {name: demo, namespace: default}
        spec:
          datacenters:
          - name: dc1
            size: 3
            replicationFactor: 3
            racks: [{name: r1}, {name: r2}, {name: r3}]
        """);
  }

  private static JsonNode yaml(String text) {
    try {
      return YAML.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> errors(Admission.Result result) {
    return result.errors().stream().map(FieldError::toString).toList();
  }

  @Test
  void everyRuleOfTheCrdCompiles() {
    JsonNode schema = new ObjectMapper().valueToTree(EmbeddedKube.loadCrd().getSpec().getVersions().get(0)
        .getSchema().getOpenAPIV3Schema());
    long rules = schema.toString().split("\"rule\":", -1).length - 1;
    assertThat(new CelRules(schema).size()).isEqualTo(rules).isGreaterThanOrEqualTo(8);
  }

  @Test
  void everyShippedExampleIsAdmitted() throws IOException {
    List<Path> examples;
    try (Stream<Path> files = Files.list(Path.of("../examples"))) {
      examples = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(examples).isNotEmpty();
    for (Path example : examples) {
      assertThat(errors(ADMISSION.create(YAML.readTree(example.toFile())))).as(example.toString()).isEmpty();
    }
  }

  @Test
  void aNegativeSizeIsRefusedWithTheServersWordsAndEveryRuleThatFails() {
    ObjectNode tree = minimal();
    ((ObjectNode) tree.at("/spec/datacenters/0")).put("size", -1);
    assertThat(errors(ADMISSION.create(tree))).containsExactlyInAnyOrder(
        "spec.datacenters[0].size: Invalid value: -1: spec.datacenters[0].size in body should be greater than or"
            + " equal to 1",
        "spec.datacenters[0].replicationFactor: Invalid value: exceeds the datacenter's size: every replica needs"
            + " its own node; lower replicationFactor or raise size to at least replicationFactor",
        "spec.datacenters[0].size: Invalid value: is below the number of racks: every rack needs at least one node;"
            + " raise size or remove racks");
  }

  @Test
  void aTypeErrorStopsTheRulesAsOnTheServer() {
    ObjectNode tree = minimal();
    ((ObjectNode) tree.at("/spec/datacenters/0")).put("size", "three");
    assertThat(errors(ADMISSION.create(tree))).containsExactly(
        "spec.datacenters[0].size: Invalid value: \"string\": spec.datacenters[0].size in body must be of type"
            + " integer: \"string\"",
        "<nil>: Invalid value: null: some validation rules were not checked because the object was invalid;"
            + " correct the existing errors to complete validation");
  }

  @Test
  void aHugeNumberIsNamedAsGoPrintsIt() {
    ObjectNode tree = minimal();
    ((ObjectNode) tree.at("/spec/datacenters/0")).put("size", 1e300);
    assertThat(errors(ADMISSION.create(tree))).contains(
        "spec.datacenters[0].size: Invalid value: 1e+300: spec.datacenters[0].size in body should be less than or"
            + " equal to 999",
        "<nil>: Invalid value: \"\": Checked value must be of type integer (default format) in"
            + " spec.datacenters[0].size");
  }

  @Test
  void aMaliciousNameIsRefusedWithoutEchoingItBack() {
    ObjectNode tree = minimal();
    ((ObjectNode) tree.at("/spec/datacenters/0/racks/0")).put("name", "r".repeat(100_000) + "\n\u0000");
    List<String> errors = errors(ADMISSION.create(tree));
    assertThat(errors).contains("spec.datacenters[0].racks[0].name: Too long: may not be more than 16 bytes");
    assertThat(String.join("", errors)).hasSizeLessThan(1_000);
  }

  @Test
  void defaultsAreFilledInAndUnknownFieldsPrunedAndReported() {
    ObjectNode tree = (ObjectNode) yaml("""
        apiVersion: ringkeeper.io/v1alpha1
        kind: CassandraCluster
        metadata: {name: demo, labels: {team: data}}
        spec:
          sizee: 5
          datacenters: [{name: dc1, size: 3, replicas: 9}]
        """);
    Admission.Result result = ADMISSION.create(tree);
    assertThat(result.allowed()).isTrue();
    assertThat(result.unknownFields()).containsExactly("spec.sizee", "spec.datacenters[0].replicas");
    assertThat(result.object().at("/spec/datacenters/0/replicationFactor").asInt()).isEqualTo(3);
    assertThat(result.object().at("/spec/tokens/numTokens").asInt()).isEqualTo(16);
    assertThat(result.object().at("/metadata/labels/team").asText()).as("metadata is not pruned").isEqualTo("data");
    assertThat(tree.at("/spec/sizee").asInt()).as("the request is not changed").isEqualTo(5);
    assertThat(ADMISSION.strictlyUnknown(result.unknownFields())).contains(
        "strict decoding error: unknown field \\\"spec.sizee\\\", unknown field \\\"spec.datacenters[0].replicas\\\"");
  }

  @Test
  void aTransitionRuleRunsOnlyOnAnUpdate() {
    ObjectNode stored = minimal();
    ((ObjectNode) stored.get("spec")).putObject("tokens").put("numTokens", 16);
    ObjectNode edited = stored.deepCopy();
    ((ObjectNode) edited.at("/spec/tokens")).put("numTokens", 32);
    assertThat(ADMISSION.create(edited).allowed()).as("any numTokens at creation").isTrue();
    assertThat(errors(ADMISSION.update(edited, stored))).containsExactly(
        "spec.tokens.numTokens: Invalid value: 32: is immutable: the cluster's nodes hold this many tokens each and"
            + " Cassandra cannot change that; set it back to its value at creation");
  }

  @Test
  void anUnchangedValueStoredBeforeARuleTightenedDoesNotBlockAnotherEdit() {
    ObjectNode stored = minimal();
    ((ObjectNode) stored.get("spec")).putObject("jvm").put("heapSize", "lots");
    assertThat(ADMISSION.create(stored).allowed()).isFalse();
    ObjectNode edited = stored.deepCopy();
    ((ObjectNode) edited.get("metadata")).putObject("annotations").put("ringkeeper.io/restart", "now");
    assertThat(errors(ADMISSION.update(edited, stored))).as("ratcheting").isEmpty();
    ((ObjectNode) edited.at("/spec/jvm")).put("heapSize", "more");
    assertThat(errors(ADMISSION.update(edited, stored))).containsExactly(
        "spec.jvm.heapSize: Invalid value: \"more\": spec.jvm.heapSize in body should match '"
            + EmbeddedKube.loadCrd().getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema().getProperties()
                .get("spec").getProperties().get("jvm").getProperties().get("heapSize").getPattern() + "'");
  }

  @Test
  void aNullANonNullableFieldMayNotHoldIsDropped() {
    ObjectNode tree = minimal();
    tree.putNull("spec");
    Admission.Result result = ADMISSION.create(tree);
    assertThat(result.allowed()).isTrue();
    assertThat(result.object().has("spec")).isFalse();
  }

  @Test
  void theStatusOfARefusalIsTheServers422() throws IOException {
    ObjectNode tree = minimal();
    ((ObjectNode) tree.at("/spec/datacenters/0")).put("replicationFactor", 5);
    JsonNode status = new ObjectMapper().readTree(ADMISSION.invalid("demo", ADMISSION.create(tree).errors()));
    assertThat(status.path("code").asInt()).isEqualTo(422);
    assertThat(status.path("reason").asText()).isEqualTo("Invalid");
    assertThat(status.path("message").asText()).isEqualTo("CassandraCluster.ringkeeper.io \"demo\" is invalid: "
        + "spec.datacenters[0].replicationFactor: Invalid value: exceeds the datacenter's size: every replica needs"
        + " its own node; lower replicationFactor or raise size to at least replicationFactor");
    assertThat(status.at("/details/causes/0/field").asText()).isEqualTo("spec.datacenters[0].replicationFactor");
    assertThat(status.at("/details/causes/0/reason").asText()).isEqualTo("FieldValueInvalid");
  }

  @Test
  void aValueThatIsNotAnObjectIsRefusedAtTheBoundary() {
    assertThatThrownBy(() -> ADMISSION.create(yaml("[1, 2]"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be a JSON object");
  }

  @Test
  void goPrintsFloatsInItsOwnWay() {
    assertThat(FieldError.goFloat(1e300)).isEqualTo("1e+300");
    assertThat(FieldError.goFloat(3.5)).isEqualTo("3.5");
    assertThat(FieldError.goFloat(1e20)).isEqualTo("100000000000000000000");
    assertThat(FieldError.goFloat(1e21)).isEqualTo("1e+21");
    assertThat(FieldError.goFloat(0.00001)).isEqualTo("1e-05");
    assertThat(FieldError.goFloat(-0.5)).isEqualTo("-0.5");
  }
}
