package io.ringkeeper.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.ClusterPhase;
import io.ringkeeper.operator.node.ClusterKey;
import io.ringkeeper.operator.node.JobKind;
import io.ringkeeper.operator.node.KeyspaceInfo;
import io.ringkeeper.operator.resources.Labels;
import io.ringkeeper.operator.server.HealthServer;
import io.ringkeeper.operator.testing.MockKube;
import io.ringkeeper.operator.testing.OperatorHarness;
import io.ringkeeper.operator.testing.PrometheusText;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chart against what the operator really does. The operator (as Main wires it, leader election on) runs a
 * cluster's life against the mock API server with the fake node fleet: create, Ready, a repair recorded in status,
 * delete with {@code reclaim: Delete}, graceful stop. Every request it sends is recorded, and every metric it
 * exports is scraped over HTTP. Then: the chart's RBAC must grant exactly those API calls, and every metric its
 * dashboards and alerts use must be in that scrape.
 */
class OperatorContractTest {
  static final String LEASE_NAMESPACE = Chart.NAMESPACE;

  /** Calls every authenticated user may make (the system:basic-user ClusterRole), so the chart grants none. */
  static final Set<String> GRANTED_TO_EVERYONE = Set.of("authorization.k8s.io/selfsubjectrulesreviews:create");
  /**
   * Permissions the API server checks without a request of their own: setting an owner reference with
   * blockOwnerDeletion on the cluster's objects needs update on its finalizers (OwnerReferencesPermissionEnforcement).
   */
  static final Set<String> NEEDED_WITHOUT_A_CALL = Set.of("ringkeeper.io/cassandraclusters/finalizers:update");
  /**
   * Calls on paths this scenario does not reach, each named with its code: EventRecorder.record counts a
   * recurring event with a merge patch, and after an operator restart (HTTP 409 on create) reads the event first.
   */
  static final Set<String> ON_PATHS_NOT_REACHED = Set.of("/events:patch", "/events:get");

  static final String CLUSTER = """
      apiVersion: ringkeeper.io/v1alpha1
      kind: CassandraCluster
      metadata: {name: contract}
      spec:
        datacenters:
          - name: dc1
            replicationFactor: 3
            size: 3
            racks: [{name: r1}, {name: r2}, {name: r3}]
        storage: {size: 1Gi, reclaim: Delete}
        auth:
          roles: [{name: contract_app, secretRef: contract-app}]
      """;

  static Set<String> calls;
  static PrometheusText scrape;

  @BeforeAll
  static void runTheOperatorThroughAClustersLife() throws Exception {
    try (OperatorHarness harness = OperatorHarness.start(OperatorHarness.testConfig()
        .withLeaderElection(true, LEASE_NAMESPACE))) {
      HealthServer server = new HealthServer(0, () -> true, () -> harness.operator().metrics().scrape()).start();
      try {
        String ns = harness.kube().freshNamespace("contract");
        // A user's Secret for spec.auth.roles: read by name once, then labelled for the informer.
        harness.admin().resource(new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata()
            .withName("contract-app").withNamespace(ns).endMetadata()
            .addToData("password", java.util.Base64.getEncoder().encodeToString("app".getBytes())).build()).create();
        harness.create(ns, CLUSTER);
        harness.awaitCluster(ns, "contract", Duration.ofSeconds(120),
            c -> c.getStatus() != null && c.getStatus().getPhase() == ClusterPhase.Ready);
        tamperWithEveryObjectKind(harness, ns);
        scaleUpAndBackDown(harness, ns);
        // A real repair run (annotation), scraped while it runs and again once it completed: the series of both.
        requestARepair(harness, ns);
        String during = awaitSeries(server, "ringkeeper_cluster_repair_progress_ratio", harness, ns);
        String after = awaitSeries(server, "ringkeeper_cluster_repair_since_last_completed_seconds", harness, ns);
        scrape = PrometheusText.parse(during + "\n" + after);

        harness.admin().resources(CassandraCluster.class).inNamespace(ns).withName("contract").delete();
        await().atMost(Duration.ofSeconds(60)).until(() -> harness.get(ns, "contract") == null);
      } finally {
        server.close();
      }
      harness.stopOperator(); // hands the Lease back: a call of its own
      calls = new TreeSet<>();
      for (MockKube.Request request : harness.kube().requests(r -> r.userAgent().equals(MockKube.OPERATOR_AGENT))) {
        calls.add(ApiCall.of(request.method(), request.path()));
      }
      Files.write(Path.of("target/operator-api-calls.txt"), calls);
    }
  }

