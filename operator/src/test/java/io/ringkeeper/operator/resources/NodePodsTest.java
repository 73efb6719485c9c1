package io.ringkeeper.operator.resources;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.ringkeeper.api.v1alpha1.AntiAffinity;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.JvmSpec;
import io.ringkeeper.operator.config.OperatorConfig;
import io.ringkeeper.operator.domain.model.NodeId;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class NodePodsTest {
  private static final OperatorConfig CONFIG = OperatorConfig.defaults();
  private static final NodeId ID = new NodeId("orders", "eu", "r2", 0);
  private static final List<Long> TOKENS = List.of(-9000L, -5L, 42L, 8000L);

  private static Pod pod(CassandraCluster cr, boolean initial, boolean seed) {
    return NodePods.desired(cr, new DesiredNode(ID, TOKENS, initial, seed), "cfg123", CONFIG);
  }

  private static Container cassandra(Pod pod) {
    return pod.getSpec().getContainers().stream().filter(c -> c.getName().equals("cassandra")).findFirst()
        .orElseThrow();
  }

  private static Map<String, String> env(Pod pod) {
    return cassandra(pod).getEnv().stream().filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }

  private static List<String> jvmOptions(Pod pod) {
    return JvmOptions.split(env(pod).get("JVM_EXTRA_OPTS"));
  }

  @Test
  void thePodIsNamedLikeTheNodeAndFindsItsPeersThroughTheHeadlessService() {
    Pod pod = pod(Manifests.threeRacks(), true, false);
    assertThat(pod.getMetadata().getName()).isEqualTo("orders-eu-r2-0");
    assertThat(pod.getSpec().getHostname()).isEqualTo("orders-eu-r2-0");
    assertThat(pod.getSpec().getSubdomain()).isEqualTo(Names.peerService("orders")).isEqualTo("orders-nodes");
  }

  @Test
  void theNodesTokensArePassedAsInitialTokenAndReadBackUnchanged() {
    Pod pod = pod(Manifests.threeRacks(), true, false);
    assertThat(jvmOptions(pod)).contains("-Dcassandra.initial_token=-9000,-5,42,8000");
    assertThat(JvmOptions.initialTokens(jvmOptions(pod))).isEqualTo(TOKENS);
  }

  @Test
  void onlyNodesCreatedWithTheClusterStartWithoutBootstrapping() {
    assertThat(jvmOptions(pod(Manifests.threeRacks(), true, false)))
        .contains("-Dcassandra.settings.auto_bootstrap=false");
    assertThat(jvmOptions(pod(Manifests.threeRacks(), false, false)))
        .noneMatch(o -> o.contains("auto_bootstrap"));
  }

  @Test
  void aReplacementBootstrapsEvenWhenTheNodeItReplacesWasCreatedWithTheClusterAndIsNotRestartedForIt() {
    CassandraCluster cr = Manifests.threeRacks();
    Pod replacement = NodePods.desired(cr, new DesiredNode(ID, TOKENS, true, false, "10.0.0.7"), "cfg123", CONFIG);
    assertThat(jvmOptions(replacement)).contains("-Dcassandra.replace_address_first_boot=10.0.0.7")
        .noneMatch(o -> o.contains("auto_bootstrap"));
    // What the pod is said to run is that of the node it replaced: no restart once the replacement is done.
    assertThat(replacement.getMetadata().getAnnotations().get(Labels.RUNS_HASH))
        .isEqualTo(pod(cr, true, false).getMetadata().getAnnotations().get(Labels.RUNS_HASH));
  }

  @Test
  void configurationPointsAtTheMountedConfigMapAndTheNodesRackFile() {
    List<String> options = jvmOptions(pod(Manifests.threeRacks(), true, false));
    assertThat(options).containsSubsequence(
        "-Dcassandra.config=file:///etc/ringkeeper/config/cassandra.yaml",
        "-Dcassandra-rackdc.properties=file:///etc/ringkeeper/config/rackdc-eu-r2.properties",
        "-Dcassandra.config.allow_system_properties=true",
        "-Dcassandra.settings.listen_address=$(POD_IP)",
        "-Dcassandra.settings.rpc_address=$(POD_IP)");
  }

  @Test
  void theAgentIsLoadedFromTheInitContainersJarWithTheMountedToken() {
    Pod pod = pod(Manifests.threeRacks(), true, false);
    assertThat(jvmOptions(pod)).contains("-javaagent:/opt/ringkeeper-agent/ringkeeper-agent.jar"
        + "=address=$(POD_IP),port=8778,tokenFile=/etc/ringkeeper/agent/token,tlsDir=/etc/ringkeeper/tls"); // TLS by default
    Container init = pod.getSpec().getInitContainers().get(0);
    assertThat(init.getImage()).isEqualTo(CONFIG.operatorImage());
    assertThat(init.getCommand()).containsExactly("cp", "/opt/ringkeeper/ringkeeper-agent.jar",
        "/opt/ringkeeper-agent/ringkeeper-agent.jar");
    assertThat(cassandra(pod).getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(cassandra(pod).getReadinessProbe().getHttpGet().getPort().getIntVal()).isEqualTo(8778);
  }

  @Test
  void userOptionsComeLastSoOperatorOptionsCannotBeShadowedSilently() {
    List<String> options = jvmOptions(pod(Manifests.threeRacks(), true, false));
    assertThat(options.get(options.size() - 1)).isEqualTo("-XX:+UseG1GC");
  }

  @Test
  void podIpIsDeclaredBeforeTheVariablesThatExpandIt() {
    List<EnvVar> env = cassandra(pod(Manifests.threeRacks(), true, false)).getEnv();
    assertThat(env.get(0).getName()).isEqualTo("POD_IP");
    assertThat(env.get(0).getValueFrom().getFieldRef().getFieldPath()).isEqualTo("status.podIP");
  }

  @Test
  void theHeapIsHalfTheMemoryLimitWhenNotGiven() {
    Map<String, String> env = env(pod(Manifests.threeRacks(), true, false));
    assertThat(env).containsEntry("MAX_HEAP_SIZE", "4096M").containsEntry("HEAP_NEWSIZE", "1024M");
  }

  @Test
  void dataConfigAgentAndTokenAreMountedWhereCassandraAndTheAgentLookForThem() {
    Pod pod = pod(Manifests.threeRacks(), true, false);
    Map<String, String> mounts = cassandra(pod).getVolumeMounts().stream()
        .collect(Collectors.toMap(VolumeMount::getName, VolumeMount::getMountPath));
    assertThat(mounts).containsEntry("data", "/var/lib/cassandra").containsEntry("config", "/etc/ringkeeper/config")
        .containsEntry("agent", "/opt/ringkeeper-agent").containsEntry("agent-token", "/etc/ringkeeper/agent");
    Map<String, Volume> volumes = pod.getSpec().getVolumes().stream()
        .collect(Collectors.toMap(Volume::getName, v -> v));
    assertThat(volumes.get("data").getPersistentVolumeClaim().getClaimName()).isEqualTo("orders-eu-r2-0");
    assertThat(volumes.get("config").getConfigMap().getName()).isEqualTo("orders-config");
    assertThat(volumes.get("agent-token").getSecret().getSecretName()).isEqualTo("orders-agent-token");
    assertThat(volumes.get("agent").getEmptyDir()).isNotNull();
  }

  @Test
  void aRackWithAZoneRequiresThatZone() {
    Pod pod = pod(Manifests.threeRacks(), true, false);
    var term = pod.getSpec().getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
        .getNodeSelectorTerms().get(0).getMatchExpressions().get(0);
    assertThat(term.getKey()).isEqualTo("topology.kubernetes.io/zone");
    assertThat(term.getValues()).containsExactly("eu-1b");
  }

  @Test
  void antiAffinityFollowsPlacement() {
    CassandraCluster cr = Manifests.threeRacks();
    assertThat(pod(cr, true, false).getSpec().getAffinity().getPodAntiAffinity()
        .getPreferredDuringSchedulingIgnoredDuringExecution()).hasSize(1);
    cr.getSpec().getPlacement().setPodAntiAffinity(AntiAffinity.Required);
    var required = pod(cr, true, false).getSpec().getAffinity().getPodAntiAffinity()
        .getRequiredDuringSchedulingIgnoredDuringExecution();
    assertThat(required).singleElement().satisfies(t -> {
      assertThat(t.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
      assertThat(t.getLabelSelector().getMatchLabels()).containsEntry(Labels.CLUSTER, "orders");
    });
    cr.getSpec().getPlacement().setPodAntiAffinity(AntiAffinity.None);
    assertThat(pod(cr, true, false).getSpec().getAffinity().getPodAntiAffinity()).isNull();
    assertThat(pod(cr, true, false).getSpec().getNodeSelector()).containsEntry("pool", "cassandra");
  }

  @Test
  void labelsNameClusterDatacenterRackAndNodeAndTheClusterOwnsThePod() {
    Pod pod = pod(Manifests.threeRacks(), true, true);
    assertThat(pod.getMetadata().getLabels()).containsEntry(Labels.CLUSTER, "orders")
        .containsEntry(Labels.DATACENTER, "eu").containsEntry(Labels.RACK, "r2")
        .containsEntry(Labels.NODE, "orders-eu-r2-0").containsEntry(Labels.SEED, "true")
        .containsEntry(Labels.MANAGED_BY, "ringkeeper");
    assertThat(pod.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
      assertThat(o.getKind()).isEqualTo("CassandraCluster");
      assertThat(o.getUid()).isEqualTo("uid-1");
      assertThat(o.getController()).isTrue();
    });
  }

  @Test
  void terminationGraceLeavesTimeToDrain() {
    assertThat(pod(Manifests.threeRacks(), true, false).getSpec().getTerminationGracePeriodSeconds())
        .isGreaterThanOrEqualTo(120L);
  }

  @Test
  void theSpecHashChangesWithWhatThePodRunsAndOnlyThen() {
    CassandraCluster cr = Manifests.threeRacks();
    String hash = pod(cr, true, false).getMetadata().getAnnotations().get(Labels.POD_SPEC_HASH);
    assertThat(pod(cr, true, false).getMetadata().getAnnotations().get(Labels.POD_SPEC_HASH)).isEqualTo(hash);
    assertThat(pod(cr, true, true).getMetadata().getAnnotations().get(Labels.POD_SPEC_HASH))
        .as("the seed label is not part of what runs").isEqualTo(hash);
    cr.getSpec().setCassandraVersion("5.0.8");
    assertThat(pod(cr, true, false).getMetadata().getAnnotations().get(Labels.POD_SPEC_HASH)).isNotEqualTo(hash);
    assertThat(pod(cr, true, false).getSpec().getContainers().get(0).getImage()).isEqualTo("cassandra:5.0.8");
  }

  @Test
  void aCollectorTheSpecChoosesTurnsOffEveryCollectorAnImageMaySelectBeforeIt() {
    CassandraCluster cr = Manifests.threeRacks();
    cr.getSpec().setJvm(new JvmSpec());
    cr.getSpec().getJvm().setExtraOptions(List.of("-XX:+UseZGC", "-XX:+ZGenerational"));
    assertThat(jvmOptions(pod(cr, true, false))).containsSubsequence("-XX:-UseSerialGC", "-XX:-UseParallelGC",
        "-XX:-UseG1GC", "-XX:+UseZGC", "-XX:+ZGenerational").doesNotContain("-XX:-UseZGC");
  }

  @Test
  void withoutACollectorInTheSpecTheImagesOwnStands() {
    CassandraCluster cr = Manifests.threeRacks();
    cr.getSpec().setJvm(new JvmSpec());
    cr.getSpec().getJvm().setExtraOptions(List.of("-XX:+AlwaysPreTouch"));
    assertThat(jvmOptions(pod(cr, true, false))).noneMatch(o -> JvmOptions.family(o).orElse("").equals("collector"));
  }
}
