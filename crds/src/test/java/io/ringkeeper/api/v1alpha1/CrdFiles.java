package io.ringkeeper.api.v1alpha1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.ringkeeper.api.v1alpha1.crd.GenerateCrd;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Locations of the generated and committed CRD files, and YAML loading for tests. */
final class CrdFiles {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private CrdFiles() {}

  /** The module directory (Surefire runs tests there; fall back for IDE runs from the repository root). */
  static Path moduleDir() {
    Path here = Path.of("").toAbsolutePath();
    return Files.exists(here.resolve("src/main/java/io/ringkeeper/api")) ? here : here.resolve("crds");
  }

  static Path repoRoot() {
    return moduleDir().getParent();
  }

  /** What the build generated from the model in this run. */
  static Path generated() {
    return moduleDir().resolve("target/generated-crd").resolve(GenerateCrd.FILE_NAME);
  }

  static Path committed() {
    return moduleDir().resolve(GenerateCrd.FILE_NAME);
  }

  static Path committedInChart() {
    return repoRoot().resolve("helm/ringkeeper/crds").resolve(GenerateCrd.FILE_NAME);
  }

  static JsonNode readYaml(Path path) {
    try {
      return YAML.readTree(path.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The openAPIV3Schema of the (only) version in the generated CRD. */
  static JsonNode openApiSchema() {
    return readYaml(generated()).at("/spec/versions/0/schema/openAPIV3Schema");
  }
}
