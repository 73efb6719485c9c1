package io.ringkeeper.operator.resources;

import io.ringkeeper.api.v1alpha1.CassandraClusterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The JVM options of a node, passed in env {@code JVM_EXTRA_OPTS} (the image's cassandra-env.sh appends it to
 * the java command line, split on spaces). Everything node-specific lives here so that one cassandra.yaml serves
 * every node, and so that local mode can run the same node by reading these options back ({@link #parse}).
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

  private JvmOptions() {}

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
    options.add("-javaagent:" + Names.AGENT_DIR + "/" + Names.AGENT_JAR + "=address=" + POD_IP + ",port="
        + agentPort + ",tokenFile=" + Names.AGENT_TOKEN_DIR + "/" + Names.AGENT_TOKEN_KEY);
    if (spec.getJvm() != null && spec.getJvm().getExtraOptions() != null) {
      options.addAll(spec.getJvm().getExtraOptions());
    }
    return options;
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
