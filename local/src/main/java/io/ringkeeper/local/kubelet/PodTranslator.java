package io.ringkeeper.local.kubelet;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.ringkeeper.local.cassandra.CassandraDistribution;
import io.ringkeeper.local.cassandra.CassandraNodeSpec;
import io.ringkeeper.local.cassandra.CassandraVersions;
import io.ringkeeper.operator.resources.JvmOptions;
import io.ringkeeper.operator.resources.Names;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a Cassandra pod, exactly as the operator wrote it, into a local node: its directory, its files and its
 * command line. This is what the stock {@code cassandra} image's entrypoint and a kubelet would do with it:
 *
 * <ul>
 *   <li>the image must be {@code cassandra:<version>} of a Cassandra release this machine runs, resolved from
 *       Maven ({@link CassandraVersions}: fetched on first use, the pod waits meanwhile); the pod keeps the image's
 *       entrypoint (no command or args);
 *   <li>volumes become directories: a PVC the claim's directory (it outlives the pod), a ConfigMap or Secret a
 *       directory holding its keys as files, an emptyDir a fresh directory; each mount path is rewritten to its
 *       directory wherever it appears in env values, JVM options and ConfigMap files;
 *   <li>the init container that copies the agent jar out of the operator image copies the local agent jar;
 *   <li>env is resolved as Kubernetes does (downward API {@code status.podIP}, {@code $(VAR)} references);
 *       {@code MAX_HEAP_SIZE} becomes {@code -Xms}/{@code -Xmx} as in cassandra-env.sh, {@code JVM_EXTRA_OPTS}
 *       is split on whitespace and appended; the image's defaults ({@code imageOptions}) of a family the pod sets
 *       itself (the collector, a {@code -XX:} flag, a system property) are left out ({@link JvmOptions#compose});
 *   <li>a headless-Service DNS name {@code <pod>.<service>.<namespace>.svc} in a ConfigMap file or an option
 *       becomes that pod's loopback address (local mode has no DNS);
 *   <li>the readiness probe's HTTP GET is kept for the kubelet to run (over HTTPS when its scheme says so, without
 *       verifying the certificate, as a kubelet does);
 *   <li>security contexts (the pod's user, group, fsGroup and seccomp profile; the containers' privilege
 *       escalation, capabilities and read-only root) are accepted and not applied: every node runs as a process of
 *       the current user, with no seccomp filter or capability set of its own;
 *   <li>sidecars and init containers other than the agent's (a {@code spec.podTemplate}'s) are not run: local mode
 *       has no container images, only Cassandra's jars. Rather than hold the node Pending forever, the node
 *       starts without them and each one left out is listed in {@link Translation#notRun} (the kubelet reports
 *       it as a Warning event); so are volumes of a kind local mode cannot provide that the Cassandra container
 *       does not mount.
 * </ul>
 * Anything else it cannot translate is refused with a {@link Refusal} naming the field and the fix.
 */
public final class PodTranslator {
  /**
   * The pod's readiness probe: an HTTP GET on the pod's address, every {@code period}, each bounded by
   * {@code timeout}; a Ready pod turns not ready after {@code failureThreshold} failures in a row (as a kubelet
   * does), and ready again on one success.
   */
  public record ReadinessProbe(String path, int port, Duration period, Duration timeout, int failureThreshold,
      boolean https) {
    /** A probe over plain HTTP. */
    public ReadinessProbe(String path, int port, Duration period, Duration timeout, int failureThreshold) {
      this(path, port, period, timeout, failureThreshold, false);
    }
  }

