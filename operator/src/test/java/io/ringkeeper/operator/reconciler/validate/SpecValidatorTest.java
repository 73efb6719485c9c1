package io.ringkeeper.operator.reconciler.validate;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The examples users copy must be valid. Each invalid-spec rule is exercised end to end (status, event, no
 * objects) in InvalidSpecIT.
 */
class SpecValidatorTest {
  static Stream<Path> examples() throws IOException {
    Path here = Path.of("").toAbsolutePath();
    Path dir = Files.isDirectory(here.resolve("examples")) ? here.resolve("examples") : here.resolve("../examples");
    return Files.list(dir).filter(p -> p.toString().endsWith(".yaml")).sorted();
  }

  @ParameterizedTest
  @MethodSource("examples")
  void everyExampleManifestIsValid(Path example) throws IOException {
    CassandraCluster cr = Serialization.unmarshal(Files.readString(example), CassandraCluster.class);
    List<Problem> problems = SpecValidator.validate(cr, Map.of());
    assertThat(problems).as(example.getFileName().toString()).isEmpty();
  }

  @org.junit.jupiter.api.Test
  void encryptionOptionsAreTheUsersOnlyWhileTlsIsOff() {
    String manifest = """
        apiVersion: ringkeeper.io/v1alpha1
        kind: CassandraCluster
        metadata: {name: demo, namespace: db}
        spec:
          datacenters: [{name: dc1, replicationFactor: 1, size: 1}]
          tls: {enabled: %s}
          config: {cassandraYaml: {server_encryption_options: {internode_encryption: none}}}
        """;
    CassandraCluster off = Serialization.unmarshal(manifest.formatted("false"), CassandraCluster.class);
    assertThat(SpecValidator.validate(off, Map.of())).isEmpty();
    CassandraCluster on = Serialization.unmarshal(manifest.formatted("true"), CassandraCluster.class);
    assertThat(SpecValidator.validate(on, Map.of())).extracting(Problem::field)
        .containsExactly("spec.config.cassandraYaml.server_encryption_options");
  }
}
