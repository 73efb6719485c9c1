package io.ringkeeper.helm;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** The chart in helm/ringkeeper, rendered with helm-java (Helm as a native library, no helm binary). */
final class Chart {
  static final String RELEASE = "ringkeeper";
  static final String NAMESPACE = "ringkeeper-system";
  /** helm template assumes Kubernetes 1.20 without a cluster; the chart needs 1.25 or later. */
  static final String KUBE_VERSION = "v1.31.0";

  private Chart() {}

  static Path dir() {
    Path dir = Path.of("ringkeeper").toAbsolutePath();
    if (!Files.isDirectory(dir)) {
      dir = Path.of("helm", "ringkeeper").toAbsolutePath();
    }
    return dir;
  }

  static Helm helm() {
    return new Helm(dir());
  }

  static Path allOptionalOn() {
    return Path.of("src/test/resources/all-optional-on.yaml").toAbsolutePath();
  }

  /** Renders the chart as `helm template ringkeeper -n ringkeeper-system` would, with extra settings. */
  static String render(UnaryOperator<TemplateCommand> settings) {
    return settings.apply(helm().template().withName(RELEASE).withNamespace(NAMESPACE)
        .withKubeVersion(KUBE_VERSION)).call();
  }

  static String renderDefault() {
    return render(t -> t);
  }

  static String renderAllOn() {
    return render(t -> t.withValuesFile(allOptionalOn()));
  }

  /** The rendered documents, each parsed by fabric8 into its typed class (by apiVersion and kind). */
  static List<HasMetadata> objects(String rendered) {
    List<HasMetadata> objects = new ArrayList<>();
    for (String doc : rendered.split("(?m)^---\\s*$")) {
      if (doc.lines().allMatch(l -> l.isBlank() || l.startsWith("#"))) {
        continue;
      }
      objects.add(Serialization.unmarshal(doc));
    }
    return objects;
  }

  /** The rendered documents as plain maps. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> maps(String rendered) {
    List<Map<String, Object>> maps = new ArrayList<>();
    for (String doc : rendered.split("(?m)^---\\s*$")) {
      if (doc.lines().allMatch(l -> l.isBlank() || l.startsWith("#"))) {
        continue;
      }
      maps.add(Serialization.unmarshal(doc, Map.class));
    }
    return maps;
  }

  @SuppressWarnings("unchecked")
  static <T extends HasMetadata> List<T> ofType(List<HasMetadata> objects, Class<T> type) {
    return (List<T>) objects.stream().filter(type::isInstance).toList();
  }
}
