package io.ringkeeper.operator.reconciler.validate;

import io.fabric8.kubernetes.api.model.AppArmorProfile;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.ringkeeper.api.v1alpha1.PodTemplate;
import io.ringkeeper.operator.resources.CassandraYaml;
import io.ringkeeper.operator.resources.Labels;
import io.ringkeeper.operator.resources.Names;
import io.ringkeeper.operator.resources.NodePods;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * spec.podTemplate: what it adds must not touch what the operator owns (the Cassandra and agent containers, the
 * operator's volumes and mount paths, its env vars, labels and annotations), and must be a pod the API server
 * accepts (names present and unique, mounts of volumes that exist, no port the Cassandra container listens on),
 * so that an invalid template is refused here, with its field, instead of failing every pod creation.
 */
final class PodTemplateRules {
  static final String FIELD = "spec.podTemplate";
  private static final String OWNED_LABEL_PREFIX = "ringkeeper.io/";
  /** The app.kubernetes.io labels the operator sets on node pods and selects them by. */
  private static final Set<String> OWNED_LABELS =
      Set.of(Labels.NAME, Labels.INSTANCE, Labels.MANAGED_BY, Labels.COMPONENT);
  private static final Pattern DNS_1123_LABEL = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
  private static final Pattern DNS_1123_SUBDOMAIN =
      Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
  private static final Pattern LABEL_NAME = Pattern.compile("^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$");
  private static final Pattern ENV_NAME = Pattern.compile("^[-._a-zA-Z][-._a-zA-Z0-9]*$");
  /** The largest user or group id the API server accepts in a security context. */
  private static final long MAX_ID = 2147483647L;
  private static final Set<String> WHEN_UNSATISFIABLE = Set.of("DoNotSchedule", "ScheduleAnyway");

  private PodTemplateRules() {}

  static void check(PodTemplate template, int agentPort, List<Problem> problems) {
    if (template == null) {
      return;
    }
    labels(template.getLabels(), problems);
    annotations(template.getAnnotations(), problems);
    name(template.getPriorityClassName(), FIELD + ".priorityClassName", "PriorityClass", problems);
    name(template.getServiceAccountName(), FIELD + ".serviceAccountName", "ServiceAccount", problems);
    securityContext(template.getSecurityContext(), problems);
    env(template.getEnv(), problems);
    Set<String> volumes = volumes(template.getVolumes(), problems);
    cassandraMounts(template.getVolumeMounts(), volumes, problems);
    Set<String> names = new HashSet<>(NodePods.OWNED_CONTAINERS);
    containers(template.getInitContainers(), FIELD + ".initContainers", names, volumes, agentPort, problems);
    containers(template.getContainers(), FIELD + ".containers", names, volumes, agentPort, problems);
    spread(template.getTopologySpreadConstraints(), problems);
  }

  private static void labels(Map<String, String> labels, List<Problem> problems) {
    if (labels == null) {
      return;
    }
    labels.forEach((key, value) -> {
      String field = FIELD + ".labels[" + key + "]";
      if (key.startsWith(OWNED_LABEL_PREFIX) || OWNED_LABELS.contains(key)) {
        problems.add(new Problem(field, "\"" + key + "\" is a label the operator sets on node pods and selects"
            + " them by; choose a key outside ringkeeper.io/ and the operator's app.kubernetes.io/ labels"));
      } else if (!validKey(key)) {
        problems.add(new Problem(field, "\"" + key + "\" is not a label key: [prefix/]name, the name at most 63"
            + " letters, digits, '-', '_' or '.', starting and ending with a letter or digit"));
      }
      if (value == null || value.length() > 63 || !LABEL_NAME.matcher(value).matches()) {
        problems.add(new Problem(field, "\"" + value + "\" is not a label value: at most 63 letters, digits, '-',"
            + " '_' or '.', starting and ending with a letter or digit"));
      }
    });
  }

  private static void annotations(Map<String, String> annotations, List<Problem> problems) {
    if (annotations == null) {
      return;
    }
    annotations.keySet().stream().filter(key -> key.startsWith(OWNED_LABEL_PREFIX)).forEach(key ->
        problems.add(new Problem(FIELD + ".annotations[" + key + "]", "\"" + key + "\" is an annotation key of the"
            + " operator (ringkeeper.io/ keys record what a pod runs and ask for restarts); choose a key outside"
            + " ringkeeper.io/, or annotate the pod itself to ask for a restart")));
  }

  private static void name(String value, String field, String kind, List<Problem> problems) {
    if (value != null && (value.length() > 253 || !DNS_1123_SUBDOMAIN.matcher(value).matches())) {
      problems.add(new Problem(field, "\"" + value + "\" is not a " + kind + " name: lower-case letters, digits,"
          + " '-' and '.', e.g. cassandra-high"));
    }
  }

  private static void env(List<EnvVar> env, List<Problem> problems) {
    if (env == null) {
      return;
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < env.size(); i++) {
      String field = FIELD + ".env[" + i + "].name";
      String name = env.get(i) == null ? null : env.get(i).getName();
      if (name == null || name.isBlank()) {
        problems.add(new Problem(field, "is missing; give the variable's name"));
      } else if (NodePods.OWNED_ENV.contains(name)) {
        problems.add(new Problem(field, "\"" + name + "\" is set by the operator on the Cassandra container;"
            + " choose another name (JVM options go in spec.jvm.extraOptions, the heap in spec.jvm.heapSize)"));
      } else if (!ENV_NAME.matcher(name).matches()) {
        problems.add(new Problem(field, "\"" + name + "\" is not an environment variable name: letters, digits,"
            + " '_', '-' and '.', not starting with a digit"));
      } else if (!seen.add(name)) {
        problems.add(new Problem(field, "\"" + name + "\" is listed twice; give each variable one entry"));
      }
      EnvVar var = env.get(i);
      if (var != null && var.getValue() != null && !var.getValue().isEmpty() && var.getValueFrom() != null) {
        problems.add(new Problem(FIELD + ".env[" + i + "]", "sets both value and valueFrom; keep one"));
      }
    }
  }

  /**
   * The pod-level context applies to the operator's containers too (Cassandra and the agent's copy), so what would
   * weaken them is refused: root, runAsNonRoot false, an unconfined seccomp or AppArmor profile. Everything else
   * (another non-root user, group or fsGroup, supplementalGroups, a Localhost profile, sysctls) is the user's and
   * wins over the operator's default. The template's own containers keep their own contexts, as written.
   */
  private static void securityContext(PodSecurityContext context, List<Problem> problems) {
    if (context == null) {
      return;
    }
    String field = FIELD + ".securityContext";
    if (Long.valueOf(0).equals(context.getRunAsUser())) {
      problems.add(new Problem(field + ".runAsUser", "is 0 (root); Cassandra and the agent never need root: leave"
          + " runAsUser out (the cassandra user " + NodePods.CASSANDRA_UID + " of the official image) or give a"
          + " non-zero user that can write the data volume"));
    }
    if (Boolean.FALSE.equals(context.getRunAsNonRoot())) {
      problems.add(new Problem(field + ".runAsNonRoot", "is false; the node pods never run as root, so the kubelet's"
          + " check stays on: leave runAsNonRoot out (true)"));
    }
    Map<String, Long> ids = new java.util.LinkedHashMap<>();
    ids.put("runAsUser", context.getRunAsUser());
    ids.put("runAsGroup", context.getRunAsGroup());
    ids.put("fsGroup", context.getFsGroup());
    ids.forEach((id, value) -> {
      if (value != null && (value < 0 || value > MAX_ID)) {
        problems.add(new Problem(field + "." + id, "is " + value + ", outside 0 to " + MAX_ID + " (the API server"
            + " refuses it); give an id in that range or leave it out (" + NodePods.CASSANDRA_UID + ")"));
      }
    });
    SeccompProfile seccomp = context.getSeccompProfile();
    if (seccomp != null) {
      profile(field + ".seccompProfile", seccomp.getType(), seccomp.getLocalhostProfile(), "seccomp", problems);
    }
    AppArmorProfile appArmor = context.getAppArmorProfile();
    if (appArmor != null) {
      profile(field + ".appArmorProfile", appArmor.getType(), appArmor.getLocalhostProfile(), "AppArmor", problems);
    }
  }

  /** A seccomp or AppArmor profile: RuntimeDefault or Localhost (with its profile); Unconfined is refused. */
  private static void profile(String field, String type, String localhostProfile, String kind,
      List<Problem> problems) {
    if ("Unconfined".equals(type)) {
      problems.add(new Problem(field + ".type", "is Unconfined, which turns off the " + kind + " filter of the"
          + " Cassandra container too; write " + NodePods.SECCOMP_RUNTIME_DEFAULT + " (the default when left out)"
          + " or Localhost with a localhostProfile"));
    } else if ("Localhost".equals(type)) {
      if (localhostProfile == null || localhostProfile.isBlank()) {
        problems.add(new Problem(field + ".localhostProfile", "is missing while type is Localhost; name the profile"
            + " on the node (e.g. profiles/cassandra.json), or write type " + NodePods.SECCOMP_RUNTIME_DEFAULT));
      }
    } else if (!NodePods.SECCOMP_RUNTIME_DEFAULT.equals(type)) {
      problems.add(new Problem(field + ".type", "is " + (type == null ? "missing" : "\"" + type + "\"") + "; write "
          + NodePods.SECCOMP_RUNTIME_DEFAULT + " or Localhost (with a localhostProfile), or leave the profile out"));
    }
  }

  /** The template's volume names that are valid, so mounts are checked against them. */
  private static Set<String> volumes(List<Volume> volumes, List<Problem> problems) {
    Set<String> names = new HashSet<>();
    if (volumes == null) {
      return names;
    }
    for (int i = 0; i < volumes.size(); i++) {
      String field = FIELD + ".volumes[" + i + "].name";
      String name = volumes.get(i) == null ? null : volumes.get(i).getName();
      if (name == null || name.isBlank()) {
        problems.add(new Problem(field, "is missing; give the volume a name"));
      } else if (NodePods.OWNED_VOLUMES.contains(name)) {
        problems.add(new Problem(field, "\"" + name + "\" is " + ownedVolume(name) + "; choose another name"));
      } else if (name.length() > 63 || !DNS_1123_LABEL.matcher(name).matches()) {
        problems.add(new Problem(field, "\"" + name + "\" is not a volume name: at most 63 lower-case letters,"
            + " digits and '-'"));
      } else if (!names.add(name)) {
        problems.add(new Problem(field, "\"" + name + "\" is listed twice; give each volume its own name"));
      }
    }
    return names;
  }

  private static String ownedVolume(String name) {
    return switch (name) {
      case Names.DATA_VOLUME -> "the operator's data volume";
      case Names.CONFIG_VOLUME -> "the operator's configuration volume";
      case Names.AGENT_TOKEN_VOLUME -> "the operator's agent token volume";
      case Names.TLS_VOLUME -> "the operator's TLS volume (the node's certificate)";
      default -> "the operator's agent volume";
    };
  }

  private static void cassandraMounts(List<VolumeMount> mounts, Set<String> volumes, List<Problem> problems) {
    if (mounts == null) {
      return;
    }
    for (int i = 0; i < mounts.size(); i++) {
      String field = FIELD + ".volumeMounts[" + i + "]";
      VolumeMount mount = mounts.get(i);
      mountOf(mount, field, volumes, problems);
      String path = mount == null ? null : mount.getMountPath();
      if (path == null || path.isBlank()) {
        continue;
      }
      String normalized = path.replaceAll("/+$", "");
      for (String owned : NodePods.OWNED_MOUNT_PATHS) {
        if (normalized.equals(owned) || normalized.startsWith(owned + "/")) {
          problems.add(new Problem(field + ".mountPath", "\"" + path + "\" is at or under " + owned + ", where the"
              + " operator mounts " + (owned.equals(Names.DATA_DIR) ? "the node's data" : "its own files")
              + "; mount the volume elsewhere"));
        }
      }
    }
  }

  /** A mount names a volume of the pod and a path; sidecars may mount the operator's volumes too (e.g. data). */
  private static void mountOf(VolumeMount mount, String field, Set<String> volumes, List<Problem> problems) {
    String name = mount == null ? null : mount.getName();
    if (name == null || name.isBlank()) {
      problems.add(new Problem(field + ".name", "is missing; name a volume of spec.podTemplate.volumes"));
    } else if (!volumes.contains(name) && !NodePods.OWNED_VOLUMES.contains(name)) {
      problems.add(new Problem(field + ".name", "\"" + name + "\" is not a volume of the pod; add it to"
          + " spec.podTemplate.volumes or mount another one"));
    }
    String path = mount == null ? null : mount.getMountPath();
    if (path == null || !path.startsWith("/")) {
      problems.add(new Problem(field + ".mountPath", "\"" + path + "\" is not an absolute path; write e.g."
          + " /var/log/extra"));
    }
  }

  private static void containers(List<Container> containers, String list, Set<String> names, Set<String> volumes,
      int agentPort, List<Problem> problems) {
    if (containers == null) {
      return;
    }
    for (int i = 0; i < containers.size(); i++) {
      String field = list + "[" + i + "]";
      Container container = containers.get(i);
      String name = container == null ? null : container.getName();
      if (name == null || name.isBlank()) {
        problems.add(new Problem(field + ".name", "is missing; give the container a name"));
      } else if (NodePods.OWNED_CONTAINERS.contains(name)) {
        problems.add(new Problem(field + ".name", "\"" + name + "\" is the name of the operator's "
            + (Names.CASSANDRA_CONTAINER.equals(name) ? "Cassandra container" : "agent init container")
            + "; choose another name (the Cassandra container's command, ports and probes are the operator's)"));
      } else if (name.length() > 63 || !DNS_1123_LABEL.matcher(name).matches()) {
        problems.add(new Problem(field + ".name", "\"" + name + "\" is not a container name: at most 63 lower-case"
            + " letters, digits and '-'"));
      } else if (!names.add(name)) {
        problems.add(new Problem(field + ".name", "\"" + name + "\" is used by another container of the pod; give"
            + " each container its own name"));
      }
      if (container == null) {
        continue;
      }
      if (container.getImage() == null || container.getImage().isBlank()) {
        problems.add(new Problem(field + ".image", "is missing; give the container's image"));
      }
      List<ContainerPort> ports = container.getPorts() == null ? List.of() : container.getPorts();
      for (int p = 0; p < ports.size(); p++) {
        Integer port = ports.get(p) == null ? null : ports.get(p).getContainerPort();
        if (port != null && (port == CassandraYaml.STORAGE_PORT || port == CassandraYaml.NATIVE_TRANSPORT_PORT
            || port == agentPort)) {
          problems.add(new Problem(field + ".ports[" + p + "].containerPort", port + " is a port of the Cassandra"
              + " container (7000 intra-node, 9042 CQL, " + agentPort + " agent), which shares the pod's network;"
              + " listen on another port"));
        }
      }
      List<VolumeMount> mounts = container.getVolumeMounts() == null ? List.of() : container.getVolumeMounts();
      for (int m = 0; m < mounts.size(); m++) {
        mountOf(mounts.get(m), field + ".volumeMounts[" + m + "]", volumes, problems);
      }
    }
  }

  private static void spread(List<TopologySpreadConstraint> constraints, List<Problem> problems) {
    if (constraints == null) {
      return;
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < constraints.size(); i++) {
      String field = FIELD + ".topologySpreadConstraints[" + i + "]";
      TopologySpreadConstraint c = constraints.get(i);
      if (c != null && c.getTopologyKey() != null && !seen.add(c.getTopologyKey() + "|" + c.getWhenUnsatisfiable())) {
        problems.add(new Problem(field, "repeats topologyKey " + c.getTopologyKey() + " with whenUnsatisfiable "
            + c.getWhenUnsatisfiable() + ", which the API server refuses; merge the two constraints"));
      }
      if (c == null || c.getTopologyKey() == null || c.getTopologyKey().isBlank()) {
        problems.add(new Problem(field + ".topologyKey", "is missing; give a node label, e.g. "
            + NodePods.TOPOLOGY_ZONE));
      }
      if (c != null && (c.getMaxSkew() == null || c.getMaxSkew() < 1)) {
        problems.add(new Problem(field + ".maxSkew", "is " + c.getMaxSkew() + "; give a skew of at least 1"));
      }
      if (c != null && !WHEN_UNSATISFIABLE.contains(c.getWhenUnsatisfiable())) {
        problems.add(new Problem(field + ".whenUnsatisfiable", "is " + c.getWhenUnsatisfiable() + "; write"
            + " DoNotSchedule or ScheduleAnyway"));
      }
    }
  }

  private static boolean validKey(String key) {
    int slash = key.lastIndexOf('/');
    String prefix = slash < 0 ? null : key.substring(0, slash);
    String name = slash < 0 ? key : key.substring(slash + 1);
    if (prefix != null && (prefix.isEmpty() || prefix.length() > 253 || !DNS_1123_SUBDOMAIN.matcher(prefix).matches())) {
      return false;
    }
    return !name.isEmpty() && name.length() <= 63 && LABEL_NAME.matcher(name).matches();
  }
}
