package io.ringkeeper.operator.resources;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodAffinityTermBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTermBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.ringkeeper.api.v1alpha1.AntiAffinity;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.CassandraClusterSpec;
import io.ringkeeper.api.v1alpha1.DatacenterSpec;
import io.ringkeeper.api.v1alpha1.PlacementSpec;
import io.ringkeeper.api.v1alpha1.RackSpec;
import io.ringkeeper.operator.config.OperatorConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A node's Pod: the stock Cassandra image with its own entrypoint, configured through the mounted ConfigMap and
 * env {@code JVM_EXTRA_OPTS} (see {@link JvmOptions}); the node agent jar placed by an init container from the
 * operator image and loaded with {@code -javaagent}; readiness from the agent's {@code /readyz}.
 */
public final class NodePods {
  public static final String TOPOLOGY_ZONE = "topology.kubernetes.io/zone";
  public static final String TOPOLOGY_HOST = "kubernetes.io/hostname";
  /** The cassandra user of the official image; the volume is made writable for its group. */
  public static final long CASSANDRA_UID = 999;
  /**
   * Cassandra drains on SIGTERM (flushes memtables, stops accepting writes) so that the restart replays no
   * commit log; a loaded node may need minutes for that.
   */
  public static final long TERMINATION_GRACE_SECONDS = 300;

  private NodePods() {}

  public static Pod desired(CassandraCluster cr, DesiredNode node, String configHash, OperatorConfig config) {
    CassandraClusterSpec spec = cr.getSpec();
    String cluster = cr.getMetadata().getName();
    PodSpec podSpec = new io.fabric8.kubernetes.api.model.PodSpecBuilder()
        .withHostname(node.name())
        .withSubdomain(Names.peerService(cluster))
        .withAutomountServiceAccountToken(false)
        .withEnableServiceLinks(false)
        .withTerminationGracePeriodSeconds(TERMINATION_GRACE_SECONDS)
        .withNewSecurityContext()
        .withRunAsUser(CASSANDRA_UID)
        .withRunAsGroup(CASSANDRA_UID)
        .withFsGroup(CASSANDRA_UID)
        .endSecurityContext()
        .withAffinity(affinity(cr, node))
        .withNodeSelector(placement(spec).getNodeSelector() == null || placement(spec).getNodeSelector().isEmpty()
            ? null : new LinkedHashMap<>(placement(spec).getNodeSelector()))
        .withTolerations(placement(spec).getTolerations() == null || placement(spec).getTolerations().isEmpty()
            ? null : placement(spec).getTolerations())
        .withImagePullSecrets(spec.getImagePullSecrets() == null || spec.getImagePullSecrets().isEmpty()
            ? null : spec.getImagePullSecrets())
        .withInitContainers(agentInitContainer(config))
        .withContainers(cassandraContainer(spec, node, config))
        .withVolumes(volumes(cluster, node))
        .build();

    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(Labels.CONFIG_HASH, configHash);
    annotations.put(Labels.POD_SPEC_HASH, Hashes.of(Serialization.asJson(podSpec) + "|" + configHash));
    annotations.put(Labels.RUNS_HASH, runsHash(cr, node, configHash, config));
    String restart = clusterRestart(cr);
    if (restart != null) {
      annotations.put(Labels.RESTARTED_FOR, restart);
    }
    return new PodBuilder()
        .withNewMetadata()
        .withName(Names.node(node.id()))
        .withNamespace(cr.getMetadata().getNamespace())
        .withLabels(labels(node))
        .withAnnotations(annotations)
        .withOwnerReferences(Owners.controller(cr))
        .endMetadata()
        .withSpec(podSpec)
        .build();
  }

  /**
   * Hash of what the node runs: its Cassandra container (image, env with the JVM options, resources, probes,
   * mounts) and the rendered configuration. The agent's init container is left out: it carries the operator's
   * image, and upgrading the operator must restart no node. The replace option is left out too: it acts on first
   * boot only, so the replacement runs the same as the node it replaced.
   */
  public static String runsHash(CassandraCluster cr, DesiredNode node, String configHash, OperatorConfig config) {
    Container container = cassandraContainer(cr.getSpec(), node.withoutReplace(), config);
    return Hashes.of(Serialization.asJson(container) + "|" + configHash);
  }