  /**
   * Day-2 calls: a scale-up to 4 nodes, then back to 3 (decommission, then the pod and, with reclaim Delete, its
   * volume are deleted).
   */
  private static void scaleUpAndBackDown(OperatorHarness harness, String ns) {
    for (int size : new int[] {4, 3}) {
      harness.admin().resources(CassandraCluster.class).inNamespace(ns).withName("contract").edit(c -> {
        c.getSpec().getDatacenters().get(0).setSize(size);
        return c;
      });
      harness.awaitCluster(ns, "contract", Duration.ofSeconds(180), c -> c.getStatus() != null
          && c.getStatus().getOperation() == null && c.getStatus().getPhase() == ClusterPhase.Ready
          && c.getStatus().getNodes().size() == size
          && harness.admin().pods().inNamespace(ns).list().getItems().size() == size
          && harness.admin().persistentVolumeClaims().inNamespace(ns).list().getItems().size() == size);
    }
  }

  /**
   * Someone edits a label the operator owns on one object of every kind it manages; the operator puts it back,
   * which is its patch of each kind.
   */
  private static void tamperWithEveryObjectKind(OperatorHarness harness, String ns) {
    var admin = harness.admin();
    List<HasMetadata> victims = new ArrayList<>();
    victims.add(admin.pods().inNamespace(ns).list().getItems().get(0));
    victims.add(admin.persistentVolumeClaims().inNamespace(ns).list().getItems().get(0));
    victims.add(admin.services().inNamespace(ns).list().getItems().get(0));
    victims.add(admin.configMaps().inNamespace(ns).list().getItems().get(0));
    victims.add(admin.secrets().inNamespace(ns).withName("contract-agent-token").get()); // not the user's Secret
    victims.add(admin.policy().v1().podDisruptionBudget().inNamespace(ns).list().getItems().get(0));
    for (HasMetadata victim : victims) {
      admin.resource(victim).edit(o -> {
        o.getMetadata().getLabels().put(Labels.COMPONENT, "tampered");
        return o;
      });
    }
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(victims).allSatisfy(v ->
        assertThat(admin.resource(v).get().getMetadata().getLabels().get(Labels.COMPONENT))
            .as(v.getKind()).isNotEqualTo("tampered")));
  }

  private static Object repairOf(OperatorHarness harness, String ns) {
    // A status-only change starts no reconcile (JOSDK filters by generation); the repair engine writes this
    // status from inside a reconcile, so ask for one as that would.
    harness.operator().reconciler().requestReconcile(new ClusterKey(ns, "contract"));
    return io.fabric8.kubernetes.client.utils.Serialization.asJson(harness.get(ns, "contract").getStatus()
        .getRepair());
  }

  /**
   * A keyspace with RF 3 on the fake nodes, repair segments that take a moment, and the on-demand annotation: the
   * repair engine plans and runs a real run.
   */
  private static void requestARepair(OperatorHarness harness, String ns) {
    harness.fleet().jobs().keyspaces(List.of(
        new KeyspaceInfo("orders", false, "NetworkTopologyStrategy", Map.of("dc1", 3), List.of("o"), 864000),
        new KeyspaceInfo("system_auth", true, "SimpleStrategy", Map.of("*", 1), List.of("roles"), 0)));
    harness.fleet().jobs().duration(JobKind.REPAIR, Duration.ofMillis(150));
    harness.admin().resources(CassandraCluster.class).inNamespace(ns).withName("contract").edit(c -> {
      if (c.getMetadata().getAnnotations() == null) {
        c.getMetadata().setAnnotations(new java.util.HashMap<>());
      }
      c.getMetadata().getAnnotations().put(Labels.REPAIR_REQUEST, Instant.now().toString());
      return c;
    });
  }

  private static String awaitSeries(HealthServer server, String series, OperatorHarness harness, String ns) {
    String[] text = new String[1];
    await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      text[0] = get(server);
      assertThat(PrometheusText.parse(text[0]).has(series)).as("%s; status.repair is %s", series,
          repairOf(harness, ns)).isTrue();
    });
    return text[0];
  }

  private static String get(HealthServer server) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
        + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  /** "group/resource[/subresource]:verb" of one request, as RBAC names it. */
  static final class ApiCall {
    static String of(String method, String path) {
      int query = path.indexOf('?');
      boolean watch = query >= 0 && path.substring(query).contains("watch=true");
      List<String> parts = new ArrayList<>(List.of((query >= 0 ? path.substring(0, query) : path).substring(1)
          .split("/")));
      String group;
      List<String> rest;
      if (parts.get(0).equals("api")) {
        group = "";
        rest = parts.subList(2, parts.size());
      } else {
        group = parts.get(1);
        rest = parts.subList(3, parts.size());
      }
      if (rest.size() >= 3 && rest.get(0).equals("namespaces")) {
        rest = rest.subList(2, rest.size());
      }
      String resource = rest.get(0) + (rest.size() >= 3 ? "/" + rest.get(2) : "");
      boolean named = rest.size() >= 2;
      String verb = switch (method) {
        case "GET" -> named ? "get" : watch ? "watch" : "list";
        case "POST" -> "create";
        case "PUT" -> "update";
        case "PATCH" -> "patch";
        case "DELETE" -> named ? "delete" : "deletecollection";
        default -> throw new IllegalArgumentException(method + " " + path);
      };
      return group + "/" + resource + ":" + verb;
    }
  }

  private static Set<String> granted(List<PolicyRule> rules) {
    Set<String> granted = new TreeSet<>();
    for (PolicyRule rule : rules) {
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          for (String verb : rule.getVerbs()) {
            granted.add(group + "/" + resource + ":" + verb);
          }
        }
      }
    }
    return granted;
  }

  @Test
  void theChartsRbacGrantsEveryApiCallTheOperatorMakesAndNothingMore() {
    List<HasMetadata> objects = Chart.objects(Chart.renderDefault());
    List<PolicyRule> rules = new ArrayList<>();
    Chart.ofType(objects, ClusterRole.class).forEach(r -> rules.addAll(r.getRules()));
    Chart.ofType(objects, Role.class).forEach(r -> rules.addAll(r.getRules()));
    Set<String> granted = granted(rules);

    Set<String> needed = new TreeSet<>(calls);
    needed.removeAll(GRANTED_TO_EVERYONE);
    assertThat(needed).as("API calls the operator made").isNotEmpty();
    assertThat(granted).as("RBAC rules of the chart, against the calls " + needed).containsAll(needed);
    Set<String> unused = new TreeSet<>(granted);
    unused.removeAll(needed);
    unused.removeAll(NEEDED_WITHOUT_A_CALL);
    unused.removeAll(ON_PATHS_NOT_REACHED);
    assertThat(unused).as("granted but never used by the operator (least privilege)").isEmpty();
  }

  @Test
  void theLeaseIsTheOnlyThingGrantedInTheOperatorsOwnNamespace() {
    List<HasMetadata> objects = Chart.objects(Chart.renderDefault());
    assertThat(granted(Chart.ofType(objects, Role.class).get(0).getRules()))
        .allMatch(g -> g.startsWith("coordination.k8s.io/leases:"));
    assertThat(calls).filteredOn(c -> c.startsWith("coordination.k8s.io/leases:")).isNotEmpty();
  }

  @Test
  void everyMetricInTheAlertsAndDashboardsIsInAScrapeOfTheOperatorAndDocumented() throws Exception {
    List<HasMetadata> objects = Chart.objects(Chart.renderAllOn());
    List<String> expressions = new ArrayList<>();
    Chart.ofType(objects, PrometheusRule.class).forEach(rule -> rule.getSpec().getGroups()
        .forEach(g -> g.getRules().forEach(r -> expressions.add(r.getExpr().getStrVal()))));
    ObjectMapper json = new ObjectMapper();
    for (ConfigMap cm : Chart.ofType(objects, ConfigMap.class)) {
      JsonNode dashboard = json.readTree(cm.getData().values().iterator().next());
      dashboard.findValues("expr").forEach(e -> expressions.add(e.asText()));
      dashboard.get("templating").get("list").forEach(v -> {
        if (v.has("definition")) {
          expressions.add(v.get("definition").asText());
        }
      });
    }
    assertThat(expressions).hasSizeGreaterThan(30);

    Set<String> used = new TreeSet<>();
    expressions.forEach(e -> used.addAll(MetricNames.in(e)));
    assertThat(used).contains("ringkeeper_node_up", "ringkeeper_node_read_latency_seconds",
        "ringkeeper_cluster_repair_since_last_completed_seconds", "ringkeeper_cluster_ring_ownership_spread_ratio");
    String docs = Files.readString(docsMetrics());
    assertThat(used).allSatisfy(name -> {
      assertThat(scrape.has(name)).as(name + " in a scrape of the operator").isTrue();
      assertThat(docs).as(name + " in docs/metrics.md").contains("`" + MetricNames.family(name) + "`");
    });
  }

  private static Path docsMetrics() {
    Path docs = Path.of("../docs/metrics.md");
    return Files.exists(docs) ? docs : Path.of("docs/metrics.md");
  }

  /** Metric names in a PromQL expression (or a Grafana label_values() query). */
  static final class MetricNames {
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Set<String> PROMQL = Set.of("by", "on", "without", "ignoring", "group_left",
        "group_right", "and", "or", "unless", "bool", "offset", "sum", "max", "min", "avg", "count", "rate",
        "increase", "irate", "delta", "histogram_quantile", "label_values", "vector", "absent", "topk",
        "bottomk", "quantile", "stddev", "time", "clamp_min", "clamp_max", "max_over_time", "min_over_time",
        "avg_over_time");

    static Set<String> in(String expression) {
      String e = expression
          .replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")            // strings
          .replaceAll("\\{[^}]*}", "")                              // label matchers
          .replaceAll("\\[[^]]*]", "")                              // range durations
          .replaceAll("\\b(by|on|without|ignoring|group_left|group_right)\\s*\\([^)]*\\)", "")
          .replaceAll("label_values\\(([^,)]*),[^)]*\\)", "$1");    // label_values(metric, label)
      Set<String> names = new TreeSet<>();
      Matcher m = IDENTIFIER.matcher(e);
      while (m.find()) {
        String token = m.group();
        boolean number = m.start() > 0 && Character.isDigit(e.charAt(m.start() - 1));
        if (!PROMQL.contains(token) && !number && !token.startsWith("$")) {
          names.add(token);
        }
      }
      return names;
    }

    /** The documented family of a sample name (histogram and counter suffixes removed). */
    static String family(String name) {
      return name.replaceAll("_(bucket|count|sum|max)$", "");
    }
  }

  @Test
  void metricNamesAreFoundInPromql() {
    assertThat(MetricNames.in("histogram_quantile(0.99, sum by (le) (rate(a_b_bucket{x=\"1\"}[5m])))"))
        .containsExactly("a_b_bucket");
    assertThat(MetricNames.in("max by (namespace) (x_up) == 0 and on (namespace) max by (n) (y) > 1.25"))
        .containsExactly("x_up", "y");
    assertThat(MetricNames.in("label_values(m{namespace=~\"$namespace\"}, cluster)")).containsExactly("m");
  }
}