  /**
   * One node ready to launch.
   *
   * @param address the pod IP (a loopback address)
   * @param spec the node's process: directories and JVM options
   * @param files files to write before the start (ConfigMap and Secret contents, the agent jar), by host path
   * @param readiness the readiness probe, or null when the pod has none
   * @param gracePeriod how long a SIGTERM'd node may drain before it is killed
   * @param notRun what of the pod local mode leaves out (sidecars, the user's init containers, volumes only they
   *     use), one sentence each
   * @param distribution the Cassandra release the image names, or null for the launcher's own
   */
  public record Translation(String address, CassandraNodeSpec spec, Map<Path, byte[]> files, ReadinessProbe readiness,
      Duration gracePeriod, List<String> notRun, CassandraDistribution distribution) {
    public Translation {
      notRun = List.copyOf(notRun);
    }

    public Translation(String address, CassandraNodeSpec spec, Map<Path, byte[]> files, ReadinessProbe readiness,
        Duration gracePeriod, List<String> notRun) {
      this(address, spec, files, readiness, gracePeriod, notRun, null);
    }
  }

  /** Where the objects a pod refers to come from (the API server). */
  public interface Lookup {
    ConfigMap configMap(String namespace, String name);

    Secret secret(String namespace, String name);

    PersistentVolumeClaim claim(String namespace, String name);
  }

  /** A pod this kubelet cannot run: {@code waiting} is true when it may run once something appears. */
  public static final class Refusal extends Exception {
    private static final long serialVersionUID = 1L;
    private final String reason;
    private final boolean waiting;

    Refusal(String reason, String message, boolean waiting) {
      super(message);
      this.reason = reason;
      this.waiting = waiting;
    }

    /** A CamelCase reason, as in a container's waiting state. */
    public String reason() {
      return reason;
    }

    public boolean waiting() {
      return waiting;
    }
  }

