package io.ringkeeper.e2e.apiserver;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test one real API server per test JVM, started on first use with the committed CassandraCluster CRD
 * installed and Established, and stopped when the run ends (JUnit closes AutoCloseable store values).
 */
public final class RealApiServerExtension implements ParameterResolver {
  /** The repository root: the committed CRD, examples/ and .ci/ live there. */
  public static final Path REPO = Path.of(System.getProperty("ringkeeper.repo.root", "..")).toAbsolutePath()
      .normalize();
  public static final Path CRD = REPO.resolve("crds/cassandraclusters.ringkeeper.io-v1.yml");

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == RealApiServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
        .computeIfAbsent(RealApiServer.class, k -> startWithCrd(), RealApiServer.class);
  }

  private static RealApiServer startWithCrd() {
    Path work = Path.of(System.getProperty("ringkeeper.work.dir", "target/e2e-work"));
    RealApiServer server = RealApiServer.start(REPO, work);
    try {
      installCrd(server.client());
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  static CustomResourceDefinition installCrd(KubernetesClient client) {
    if (!Files.exists(CRD)) {
      throw new IllegalStateException(CRD + " is missing");
    }
    CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().load(CRD.toFile()).item();
    client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
        .until(() -> condition(client, "Established"), "True"::equals);
    // Established can precede the first successful request by a moment: wait until the resource is served.
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
        .until(() -> client.genericKubernetesResources("ringkeeper.io/v1alpha1", "CassandraCluster")
            .inNamespace("default").list() != null);
    return client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName()).get();
  }

  static String condition(KubernetesClient client, String type) {
    CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions()
        .withName("cassandraclusters.ringkeeper.io").get();
    // Right after the create the status exists with no conditions yet (seen once the CRD grew to 150 KB).
    List<CustomResourceDefinitionCondition> conditions = crd == null || crd.getStatus() == null
        || crd.getStatus().getConditions() == null ? List.of() : crd.getStatus().getConditions();
    return conditions.stream().filter(c -> type.equals(c.getType())).map(CustomResourceDefinitionCondition::getStatus)
        .findFirst().orElse(null);
  }
}
