package io.ringkeeper.operator.resources;

import io.ringkeeper.api.v1alpha1.CassandraClusterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The JVM options of a node, passed in env {@code JVM_EXTRA_OPTS} (the image's cassandra-env.sh appends it to
 * the java command line, split on spaces). Everything node-specific lives here so that one cassandra.yaml serves
 * every node, and so that local mode can run the same node by reading these options back ({@link #split}).
 *
 * <p>Options come in families ({@link #family}): the garbage collector, each heap size, each {@code -XX:} flag,
 * each system property. The JVM takes the last value of a flag but refuses two collectors, so options composed
 * from several sources (the image's defaults, local mode's node flags, the spec) must replace by family rather
 * than append: {@link #compose} does that, and when the spec chooses a collector {@link #forNode} first turns off
 * the collectors an image may have selected.
 */
public final class JvmOptions {
  /** System property prefix Cassandra 4.1+ reads cassandra.yaml keys from, when allowed. */
  public static final String SETTINGS_PREFIX = "-Dcassandra.settings.";
  /** Env var holding the pod IP (downward API); Kubernetes expands $(POD_IP) in later env values. */
  public static final String POD_IP_ENV = "POD_IP";
  private static final String POD_IP = "$(" + POD_IP_ENV + ")";

  /** Option prefixes the operator owns; spec.jvm.extraOptions may not use them. */
  public static final List<String> OPERATOR_OWNED_PREFIXES = List.of(
      "-Xmx", "-Xms", "-Xmn", "-javaagent", "-Dcassandra.initial_token", "-Dcassandra.replace_address",
      "-Dcassandra.config", "-Dcassandra-rackdc.properties", SETTINGS_PREFIX, "-Dcassandra.join_ring",
      "-Dcassandra.storagedir");

  /** The collectors of JDK 17 and the flag that selects each. */
  public static final Map<String, String> COLLECTORS = Map.of(
      "UseSerialGC", "Serial", "UseParallelGC", "Parallel", "UseG1GC", "G1", "UseZGC", "ZGC",
      "UseShenandoahGC", "Shenandoah", "UseEpsilonGC", "Epsilon");
  /**
   * Collectors an image or local mode may select by default; turned off before a collector the spec selects.
   * (Shenandoah is left out: not every JDK 17 build knows the flag, and no image selects it.)
   */
  static final List<String> DEFAULT_COLLECTOR_FLAGS = List.of("UseSerialGC", "UseParallelGC", "UseG1GC", "UseZGC");
  /** The family of every collector flag. */
  public static final String COLLECTOR = "collector";
  /** {@code -XX:} flags that size the heap, by the heap family they belong to. */
  public static final Map<String, String> HEAP_FLAGS = Map.ofEntries(
      Map.entry("MaxHeapSize", "heap.max"), Map.entry("InitialHeapSize", "heap.initial"),
      Map.entry("MinHeapSize", "heap.initial"), Map.entry("NewSize", "heap.young"),
      Map.entry("MaxNewSize", "heap.young"), Map.entry("MaxRAM", "heap.max"),
      Map.entry("MaxRAMPercentage", "heap.max"), Map.entry("MinRAMPercentage", "heap.max"),
      Map.entry("InitialRAMPercentage", "heap.initial"), Map.entry("MaxRAMFraction", "heap.max"),
      Map.entry("MinRAMFraction", "heap.max"), Map.entry("InitialRAMFraction", "heap.initial"),
      Map.entry("NewRatio", "heap.young"));
  private static final Pattern XX_BOOLEAN = Pattern.compile("^-XX:([+-])([A-Za-z][A-Za-z0-9_]*)$");
  private static final Pattern XX_VALUE = Pattern.compile("^-XX:([A-Za-z][A-Za-z0-9_]*)=(.+)$");
  private static final Pattern X_SIZE = Pattern.compile("^-X(mx|ms|mn|ss)(.*)$");
  private static final Pattern X_FLAG = Pattern.compile("^-X([a-z]+)$");

  private JvmOptions() {}

  /** A {@code -XX:} flag: its name and its value ({@code true}/{@code false} for a boolean flag). */
  public record XxFlag(String name, String value, boolean isBoolean) {}

  /** The {@code -XX:} flag of an option, when it is one and well formed. */
  public static Optional<XxFlag> xxFlag(String option) {
    Matcher b = XX_BOOLEAN.matcher(option);
    if (b.matches()) {
      return Optional.of(new XxFlag(b.group(2), b.group(1).equals("+") ? "true" : "false", true));
    }
    Matcher v = XX_VALUE.matcher(option);
    if (v.matches()) {
      return Optional.of(new XxFlag(v.group(1), v.group(2), false));
    }
    return Optional.empty();
  }

  /** The collector an option turns on ({@code -XX:+UseG1GC} -> G1), if it does. */
  public static Optional<String> selectedCollector(String option) {
    return xxFlag(option).filter(f -> f.isBoolean() && f.value().equals("true") && COLLECTORS.containsKey(f.name()))
        .map(f -> COLLECTORS.get(f.name()));
  }

  /**
   * The family of an option: options of one family set the same thing, so a later one replaces an earlier one.
   * {@code collector} for every collector flag (the JVM refuses two), {@code heap.max}/{@code heap.initial}/
   * {@code heap.young} for the heap sizes however written ({@code -Xmx} or {@code -XX:MaxHeapSize}),
   * {@code stack} for the thread stack, {@code -XX:Name} for any other {@code -XX:} flag, {@code -Dname} for a
   * system property, {@code -Xname} for another {@code -X} flag. Empty for options that add rather than set
   * ({@code -Xlog:...}, {@code -verbose:gc}, {@code -javaagent:...}, {@code --add-opens ...}).
   */
  public static Optional<String> family(String option) {
    Optional<XxFlag> xx = xxFlag(option);
    if (xx.isPresent()) {
      String name = xx.get().name();
      if (COLLECTORS.containsKey(name)) {
        return Optional.of(COLLECTOR);
      }
      if (HEAP_FLAGS.containsKey(name)) {
        return Optional.of(HEAP_FLAGS.get(name));
      }
      if (name.equals("ThreadStackSize")) {
        return Optional.of("stack");
      }
      return Optional.of("-XX:" + name);
    }
    Matcher size = X_SIZE.matcher(option);
    if (size.matches()) {
      return Optional.of(switch (size.group(1)) {
        case "mx" -> "heap.max";
        case "ms" -> "heap.initial";
        case "mn" -> "heap.young";
        default -> "stack";
      });
    }
    if (option.startsWith("-D") && option.length() > 2) {
      int eq = option.indexOf('=');
      return Optional.of("-D" + (eq < 0 ? option.substring(2) : option.substring(2, eq)));
    }
    Matcher x = X_FLAG.matcher(option);
    if (x.matches()) {
      return Optional.of("-X" + x.group(1));
    }
    return Optional.empty();
  }

  /**
   * Defaults followed by the chosen options, without the defaults whose family the chosen options set: a
   * default collector, heap size or flag is replaced, never duplicated. Options without a family are kept.
   */
  public static List<String> compose(List<String> defaults, List<String> chosen) {
    Set<String> chosenFamilies = new HashSet<>();
    for (String option : chosen) {
      family(option).ifPresent(chosenFamilies::add);
    }
    List<String> composed = new ArrayList<>();
    for (String option : defaults) {
      if (family(option).map(f -> !chosenFamilies.contains(f)).orElse(true)) {
        composed.add(option);
      }
    }
    composed.addAll(chosen);
    return composed;
  }

  /** The options of one node, in a stable order; user options come last. */
  public static List<String> forNode(CassandraClusterSpec spec, DesiredNode node, int agentPort) {
    List<String> options = new ArrayList<>();
    options.add("-Dcassandra.config=file://" + Names.CONFIG_DIR + "/" + Names.CASSANDRA_YAML);
    options.add("-Dcassandra-rackdc.properties=file://" + Names.CONFIG_DIR + "/"
        + Names.rackPropertiesFile(node.id().datacenter(), node.id().rack()));
    options.add("-Dcassandra.config.allow_system_properties=true");
    options.add(SETTINGS_PREFIX + "listen_address=" + POD_IP);
    options.add(SETTINGS_PREFIX + "rpc_address=" + POD_IP);
    if (node.initial() && node.replaceAddress() == null) {
      // A brand-new cluster's nodes start together in an empty ring with pre-assigned tokens: no streaming.
      // Never for a replacement, even of an initial node: it must bootstrap to stream the lost node's data, and
      // Cassandra refuses replace_address without it. (Like the replace option itself, this acts on first boot
      // only and is left out of what the pod is said to run: no restart follows the replacement.)
      options.add(SETTINGS_PREFIX + "auto_bootstrap=false");
    }
    options.add("-Dcassandra.initial_token="
        + node.tokens().stream().map(String::valueOf).collect(Collectors.joining(",")));
    if (node.replaceAddress() != null) {
      // Takes over the lost node's tokens and streams its data from the other replicas; ignored after first boot.
      options.add("-Dcassandra.replace_address_first_boot=" + node.replaceAddress());
    }
    options.add(agentOption(agentPort, AgentTls.enabled(spec)));
    if (spec.getJvm() != null && spec.getJvm().getExtraOptions() != null) {
      List<String> extra = spec.getJvm().getExtraOptions();
      Optional<String> chosen = extra.stream().map(JvmOptions::selectedCollector).flatMap(Optional::stream)
          .findFirst();
      if (chosen.isPresent()) {
        // The image's options file comes first on the command line and selects its own collector (G1 in the
        // stock image, Serial in local mode); turned off here, the spec's is the only one the JVM sees.
        for (String flag : DEFAULT_COLLECTOR_FLAGS) {
          if (!COLLECTORS.get(flag).equals(chosen.get())) {
            options.add("-XX:-" + flag);
          }
        }
      }
      options.addAll(extra);
    }
    return options;
  }

  /** The -javaagent option; with {@code https} the agent serves HTTPS with the files of {@link Names#TLS_DIR}. */
  static String agentOption(int agentPort, boolean https) {
    return "-javaagent:" + Names.AGENT_DIR + "/" + Names.AGENT_JAR + "=address=" + POD_IP + ",port=" + agentPort
        + ",tokenFile=" + Names.AGENT_TOKEN_DIR + "/" + Names.AGENT_TOKEN_KEY
        + (https ? ",tlsDir=" + Names.TLS_DIR : "");
  }

  /** The value of JVM_EXTRA_OPTS. */
  public static String join(List<String> options) {
    return String.join(" ", options);
  }

  /** Splits JVM_EXTRA_OPTS the way cassandra-env.sh does (on whitespace). */
  public static List<String> split(String value) {
    return value == null || value.isBlank() ? List.of() : Arrays.asList(value.trim().split("\\s+"));
  }

  /** The {@code -Dname=value} system properties among the options, in order. */
  public static Map<String, String> systemProperties(List<String> options) {
    Map<String, String> properties = new LinkedHashMap<>();
    for (String option : options) {
      if (option.startsWith("-D")) {
        int eq = option.indexOf('=');
        if (eq < 0) {
          properties.put(option.substring(2), "");
        } else {
          properties.put(option.substring(2, eq), option.substring(eq + 1));
        }
      }
    }
    return properties;
  }

  /** The tokens a node starts with, read back from its options; empty when none are set. */
  public static List<Long> initialTokens(List<String> options) {
    String value = systemProperties(options).get("cassandra.initial_token");
    if (value == null || value.isBlank()) {
      return List.of();
    }
    return Arrays.stream(value.split(",")).map(String::trim).map(Long::parseLong).toList();
  }
}
