package io.ringkeeper.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.ringkeeper.operator.domain.model.NodeId;
import io.ringkeeper.operator.resources.CassandraYaml;
import io.ringkeeper.operator.resources.Labels;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The chart's optional NetworkPolicies (networkPolicy.enabled): CQL from networkPolicy.cqlFrom (anyone when empty),
 * the storage port only from Ringkeeper's Cassandra pods, the agent port only from those and the operator's pods;
 * the operator's HTTP port from networkPolicy.metricsFrom. The selectors are checked against the labels the operator
 * really puts on its pods (resources/Labels) and the chart's Deployment.
 */
class NetworkPolicyChartTest {
  static final Map<String, String> NODE_POD = Labels.node(new NodeId("orders", "dc1", "r1", 0), true);
  static final Map<String, String> OTHER_NODE_POD = Labels.node(new NodeId("payments", "eu", "r2", 3), false);

  static List<HasMetadata> render(UnaryOperator<com.marcnuri.helm.TemplateCommand> settings) {
    return Chart.objects(Chart.render(settings));
  }

  static List<HasMetadata> enabled() {
    return render(t -> t.set("networkPolicy.enabled", "true").set("watchNamespaces[0]", "db"));
  }

  static NetworkPolicy policy(List<HasMetadata> objects, String suffix, String namespace) {
    return Chart.ofType(objects, NetworkPolicy.class).stream()
        .filter(p -> p.getMetadata().getName().equals(Chart.RELEASE + "-" + suffix)
            && p.getMetadata().getNamespace().equals(namespace))
        .findFirst().orElseThrow(() -> new AssertionError("no NetworkPolicy " + suffix + " in " + namespace));
  }

  static NetworkPolicyIngressRule ruleFor(NetworkPolicy policy, int port) {
    List<NetworkPolicyIngressRule> rules = policy.getSpec().getIngress().stream()
        .filter(r -> r.getPorts().stream().map(NetworkPolicyPort::getPort).anyMatch(p -> p.getIntVal() == port))
        .toList();
    assertThat(rules).as("rules for port " + port).hasSize(1);
    return rules.get(0);
  }

  /** Whether a selector (matchLabels only, as the chart writes them) selects these labels. */
  static boolean selects(LabelSelector selector, Map<String, String> labels) {
    assertThat(selector.getMatchExpressions()).isNullOrEmpty();
    return labels.entrySet().containsAll(selector.getMatchLabels().entrySet());
  }

  static Map<String, String> operatorPod(List<HasMetadata> objects) {
    return Chart.ofType(objects, Deployment.class).get(0).getSpec().getTemplate().getMetadata().getLabels();
  }

  /** A peer admits a pod of this namespace with these labels (namespaces carry kubernetes.io/metadata.name). */
  static boolean admits(NetworkPolicyPeer peer, String policyNamespace, String podNamespace,
      Map<String, String> labels) {
    assertThat(peer.getIpBlock()).isNull();
    boolean namespaceOk = peer.getNamespaceSelector() == null ? podNamespace.equals(policyNamespace)
        : selects(peer.getNamespaceSelector(), Map.of("kubernetes.io/metadata.name", podNamespace));
    boolean podOk = peer.getPodSelector() == null || selects(peer.getPodSelector(), labels);
    return namespaceOk && podOk;
  }

  static boolean admitted(NetworkPolicyIngressRule rule, String policyNamespace, String podNamespace,
      Map<String, String> labels) {
    return rule.getFrom().stream().anyMatch(peer -> admits(peer, policyNamespace, podNamespace, labels));
  }

  @Test
  void noNetworkPolicyIsRenderedByDefault() {
    assertThat(Chart.ofType(Chart.objects(Chart.renderDefault()), NetworkPolicy.class)).isEmpty();
    assertThat(Chart.ofType(render(t -> t.set("watchNamespaces[0]", "db")), NetworkPolicy.class)).isEmpty();
  }

  @Test
  void theCassandraPolicySelectsEveryPodTheOperatorManagesAndNothingElse() {
    List<HasMetadata> objects = enabled();
    NetworkPolicy cassandra = policy(objects, "cassandra", "db");
    LabelSelector selector = cassandra.getSpec().getPodSelector();
    assertThat(selects(selector, NODE_POD)).isTrue();
    assertThat(selects(selector, OTHER_NODE_POD)).as("a node of another cluster").isTrue();
    assertThat(selects(selector, Labels.component("orders", "config"))).as("not a node pod").isFalse();
    assertThat(selects(selector, operatorPod(objects))).isFalse();
    assertThat(selects(selector, Map.of("app", "web"))).isFalse();
    assertThat(cassandra.getSpec().getPolicyTypes()).as("egress is not restricted").containsExactly("Ingress");
  }