  /** The tokens a pod's node was started with (its -Dcassandra.initial_token); empty when it has none. */
  public static List<Long> startedWithTokens(Pod pod) {
    if (pod.getSpec() == null || pod.getSpec().getContainers() == null) {
      return List.of();
    }
    return pod.getSpec().getContainers().stream()
        .filter(c -> Names.CASSANDRA_CONTAINER.equals(c.getName()) && c.getEnv() != null)
        .flatMap(c -> c.getEnv().stream())
        .filter(e -> "JVM_EXTRA_OPTS".equals(e.getName()) && e.getValue() != null)
        .findFirst()
        .map(e -> JvmOptions.initialTokens(JvmOptions.split(e.getValue())))
        .orElse(List.of());
  }

  /** The cluster's restart annotation, or null. */
  public static String clusterRestart(CassandraCluster cr) {
    Map<String, String> annotations = cr.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(Labels.RESTART);
    return value == null || value.isBlank() ? null : value;
  }

  /** The labels of a node's pod: what the operator keeps in line on a running pod (the seed label may move). */
  public static Map<String, String> labels(DesiredNode node) {
    return Labels.node(node.id(), node.seed());
  }

  private static Container agentInitContainer(OperatorConfig config) {
    return new ContainerBuilder()
        .withName(Names.AGENT_INIT_CONTAINER)
        .withImage(config.operatorImage())
        .withCommand("cp", Names.AGENT_JAR_IN_OPERATOR_IMAGE, Names.AGENT_DIR + "/" + Names.AGENT_JAR)
        .withVolumeMounts(new VolumeMountBuilder().withName(Names.AGENT_VOLUME).withMountPath(Names.AGENT_DIR).build())
        .withResources(new ResourceRequirementsBuilder()
            .addToRequests("cpu", new Quantity("50m"))
            .addToRequests("memory", new Quantity("32Mi"))
            .addToLimits("memory", new Quantity("64Mi"))
            .build())
        .build();
  }

  private static Container cassandraContainer(CassandraClusterSpec spec, DesiredNode node, OperatorConfig config) {
    List<EnvVar> env = new ArrayList<>();
    // Declared first: Kubernetes expands $(POD_IP) only in env vars declared after it.
    env.add(new EnvVarBuilder().withName(JvmOptions.POD_IP_ENV)
        .withNewValueFrom().withNewFieldRef().withFieldPath("status.podIP").endFieldRef().endValueFrom().build());
    Optional<Long> heap = SpecDefaults.heapBytes(spec);
    heap.ifPresent(bytes -> {
      // cassandra-env.sh requires both or neither; MAX_HEAP_SIZE sets -Xms and -Xmx alike.
      env.add(new EnvVar("MAX_HEAP_SIZE", bytes / SpecDefaults.MIB + "M", null));
      env.add(new EnvVar("HEAP_NEWSIZE", SpecDefaults.newGenBytes(bytes) / SpecDefaults.MIB + "M", null));
    });
    env.add(new EnvVar("JVM_EXTRA_OPTS", JvmOptions.join(JvmOptions.forNode(spec, node, config.agentPort())), null));

    return new ContainerBuilder()
        .withName(Names.CASSANDRA_CONTAINER)
        .withImage(SpecDefaults.image(spec))
        .withImagePullPolicy(spec.getImagePullPolicy() == null ? null : spec.getImagePullPolicy().name())
        .withEnv(env)
        .withPorts(
            new ContainerPortBuilder().withName("intra-node").withContainerPort(CassandraYaml.STORAGE_PORT).build(),
            new ContainerPortBuilder().withName("cql").withContainerPort(CassandraYaml.NATIVE_TRANSPORT_PORT).build(),
            new ContainerPortBuilder().withName("agent").withContainerPort(config.agentPort()).build())
        .withResources(spec.getResources())
        .withNewReadinessProbe()
        .withNewHttpGet().withPath("/readyz").withPort(new IntOrString(config.agentPort())).endHttpGet()
        .withPeriodSeconds(10)
        .withTimeoutSeconds(5)
        .withFailureThreshold(3)
        .endReadinessProbe()
        .withVolumeMounts(
            new VolumeMountBuilder().withName(Names.DATA_VOLUME).withMountPath(Names.DATA_DIR).build(),
            new VolumeMountBuilder().withName(Names.CONFIG_VOLUME).withMountPath(Names.CONFIG_DIR)
                .withReadOnly(true).build(),
            new VolumeMountBuilder().withName(Names.AGENT_VOLUME).withMountPath(Names.AGENT_DIR)
                .withReadOnly(true).build(),
            new VolumeMountBuilder().withName(Names.AGENT_TOKEN_VOLUME).withMountPath(Names.AGENT_TOKEN_DIR)
                .withReadOnly(true).build())
        .build();
  }

