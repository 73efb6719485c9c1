package io.ringkeeper.local.kubelet;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the Kubernetes scheduler would decide for a pod if this machine were the cluster's only node. It runs the
 * scheduler's filters in the scheduler's order and answers with the scheduler's own message:
 *
 * <ol>
 *   <li>TaintToleration: the local node has no taints, so every pod's tolerations are satisfied.
 *   <li>NodeAffinity: {@code spec.nodeSelector} and the required node affinity (e.g. a rack's zone) must match the
 *       local node's labels ({@code kubernetes.io/hostname}, {@code kubernetes.io/os}, {@code kubernetes.io/arch}
 *       and any given to it); else "1 node(s) didn't match Pod's node affinity/selector".
 *   <li>NodeResourcesFit: the pod's CPU and memory requests (the larger of its containers' sum and its largest init
 *       container, a missing request taken from the limit) must fit in what the pods already bound here leave of
 *       the node's capacity; else "1 Insufficient cpu" / "1 Insufficient memory".
 * </ol>
 * Required pod anti-affinity on {@code kubernetes.io/hostname} is not applied: every pod runs on its own loopback
 * address, which local mode counts as its own host.
 *
 * <p>Relaxed, it binds what a strict scheduler would refuse: selectors and node affinity are ignored, and each
 * request is mapped down to what a local node needs ({@code relaxedCpuMillis}, {@code relaxedMemoryBytes}), and
 * says so in one line per pod ({@link Decision#relaxed}). A pod whose mapped-down requests still do not fit stays
 * unschedulable.
 */
public final class LocalScheduler {
  /** The name of the one local node. */
  public static final String NODE_NAME = "local";

  /**
   * The local node.
   *
   * @param labels its labels; {@link #defaultLabels} plus any the user gives
   * @param cpuMillis its allocatable CPU in millicores
   * @param memoryBytes its allocatable memory
   */
  public record Node(Map<String, String> labels, long cpuMillis, long memoryBytes) {
    public Node {
      labels = Map.copyOf(labels);
    }
  }

  /**
   * The outcome for one pod.
   *
   * @param scheduled whether the pod is bound to the local node
   * @param message when unscheduled, the scheduler's message ("0/1 nodes are available: ...")
   * @param relaxed when bound by relaxing, what was relaxed (one line), else null
   * @param heapCap when bound by relaxing, the heap the node must not exceed (its memory was mapped down), else null
   */
  public record Decision(boolean scheduled, String message, String relaxed, Long heapCap) {
    static Decision unschedulable(String message) {
      return new Decision(false, message, null, null);
    }
  }

  /** The resource requests of a pod, as the scheduler counts them. */
  record Requests(long cpuMillis, long memoryBytes) {}

  private final Node node;
  private volatile boolean relax;
  private final long relaxedCpuMillis;
  private final long relaxedMemoryBytes;
  private final Map<String, Requests> bound = new LinkedHashMap<>();

  public LocalScheduler(Node node, boolean relax, long relaxedCpuMillis, long relaxedMemoryBytes) {
    this.node = Objects.requireNonNull(node);
    this.relax = relax;
    this.relaxedCpuMillis = relaxedCpuMillis;
    this.relaxedMemoryBytes = relaxedMemoryBytes;
  }

  /** The labels every local node has: its hostname, OS and architecture, as a kubelet registers them. */
  public static Map<String, String> defaultLabels() {
    String arch = System.getProperty("os.arch", "amd64");
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("kubernetes.io/hostname", NODE_NAME);
    labels.put("kubernetes.io/os", "linux");
    labels.put("kubernetes.io/arch", arch.equals("x86_64") ? "amd64" : arch.equals("aarch64") ? "arm64" : arch);
    return labels;
  }

  public Node node() {
    return node;
  }

  public boolean relaxed() {
    return relax;
  }

  /** Relaxes (or stops relaxing) the pods scheduled from now on; pods already bound or Pending stay as they are. */
  public void setRelaxed(boolean value) {
    this.relax = value;
  }

  /** Binds the pod (key: namespace/name) when it fits, counting its requests until {@link #release}. */
  public synchronized Decision schedule(String key, Pod pod) {
    if (bound.containsKey(key)) {
      return new Decision(true, null, null, null);
    }
    List<String> relaxedParts = new ArrayList<>();
    String affinity = affinityMismatch(pod);
    if (affinity != null) {
      if (!relax) {
        return Decision.unschedulable(unavailable("1 node(s) didn't match Pod's node affinity/selector"));
      }
      relaxedParts.add(affinity + " ignored");
    }
    Requests wanted = requests(pod);
    Requests counted = wanted;
    Long heapCap = null;
    if (relax && (wanted.cpuMillis() > relaxedCpuMillis || wanted.memoryBytes() > relaxedMemoryBytes)) {
      counted = new Requests(Math.min(wanted.cpuMillis(), relaxedCpuMillis),
          Math.min(wanted.memoryBytes(), relaxedMemoryBytes));
      List<String> mapped = new ArrayList<>();
      if (counted.cpuMillis() < wanted.cpuMillis()) {
        mapped.add("cpu " + cpu(wanted.cpuMillis()) + " -> " + cpu(counted.cpuMillis()));
      }
      if (counted.memoryBytes() < wanted.memoryBytes()) {
        mapped.add("memory " + memory(wanted.memoryBytes()) + " -> " + memory(counted.memoryBytes()));
        heapCap = counted.memoryBytes() / 2;
      }
      relaxedParts.add(0, "requests " + String.join(", ", mapped));
    }
    long usedCpu = bound.values().stream().mapToLong(Requests::cpuMillis).sum();
    long usedMemory = bound.values().stream().mapToLong(Requests::memoryBytes).sum();
    List<String> insufficient = new ArrayList<>();
    if (counted.cpuMillis() > 0 && usedCpu + counted.cpuMillis() > node.cpuMillis()) {
      insufficient.add("1 Insufficient cpu");
    }
    if (counted.memoryBytes() > 0 && usedMemory + counted.memoryBytes() > node.memoryBytes()) {
      insufficient.add("1 Insufficient memory");
    }
    if (!insufficient.isEmpty()) {
      return Decision.unschedulable(unavailable(String.join(", ", insufficient)));
    }
    bound.put(key, counted);
    return new Decision(true, null, relaxedParts.isEmpty() ? null : String.join("; ", relaxedParts), heapCap);
  }

  /** Frees what a pod bound here requested (it was deleted). */
  public synchronized void release(String key) {
    bound.remove(key);
  }

  /** The scheduler's full message: the filter's reason, then preemption's (no pod here has a priority to use). */
  private static String unavailable(String reasons) {
    return "0/1 nodes are available: " + reasons + ". preemption: 0/1 nodes are available: 1 Preemption is not"
        + " helpful for scheduling.";
  }

  /** Why the pod's node selector or required node affinity does not match the local node, or null. */
  String affinityMismatch(Pod pod) {
    List<String> mismatches = new ArrayList<>();
    Map<String, String> selector = pod.getSpec().getNodeSelector();
    if (selector != null) {
      selector.forEach((k, v) -> {
        if (!v.equals(node.labels().get(k))) {
          mismatches.add("nodeSelector " + k + "=" + v);
        }
      });
    }
    if (pod.getSpec().getAffinity() != null && pod.getSpec().getAffinity().getNodeAffinity() != null
        && pod.getSpec().getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() != null) {
      List<NodeSelectorTerm> terms = pod.getSpec().getAffinity().getNodeAffinity()
          .getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms();
      // Terms are ORed, the expressions of a term ANDed; no term matches nothing.
      boolean anyTerm = terms != null && terms.stream().anyMatch(this::matches);
      if (!anyTerm) {
        mismatches.add("required node affinity " + describe(terms));
      }
    }
    return mismatches.isEmpty() ? null : String.join(", ", mismatches);
  }

  private boolean matches(NodeSelectorTerm term) {
    List<NodeSelectorRequirement> expressions = term.getMatchExpressions() == null ? List.of()
        : term.getMatchExpressions();
    List<NodeSelectorRequirement> fields = term.getMatchFields() == null ? List.of() : term.getMatchFields();
    if (expressions.isEmpty() && fields.isEmpty()) {
      return false;
    }
    return expressions.stream().allMatch(r -> matches(r, node.labels().get(r.getKey())))
        && fields.stream().allMatch(r -> matches(r, r.getKey().equals("metadata.name") ? NODE_NAME : null));
  }

  private static boolean matches(NodeSelectorRequirement r, String value) {
    List<String> values = r.getValues() == null ? List.of() : r.getValues();
    return switch (r.getOperator()) {
      case "In" -> value != null && values.contains(value);
      case "NotIn" -> value == null || !values.contains(value);
      case "Exists" -> value != null;
      case "DoesNotExist" -> value == null;
      case "Gt", "Lt" -> {
        try {
          long have = Long.parseLong(value);
          long bound = Long.parseLong(values.get(0));
          yield r.getOperator().equals("Gt") ? have > bound : have < bound;
        } catch (RuntimeException e) {
          yield false;
        }
      }
      default -> false;
    };
  }

  private static String describe(List<NodeSelectorTerm> terms) {
    List<String> parts = new ArrayList<>();
    for (NodeSelectorTerm term : terms == null ? List.<NodeSelectorTerm>of() : terms) {
      for (NodeSelectorRequirement r : term.getMatchExpressions() == null ? List.<NodeSelectorRequirement>of()
          : term.getMatchExpressions()) {
        parts.add(r.getKey() + " " + r.getOperator() + " " + (r.getValues() == null ? "" : r.getValues()));
      }
    }
    return String.join(" or ", parts).trim();
  }

  /** The scheduler's view of a pod's requests: max(sum of containers, largest init container), per resource. */
  static Requests requests(Pod pod) {
    long cpu = 0;
    long memory = 0;
    for (Container c : pod.getSpec().getContainers() == null ? List.<Container>of() : pod.getSpec().getContainers()) {
      cpu += request(c.getResources(), "cpu");
      memory += request(c.getResources(), "memory");
    }
    for (Container c : pod.getSpec().getInitContainers() == null ? List.<Container>of()
        : pod.getSpec().getInitContainers()) {
      cpu = Math.max(cpu, request(c.getResources(), "cpu"));
      memory = Math.max(memory, request(c.getResources(), "memory"));
    }
    return new Requests(cpu, memory);
  }

  /** A request in millicores (cpu) or bytes (memory); a missing request is the limit, as the API server defaults. */
  private static long request(ResourceRequirements resources, String name) {
    if (resources == null) {
      return 0;
    }
    Quantity q = resources.getRequests() == null ? null : resources.getRequests().get(name);
    if (q == null && resources.getLimits() != null) {
      q = resources.getLimits().get(name);
    }
    if (q == null) {
      return 0;
    }
    BigDecimal amount = Quantity.getAmountInBytes(q);
    return name.equals("cpu") ? amount.multiply(BigDecimal.valueOf(1000)).setScale(0, RoundingMode.UP)
        .longValueExact() : amount.setScale(0, RoundingMode.UP).longValueExact();
  }

  static String cpu(long millis) {
    return millis % 1000 == 0 ? String.valueOf(millis / 1000) : millis + "m";
  }

  static String memory(long bytes) {
    long mi = 1024L * 1024;
    if (bytes % (1024 * mi) == 0) {
      return bytes / (1024 * mi) + "Gi";
    }
    return bytes % mi == 0 ? bytes / mi + "Mi" : String.valueOf(bytes);
  }
}