  @Test
  void cqlIsOpenToAnyoneUnlessCqlFromNamesWho() {
    NetworkPolicyIngressRule open = ruleFor(policy(enabled(), "cassandra", "db"),
        CassandraYaml.NATIVE_TRANSPORT_PORT);
    assertThat(open.getFrom()).as("no from: every source").isNullOrEmpty();

    NetworkPolicyIngressRule limited = ruleFor(policy(render(t -> t.set("networkPolicy.enabled", "true")
            .set("watchNamespaces[0]", "db")
            .set("networkPolicy.cqlFrom[0].podSelector.matchLabels.app", "orders-api")
            .set("networkPolicy.cqlFrom[1].ipBlock.cidr", "10.20.0.0/16")), "cassandra", "db"),
        CassandraYaml.NATIVE_TRANSPORT_PORT);
    assertThat(limited.getFrom()).hasSize(2);
    assertThat(limited.getFrom().get(0).getPodSelector().getMatchLabels()).isEqualTo(Map.of("app", "orders-api"));
    assertThat(limited.getFrom().get(1).getIpBlock().getCidr()).isEqualTo("10.20.0.0/16");
  }

  @Test
  void theStoragePortAdmitsOnlyRingkeepersCassandraPodsOfTheSameNamespace() {
    List<HasMetadata> objects = enabled();
    NetworkPolicyIngressRule storage = ruleFor(policy(objects, "cassandra", "db"), CassandraYaml.STORAGE_PORT);
    assertThat(admitted(storage, "db", "db", NODE_POD)).isTrue();
    assertThat(admitted(storage, "db", "other", NODE_POD)).as("a node pod of another namespace").isFalse();
    assertThat(admitted(storage, "db", "db", Map.of("app", "web"))).isFalse();
    assertThat(admitted(storage, "db", Chart.NAMESPACE, operatorPod(objects))).as("the operator").isFalse();
  }

  @Test
  void theAgentPortAdmitsOnlyTheOperatorsPodsAndTheCassandraPods() {
    List<HasMetadata> objects = render(t -> t.set("networkPolicy.enabled", "true").set("watchNamespaces[0]", "db")
        .set("operator.agentPort", "9778"));
    NetworkPolicy cassandra = policy(objects, "cassandra", "db");
    NetworkPolicyIngressRule agent = ruleFor(cassandra, 9778);
    assertThat(admitted(agent, "db", Chart.NAMESPACE, operatorPod(objects))).as("the operator").isTrue();
    assertThat(admitted(agent, "db", "db", NODE_POD)).isTrue();
    assertThat(admitted(agent, "db", "db", operatorPod(objects))).as("operator labels in another namespace")
        .isFalse();
    assertThat(admitted(agent, "db", "db", Map.of("app", "web"))).isFalse();
    assertThat(admitted(agent, "db", "elsewhere", Map.of("app", "web"))).isFalse();
    assertThat(cassandra.getSpec().getIngress()).as("CQL, storage, agent and nothing else").hasSize(3);
  }

  @Test
  void theOperatorsPolicyAdmitsItsHttpPortFromMetricsFromOrAnyone() {
    List<HasMetadata> objects = enabled();
    NetworkPolicy operator = policy(objects, "operator", Chart.NAMESPACE);
    assertThat(selects(operator.getSpec().getPodSelector(), operatorPod(objects))).isTrue();
    assertThat(selects(operator.getSpec().getPodSelector(), NODE_POD)).isFalse();
    assertThat(operator.getSpec().getPolicyTypes()).containsExactly("Ingress");
    assertThat(operator.getSpec().getIngress()).singleElement().satisfies(rule -> {
      assertThat(rule.getPorts()).singleElement().satisfies(p -> assertThat(p.getPort().getIntVal()).isEqualTo(8080));
      assertThat(rule.getFrom()).isNullOrEmpty();
    });

    NetworkPolicy scraped = policy(render(t -> t.set("networkPolicy.enabled", "true").set("watchNamespaces[0]", "db")
        .set("networkPolicy.metricsFrom[0].namespaceSelector.matchLabels.kubernetes\\.io/metadata\\.name",
            "monitoring")), "operator", Chart.NAMESPACE);
    NetworkPolicyIngressRule rule = scraped.getSpec().getIngress().get(0);
    assertThat(admitted(rule, Chart.NAMESPACE, "monitoring", Map.of("app", "prometheus"))).isTrue();
    assertThat(admitted(rule, Chart.NAMESPACE, "db", Map.of("app", "prometheus"))).isFalse();
  }

