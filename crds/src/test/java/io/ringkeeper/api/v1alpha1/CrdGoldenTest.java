package io.ringkeeper.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The committed CRD copies must be exactly what the model generates. */
class CrdGoldenTest {
  private static final String HOW_TO_FIX =
      " differs from the CRD generated from the Java model. Regenerate the committed copies with:"
          + " mvn -pl crds -Pupdate-crds verify";

  @Test
  void committedCrdEqualsGeneratedCrd() throws IOException {
    assertThat(Files.readString(CrdFiles.committed()))
        .as(CrdFiles.committed() + HOW_TO_FIX)
        .isEqualTo(Files.readString(CrdFiles.generated()));
  }

  @Test
  void helmChartCrdEqualsGeneratedCrd() throws IOException {
    Path chart = CrdFiles.committedInChart();
    assertThat(chart).as(chart + " is missing;" + HOW_TO_FIX).exists();
    assertThat(Files.readString(chart)).as(chart + HOW_TO_FIX).isEqualTo(Files.readString(CrdFiles.generated()));
  }

  @Test
  void crdHasNamesScopeStatusAndPrinterColumnsInOrder() {
    JsonNode crd = CrdFiles.readYaml(CrdFiles.generated());
    assertThat(crd.at("/metadata/name").asText()).isEqualTo("cassandraclusters.ringkeeper.io");
    assertThat(crd.at("/spec/scope").asText()).isEqualTo("Namespaced");
    assertThat(crd.at("/spec/names/shortNames").toString()).isEqualTo("[\"cass\",\"cassandra\"]");
    JsonNode version = crd.at("/spec/versions/0");
    assertThat(version.at("/name").asText()).isEqualTo("v1alpha1");
    assertThat(version.at("/subresources/status").isObject()).isTrue();
    List<String> columns = new ArrayList<>();
    version.at("/additionalPrinterColumns").forEach(c -> columns.add(c.get("name").asText() + "=" + c.get("jsonPath").asText()));
    assertThat(columns).containsExactly(
        "Ready=.status.ready", "Phase=.status.phase", "Version=.spec.cassandraVersion",
        "Age=.metadata.creationTimestamp");
  }

  /**
   * kubectl apply (client side) keeps the whole object in the last-applied-configuration annotation, which may hold
   * 256 KiB; the embedded Kubernetes types of spec.podTemplate make up most of the CRD.
   */
  @Test
  void theCrdFitsTheLastAppliedAnnotationOfAClientSideApply() throws IOException {
    String json = new ObjectMapper().writeValueAsString(
        CrdFiles.readYaml(CrdFiles.generated()));
    assertThat(json.length()).as("CRD as JSON, bytes").isLessThan(256 * 1024);
  }

  /** Every field of our own types documents itself: that text is what kubectl explain shows. */
  @Test
  void everyFieldOfTheApiHasADescription() {
    List<String> missing = new ArrayList<>();
    JsonNode root = CrdFiles.openApiSchema();
    collectUndocumented("spec", root.at("/properties/spec"), missing);
    collectUndocumented("status", root.at("/properties/status"), missing);
    assertThat(missing).as("fields without @JsonPropertyDescription").isEmpty();
  }

  // Subtrees whose schema comes from Kubernetes' own types (documented upstream, not by us).
  private static final List<String> UPSTREAM_TYPES = List.of(
      "spec.imagePullSecrets", "spec.resources", "spec.placement.tolerations", "status.conditions",
      "spec.podTemplate.securityContext", "spec.podTemplate.env", "spec.podTemplate.volumes",
      "spec.podTemplate.volumeMounts", "spec.podTemplate.containers", "spec.podTemplate.initContainers",
      "spec.podTemplate.topologySpreadConstraints");

  private static void collectUndocumented(String path, JsonNode schema, List<String> missing) {
    if (UPSTREAM_TYPES.contains(path)) {
      return;
    }
    if (!path.equals("spec") && !path.equals("status") && !schema.hasNonNull("description")) {
      missing.add(path);
    }
    schema.path("properties").fields().forEachRemaining(e -> collectUndocumented(path + "." + e.getKey(), e.getValue(), missing));
    JsonNode items = schema.path("items");
    items.path("properties").fields().forEachRemaining(e -> collectUndocumented(path + "[]." + e.getKey(), e.getValue(), missing));
  }
}
