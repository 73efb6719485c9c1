package io.ringkeeper.operator.resources;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
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
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTermBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.ringkeeper.api.v1alpha1.AntiAffinity;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.CassandraClusterSpec;
import io.ringkeeper.api.v1alpha1.DatacenterSpec;
import io.ringkeeper.api.v1alpha1.PlacementSpec;
import io.ringkeeper.api.v1alpha1.PodTemplate;
import io.ringkeeper.api.v1alpha1.RackSpec;
import io.ringkeeper.operator.config.OperatorConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A node's Pod: the stock Cassandra image with its own entrypoint, configured through the mounted ConfigMap and
 * env {@code JVM_EXTRA_OPTS} (see {@link JvmOptions}); the node agent jar placed by an init container from the
 * operator image and loaded with {@code -javaagent}; readiness from the agent's {@code /readyz}.
 *
 * <p>{@code spec.podTemplate} is added to what the operator builds: its labels, annotations, sidecars, init
 * containers (after the agent's), volumes, env and mounts (after the operator's) and pod settings. The validator
 * refuses a template that touches what the operator owns ({@link #OWNED_ENV}, {@link #OWNED_VOLUMES},
 * {@link #OWNED_MOUNT_PATHS}, the container names and the operator's label and annotation keys), so the merge
 * never has to choose between the two.
 */
public final class NodePods {
  public static final String TOPOLOGY_ZONE = "topology.kubernetes.io/zone";
  public static final String TOPOLOGY_HOST = "kubernetes.io/hostname";
  /** The cassandra user of the official image; the volume is made writable for its group. */
  public static final long CASSANDRA_UID = 999;
  /** The container runtime's default seccomp filter, the node pods' unless the template names another. */
  public static final String SECCOMP_RUNTIME_DEFAULT = "RuntimeDefault";
  /**
   * Cassandra drains on SIGTERM (flushes memtables, stops accepting writes) so that the restart replays no
   * commit log; a loaded node may need minutes for that.
   */
  public static final long TERMINATION_GRACE_SECONDS = 300;

  /** Env vars of the Cassandra container the operator sets (the heap pair only when a heap is known). */
  public static final Set<String> OWNED_ENV =
      Set.of(JvmOptions.POD_IP_ENV, "MAX_HEAP_SIZE", "HEAP_NEWSIZE", "JVM_EXTRA_OPTS");
  /** Volumes of every node pod. */
  public static final Set<String> OWNED_VOLUMES =
      Set.of(Names.DATA_VOLUME, Names.CONFIG_VOLUME, Names.AGENT_VOLUME, Names.AGENT_TOKEN_VOLUME, Names.TLS_VOLUME);
  /** Where the Cassandra container mounts the operator's volumes. */
  public static final List<String> OWNED_MOUNT_PATHS =
      List.of(Names.DATA_DIR, Names.CONFIG_DIR, Names.AGENT_DIR, Names.AGENT_TOKEN_DIR, Names.TLS_DIR);
  /** Container names of every node pod (the Cassandra container and the agent's init container). */
  public static final Set<String> OWNED_CONTAINERS = Set.of(Names.CASSANDRA_CONTAINER, Names.AGENT_INIT_CONTAINER);

  private NodePods() {}

  public static Pod desired(CassandraCluster cr, DesiredNode node, String configHash, OperatorConfig config) {
    CassandraClusterSpec spec = cr.getSpec();
    String cluster = cr.getMetadata().getName();
    PodTemplate template = template(spec);
    List<Container> initContainers = new ArrayList<>();
    initContainers.add(agentInitContainer(config));
    initContainers.addAll(orEmpty(template.getInitContainers()));
    List<Container> containers = new ArrayList<>();
    containers.add(cassandraContainer(spec, node, config));
    containers.addAll(orEmpty(template.getContainers()));
    List<Volume> volumes = new ArrayList<>(volumes(cluster, node, SpecDefaults.tlsEnabled(spec)));
    volumes.addAll(orEmpty(template.getVolumes()));
    PodSpec podSpec = new io.fabric8.kubernetes.api.model.PodSpecBuilder()
        .withHostname(node.name())
        .withSubdomain(Names.peerService(cluster))
        .withAutomountServiceAccountToken(false)
        .withEnableServiceLinks(false)
        .withTerminationGracePeriodSeconds(TERMINATION_GRACE_SECONDS)
        .withSecurityContext(securityContext(template.getSecurityContext()))
        .withPriorityClassName(template.getPriorityClassName())
        .withServiceAccountName(template.getServiceAccountName())
        .withTopologySpreadConstraints(orEmpty(template.getTopologySpreadConstraints()).isEmpty()
            ? null : template.getTopologySpreadConstraints())
        .withAffinity(affinity(cr, node))
        .withNodeSelector(placement(spec).getNodeSelector() == null || placement(spec).getNodeSelector().isEmpty()
            ? null : new LinkedHashMap<>(placement(spec).getNodeSelector()))
        .withTolerations(placement(spec).getTolerations() == null || placement(spec).getTolerations().isEmpty()
            ? null : placement(spec).getTolerations())
        .withImagePullSecrets(spec.getImagePullSecrets() == null || spec.getImagePullSecrets().isEmpty()
            ? null : spec.getImagePullSecrets())
        .withInitContainers(initContainers)
        .withContainers(containers)
        .withVolumes(volumes)
        .build();

    Map<String, String> annotations = new LinkedHashMap<>(orEmpty(template.getAnnotations()));
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
        .withLabels(podLabels(template, node))
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
   * boot only, so the replacement runs the same as the node it replaced. A pod template is added only when it
   * sets something, so a cluster without one keeps the hash it had before templates existed. The pod's security
   * context (the user, group and seccomp profile the node runs with) is in it too: adding it, with the containers'
   * security contexts, changed every hash once, so an upgrade to that operator restarts every node once.
   */
  public static String runsHash(CassandraCluster cr, DesiredNode node, String configHash, OperatorConfig config) {
    Container container = cassandraContainer(cr.getSpec(), node.withoutReplace(), config);
    String template = canonical(template(cr.getSpec()));
    String added = "{}".equals(template) ? "" : "|" + template;
    String context = Serialization.asJson(securityContext(template(cr.getSpec()).getSecurityContext()));
    return Hashes.of(Serialization.asJson(container) + "|" + configHash + added + "|" + context);
  }

  /**
   * The template as JSON with every map's keys sorted: the same template written in another key order (or read back
   * from an API server that sorts them) is the same template, and restarts nothing.
   */
  private static String canonical(PodTemplate template) {
    try {
      Object tree = SORTED.readValue(Serialization.asJson(template), Object.class);
      return SORTED.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot hash spec.podTemplate", e);
    }
  }

  private static final ObjectMapper SORTED =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

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

  private static Map<String, String> podLabels(PodTemplate template, DesiredNode node) {
    Map<String, String> labels = new LinkedHashMap<>(orEmpty(template.getLabels()));
    labels.putAll(labels(node));
    return labels;
  }

  /**
   * The template's security context, each field it sets winning, with the operator's defaults for those it leaves
   * out: the cassandra user and group, owning the volume through fsGroup, runAsNonRoot and the runtime's default
   * seccomp profile. The values that would weaken the operator's containers (root, runAsNonRoot false, an
   * unconfined profile) are refused before a pod is built (PodTemplateRules).
   */
  private static PodSecurityContext securityContext(PodSecurityContext fromTemplate) {
    PodSecurityContextBuilder merged = fromTemplate == null
        ? new PodSecurityContextBuilder() : new PodSecurityContextBuilder(fromTemplate);
    if (fromTemplate == null || fromTemplate.getRunAsNonRoot() == null) {
      merged.withRunAsNonRoot(true);
    }
    if (fromTemplate == null || fromTemplate.getRunAsUser() == null) {
      merged.withRunAsUser(CASSANDRA_UID);
    }
    if (fromTemplate == null || fromTemplate.getRunAsGroup() == null) {
      merged.withRunAsGroup(CASSANDRA_UID);
    }
    if (fromTemplate == null || fromTemplate.getFsGroup() == null) {
      merged.withFsGroup(CASSANDRA_UID);
    }
    if (fromTemplate == null || fromTemplate.getSeccompProfile() == null) {
      merged.withNewSeccompProfile().withType(SECCOMP_RUNTIME_DEFAULT).endSeccompProfile();
    }
    return merged.build();
  }

  /**
   * The security context of the operator's own containers: no privilege escalation (no setuid binary can gain
   * rights) and no Linux capability. The agent's copy runs on a read-only root; the Cassandra container's root
   * stays writable: the official image's entrypoint rewrites /etc/cassandra/cassandra.yaml in place on every start
   * (through a mktemp file in /tmp) and Cassandra logs to /var/log/cassandra; an emptyDir over /etc/cassandra would
   * hide the image's own files there (cassandra-env.sh, the jvm options, logback.xml). See docs/security.md, "Pods".
   */
  private static SecurityContext containerSecurityContext(boolean readOnlyRoot) {
    return new SecurityContextBuilder()
        .withAllowPrivilegeEscalation(false)
        .withNewCapabilities().withDrop("ALL").endCapabilities()
        .withReadOnlyRootFilesystem(readOnlyRoot ? Boolean.TRUE : null)
        .build();
  }

  private static PodTemplate template(CassandraClusterSpec spec) {
    return spec.getPodTemplate() == null ? new PodTemplate() : spec.getPodTemplate();
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }

  private static Map<String, String> orEmpty(Map<String, String> map) {
    return map == null ? Map.of() : map;
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
        .withSecurityContext(containerSecurityContext(true))
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
    PodTemplate template = template(spec);
    env.addAll(orEmpty(template.getEnv()));
    List<VolumeMount> mounts = new ArrayList<>(List.of(
        new VolumeMountBuilder().withName(Names.DATA_VOLUME).withMountPath(Names.DATA_DIR).build(),
        new VolumeMountBuilder().withName(Names.CONFIG_VOLUME).withMountPath(Names.CONFIG_DIR)
            .withReadOnly(true).build(),
        new VolumeMountBuilder().withName(Names.AGENT_VOLUME).withMountPath(Names.AGENT_DIR)
            .withReadOnly(true).build(),
        new VolumeMountBuilder().withName(Names.AGENT_TOKEN_VOLUME).withMountPath(Names.AGENT_TOKEN_DIR)
            .withReadOnly(true).build()));
    boolean tls = SpecDefaults.tlsEnabled(spec);
    if (tls) {
      mounts.add(new VolumeMountBuilder().withName(Names.TLS_VOLUME).withMountPath(Names.TLS_DIR)
          .withReadOnly(true).build());
    }
    mounts.addAll(orEmpty(template.getVolumeMounts()));

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
        .withNewHttpGet().withPath("/readyz").withPort(new IntOrString(config.agentPort()))
        .withScheme(AgentTls.enabled(spec) ? "HTTPS" : null).endHttpGet()
        .withPeriodSeconds(10)
        .withTimeoutSeconds(5)
        .withFailureThreshold(3)
        .endReadinessProbe()
        .withVolumeMounts(mounts)
        .withSecurityContext(containerSecurityContext(false))
        .build();
  }

  private static List<Volume> volumes(String cluster, DesiredNode node, boolean tls) {
    List<Volume> volumes = new ArrayList<>(List.of(
        new VolumeBuilder().withName(Names.DATA_VOLUME)
            .withNewPersistentVolumeClaim().withClaimName(Names.node(node.id())).endPersistentVolumeClaim().build(),
        new VolumeBuilder().withName(Names.CONFIG_VOLUME)
            .withNewConfigMap().withName(Names.configMap(cluster)).endConfigMap().build(),
        new VolumeBuilder().withName(Names.AGENT_VOLUME).withNewEmptyDir().endEmptyDir().build(),
        new VolumeBuilder().withName(Names.AGENT_TOKEN_VOLUME)
            // Group-readable: the cassandra user reads it through fsGroup.
            .withNewSecret().withSecretName(Names.agentTokenSecret(cluster)).withDefaultMode(0440).endSecret()
            .build()));
    if (tls) {
      // Written by the operator before the pod is created (a pod never waits on a missing Secret); a renewed
      // certificate changes the files in place, never the pod.
      volumes.add(new VolumeBuilder().withName(Names.TLS_VOLUME)
          .withNewSecret().withSecretName(Names.nodeTlsSecret(node.id())).withDefaultMode(0440).endSecret()
          .build());
    }
    return volumes;
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