  @Test
  void eachNamespaceOfTheClustersGetsTheCassandraPolicy() {
    List<HasMetadata> fromWatch = render(t -> t.set("networkPolicy.enabled", "true")
        .set("watchNamespaces[0]", "team-a").set("watchNamespaces[1]", "team-b"));
    assertThat(Chart.ofType(fromWatch, NetworkPolicy.class)).extracting(p -> p.getMetadata().getNamespace() + "/"
        + p.getMetadata().getName()).containsExactlyInAnyOrder("team-a/ringkeeper-cassandra",
            "team-b/ringkeeper-cassandra", Chart.NAMESPACE + "/ringkeeper-operator");
    List<HasMetadata> listed = render(t -> t.set("networkPolicy.enabled", "true")
        .set("networkPolicy.namespaces[0]", "db"));
    assertThat(Chart.ofType(listed, NetworkPolicy.class)).extracting(p -> p.getMetadata().getNamespace())
        .containsExactlyInAnyOrder("db", Chart.NAMESPACE);
  }

  @Test
  void enabledWhileTheOperatorWatchesEveryNamespaceAsksForTheNamespaces() {
    assertThatThrownBy(() -> Chart.render(t -> t.set("networkPolicy.enabled", "true")))
        .hasMessageContaining("networkPolicy.enabled needs the namespaces of your Cassandra clusters")
        .hasMessageContaining("networkPolicy.namespaces");
  }

  @Test
  void everyPolicyIsATypedNetworkPolicyWithOnlyFieldsTheKubernetesSchemaKnows() {
    List<HasMetadata> objects = new ArrayList<>(Chart.objects(Chart.renderAllOn()));
    objects.addAll(render(t -> t.set("networkPolicy.enabled", "true").set("watchNamespaces[0]", "db")
        .set("networkPolicy.cqlFrom[0].namespaceSelector.matchLabels.team", "orders")
        .set("networkPolicy.cqlFrom[0].podSelector.matchLabels.app", "api")));
    List<NetworkPolicy> policies = Chart.ofType(objects, NetworkPolicy.class);
    assertThat(policies).hasSizeGreaterThanOrEqualTo(4);
    for (NetworkPolicy policy : policies) {
      assertThat(unknownFields(policy, "")).as(policy.getMetadata().getName()).isEmpty();
      assertThat(policy.getSpec().getIngress()).allSatisfy(rule -> assertThat(rule.getPorts())
          .allSatisfy(port -> assertThat(port.getProtocol()).isEqualTo("TCP")));
    }
    // Proof that the walk sees an unknown field at all.
    NetworkPolicy typo = policies.get(0);
    typo.getSpec().getIngress().get(0).setAdditionalProperty("form", List.of());
    assertThat(unknownFields(typo, "")).containsExactly(".spec.ingress[0].form");
  }

  /**
   * Fields a fabric8 model object holds that its Kubernetes type does not declare (fabric8 keeps them as
   * additionalProperties instead of failing), by path.
   */
  static List<String> unknownFields(Object object, String path) {
    List<String> unknown = new ArrayList<>();
    if (object == null || !object.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
      return unknown;
    }
    for (Method getter : object.getClass().getMethods()) {
      if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get")
          || getter.getDeclaringClass() == Object.class) {
        continue;
      }
      Object value;
      try {
        value = getter.invoke(object);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
      String field = path + "." + Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
      if (getter.getName().equals("getAdditionalProperties")) {
        ((Map<?, ?>) value).keySet().forEach(key -> unknown.add(path + "." + key));
      } else if (value instanceof Collection<?> list) {
        int i = 0;
        for (Object item : list) {
          unknown.addAll(unknownFields(item, field + "[" + i++ + "]"));
        }
      } else {
        unknown.addAll(unknownFields(value, field));
      }
    }
    return unknown;
  }
}
