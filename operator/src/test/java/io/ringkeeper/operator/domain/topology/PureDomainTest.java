package io.ringkeeper.operator.domain.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Token allocation and placement are pure Java: they import nothing from Kubernetes, fabric8 or JOSDK. */
class PureDomainTest {

  private static final List<String> FORBIDDEN =
      List.of("import io.fabric8", "import io.javaoperatorsdk", "import io.kubernetes", "import org.apache.cassandra");

  @Test
  void tokensAndTopologyImportNoKubernetesTypes() throws IOException {
    Path main = Path.of("src/main/java/io/ringkeeper/operator/domain");
    List<Path> sources;
    try (Stream<Path> files = Stream.concat(Files.walk(main.resolve("tokens")), Files.walk(main.resolve("topology")))) {
      sources = files.filter(p -> p.toString().endsWith(".java")).toList();
    }
    assertThat(sources).isNotEmpty();
    for (Path source : sources) {
      String text = Files.readString(source);
      for (String forbidden : FORBIDDEN) {
        assertThat(text).as(source.toString()).doesNotContain(forbidden);
      }
    }
  }
}
