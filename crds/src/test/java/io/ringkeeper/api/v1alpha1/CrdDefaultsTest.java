package io.ringkeeper.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The schema's defaults (applied by the API server) and the Java initializers (seen by the operator where no
 * API server defaulted, e.g. the mock server) must agree, in both directions.
 */
class CrdDefaultsTest {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private static final String SPARSE = """
      {"apiVersion": "ringkeeper.io/v1alpha1", "kind": "CassandraCluster", "metadata": {"name": "d"},
       "spec": {"datacenters": [{"name": "dc1", "size": 3, "racks": [{"name": "r1"}]}],
                "maintenance": {"compactionThroughput": [{"schedule": "@daily", "duration": "1h", "mibPerSecond": 1}],
                                "tasks": [{"name": "t", "schedule": "@daily", "operation": "Compact"}]}}}
      """;

  @Test
  void everySchemaDefaultIsAlsoTheJavaInitializer() throws Exception {
    ObjectNode defaulted = (ObjectNode) CrdFiles.YAML.readTree(SPARSE);
    JsonTrees.applyDefaults(CrdFiles.openApiSchema(), defaulted);
    JsonNode java = SERIALIZATION.convertValue(SERIALIZATION.unmarshal(SPARSE, CassandraCluster.class), JsonNode.class);

    List<String> differences = new ArrayList<>();
    JsonTrees.missingOrDifferent("", defaulted, java, differences);
    assertThat(differences).as("schema default without the same Java initializer").isEmpty();
  }

  @Test
  void everyNestedSchemaDefaultIsAlsoTheJavaInitializer() throws Exception {
    ObjectNode defaulted = (ObjectNode) CrdFiles.YAML.readTree(SPARSE);
    JsonTrees.applyNestedDefaults(CrdFiles.openApiSchema(), defaulted);
    JsonNode java = SERIALIZATION.convertValue(SERIALIZATION.unmarshal(SPARSE, CassandraCluster.class), JsonNode.class);

    List<String> differences = new ArrayList<>();
    JsonTrees.missingOrDifferent("", defaulted, java, differences);
    assertThat(differences).as("nested schema default without the same Java initializer").isEmpty();
  }

  @Test
  void everyJavaInitializerIsAlsoASchemaDefault() throws Exception {
    ObjectNode defaulted = (ObjectNode) CrdFiles.YAML.readTree(SPARSE);
    JsonTrees.applyDefaults(CrdFiles.openApiSchema(), defaulted);
    JsonNode java = SERIALIZATION.convertValue(SERIALIZATION.unmarshal(SPARSE, CassandraCluster.class), JsonNode.class);
    dropEmptyContainers(java);

    List<String> differences = new ArrayList<>();
    JsonTrees.missingOrDifferent("", java, defaulted, differences);
    assertThat(differences).as("Java initializer without the same @Default").isEmpty();
  }

  /** Empty lists and maps are how Java spells "absent"; the schema needs no default for them. */
  private static void dropEmptyContainers(JsonNode node) {
    if (node instanceof ObjectNode object) {
      List<String> empty = new ArrayList<>();
      object.fields().forEachRemaining(e -> {
        dropEmptyContainers(e.getValue());
        if (e.getValue().isContainerNode() && e.getValue().isEmpty()) {
          empty.add(e.getKey());
        }
      });
      object.remove(empty);
    } else if (node != null && node.isArray()) {
      node.forEach(CrdDefaultsTest::dropEmptyContainers);
    }
  }
}
