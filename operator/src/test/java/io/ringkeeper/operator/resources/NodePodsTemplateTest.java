package io.ringkeeper.operator.resources;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.PodTemplate;
import io.ringkeeper.operator.config.OperatorConfig;
import io.ringkeeper.operator.domain.model.NodeId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** spec.podTemplate lands on the pod beside what the operator builds, and rolls the nodes only when it changes. */
class NodePodsTemplateTest {
  private static final OperatorConfig CONFIG = OperatorConfig.defaults();
  private static final NodeId ID = new NodeId("orders", "eu", "r2", 0);
  private static final DesiredNode NODE = new DesiredNode(ID, List.of(-9000L, 42L), true, false);

  /** Every field of a template, as a user writes it. */
  static final String TEMPLATE = """
      labels: {team: payments, tier: db}
      annotations: {example.com/owner: payments}
      priorityClassName: cassandra-high
      serviceAccountName: cassandra
      securityContext: {seccompProfile: {type: RuntimeDefault}, runAsNonRoot: true}
      env:
        - {name: TZ, value: UTC}
      volumes:
        - {name: logs, emptyDir: {}}
      volumeMounts:
        - {name: logs, mountPath: /var/log/cassandra}
      containers:
        - name: log-shipper
          image: fluent/fluent-bit:3.0
          volumeMounts: [{name: logs, mountPath: /logs, readOnly: true}]
      initContainers:
        - {name: sysctl, image: busybox:1.36, command: [sh, -c, "true"]}
      topologySpreadConstraints:
        - {maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: ScheduleAnyway,
           labelSelector: {matchLabels: {ringkeeper.io/cluster: orders}}}
      """;

  static PodTemplate template(String yaml) {
    return Serialization.unmarshal(yaml, PodTemplate.class);
  }

  private static CassandraCluster withTemplate(String yaml) {
    CassandraCluster cr = Manifests.threeRacks();
    cr.getSpec().setPodTemplate(template(yaml));
    return cr;
  }

  private static Pod pod(CassandraCluster cr) {
    return NodePods.desired(cr, NODE, "cfg123", CONFIG);
  }

  private static String runsHash(CassandraCluster cr) {
    return NodePods.runsHash(cr, NODE, "cfg123", CONFIG);
  }

