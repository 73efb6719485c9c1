package io.ringkeeper.operator.reconciler.validate;

import io.ringkeeper.operator.resources.JvmOptions;
import io.ringkeeper.operator.resources.JvmOptions.XxFlag;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks {@code spec.jvm.extraOptions} one by one and as a whole, so that a node never fails to start on its
 * options ("Multiple garbage collectors selected", "Unrecognized VM option"): each problem names
 * {@code spec.jvm.extraOptions[i]} and the fix.
 *
 * <ul>
 *   <li>Each item is one option: it starts with {@code -} (else the JVM takes it as its main class), holds no
 *       whitespace (the image splits on it) and no shell or quoting characters (the image's script expands the
 *       value unquoted); {@code $(POD_IP)} is the one variable allowed (Kubernetes expands it).
 *   <li>What the operator owns is refused: the heap however written ({@code -Xmx}, {@code -XX:MaxHeapSize},
 *       {@code -XX:MaxRAMPercentage}, ...: use spec.jvm.heapSize), tokens, the agent, config paths.
 *   <li>{@code -XX:} options must be well formed; flags JDK 17 no longer knows (CMS, the JDK 8 GC logging
 *       flags) are refused with their replacement; Epsilon (no collection at all) is refused.
 *   <li>At most one collector; the same flag or system property not given two different values.
 * </ul>
 */
public final class JvmOptionRules {
  /** Characters a shell would interpret in the image's unquoted expansion of JVM_EXTRA_OPTS. */
  private static final Pattern SHELL = Pattern.compile("[`'\"\\\\;|&<>(){}\\[\\]?!#~]");
  private static final String POD_IP_REF = "$(" + JvmOptions.POD_IP_ENV + ")";

  /** Flags JDK 17 refuses to start with ("Unrecognized VM option"), and what to use instead. */
  private static final Map<String, String> REMOVED = Map.ofEntries(
      Map.entry("UseConcMarkSweepGC", "CMS was removed in JDK 14; use -XX:+UseG1GC"),
      Map.entry("UseParNewGC", "ParNew was removed in JDK 10; use -XX:+UseG1GC"),
      Map.entry("PrintGCDateStamps", "JDK 9 replaced GC logging flags by -Xlog; use -Xlog:gc*:file=<path>:time"),
      Map.entry("PrintGCTimeStamps", "JDK 9 replaced GC logging flags by -Xlog; use -Xlog:gc*:file=<path>:uptime"),
      Map.entry("PrintGCApplicationStoppedTime", "JDK 9 replaced it by -Xlog:safepoint"),
      Map.entry("PrintTenuringDistribution", "JDK 9 replaced it by -Xlog:gc+age=trace"),
      Map.entry("PrintHeapAtGC", "JDK 9 replaced it by -Xlog:gc+heap=debug"),
      Map.entry("PrintPromotionFailure", "JDK 9 removed it; use -Xlog:gc+promotion=debug"),
      Map.entry("UseGCLogFileRotation", "JDK 9 replaced it by -Xlog:gc*:file=<path>::filecount=10,filesize=10m"),
      Map.entry("NumberOfGCLogFiles", "JDK 9 replaced it by -Xlog:gc*:file=<path>::filecount=<n>"),
      Map.entry("GCLogFileSize", "JDK 9 replaced it by -Xlog:gc*:file=<path>::filesize=<size>"),
      Map.entry("UseBiasedLocking", "biased locking was removed in JDK 18 and is off in 17; remove it"),
      Map.entry("AggressiveOpts", "JDK 12 removed it; remove it"));

  private JvmOptionRules() {}

