package io.ringkeeper.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every manifest in examples/ passes the schema and survives a trip through the Java model unchanged. */
class ExamplesTest {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  static Stream<Path> examples() throws IOException {
    try (Stream<Path> files = Files.list(CrdFiles.repoRoot().resolve("examples"))) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  @Test
  void theThreeDocumentedExamplesExist() throws IOException {
    assertThat(examples().map(p -> p.getFileName().toString()))
        .contains("minimal.yaml", "production.yaml", "multi-dc.yaml");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void examplePassesTheSchema(Path example) {
    assertThat(SchemaValidator.validate(CrdFiles.readYaml(example))).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void exampleRoundTripsThroughTheModel(Path example) throws IOException {
    JsonNode original = CrdFiles.readYaml(example);
    CassandraCluster cluster = SERIALIZATION.unmarshal(Files.readString(example), CassandraCluster.class);
    JsonNode back = SERIALIZATION.convertValue(cluster, JsonNode.class);

    // Everything the user wrote is kept with its value (the model may add its defaults beside it);
    // a field the model does not know would be dropped here and fail the test.
    List<String> lost = new ArrayList<>();
    JsonTrees.missingOrDifferent("", original, back, lost);
    assertThat(lost).isEmpty();
    assertThat(cluster.getSpec().getDatacenters()).isNotEmpty();
  }
}