  private static Container container(List<Container> containers, String name) {
    return containers.stream().filter(c -> c.getName().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void templateLabelsAndAnnotationsLandBesideTheOperatorsOwn() {
    Pod pod = pod(withTemplate(TEMPLATE));
    assertThat(pod.getMetadata().getLabels()).containsEntry("team", "payments").containsEntry("tier", "db")
        .containsAllEntriesOf(NodePods.labels(NODE));
    assertThat(pod.getMetadata().getAnnotations()).containsEntry("example.com/owner", "payments")
        .containsKeys(Labels.CONFIG_HASH, Labels.POD_SPEC_HASH, Labels.RUNS_HASH);
  }

  @Test
  void priorityClassServiceAccountAndTopologySpreadLandOnThePodSpec() {
    Pod pod = pod(withTemplate(TEMPLATE));
    assertThat(pod.getSpec().getPriorityClassName()).isEqualTo("cassandra-high");
    assertThat(pod.getSpec().getServiceAccountName()).isEqualTo("cassandra");
    assertThat(pod.getSpec().getAutomountServiceAccountToken()).as("still not mounted into Cassandra").isFalse();
    assertThat(pod.getSpec().getTopologySpreadConstraints()).singleElement()
        .satisfies(c -> assertThat(c.getTopologyKey()).isEqualTo(NodePods.TOPOLOGY_ZONE));
  }

  @Test
  void theTemplatesSecurityContextKeepsTheCassandraUserForWhatItLeavesOut() {
    Pod pod = pod(withTemplate(TEMPLATE));
    assertThat(pod.getSpec().getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSpec().getSecurityContext().getRunAsUser()).isEqualTo(NodePods.CASSANDRA_UID);
    assertThat(pod.getSpec().getSecurityContext().getFsGroup()).isEqualTo(NodePods.CASSANDRA_UID);

    Pod other = pod(withTemplate("securityContext: {runAsUser: 1001, fsGroup: 2000}"));
    assertThat(other.getSpec().getSecurityContext().getRunAsUser()).isEqualTo(1001L);
    assertThat(other.getSpec().getSecurityContext().getFsGroup()).isEqualTo(2000L);
    assertThat(other.getSpec().getSecurityContext().getRunAsGroup()).isEqualTo(NodePods.CASSANDRA_UID);
  }

  @Test
  void extraEnvAndMountsComeAfterTheOperatorsOnTheCassandraContainer() {
    Pod plain = pod(Manifests.threeRacks());
    Container before = container(plain.getSpec().getContainers(), Names.CASSANDRA_CONTAINER);
    Container after = container(pod(withTemplate(TEMPLATE)).getSpec().getContainers(), Names.CASSANDRA_CONTAINER);
    assertThat(after.getEnv()).startsWith(before.getEnv().toArray(EnvVar[]::new))
        .endsWith(new EnvVar("TZ", "UTC", null));
    assertThat(after.getVolumeMounts()).startsWith(before.getVolumeMounts().toArray(VolumeMount[]::new))
        .extracting(VolumeMount::getMountPath).endsWith("/var/log/cassandra");
    assertThat(after.getCommand()).isEqualTo(before.getCommand());
    assertThat(after.getPorts()).isEqualTo(before.getPorts());
    assertThat(after.getReadinessProbe()).isEqualTo(before.getReadinessProbe());
  }

  @Test
  void sidecarsRunBesideCassandraAndInitContainersAfterTheAgents() {
    Pod pod = pod(withTemplate(TEMPLATE));
    assertThat(pod.getSpec().getContainers()).extracting(Container::getName)
        .containsExactly(Names.CASSANDRA_CONTAINER, "log-shipper");
    assertThat(container(pod.getSpec().getContainers(), "log-shipper").getImage()).isEqualTo("fluent/fluent-bit:3.0");
    assertThat(pod.getSpec().getInitContainers()).extracting(Container::getName)
        .containsExactly(Names.AGENT_INIT_CONTAINER, "sysctl");
  }

  @Test
  void extraVolumesComeAfterTheOperatorsAndTheDataVolumeStaysTheNodesClaim() {
    Pod pod = pod(withTemplate(TEMPLATE));
    assertThat(pod.getSpec().getVolumes()).extracting(Volume::getName)
        .containsExactly(Names.DATA_VOLUME, Names.CONFIG_VOLUME, Names.AGENT_VOLUME, Names.AGENT_TOKEN_VOLUME,
            Names.TLS_VOLUME, "logs");
    assertThat(pod.getSpec().getVolumes().get(0).getPersistentVolumeClaim().getClaimName()).isEqualTo(ID.name());
  }

  @Test
  void aClusterWithoutATemplateBuildsThePodItBuiltBeforeTemplatesExisted() {
    Pod plain = pod(Manifests.threeRacks());
    Pod empty = pod(withTemplate("{}"));
    Pod emptyLists = pod(withTemplate("labels: {}\nenv: []\ncontainers: []\nvolumes: []"));
    assertThat(Serialization.asJson(empty)).isEqualTo(Serialization.asJson(plain));
    assertThat(Serialization.asJson(emptyLists)).isEqualTo(Serialization.asJson(plain));
    assertThat(plain.getSpec().getContainers()).hasSize(1);
    assertThat(plain.getSpec().getInitContainers()).hasSize(1);
    assertThat(plain.getSpec().getPriorityClassName()).isNull();
    assertThat(plain.getSpec().getServiceAccountName()).isNull();
    assertThat(plain.getSpec().getTopologySpreadConstraints()).isNullOrEmpty();
  }

  @Test
  void anAbsentOrEmptyTemplateLeavesTheRunsHashAsItWasSoAnOperatorUpgradeRestartsNothing() {
    String absent = runsHash(Manifests.threeRacks());
    assertThat(runsHash(Manifests.threeRacks())).isEqualTo(absent);
    assertThat(runsHash(withTemplate("{}"))).isEqualTo(absent);
    assertThat(runsHash(withTemplate("annotations: {}\ninitContainers: []"))).isEqualTo(absent);
    // What a cluster without a template hashes: its container, its config hash and the pod's security context
    // (the context was added with issue #15's locked-down pods: that upgrade restarts every node once).
    Pod plain = pod(Manifests.threeRacks());
    Container container = container(plain.getSpec().getContainers(), Names.CASSANDRA_CONTAINER);
    assertThat(absent).isEqualTo(Hashes.of(Serialization.asJson(container) + "|cfg123|"
        + Serialization.asJson(plain.getSpec().getSecurityContext())));
  }

  @Test
  void theSameTemplateInAnotherKeyOrderRestartsNothing() {
    assertThat(runsHash(withTemplate("labels: {b: \"2\", a: \"1\"}\nannotations: {y: \"2\", x: \"1\"}")))
        .isEqualTo(runsHash(withTemplate("annotations: {x: \"1\", y: \"2\"}\nlabels: {a: \"1\", b: \"2\"}")));
    assertThat(runsHash(withTemplate("containers: [{image: busybox, name: s, resources: {limits: {memory: 1Gi,"
        + " cpu: \"1\"}}}]"))).isEqualTo(runsHash(withTemplate("containers: [{name: s, image: busybox,"
        + " resources: {limits: {cpu: \"1\", memory: 1Gi}}}]")));
  }

  @Test
  void changingTheTemplateChangesTheRunsHashSoTheNodesRollOneAtATime() {
    String absent = runsHash(Manifests.threeRacks());
    String full = runsHash(withTemplate(TEMPLATE));
    assertThat(full).isNotEqualTo(absent).isEqualTo(runsHash(withTemplate(TEMPLATE)));
    for (String changed : List.of("labels: {team: payments}", "annotations: {a: b}", "priorityClassName: high",
        "serviceAccountName: sa", "securityContext: {runAsNonRoot: true}", "env: [{name: TZ, value: UTC}]",
        "volumes: [{name: logs, emptyDir: {}}]",
        "containers: [{name: shipper, image: busybox}]", "initContainers: [{name: prep, image: busybox}]",
        "topologySpreadConstraints: [{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule}]")) {
      assertThat(runsHash(withTemplate(changed))).as(changed).isNotEqualTo(absent).isNotEqualTo(full);
    }
    assertThat(runsHash(withTemplate(TEMPLATE.replace("fluent-bit:3.0", "fluent-bit:3.1")))).isNotEqualTo(full);
  }
}
