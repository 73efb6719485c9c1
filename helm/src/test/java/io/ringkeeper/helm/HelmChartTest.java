package io.ringkeeper.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lint and render the chart; every rendered object must be a typed fabric8 object with the expected content. */
class HelmChartTest {

  @Test
  void theChartLintsCleanInStrictMode() {
    LintResult result = Chart.helm().lint().strict().call();
    assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
    assertThat(result.getMessages()).noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
  }

  /**
   * helm lint takes no values file through helm-java, so lint a copy of the chart whose values.yaml has every
   * optional part switched on (the defaults deep-merged with all-optional-on.yaml).
   */
  @Test
  void theChartLintsCleanInStrictModeWithEveryOptionalPartOn(@TempDir Path tmp) throws Exception {
    Path copy = tmp.resolve("ringkeeper");
    try (var files = Files.walk(Chart.dir())) {
      for (Path source : (Iterable<Path>) files::iterator) {
        Path target = copy.resolve(Chart.dir().relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    }
    Map<String, Object> values = Serialization.unmarshal(Files.readString(Chart.dir().resolve("values.yaml")),
        Map.class);
    Map<String, Object> allOn = Serialization.unmarshal(Files.readString(Chart.allOptionalOn()), Map.class);
    Files.writeString(copy.resolve("values.yaml"), Serialization.asYaml(merge(values, allOn)));
    LintResult result = new Helm(copy).lint().strict().call();
    assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
    assertThat(Chart.objects(new Helm(copy).template().withName(Chart.RELEASE).withNamespace(Chart.NAMESPACE)
        .withKubeVersion(Chart.KUBE_VERSION).call())).anyMatch(o -> o instanceof PrometheusRule);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> overrides) {
    Map<String, Object> merged = new java.util.LinkedHashMap<>(base);
    overrides.forEach((key, value) -> {
      Object before = merged.get(key);
      merged.put(key, before instanceof Map && value instanceof Map
          ? merge((Map<String, Object>) before, (Map<String, Object>) value) : value);
    });
    return merged;
  }

  @Test
  void everyRenderedObjectParsesAsATypedFabric8Object() {
    for (String rendered : List.of(Chart.renderDefault(), Chart.renderAllOn())) {
      List<HasMetadata> objects = Chart.objects(rendered);
      assertThat(objects).isNotEmpty().allSatisfy(o -> {
        assertThat(o).as(o.getKind()).isNotInstanceOf(GenericKubernetesResource.class);
        assertThat(o.getMetadata().getName()).isNotBlank();
      });
    }
  }

  @Test
  void theDefaultsInstallTwoLeaderElectedReplicasWithAClusterRoleAndDashboards() {
    List<HasMetadata> objects = Chart.objects(Chart.renderDefault());
    assertThat(objects.stream().map(HasMetadata::getKind).collect(Collectors.toSet())).containsExactlyInAnyOrder(
        "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "Deployment", "Service",
        "ConfigMap");
    Deployment deployment = Chart.ofType(objects, Deployment.class).get(0);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    Container operator = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(operator.getArgs()).contains("--leader-election", "--lease-namespace=" + Chart.NAMESPACE,
        "--operator-image=" + operator.getImage(), "--http-port=8080");
    assertThat(operator.getArgs()).noneMatch(a -> a.startsWith("--namespaces"));
    assertThat(operator.getEnv()).singleElement().satisfies(e -> {
      assertThat(e.getName()).isEqualTo("JAVA_TOOL_OPTIONS");
      assertThat(e.getValue()).contains("-XX:MaxRAMPercentage=70", "-XX:+ExitOnOutOfMemoryError");
    });
    assertThat(operator.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(operator.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(operator.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(deployment.getSpec().getTemplate().getSpec().getServiceAccountName())
        .isEqualTo(Chart.ofType(objects, ServiceAccount.class).get(0).getMetadata().getName());

    Service metrics = Chart.ofType(objects, Service.class).get(0);
    assertThat(metrics.getSpec().getPorts()).singleElement().satisfies(p -> assertThat(p.getName()).isEqualTo("metrics"));
    assertThat(metrics.getSpec().getSelector()).isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
    assertThat(Chart.ofType(objects, Role.class)).singleElement().satisfies(r -> assertThat(r.getRules())
        .singleElement().satisfies(rule -> assertThat(rule.getResources()).containsExactly("leases")));
  }

  @Test
  void theOperatorPodRunsAsTheImagesNonRootUserOnAReadOnlyRootWithoutPrivilegesOrCapabilities() throws Exception {
    Deployment deployment = Chart.ofType(Chart.objects(Chart.renderDefault()), Deployment.class).get(0);
    var pod = deployment.getSpec().getTemplate().getSpec();
    // The user the image is built with (operator/pom.xml, Jib's container.user).
    java.util.regex.Matcher user = java.util.regex.Pattern.compile("<user>(\\d+):(\\d+)</user>")
        .matcher(Files.readString(Chart.dir().resolve("../../operator/pom.xml")));
    assertThat(user.find()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(Long.parseLong(user.group(1))).isNotZero();
    assertThat(pod.getSecurityContext().getRunAsGroup()).isEqualTo(Long.parseLong(user.group(2)));
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    Container operator = pod.getContainers().get(0);
    assertThat(operator.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(operator.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(operator.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(operator.getSecurityContext().getCapabilities().getAdd()).isNullOrEmpty();
    // The JVM's only writable place (java.io.tmpdir, hsperfdata): an emptyDir at /tmp.
    assertThat(operator.getVolumeMounts()).singleElement().satisfies(m -> {
      assertThat(m.getMountPath()).isEqualTo("/tmp");
      assertThat(pod.getVolumes()).filteredOn(v -> v.getName().equals(m.getName()))
          .singleElement().satisfies(v -> assertThat(v.getEmptyDir()).isNotNull());
    });
    assertThat(operator.getEnv().get(0).getValue()).contains("-Djava.io.tmpdir=/tmp");
  }

  @Test
  void theCrdShippedWithTheChartIsTheGeneratedOne() throws Exception {
    String shipped = Files.readString(Chart.dir().resolve("crds/cassandraclusters.ringkeeper.io-v1.yml"));
    String generated = Files.readString(Chart.dir().resolve("../../crds/cassandraclusters.ringkeeper.io-v1.yml"));
    assertThat(shipped).isEqualTo(generated);
    CustomResourceDefinition crd = Serialization.unmarshal(shipped,
        CustomResourceDefinition.class);
    assertThat(crd.getSpec().getGroup()).isEqualTo("ringkeeper.io");
  }

  @Test
  void everyOptionalPartRendersWhenSwitchedOn() {
    List<HasMetadata> objects = Chart.objects(Chart.renderAllOn());
    assertThat(Chart.ofType(objects, ServiceMonitor.class)).singleElement().satisfies(sm -> {
      assertThat(sm.getMetadata().getLabels()).containsEntry("release", "prometheus");
      assertThat(sm.getSpec().getEndpoints()).singleElement().satisfies(e -> {
        assertThat(e.getPort()).isEqualTo("metrics");
        assertThat(e.getPath()).isEqualTo("/metrics");
      });
    });
    assertThat(Chart.ofType(objects, PrometheusRule.class)).singleElement().satisfies(rule -> assertThat(
        rule.getSpec().getGroups().stream().flatMap(g -> g.getRules().stream()).map(r -> r.getAlert()))
        .contains("CassandraNodeDown", "CassandraClusterDegraded", "CassandraRepairOverdue", "CassandraRingSpreadHigh",
            "CassandraHighReadLatency", "CassandraHighWriteLatency", "CassandraPendingCompactions"));
    // watchNamespaces: a Role per namespace and nothing cluster-wide.
    assertThat(Chart.ofType(objects, ClusterRole.class)).isEmpty();
    assertThat(Chart.ofType(objects, ClusterRoleBinding.class)).isEmpty();
    assertThat(Chart.ofType(objects, Role.class)).extracting(r -> r.getMetadata().getNamespace())
        .containsExactlyInAnyOrder("team-a", "team-b", Chart.NAMESPACE);
    assertThat(Chart.ofType(objects, RoleBinding.class)).extracting(r -> r.getMetadata().getNamespace())
        .containsExactlyInAnyOrder("team-a", "team-b", Chart.NAMESPACE);
    Container operator = Chart.ofType(objects, Deployment.class).get(0).getSpec().getTemplate().getSpec()
        .getContainers().get(0);
    assertThat(operator.getArgs()).contains("--namespaces=team-a,team-b", "--resync-interval=10m");
    assertThat(Chart.ofType(objects, ConfigMap.class)).allSatisfy(cm ->
        assertThat(cm.getMetadata().getNamespace()).isEqualTo("monitoring"));
  }

  @Test
  void thereAreThreeGrafanaDashboardsLabelledForTheSidecar() throws Exception {
    List<ConfigMap> dashboards = Chart.ofType(Chart.objects(Chart.renderDefault()), ConfigMap.class);
    assertThat(dashboards).hasSize(3).allSatisfy(cm -> {
      assertThat(cm.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
      assertThat(cm.getData()).hasSize(1);
    });
    ObjectMapper json = new ObjectMapper();
    Map<String, String> titles = new java.util.TreeMap<>();
    for (ConfigMap cm : dashboards) {
      JsonNode dashboard = json.readTree(cm.getData().values().iterator().next());
      titles.put(dashboard.get("uid").asText(), dashboard.get("title").asText());
      assertThat(dashboard.get("panels")).isNotEmpty();
      dashboard.get("panels").forEach(p -> assertThat(p.get("targets")).isNotEmpty());
    }
    assertThat(titles).containsOnlyKeys("ringkeeper-cluster-overview", "ringkeeper-node-health",
        "ringkeeper-repair-operations");
  }

  @Test
  void twoReplicasWithoutLeaderElectionAreRefusedWithTheReason() {
    assertThatThrownBy(() -> Chart.render(t -> t.set("leaderElection.enabled", "false")))
        .hasMessageContaining("replicaCount > 1 needs leaderElection.enabled=true");
    List<HasMetadata> single = Chart.objects(Chart.render(t -> t.set("leaderElection.enabled", "false")
        .set("replicaCount", "1")));
    Container operator = Chart.ofType(single, Deployment.class).get(0).getSpec().getTemplate().getSpec()
        .getContainers().get(0);
    assertThat(operator.getArgs()).contains("--no-leader-election");
    assertThat(Chart.ofType(single, Role.class)).isEmpty();
  }
}
