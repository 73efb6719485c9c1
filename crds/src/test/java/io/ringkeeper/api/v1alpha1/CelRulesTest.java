package io.ringkeeper.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The CEL rules of the generated CRD, checked where no API server is needed. Whether the API server accepts them
 * and what they refuse is proven against the real one (e2e CrdValidationApiServerIT).
 */
class CelRulesTest {
  private static List<Map.Entry<String, JsonNode>> ruleNodes() {
    List<Map.Entry<String, JsonNode>> found = new ArrayList<>();
    collect("", CrdFiles.openApiSchema(), found);
    return found;
  }

  private static void collect(String path, JsonNode schema, List<Map.Entry<String, JsonNode>> found) {
    if (schema.has("x-kubernetes-validations")) {
      found.add(Map.entry(path.isEmpty() ? "<root>" : path, schema));
    }
    Iterator<Map.Entry<String, JsonNode>> properties = schema.path("properties").fields();
    while (properties.hasNext()) {
      Map.Entry<String, JsonNode> p = properties.next();
      collect(path + "." + p.getKey(), p.getValue(), found);
    }
    if (schema.has("items")) {
      collect(path + "[]", schema.get("items"), found);
    }
  }

  @Test
  void everyRuleSaysWhatIsWrongAndHowToFixIt() {
    List<String> missing = new ArrayList<>();
    for (Map.Entry<String, JsonNode> node : ruleNodes()) {
      for (JsonNode rule : node.getValue().get("x-kubernetes-validations")) {
        if (rule.path("message").asText().length() < 20) {
          missing.add(node.getKey() + ": " + rule.path("rule").asText());
        }
      }
    }
    assertThat(ruleNodes()).as("the CRD has CEL rules").hasSizeGreaterThanOrEqualTo(5);
    assertThat(missing).as("rules without a message").isEmpty();
  }

  /**
   * Lists of Kubernetes' own types (Container, Volume), whose generated schema gives the name no maxLength; their
   * maxItems alone keeps the cost low enough, as the real API server's acceptance of the CRD shows
   * (CrdValidationApiServerIT).
   */
  private static final List<String> KUBERNETES_TYPES = List.of(
      ".spec.podTemplate.containers", ".spec.podTemplate.initContainers", ".spec.podTemplate.volumes");

  /** The API server refuses a CRD whose rules could cost too much; bounded lists and strings keep the estimate low. */
  @Test
  void everyListARuleIteratesIsBoundedAndSoAreTheNamesItCompares() {
    List<String> unbounded = new ArrayList<>();
    for (Map.Entry<String, JsonNode> node : ruleNodes()) {
      JsonNode schema = node.getValue();
      if ("array".equals(schema.path("type").asText())) {
        if (!schema.has("maxItems")) {
          unbounded.add(node.getKey() + " (no maxItems)");
        }
        JsonNode name = schema.at("/items/properties/name");
        if (!name.isMissingNode() && !name.has("maxLength") && !KUBERNETES_TYPES.contains(node.getKey())) {
          unbounded.add(node.getKey() + "[].name (no maxLength)");
        }
      }
    }
    assertThat(unbounded).isEmpty();
  }

  @Test
  void everyRuleIsListedInTheValidationTableOfTheApiDocs() throws IOException {
    String doc = Files.readString(CrdFiles.repoRoot().resolve("docs/api.md"));
    for (Map.Entry<String, JsonNode> node : ruleNodes()) {
      for (JsonNode rule : node.getValue().get("x-kubernetes-validations")) {
        String field = rule.has("fieldPath") ? rule.get("fieldPath").asText() : "";
        String where = node.getKey().equals("<root>") ? field : node.getKey().replace("[]", "[i]") + field;
        assertThat(doc).as("docs/api.md names the field of rule " + rule.path("rule").asText())
            .contains("`" + where.substring(1) + "`");
      }
    }
  }
}