  private static final Pattern POD_DNS = Pattern.compile(
      "\\b([a-z0-9](?:[-a-z0-9]*[a-z0-9])?)\\.([a-z0-9](?:[-a-z0-9]*[a-z0-9])?)\\.([a-z0-9](?:[-a-z0-9]*[a-z0-9])?)"
          + "\\.svc(?:\\.cluster\\.local)?\\b");
  private static final Pattern ENV_REF = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_.-]*)\\)");

  private final CassandraVersions versions;
  private final Path agentJar;
  private final List<String> imageOptions;
  private final String defaultHeap;
  private final AddressPool addresses;

  /**
   * @param cassandraVersion the version of Cassandra's jars here; the only image accepted is {@code cassandra:} it
   *     (the launcher's own distribution runs it)
   * @param agentJar the local agent jar, copied where the operator's init container would copy its own
   * @param imageOptions JVM options of every node before the pod's own (what the image's jvm options files do
   *     in a container: GC, start-up delays)
   * @param defaultHeap heap when the pod sets no MAX_HEAP_SIZE (the image would size it from the machine)
   */
  public PodTranslator(String cassandraVersion, Path agentJar, List<String> imageOptions, String defaultHeap,
      AddressPool addresses) {
    this(CassandraVersions.only(null, Objects.requireNonNull(cassandraVersion)), agentJar, imageOptions, defaultHeap,
        addresses);
  }

  /**
   * @param versions the Cassandra releases local mode runs: the image {@code cassandra:<version>} picks one
   */
  public PodTranslator(CassandraVersions versions, Path agentJar, List<String> imageOptions, String defaultHeap,
      AddressPool addresses) {
    this.versions = Objects.requireNonNull(versions);
    this.agentJar = Objects.requireNonNull(agentJar);
    this.imageOptions = List.copyOf(imageOptions);
    this.defaultHeap = Objects.requireNonNull(defaultHeap);
    this.addresses = Objects.requireNonNull(addresses);
  }

  /** Whether local mode runs this image: the stock image of a Cassandra version it has or can fetch. */
  public boolean knowsImage(String image) {
    return versions.knowsImage(image);
  }

  /**
   * @param podDir the pod's own directory (emptyDirs, ConfigMap and Secret copies, logs)
   * @param claimDir the directory of a PersistentVolumeClaim, by claim name
   */
  public Translation translate(Pod pod, Lookup lookup, Path podDir, Function<String, Path> claimDir)
      throws Refusal {
    return translate(pod, lookup, podDir, claimDir, null);
  }

  /**
   * @param heapCapBytes the largest heap the node may have (its memory request was mapped down to fit this
   *     machine), or null for the pod's own
   */
  public Translation translate(Pod pod, Lookup lookup, Path podDir, Function<String, Path> claimDir,
      Long heapCapBytes) throws Refusal {
    String namespace = pod.getMetadata().getNamespace();
    String name = pod.getMetadata().getName();
    List<Container> containers = pod.getSpec().getContainers() == null ? List.of() : pod.getSpec().getContainers();
    Container container = containers.size() == 1 ? containers.get(0) : containers.stream()
        .filter(c -> Names.CASSANDRA_CONTAINER.equals(c.getName())).findFirst().orElse(null);
    if (container == null) {
      throw new Refusal("UnsupportedPod", "pod " + name + ": local mode runs the Cassandra container, named "
          + Names.CASSANDRA_CONTAINER + " when the pod has several (spec.containers has " + containers.size()
          + ", none of that name)", false);
    }
    List<String> notRun = new ArrayList<>();
    for (Container sidecar : containers) {
      if (sidecar != container) {
        notRun.add("container " + sidecar.getName() + " (image " + sidecar.getImage() + ") is not run: local mode"
            + " runs only the Cassandra container, as a JVM process");
      }
    }
    CassandraDistribution distribution;
    try {
      distribution = versions.distributionFor(container.getImage());
    } catch (CassandraVersions.Unavailable e) {
      throw new Refusal(e.reason(), "pod " + name + ": " + e.getMessage(), e.waiting());
    }
    if ((container.getCommand() != null && !container.getCommand().isEmpty())
        || (container.getArgs() != null && !container.getArgs().isEmpty())) {
      throw new Refusal("UnsupportedCommand", "pod " + name + ": local mode runs the image's own entrypoint;"
          + " container " + container.getName() + " sets command or args", false);
    }
    String address = addresses.addressOf(namespace, name);

    // Volumes -> directories.
    Map<Path, byte[]> files = new LinkedHashMap<>();
    Map<String, Path> volumeDirs = new LinkedHashMap<>();
    String claimVolume = null;
    Set<String> mountedHere = new HashSet<>();
    for (Container c : runnable(pod, container)) {
      (c.getVolumeMounts() == null ? List.<VolumeMount>of() : c.getVolumeMounts())
          .forEach(m -> mountedHere.add(m.getName()));
    }
    for (Volume volume : pod.getSpec().getVolumes() == null ? List.<Volume>of() : pod.getSpec().getVolumes()) {
      Path dir = podDir.resolve("volumes").resolve(volume.getName());
      if (volume.getPersistentVolumeClaim() != null) {
        String claim = volume.getPersistentVolumeClaim().getClaimName();
        if (lookup.claim(namespace, claim) == null) {
          throw new Refusal("PersistentVolumeClaimNotFound", "pod " + name + ": waiting for PersistentVolumeClaim "
              + claim, true);
        }
        dir = claimDir.apply(claim);
        claimVolume = volume.getName();
      } else if (volume.getConfigMap() != null) {
        ConfigMap map = lookup.configMap(namespace, volume.getConfigMap().getName());
        if (map == null) {
          throw new Refusal("ConfigMapNotFound", "pod " + name + ": waiting for ConfigMap "
              + volume.getConfigMap().getName(), true);
        }
        Map<String, String> data = map.getData() == null ? Map.of() : map.getData();
        for (Map.Entry<String, String> e : select(data, volume.getConfigMap().getItems()).entrySet()) {
          files.put(dir.resolve(e.getKey()), e.getValue().getBytes(StandardCharsets.UTF_8)); // rewritten below
        }
      } else if (volume.getSecret() != null) {
        Secret secret = lookup.secret(namespace, volume.getSecret().getSecretName());
        if (secret == null) {
          throw new Refusal("SecretNotFound", "pod " + name + ": waiting for Secret "
              + volume.getSecret().getSecretName(), true);
        }
        for (Map.Entry<String, byte[]> e : secretFiles(volume, secret).entrySet()) {
          files.put(dir.resolve(e.getKey()), e.getValue());
        }
      } else if (volume.getEmptyDir() == null && !mountedHere.contains(volume.getName())) {
        notRun.add("volume " + volume.getName() + " is not provided: local mode cannot provide its kind, and only"
            + " containers it does not run mount it");
        continue;
      } else if (volume.getEmptyDir() == null) {
        throw new Refusal("UnsupportedVolume", "pod " + name + ": volume " + volume.getName() + " is neither a"
            + " persistentVolumeClaim, configMap, secret nor emptyDir; local mode cannot provide it", false);
      }
      volumeDirs.put(volume.getName(), dir);
    }

    // Mount paths -> directories, longest first so nested mounts win.
    Map<String, Path> mounts = new LinkedHashMap<>();
    for (VolumeMount mount : container.getVolumeMounts() == null ? List.<VolumeMount>of()
        : container.getVolumeMounts()) {
      Path dir = volumeDirs.get(mount.getName());
      if (dir == null) {
        throw new Refusal("UnsupportedPod", "pod " + name + ": volume mount " + mount.getName()
            + " names no volume of the pod", false);
      }
      if (mount.getSubPath() != null && !mount.getSubPath().isEmpty()) {
        dir = dir.resolve(mount.getSubPath());
      }
      mounts.put(mount.getMountPath(), dir);
    }
    List<Map.Entry<String, Path>> rewrites = new ArrayList<>(mounts.entrySet());
    rewrites.sort(Comparator.comparingInt((Map.Entry<String, Path> e) -> e.getKey().length()).reversed());

    // The agent jar's init container.
    for (Container init : pod.getSpec().getInitContainers() == null ? List.<Container>of()
        : pod.getSpec().getInitContainers()) {
      if (!Names.AGENT_INIT_CONTAINER.equals(init.getName())) {
        notRun.add("init container " + init.getName() + " (image " + init.getImage() + ") is not run: local mode"
            + " runs only the operator's agent copy");
        continue;
      }
      List<String> command = init.getCommand() == null ? List.of() : init.getCommand();
      if (command.size() != 3 || !command.get(0).equals("cp")
          || !command.get(1).equals(Names.AGENT_JAR_IN_OPERATOR_IMAGE)) {
        throw new Refusal("UnsupportedInitContainer", "pod " + name + ": init container " + init.getName()
            + " is not the operator's agent copy (cp " + Names.AGENT_JAR_IN_OPERATOR_IMAGE + " <dir>); local mode"
            + " cannot run it", false);
      }
      Map<String, Path> initMounts = new LinkedHashMap<>();
      for (VolumeMount mount : init.getVolumeMounts() == null ? List.<VolumeMount>of() : init.getVolumeMounts()) {
        initMounts.put(mount.getMountPath(), volumeDirs.get(mount.getName()));
      }
      String target = rewritePaths(command.get(2), sorted(initMounts));
      if (target.equals(command.get(2))) {
        throw new Refusal("UnsupportedInitContainer", "pod " + name + ": init container " + init.getName()
            + " copies the agent outside its volumes (" + target + ")", false);
      }
      files.put(Path.of(target), readAgentJar());
    }

    // ConfigMap contents: mount paths and pod DNS names rewritten (text files only).
    for (Map.Entry<Path, byte[]> file : files.entrySet()) {
      if (isConfigMapFile(file.getKey(), pod, podDir)) {
        String text = new String(file.getValue(), StandardCharsets.UTF_8);
        file.setValue(resolveNames(rewritePaths(text, rewrites), namespace).getBytes(StandardCharsets.UTF_8));
      }
    }

    // Env, then the JVM options the image's scripts would build from it.
    Map<String, String> env = env(pod, container, address);
    List<String> podOptions = new ArrayList<>();
    String heap = env.getOrDefault("MAX_HEAP_SIZE", defaultHeap);
    if (heapCapBytes != null && heapBytes(heap) > heapCapBytes) {
      heap = Math.max(heapCapBytes / (1024 * 1024), 64) + "M";
    }
    podOptions.add("-Xms" + heap);
    podOptions.add("-Xmx" + heap);
    for (String option : JvmOptions.split(env.get("JVM_EXTRA_OPTS"))) {
      podOptions.add(resolveNames(rewritePaths(option, rewrites), namespace));
    }
    // The image's defaults give way to what the pod sets itself (its collector, a flag's value), as a user's
    // options override an image's options file; appended, two collectors would stop the JVM at start.
    List<String> options = JvmOptions.compose(imageOptions, podOptions);

    Path dataDir = claimVolume != null ? volumeDirs.get(claimVolume) : podDir.resolve("data");
    CassandraNodeSpec spec = new CassandraNodeSpec(name, address, podDir.resolve("runtime"), dataDir,
        podDir.resolve("logs"), options);
    long grace = pod.getSpec().getTerminationGracePeriodSeconds() == null ? 30
        : pod.getSpec().getTerminationGracePeriodSeconds();
    return new Translation(address, spec, files, readiness(container), Duration.ofSeconds(grace), notRun,
        distribution);
  }

  /** The containers local mode runs: the Cassandra container and the agent's init container. */
  private static List<Container> runnable(Pod pod, Container cassandra) {
    List<Container> runnable = new ArrayList<>(List.of(cassandra));
    if (pod.getSpec().getInitContainers() != null) {
      pod.getSpec().getInitContainers().stream().filter(c -> Names.AGENT_INIT_CONTAINER.equals(c.getName()))
          .forEach(runnable::add);
    }
    return runnable;
  }

  /** A cassandra-env.sh heap size (1024M, 8G, 512k, bytes) in bytes; unreadable sizes count as 0. */
  public static long heapBytes(String size) {
    String s = size.trim().toUpperCase(Locale.ROOT);
    long unit = switch (s.isEmpty() ? ' ' : s.charAt(s.length() - 1)) {
      case 'K' -> 1024L;
      case 'M' -> 1024L * 1024;
      case 'G' -> 1024L * 1024 * 1024;
      default -> 1L;
    };
    try {
      return Long.parseLong(unit == 1 ? s : s.substring(0, s.length() - 1)) * unit;
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /**
   * The files a Secret volume holds (path in the volume -> decoded bytes), as written at the start and again when the
   * Secret changes while the pod runs.
   */
  static Map<String, byte[]> secretFiles(Volume volume, Secret secret) {
    Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : select(data, volume.getSecret().getItems()).entrySet()) {
      files.put(e.getKey(), Base64.getDecoder().decode(e.getValue()));
    }
    return files;
  }

  private static Map<String, String> select(Map<String, String> data, List<KeyToPath> items) {
    if (items == null || items.isEmpty()) {
      return data;
    }
    Map<String, String> selected = new LinkedHashMap<>();
    for (KeyToPath item : items) {
      if (data.containsKey(item.getKey())) {
        selected.put(item.getPath(), data.get(item.getKey()));
      }
    }
    return selected;
  }

  private static boolean isConfigMapFile(Path file, Pod pod, Path podDir) {
    for (Volume volume : pod.getSpec().getVolumes()) {
      if (volume.getConfigMap() != null && file.startsWith(podDir.resolve("volumes").resolve(volume.getName()))) {
        return true;
      }
    }
    return false;
  }

  private Map<String, String> env(Pod pod, Container container, String address) throws Refusal {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar var : container.getEnv() == null ? List.<EnvVar>of() : container.getEnv()) {
      String value;
      if (var.getValueFrom() != null) {
        String field = var.getValueFrom().getFieldRef() == null ? null
            : var.getValueFrom().getFieldRef().getFieldPath();
        if ("status.podIP".equals(field)) {
          value = address;
        } else if ("metadata.name".equals(field)) {
          value = pod.getMetadata().getName();
        } else if ("metadata.namespace".equals(field)) {
          value = pod.getMetadata().getNamespace();
        } else {
          throw new Refusal("UnsupportedEnv", "pod " + pod.getMetadata().getName() + ": env " + var.getName()
              + " comes from a source local mode cannot resolve (only status.podIP, metadata.name and"
              + " metadata.namespace field references)", false);
        }
      } else {
        value = expand(var.getValue() == null ? "" : var.getValue(), env);
      }
      env.put(var.getName(), value);
    }
    return env;
  }

  /** Kubernetes' $(VAR) expansion: variables declared earlier are replaced, others are left as they are. */
  static String expand(String value, Map<String, String> env) {
    Matcher m = ENV_REF.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String replacement = env.containsKey(m.group(1)) ? env.get(m.group(1)) : m.group();
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static List<Map.Entry<String, Path>> sorted(Map<String, Path> mounts) {
    List<Map.Entry<String, Path>> list = new ArrayList<>(mounts.entrySet());
    list.removeIf(e -> e.getValue() == null);
    list.sort(Comparator.comparingInt((Map.Entry<String, Path> e) -> e.getKey().length()).reversed());
    return list;
  }

  /** Replaces each mount path (a whole path segment sequence, not a prefix of a longer name) by its directory. */
  static String rewritePaths(String text, List<Map.Entry<String, Path>> mounts) {
    String out = text;
    for (Map.Entry<String, Path> mount : mounts) {
      Pattern p = Pattern.compile("(?<![\\w.-])" + Pattern.quote(mount.getKey()) + "(?=/|$|[^\\w.-])");
      out = p.matcher(out).replaceAll(Matcher.quoteReplacement(mount.getValue().toAbsolutePath().toString()));
    }
    return out;
  }

  /** {@code <pod>.<service>.<namespace>.svc} -> the pod's address, as cluster DNS would answer. */
  String resolveNames(String text, String namespace) {
    Matcher m = POD_DNS.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(addresses.addressOf(m.group(3), m.group(1))));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static ReadinessProbe readiness(Container container) throws Refusal {
    Probe probe = container.getReadinessProbe();
    if (probe == null) {
      return null;
    }
    HTTPGetAction get = probe.getHttpGet();
    if (get == null) {
      throw new Refusal("UnsupportedProbe", "container " + container.getName() + ": local mode runs HTTP GET"
          + " readiness probes only", false);
    }
    int port;
    if (get.getPort().getIntVal() != null) {
      port = get.getPort().getIntVal();
    } else {
      String portName = get.getPort().getStrVal();
      port = container.getPorts().stream().filter(p -> portName.equals(p.getName()))
          .map(ContainerPort::getContainerPort).findFirst()
          .orElseThrow(() -> new Refusal("UnsupportedProbe", "container " + container.getName()
              + ": the readiness probe names port " + portName + ", which the container does not declare", false));
    }
    // Kubernetes' defaults where the probe leaves a field out.
    int period = probe.getPeriodSeconds() == null ? 10 : probe.getPeriodSeconds();
    int timeout = probe.getTimeoutSeconds() == null ? 1 : probe.getTimeoutSeconds();
    int failures = probe.getFailureThreshold() == null ? 3 : probe.getFailureThreshold();
    String scheme = get.getScheme() == null ? "HTTP" : get.getScheme().toUpperCase(Locale.ROOT);
    if (!scheme.equals("HTTP") && !scheme.equals("HTTPS")) {
      throw new Refusal("UnsupportedProbe", "container " + container.getName() + ": the readiness probe's scheme is "
          + get.getScheme() + "; it must be HTTP or HTTPS", false);
    }
    return new ReadinessProbe(get.getPath() == null ? "/" : get.getPath(), port, Duration.ofSeconds(period),
        Duration.ofSeconds(timeout), failures, scheme.equals("HTTPS"));
  }

  private byte[] readAgentJar() throws Refusal {
    try {
      return java.nio.file.Files.readAllBytes(agentJar);
    } catch (java.io.IOException e) {
      throw new Refusal("AgentJarMissing", "the agent jar " + agentJar + " cannot be read (" + e.getMessage()
          + "); build it with `mvn -pl local -am -DskipTests verify`", false);
    }
  }
}
