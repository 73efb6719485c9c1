package io.ringkeeper.operator.reconciler.validate;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A pod template may add to the pods but never change what the operator owns; each refusal names the field. */
class PodTemplateRulesTest {
  private static final int AGENT_PORT = 8778;

  private static List<Problem> problems(String template) {
    CassandraCluster cr = Serialization.unmarshal("""
        apiVersion: ringkeeper.io/v1alpha1
        kind: CassandraCluster
        metadata: {name: orders, namespace: db}
        spec:
          datacenters: [{name: eu, replicationFactor: 1, size: 1}]
          podTemplate:
        """ + template.indent(4), CassandraCluster.class);
    return SpecValidator.validate(cr, Map.of(), AGENT_PORT);
  }

  private static void refused(String template, String field, String... words) {
    List<Problem> problems = problems(template);
    assertThat(problems).as(template).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo(field);
      assertThat(p.message()).contains(words);
    });
  }

  @Test
  void aTemplateThatOnlyAddsIsValid() {
    assertThat(problems("""
        labels: {team: payments, example.com/tier: db}
        annotations: {example.com/owner: payments}
        priorityClassName: cassandra-high
        serviceAccountName: cassandra
        securityContext: {runAsNonRoot: true}
        env: [{name: TZ, value: UTC}]
        volumes: [{name: logs, emptyDir: {}}]
        volumeMounts: [{name: logs, mountPath: /var/log/cassandra}]
        containers:
          - name: backup
            image: example.com/backup:1
            ports: [{containerPort: 9100}]
            volumeMounts: [{name: data, mountPath: /data, readOnly: true}, {name: logs, mountPath: /logs}]
        initContainers: [{name: prep, image: busybox}]
        topologySpreadConstraints:
          - {maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: ScheduleAnyway}
        """)).isEmpty();
  }

  @Test
  void aSidecarNamedLikeTheCassandraContainerIsRefused() {
    refused("containers: [{name: cassandra, image: busybox}]", "spec.podTemplate.containers[0].name",
        "\"cassandra\" is the name of the operator's Cassandra container", "choose another name");
  }

  @Test
  void anInitContainerNamedLikeTheAgentsIsRefused() {
    refused("initContainers: [{name: agent, image: busybox}]", "spec.podTemplate.initContainers[0].name",
        "agent init container");
  }

  @Test
  void twoContainersOfThePodCannotShareAName() {
    refused("initContainers: [{name: x, image: busybox}]\ncontainers: [{name: x, image: busybox}]",
        "spec.podTemplate.containers[0].name", "used by another container");
  }

  @Test
  void aSidecarWithoutAnImageIsRefused() {
    refused("containers: [{name: shipper}]", "spec.podTemplate.containers[0].image", "is missing");
  }

  @ParameterizedTest(name = "port {0}")
  @CsvSource({"7000", "9042", "8778"})
  void aSidecarCannotListenOnAPortOfTheCassandraContainer(int port) {
    refused("containers: [{name: s, image: busybox, ports: [{containerPort: " + port + "}]}]",
        "spec.podTemplate.containers[0].ports[0].containerPort", port + " is a port of the Cassandra container");
  }

  @Test
  void aVolumeNamedLikeTheDataVolumeIsRefused() {
    refused("volumes: [{name: logs, emptyDir: {}}, {name: data, emptyDir: {}}]", "spec.podTemplate.volumes[1].name",
        "\"data\" is the operator's data volume; choose another name");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"config, configuration volume", "agent, agent volume", "agent-token, agent token volume",
      "tls, TLS volume"})
  void everyOperatorVolumeNameIsRefused(String name, String what) {
    refused("volumes: [{name: " + name + ", emptyDir: {}}]", "spec.podTemplate.volumes[0].name", what);
  }

  @Test
  void aVolumeListedTwiceIsRefused() {
    refused("volumes: [{name: logs, emptyDir: {}}, {name: logs, emptyDir: {}}]", "spec.podTemplate.volumes[1].name",
        "listed twice");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"/var/lib/cassandra", "/var/lib/cassandra/", "/var/lib/cassandra/data", "/etc/ringkeeper/config",
      "/opt/ringkeeper-agent", "/etc/ringkeeper/agent", "/etc/ringkeeper/tls"})
  void aMountAtOrUnderAnOperatorMountIsRefused(String path) {
    refused("volumes: [{name: x, emptyDir: {}}]\nvolumeMounts: [{name: x, mountPath: \"" + path + "\"}]",
        "spec.podTemplate.volumeMounts[0].mountPath", "mount the volume elsewhere");
  }

  @Test
  void aMountAtTheDataPathSaysItIsTheNodesData() {
    refused("volumes: [{name: x, emptyDir: {}}]\nvolumeMounts: [{name: x, mountPath: /var/lib/cassandra}]",
        "spec.podTemplate.volumeMounts[0].mountPath", "the node's data");
  }

  @Test
  void aMountBesideTheDataPathIsAllowed() {
    assertThat(problems("volumes: [{name: x, emptyDir: {}}]\nvolumeMounts: [{name: x, mountPath: /var/lib/cassandra-x}]"))
        .isEmpty();
  }

  @Test
  void aMountOfAVolumeThePodDoesNotHaveIsRefused() {
    refused("volumeMounts: [{name: nope, mountPath: /x}]", "spec.podTemplate.volumeMounts[0].name",
        "\"nope\" is not a volume of the pod; add it to spec.podTemplate.volumes");
    refused("containers: [{name: s, image: busybox, volumeMounts: [{name: nope, mountPath: /x}]}]",
        "spec.podTemplate.containers[0].volumeMounts[0].name", "is not a volume of the pod");
  }

  @Test
  void aMountWithARelativePathIsRefused() {
    refused("volumes: [{name: x, emptyDir: {}}]\nvolumeMounts: [{name: x, mountPath: logs}]",
        "spec.podTemplate.volumeMounts[0].mountPath", "not an absolute path");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"POD_IP", "MAX_HEAP_SIZE", "HEAP_NEWSIZE", "JVM_EXTRA_OPTS"})
  void envOverridingAnOperatorVariableIsRefused(String name) {
    refused("env: [{name: " + name + ", value: x}]", "spec.podTemplate.env[0].name",
        "\"" + name + "\" is set by the operator", "spec.jvm");
  }

  @Test
  void anEnvVariableListedTwiceOrWithoutANameIsRefused() {
    refused("env: [{name: TZ, value: UTC}, {name: TZ, value: CET}]", "spec.podTemplate.env[1].name", "listed twice");
    refused("env: [{value: UTC}]", "spec.podTemplate.env[0].name", "is missing");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"ringkeeper.io/node", "ringkeeper.io/cluster", "ringkeeper.io/seed", "app.kubernetes.io/managed-by",
      "app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/component"})
  void aLabelTheOperatorSetsIsRefused(String key) {
    refused("labels: {\"" + key + "\": x}", "spec.podTemplate.labels[" + key + "]",
        "is a label the operator sets");
  }

  @Test
  void otherAppKubernetesIoLabelsAreTheUsers() {
    assertThat(problems("labels: {app.kubernetes.io/part-of: shop, app.kubernetes.io/version: \"5.0\"}")).isEmpty();
  }

  @Test
  void aMalformedLabelIsRefusedBeforeItBreaksEveryPodCreation() {
    refused("labels: {\"bad key!\": x}", "spec.podTemplate.labels[bad key!]", "is not a label key");
    refused("labels: {team: \"no spaces\"}", "spec.podTemplate.labels[team]", "is not a label value");
  }

  @Test
  void anOperatorAnnotationIsRefusedSoATemplateCannotRestartNodesForever() {
    refused("annotations: {ringkeeper.io/restart: now}", "spec.podTemplate.annotations[ringkeeper.io/restart]",
        "is an annotation key of the operator");
    refused("annotations: {ringkeeper.io/runs-hash: x}", "spec.podTemplate.annotations[ringkeeper.io/runs-hash]",
        "choose a key outside ringkeeper.io/");
  }

  @Test
  void priorityClassAndServiceAccountMustBeNames() {
    refused("priorityClassName: High_Priority", "spec.podTemplate.priorityClassName", "is not a PriorityClass name");
    refused("serviceAccountName: \"../admin\"", "spec.podTemplate.serviceAccountName", "is not a ServiceAccount name");
  }

  @Test
  void aTopologySpreadConstraintNeedsAKeyASkewAndAWhenUnsatisfiable() {
    List<Problem> problems = problems("topologySpreadConstraints: [{maxSkew: 0, whenUnsatisfiable: Never}]");
    assertThat(problems).extracting(Problem::field).containsExactly(
        "spec.podTemplate.topologySpreadConstraints[0].topologyKey",
        "spec.podTemplate.topologySpreadConstraints[0].maxSkew",
        "spec.podTemplate.topologySpreadConstraints[0].whenUnsatisfiable");
  }

  @Test
  void contradictoryValuesAreRefused() {
    refused("securityContext: {runAsNonRoot: true, runAsUser: 0}", "spec.podTemplate.securityContext.runAsUser",
        "is 0 (root)");
    refused("env: [{name: NODE, value: x, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}]",
        "spec.podTemplate.env[0]", "sets both value and valueFrom");
    refused("""
        topologySpreadConstraints:
          - {maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule}
          - {maxSkew: 2, topologyKey: zone, whenUnsatisfiable: DoNotSchedule}
        """, "spec.podTemplate.topologySpreadConstraints[1]", "repeats topologyKey zone");
    assertThat(problems("securityContext: {runAsNonRoot: true}")).isEmpty();
  }

  @Test
  void everyProblemOfATemplateIsReportedAtOnce() {
    assertThat(problems("""
        labels: {ringkeeper.io/node: x}
        env: [{name: JVM_EXTRA_OPTS, value: -Xmx1g}]
        volumes: [{name: data, emptyDir: {}}]
        containers: [{name: cassandra, image: busybox}]
        """)).extracting(Problem::field).containsExactlyInAnyOrder("spec.podTemplate.labels[ringkeeper.io/node]",
        "spec.podTemplate.env[0].name", "spec.podTemplate.volumes[0].name", "spec.podTemplate.containers[0].name");
  }
}
