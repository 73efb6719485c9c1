package io.ringkeeper.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.ClusterPhase;
import io.ringkeeper.api.v1alpha1.PodTemplate;
import io.ringkeeper.local.LocalEnvironment;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * spec.podTemplate on a real node in local mode (one node on 127.70.0.1): the template lands on the pod, its
 * sidecar is left out with a NotRunLocally event while Cassandra runs, an owned-field override is refused with the
 * field (at the door by the CRD's CEL rules, or by the operator) while the node keeps running untouched, and a
 * changed template rolls the node with its data kept.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PodTemplateE2E {
  static final String NAMESPACE = "default";
  static final String CLUSTER = "pt";
  static final String NODE = "pt-dc1-rack1-0";
  static final String MANIFEST = """
      apiVersion: ringkeeper.io/v1alpha1
      kind: CassandraCluster
      metadata: {name: pt}
      spec:
        cassandraVersion: "5.0.9"
        datacenters: [{name: dc1, replicationFactor: 1, size: 1}]
        storage: {size: 1Gi}
        jvm: {heapSize: 256Mi}
        podTemplate:
          labels: {team: payments}
          volumes: [{name: extra, emptyDir: {}}]
          volumeMounts: [{name: extra, mountPath: /var/log/extra}]
          containers:
            - {name: log-shipper, image: fluent/fluent-bit:3.0, volumeMounts: [{name: extra, mountPath: /logs}]}
      """;
  static LocalEnvironment env;
  static final E2eSupport.Phases PHASES = new E2eSupport.Phases("PodTemplateE2E");

  @BeforeAll
  static void start() throws Exception {
    env = LocalEnvironment.builder(E2eSupport.freshWorkDir("pod-template"))
        .addressBase("127.70.0.0")
        .apiPort(Integer.getInteger("ringkeeper.e2e.podtemplate.port", 39520))
        .stopGrace(Duration.ofSeconds(20))
        .start();
    env.applyYaml(MANIFEST);
    env.awaitReady(NAMESPACE, CLUSTER, Duration.ofMinutes(5));
    PHASES.done("one node with a pod template -> Ready");
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  private static Pod pod() {
    return env.client().pods().inNamespace(NAMESPACE).withName(NODE).get();
  }

  private static List<Event> events(String reason) {
    return env.client().v1().events().inNamespace(NAMESPACE).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason())).toList();
  }

  private static void setTemplate(String yaml) {
    env.client().resources(CassandraCluster.class).inNamespace(NAMESPACE).withName(CLUSTER).edit(c -> {
      c.getSpec().setPodTemplate(Serialization.unmarshal(yaml, PodTemplate.class));
      return c;
    });
  }

  @Test
  @Order(1)
  void theTemplateIsOnThePodAndTheSidecarIsLeftOutWithAWarningWhileCassandraRuns() throws Exception {
    Pod pod = pod();
    assertThat(pod.getMetadata().getLabels()).containsEntry("team", "payments");
    assertThat(pod.getSpec().getContainers()).extracting(Container::getName).containsExactly("cassandra",
        "log-shipper");
    assertThat(events("NotRunLocally")).anySatisfy(e -> {
      assertThat(e.getType()).isEqualTo("Warning");
      assertThat(e.getInvolvedObject().getName()).isEqualTo(NODE);
      assertThat(e.getMessage()).contains("container log-shipper (image fluent/fluent-bit:3.0) is not run");
    });
    try (CqlSession session = E2eSupport.cql(env, NAMESPACE, CLUSTER, address(), "dc1")) {
      session.execute("CREATE KEYSPACE IF NOT EXISTS pt WITH replication = {'class': 'NetworkTopologyStrategy',"
          + " 'dc1': 1}");
      session.execute("CREATE TABLE IF NOT EXISTS pt.kv (k int PRIMARY KEY, v text)");
      session.execute("INSERT INTO pt.kv (k, v) VALUES (1, 'kept')");
    }
    PHASES.done("template on the pod, sidecar reported, a row written");
  }

  @Test
  @Order(2)
  void anOwnedOverrideIsRefusedWithTheFieldAtTheDoorOrByTheOperatorAndTheNodeKeepsRunning() throws Exception {
    String uid = pod().getMetadata().getUid();
    // What the CRD's CEL rules can see is refused at the door (422), and nothing is stored.
    assertThatThrownBy(() -> setTemplate("volumes: [{name: data, emptyDir: {}}]"))
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec.podTemplate.volumes")
        .hasMessageContaining("the volumes data, config, agent, agent-token and tls are the operator's");
    // The rest by the operator: Valid=False naming the field.
    setTemplate("labels: {team: payments}\nvolumes: [{name: extra, emptyDir: {}}]\n"
        + "volumeMounts: [{name: extra, mountPath: /var/lib/cassandra/data}]");
    CassandraCluster invalid = env.await(NAMESPACE, CLUSTER, c -> LocalEnvironment.phaseIs(c, ClusterPhase.Invalid),
        Duration.ofSeconds(60), "Invalid");
    assertThat(invalid.getStatus().getConditions()).anySatisfy(c -> {
      assertThat(c.getType()).isEqualTo("Valid");
      assertThat(c.getStatus()).isEqualTo("False");
      assertThat(c.getMessage()).contains("spec.podTemplate.volumeMounts[0].mountPath: \"/var/lib/cassandra/data\""
          + " is at or under /var/lib/cassandra, where the operator mounts the node's data; mount the volume elsewhere");
    });
    await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10))
        .until(() -> uid.equals(pod().getMetadata().getUid()));
    PHASES.done("owned override refused, pod untouched");
  }

  @Test
  @Order(3)
  void aChangedTemplateRollsTheNodeAndItsDataIsKept() throws Exception {
    String uid = pod().getMetadata().getUid();
    setTemplate("labels: {team: payments, tier: db}\nvolumes: [{name: extra, emptyDir: {}}]\n"
        + "volumeMounts: [{name: extra, mountPath: /var/log/extra}]");
    env.await(NAMESPACE, CLUSTER, c -> LocalEnvironment.isReady(c) && pod() != null
        && !uid.equals(pod().getMetadata().getUid()) && "db".equals(pod().getMetadata().getLabels().get("tier")),
        Duration.ofMinutes(4), "Ready on a new pod with label tier=db");
    assertThat(pod().getSpec().getContainers()).extracting(Container::getName).containsExactly("cassandra");
    try (CqlSession session = E2eSupport.cql(env, NAMESPACE, CLUSTER, address(), "dc1")) {
      Row row = session.execute("SELECT v FROM pt.kv WHERE k = 1").one();
      assertThat(row).isNotNull();
      assertThat(row.getString("v")).isEqualTo("kept");
    }
    PHASES.done("changed template rolled the node, row read back");
  }

  private static String address() {
    return env.get(NAMESPACE, CLUSTER).getStatus().getNodes().get(0).getPodIP();
  }
}