  private static List<Volume> volumes(String cluster, DesiredNode node) {
    return List.of(
        new VolumeBuilder().withName(Names.DATA_VOLUME)
            .withNewPersistentVolumeClaim().withClaimName(Names.node(node.id())).endPersistentVolumeClaim().build(),
        new VolumeBuilder().withName(Names.CONFIG_VOLUME)
            .withNewConfigMap().withName(Names.configMap(cluster)).endConfigMap().build(),
        new VolumeBuilder().withName(Names.AGENT_VOLUME).withNewEmptyDir().endEmptyDir().build(),
        new VolumeBuilder().withName(Names.AGENT_TOKEN_VOLUME)
            // Group-readable: the cassandra user reads it through fsGroup.
            .withNewSecret().withSecretName(Names.agentTokenSecret(cluster)).withDefaultMode(0440).endSecret()
            .build());
  }

  private static Affinity affinity(CassandraCluster cr, DesiredNode node) {
    AffinityBuilder affinity = new AffinityBuilder();
    boolean any = false;
    Optional<String> zone = zoneOf(cr, node);
    if (zone.isPresent()) {
      any = true;
      affinity.withNewNodeAffinity()
          .withNewRequiredDuringSchedulingIgnoredDuringExecution()
          .addNewNodeSelectorTerm()
          .withMatchExpressions(new NodeSelectorRequirementBuilder()
              .withKey(TOPOLOGY_ZONE).withOperator("In").withValues(zone.get()).build())
          .endNodeSelectorTerm()
          .endRequiredDuringSchedulingIgnoredDuringExecution()
          .endNodeAffinity();
    }
    AntiAffinity anti = placement(cr.getSpec()).getPodAntiAffinity() == null
        ? AntiAffinity.Required : placement(cr.getSpec()).getPodAntiAffinity();
    PodAffinityTerm term = new PodAffinityTermBuilder()
        .withLabelSelector(new LabelSelectorBuilder().withMatchLabels(Labels.nodeSelector(cr.getMetadata().getName()))
            .build())
        .withTopologyKey(TOPOLOGY_HOST)
        .build();
    if (anti == AntiAffinity.Required) {
      any = true;
      affinity.withNewPodAntiAffinity().withRequiredDuringSchedulingIgnoredDuringExecution(term).endPodAntiAffinity();
    } else if (anti == AntiAffinity.Preferred) {
      any = true;
      affinity.withNewPodAntiAffinity()
          .withPreferredDuringSchedulingIgnoredDuringExecution(
              new WeightedPodAffinityTermBuilder().withWeight(100).withPodAffinityTerm(term).build())
          .endPodAntiAffinity();
    }
    return any ? affinity.build() : null;
  }

  private static Optional<String> zoneOf(CassandraCluster cr, DesiredNode node) {
    for (DatacenterSpec dc : cr.getSpec().getDatacenters()) {
      if (dc.getName().equals(node.id().datacenter())) {
        for (RackSpec rack : SpecDefaults.racks(dc)) {
          if (rack.getName().equals(node.id().rack())) {
            return Optional.ofNullable(rack.getZone());
          }
        }
      }
    }
    return Optional.empty();
  }

  private static PlacementSpec placement(CassandraClusterSpec spec) {
    return spec.getPlacement() == null ? new PlacementSpec() : spec.getPlacement();
  }
}
