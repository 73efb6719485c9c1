package io.ringkeeper.operator.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * domain/ holds the operator's decisions as pure Java. It must not mention Kubernetes, fabric8 or JOSDK types,
 * nor the CRD classes (which are fabric8 resources), nor the operator's Kubernetes-facing packages: the
 * reconciler maps the custom resource to domain values and back.
 */
class DomainPurityTest {
  private static final Pattern FORBIDDEN = Pattern.compile(
      "\\b(io\\.fabric8|io\\.javaoperatorsdk|io\\.ringkeeper\\.api|io\\.ringkeeper\\.operator\\.(reconciler|resources|node|metrics))\\.");

  @Test
  void domainDoesNotImportKubernetesFabric8OrJosdkTypes() throws IOException {
    Path domain = sourceRoot().resolve("io/ringkeeper/operator/domain");
    List<String> violations = new ArrayList<>();
    try (Stream<Path> files = Files.walk(domain)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
          Matcher m = FORBIDDEN.matcher(lines.get(i));
          if (m.find()) {
            violations.add(domain.relativize(file) + ":" + (i + 1) + ": " + lines.get(i).trim());
          }
        }
      }
    }
    assertThat(violations).as("domain/ must stay pure Java").isEmpty();
  }

  @Test
  void theCheckSeesTheDomainSources() throws IOException {
    try (Stream<Path> files = Files.walk(sourceRoot().resolve("io/ringkeeper/operator/domain"))) {
      assertThat(files.filter(f -> f.toString().endsWith(".java")).count()).isGreaterThan(3);
    }
    assertThat(FORBIDDEN.matcher("import io.fabric8.kubernetes.api.model.Pod;").find()).isTrue();
    assertThat(FORBIDDEN.matcher("import io.javaoperatorsdk.operator.api.reconciler.Context;").find()).isTrue();
    assertThat(FORBIDDEN.matcher("io.ringkeeper.api.v1alpha1.CassandraCluster c;").find()).isTrue();
    assertThat(FORBIDDEN.matcher("import java.util.List;").find()).isFalse();
  }

  private static Path sourceRoot() {
    Path here = Path.of("").toAbsolutePath();
    Path module = Files.isDirectory(here.resolve("src/main/java")) ? here : here.resolve("operator");
    return module.resolve("src/main/java");
  }
}