  public static List<Problem> check(List<String> options) {
    List<Problem> problems = new ArrayList<>();
    if (options == null) {
      return problems;
    }
    Map<String, Integer> collectorAt = new HashMap<>();
    String collector = null;
    Map<String, Integer> familyAt = new HashMap<>();
    for (int i = 0; i < options.size(); i++) {
      String option = options.get(i);
      String field = "spec.jvm.extraOptions[" + i + "]";
      Optional<String> problem = single(option);
      if (problem.isPresent()) {
        problems.add(new Problem(field, problem.get()));
        continue;
      }
      Optional<String> selected = JvmOptions.selectedCollector(option);
      if (selected.isPresent()) {
        if (collector != null && !collector.equals(selected.get())) {
          problems.add(new Problem(field, "'" + option + "' selects the " + selected.get() + " collector but "
              + "spec.jvm.extraOptions[" + collectorAt.get(collector) + "] already selects " + collector
              + "; the JVM refuses two (\"Multiple garbage collectors selected\"): keep one of them"));
          continue;
        }
        collector = selected.get();
        collectorAt.putIfAbsent(collector, i);
      }
      Optional<String> family = JvmOptions.family(option);
      if (family.isPresent() && !family.get().equals(JvmOptions.COLLECTOR)) {
        Integer earlier = familyAt.putIfAbsent(family.get(), i);
        if (earlier != null && !options.get(earlier).equals(option)) {
          problems.add(new Problem(field, "'" + option + "' contradicts spec.jvm.extraOptions[" + earlier + "] '"
              + options.get(earlier) + "' (both set " + family.get() + "; the JVM would silently take the last)"
              + ": keep one of them"));
        }
      }
    }
    // A collector turned both on and off is a contradiction too.
    for (int i = 0; i < options.size(); i++) {
      Optional<XxFlag> flag = options.get(i) == null ? Optional.empty() : JvmOptions.xxFlag(options.get(i));
      if (flag.isPresent() && flag.get().isBoolean() && flag.get().value().equals("false")
          && JvmOptions.COLLECTORS.containsKey(flag.get().name())
          && JvmOptions.COLLECTORS.get(flag.get().name()).equals(collector)) {
        problems.add(new Problem("spec.jvm.extraOptions[" + i + "]", "'" + options.get(i) + "' turns off the "
            + collector + " collector that spec.jvm.extraOptions[" + collectorAt.get(collector) + "] selects;"
            + " remove one of them"));
      }
    }
    return problems;
  }

  /** What is wrong with one option on its own. */
  private static Optional<String> single(String option) {
    if (option == null || option.isBlank()) {
      return Optional.of("is empty; remove it");
    }
    if (!option.equals(option.trim()) || option.chars().anyMatch(Character::isWhitespace)) {
      return Optional.of("'" + printable(option) + "' contains whitespace; the image splits JVM options on spaces,"
          + " so give each option as its own list item");
    }
    if (option.chars().anyMatch(Character::isISOControl)) {
      return Optional.of("'" + printable(option) + "' contains control characters; remove them");
    }
    String withoutPodIp = option.replace(POD_IP_REF, "");
    if (withoutPodIp.contains("$")) {
      return Optional.of("'" + option + "' refers to a variable; only " + POD_IP_REF + " (the pod's address) is"
          + " expanded, remove the others");
    }
    if (SHELL.matcher(withoutPodIp.replace("*", "")).find()) {
      return Optional.of("'" + option + "' contains quoting or shell characters; the image's start script expands"
          + " JVM options unquoted, so they would not reach the JVM as written: remove them");
    }
    if (!option.startsWith("-")) {
      return Optional.of("'" + option + "' is not a JVM option (options start with -); the JVM would take it as its"
          + " main class and the node would not start");
    }
    for (String owned : JvmOptions.OPERATOR_OWNED_PREFIXES) {
      if (option.startsWith(owned)) {
        return Optional.of("'" + option + "' is set by the operator" + (owned.startsWith("-Xm")
            ? "; size the heap with spec.jvm.heapSize" : "") + "; remove it");
      }
    }
    if (option.startsWith("-XX:")) {
      Optional<XxFlag> flag = JvmOptions.xxFlag(option);
      if (flag.isEmpty()) {
        return Optional.of("'" + option + "' is not a -XX option of the form -XX:+Name, -XX:-Name or"
            + " -XX:Name=value; the JVM would not start");
      }
      String name = flag.get().name();
      if (!flag.get().isBoolean() && JvmOptions.COLLECTORS.containsKey(name)) {
        return Optional.of("'" + option + "' gives a value to a switch; the JVM wants -XX:+" + name + " or -XX:-"
            + name + " (\"Missing +/- setting\")");
      }
      if (JvmOptions.HEAP_FLAGS.containsKey(name)) {
        return Optional.of("'" + option + "' sizes the heap, which the operator sets from spec.jvm.heapSize; set"
            + " spec.jvm.heapSize instead and remove it");
      }
      if (REMOVED.containsKey(name) || name.startsWith("CMS")) {
        return Optional.of("'" + option + "' is not known to JDK 17, which Cassandra 5.0 runs on (\"Unrecognized VM"
            + " option\"): " + REMOVED.getOrDefault(name, "CMS was removed in JDK 14; use -XX:+UseG1GC"));
      }
      if (name.equals("UseEpsilonGC") && flag.get().value().equals("true")) {
        return Optional.of("'" + option + "' selects Epsilon, which never frees memory: a database node would"
            + " run out of heap; use -XX:+UseG1GC or -XX:+UseZGC");
      }
    }
    if (option.startsWith("-Xloggc")) {
      return Optional.of("'" + option + "' is deprecated since JDK 9; use -Xlog:gc*:file=<path> instead");
    }
    return Optional.empty();
  }

  private static String printable(String option) {
    StringBuilder out = new StringBuilder();
    option.codePoints().forEach(c -> out.append(Character.isISOControl(c)
        ? String.format("\\u%04x", c) : new String(Character.toChars(c))));
    return out.toString();
  }
}
