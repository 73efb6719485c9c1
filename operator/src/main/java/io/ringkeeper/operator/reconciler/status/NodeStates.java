package io.ringkeeper.operator.reconciler.status;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.ringkeeper.operator.reconciler.observe.NodeView;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.ringkeeper.api.v1alpha1.ContainerTermination;
import io.ringkeeper.api.v1alpha1.NodeState;
import io.ringkeeper.api.v1alpha1.NodeStatus;
import io.ringkeeper.operator.domain.plan.KnownNode;
import io.ringkeeper.operator.domain.plan.NodeHealth;
import io.ringkeeper.operator.node.NodeInfo;
import io.ringkeeper.operator.node.NodeObservation;
import io.ringkeeper.operator.resources.Names;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Classifies a node from what was observed, the way nodetool status would show it, plus the operator's own
 * checks (tokens, datacenter, rack).
 *
 * <ul>
 *   <li>Pending pod: UNKNOWN, with the scheduler's or kubelet's reason ("pod is pending: Unschedulable: ...").
 *   <li>No Pod: DOWN if the node was up or down before (it existed), UNKNOWN if it never started.
 *   <li>Pod whose Cassandra container exited or waits to be restarted after it ran: DOWN, whatever the agent
 *       last said (the kubelet knows before the next poll).
 *   <li>Pod, no agent observation yet (e.g. just after an operator restart): the previous entry stands.
 *   <li>Agent did not answer: DOWN if it answered before at this address or was up in the previous status;
 *       otherwise UNKNOWN (starting).
 *   <li>Agent answered: its operation mode maps to UN/UJ/UL/UM; STARTING is UNKNOWN; DRAINING, DRAINED and
 *       DECOMMISSIONED are DOWN (the node no longer serves).
 * </ul>
 * A node is ready when it is UN, serves CQL, no peer that answered lists it as unreachable and Kubernetes counts
 * its pod Ready.
 */
public final class NodeStates {
  private NodeStates() {}

  public static NodeView classify(KnownNode node, Pod pod, NodeObservation observation, NodeStatus previous,
      Collection<NodeObservation> peers) {
    return classify(node, pod, observation, previous, unreachableBy(peers));
  }

  /**
   * For each host some node that answered this round reports unreachable, the names of those nodes. Built once per
   * reconcile: looking through every peer's list for every node cost a quarter of a no-op reconcile's CPU at 96
   * nodes (96 x 96 streams).
   */
  public static Map<String, Set<String>> unreachableBy(Collection<NodeObservation> peers) {
    Map<String, Set<String>> by = new HashMap<>();
    for (NodeObservation peer : peers) {
      if (!peer.answeredNow()) {
        continue;
      }
      for (String endpoint : peer.info().unreachableNodes()) {
        by.computeIfAbsent(Endpoints.host(endpoint), h -> new TreeSet<>()).add(peer.node());
      }
    }
    return by;
  }

  /** @param unreachableBy {@link #unreachableBy} of this round's observations */
  public static NodeView classify(KnownNode node, Pod pod, NodeObservation observation, NodeStatus previous,
      Map<String, Set<String>> unreachableBy) {
    boolean existedBefore = previous != null && previous.getState() != null && previous.getState() != NodeState.Unknown;
    if (pod == null) {
      return new NodeView(existedBefore ? NodeHealth.DOWN : NodeHealth.UNKNOWN, false, true,
          "no pod" + (existedBefore ? "" : " yet"), null);
    }
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      return new NodeView(NodeHealth.DOWN, false, true, "pod is terminating", null);
    }
    String stopped = containerStopped(pod);
    if (stopped != null) {
      return new NodeView(NodeHealth.DOWN, false, true, stopped, null);
    }
    Optional<String> pending = isPending(pod) ? pendingReason(pod) : Optional.empty();
    if (pending.isPresent()) {
      // The pod's own reason is fresher than anything the agent or the previous status could say.
      return new NodeView(existedBefore ? NodeHealth.DOWN : NodeHealth.UNKNOWN, false, true,
          "pod is pending: " + pending.get(), null);
    }
    if (observation == null) {
      if (previous != null && previous.getState() != null) {
        return new NodeView(toHealth(previous.getState()), Boolean.TRUE.equals(previous.getReady()), false,
            previous.getMessage(), null);
      }
      return new NodeView(NodeHealth.UNKNOWN, false, true, startingMessage(pod), null);
    }
    if (!observation.answeredNow()) {
      boolean answeredBefore = observation.lastAnswer() != null || (previous != null
          && previous.getState() != null && previous.getState() != NodeState.Unknown
          && previous.getState() != NodeState.DN);
      if (answeredBefore || (previous != null && previous.getState() == NodeState.DN)) {
        return new NodeView(NodeHealth.DOWN, false, true,
            "agent " + describe(observation.failure()) + ": " + observation.failureMessage(), null);
      }
      return new NodeView(NodeHealth.UNKNOWN, false, true, startingMessage(pod), null);
    }
    NodeInfo info = observation.info();
    NodeHealth health = switch (info.operationMode()) {
      case NORMAL -> NodeHealth.UP_NORMAL;
      case JOINING -> NodeHealth.UP_JOINING;
      case LEAVING -> NodeHealth.UP_LEAVING;
      case MOVING -> NodeHealth.UP_MOVING;
      case DRAINING, DRAINED, DECOMMISSIONED -> NodeHealth.DOWN;
      case STARTING, JOINING_FAILED, DECOMMISSION_FAILED, UNKNOWN -> NodeHealth.UNKNOWN;
    };
    List<String> reasons = new ArrayList<>();
    if (health != NodeHealth.UP_NORMAL) {
      reasons.add("operation mode " + info.operationMode());
    }
    if (health == NodeHealth.UP_NORMAL && !info.nativeTransportRunning()) {
      reasons.add("CQL is not running");
    }
    List<String> seenDownBy = new ArrayList<>();
    String self = Endpoints.host(info.endpoint() == null ? observation.address() : info.endpoint());
    for (String peer : unreachableBy.getOrDefault(self, Set.of())) {
      if (!peer.equals(node.name())) {
        seenDownBy.add(peer); // sorted: the set is a TreeSet
      }
    }
    if (!seenDownBy.isEmpty()) {
      reasons.add("seen down by " + String.join(", ", seenDownBy));
    }
    boolean podReady = podReady(pod);
    if (health == NodeHealth.UP_NORMAL && !podReady) {
      reasons.add("pod is not Ready yet: its readiness probe has not passed");
    }
    boolean ready = health == NodeHealth.UP_NORMAL && info.nativeTransportRunning() && seenDownBy.isEmpty()
        && podReady;
    return new NodeView(health, ready, true, reasons.isEmpty() ? null : String.join("; ", reasons),
        identityProblem(node, info));
  }

  /**
   * Whether Kubernetes counts the pod Ready (its Ready condition is True). The operator's own checks run on its
   * poll interval and the readiness probe on the kubelet's: a node counts as ready only when both agree, so that
   * the next disruptive step never starts while Services, PodDisruptionBudgets and users still see this pod as
   * not ready (two pods not Ready at once).
   */
  static boolean podReady(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return false;
    }
    return pod.getStatus().getConditions().stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /**
   * Why the kubelet says the Cassandra container is not running after it ran (it exited, or waits to be
   * restarted), or null. The kubelet knows at once; the agent's last answer would stand until the next poll.
   */
  static String containerStopped(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return null;
    }
    return pod.getStatus().getContainerStatuses().stream()
        .filter(c -> Names.CASSANDRA_CONTAINER.equals(c.getName()) && c.getState() != null)
        .map(c -> {
          if (c.getState().getTerminated() != null) {
            return "container " + c.getName() + " exited (code " + c.getState().getTerminated().getExitCode() + ")";
          }
          if (c.getState().getWaiting() != null && c.getRestartCount() != null && c.getRestartCount() > 0) {
            return "container " + c.getName() + " is waiting to restart (" + c.getState().getWaiting().getReason()
                + ", restarts " + c.getRestartCount() + ")";
          }
          return null;
        })
        .filter(java.util.Objects::nonNull).findFirst().orElse(null);
  }

  /** Why a node that answered does not hold what it was given, or null when it does. */
  static String identityProblem(KnownNode node, NodeInfo info) {
    List<String> problems = new ArrayList<>();
    if (info.datacenter() != null && !info.datacenter().equals(node.id().datacenter())) {
      problems.add("is in datacenter " + info.datacenter() + " instead of " + node.id().datacenter());
    }
    if (info.rack() != null && !info.rack().equals(node.id().rack())) {
      problems.add("is in rack " + info.rack() + " instead of " + node.id().rack());
    }
    if (info.operationMode() == io.ringkeeper.operator.node.OperationMode.NORMAL
        || !info.tokens().isEmpty()) {
      List<Long> reported = info.tokens().stream().sorted().toList();
      List<Long> assigned = node.tokens().stream().sorted().toList();
      if (!reported.equals(assigned)) {
        long missing = assigned.stream().filter(t -> !reported.contains(t)).count();
        String example = assigned.stream().filter(t -> !reported.contains(t)).findFirst()
            .map(t -> " (e.g. " + t + " is missing)").orElse("");
        problems.add("holds " + reported.size() + " tokens, " + missing + " of the " + assigned.size()
            + " assigned are not among them" + example
            + "; it was started with other tokens or its data directory belongs to another node");
      }
    }
    return problems.isEmpty() ? null : "node " + node.name() + " " + String.join("; ", problems);
  }

  public static NodeState toState(NodeHealth health) {
    return switch (health) {
      case UP_NORMAL -> NodeState.UN;
      case UP_JOINING -> NodeState.UJ;
      case UP_LEAVING -> NodeState.UL;
      case UP_MOVING -> NodeState.UM;
      case DOWN -> NodeState.DN;
      case UNKNOWN -> NodeState.Unknown;
    };
  }

  public static NodeHealth toHealth(NodeState state) {
    return switch (state) {
      case UN -> NodeHealth.UP_NORMAL;
      case UJ -> NodeHealth.UP_JOINING;
      case UL -> NodeHealth.UP_LEAVING;
      case UM -> NodeHealth.UP_MOVING;
      case DN -> NodeHealth.DOWN;
      case Unknown -> NodeHealth.UNKNOWN;
    };
  }

  private static String startingMessage(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    if (phase == null || phase.equals("Pending")) {
      return "pod is pending" + pendingReason(pod).map(r -> ": " + r).orElse("");
    }
    return "starting";
  }

  /**
   * Why a Pending pod is not running, in the scheduler's or the kubelet's words: the PodScheduled=False condition
   * ("Unschedulable: 0/3 nodes are available: 3 Insufficient memory. ...") or the container's waiting reason.
   */
  static Optional<String> pendingReason(Pod pod) {
    if (pod.getStatus() == null) {
      return Optional.empty();
    }
    if (pod.getStatus().getConditions() != null) {
      for (PodCondition c : pod.getStatus().getConditions()) {
        if ("PodScheduled".equals(c.getType()) && "False".equals(c.getStatus())) {
          return Optional.of(bounded(nz(c.getReason(), "not scheduled") + (c.getMessage() == null ? ""
              : ": " + c.getMessage()), 1, MESSAGE_CHARS));
        }
      }
    }
    if (pod.getStatus().getContainerStatuses() != null) {
      for (ContainerStatus c : pod.getStatus().getContainerStatuses()) {
        if (Names.CASSANDRA_CONTAINER.equals(c.getName()) && c.getState() != null
            && c.getState().getWaiting() != null && c.getState().getWaiting().getReason() != null) {
          ContainerStateWaiting waiting = c.getState().getWaiting();
          return Optional.of(bounded(waiting.getReason() + (waiting.getMessage() == null
              || waiting.getMessage().isBlank() ? "" : ": " + waiting.getMessage()), 1, MESSAGE_CHARS));
        }
      }
    }
    return Optional.empty();
  }

  private static boolean isPending(Pod pod) {
    return pod.getStatus() == null || pod.getStatus().getPhase() == null || "Pending".equals(pod.getStatus().getPhase());
  }

  /** Bounds of a termination message kept in status: Kubernetes' own log fallback keeps 80 lines, 2 KiB. */
  static final int MESSAGE_LINES = 20;
  static final int MESSAGE_CHARS = 2048;

  /**
   * How the node's Cassandra container last ended, while the node is not ready: the kubelet's last terminated
   * state (reason, exit code, the end of its output bounded to {@value #MESSAGE_LINES} lines and
   * {@value #MESSAGE_CHARS} characters) and the restart count. Null when the node is ready or never exited:
   * a node that recovered should not keep showing an old crash.
   */
  public static ContainerTermination lastTermination(Pod pod, boolean ready) {
    if (ready || pod == null || pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return null;
    }
    for (ContainerStatus c : pod.getStatus().getContainerStatuses()) {
      if (!Names.CASSANDRA_CONTAINER.equals(c.getName())) {
        continue;
      }
      ContainerStateTerminated terminated = c.getState() != null && c.getState().getTerminated() != null
          ? c.getState().getTerminated()
          : c.getLastState() != null ? c.getLastState().getTerminated() : null;
      if (terminated == null) {
        return null;
      }
      ContainerTermination t = new ContainerTermination();
      t.setExitCode(terminated.getExitCode());
      t.setReason(terminated.getReason());
      t.setMessage(terminated.getMessage() == null || terminated.getMessage().isBlank() ? null
          : bounded(terminated.getMessage(), MESSAGE_LINES, MESSAGE_CHARS));
      t.setFinishedAt(terminated.getFinishedAt());
      t.setRestartCount(c.getRestartCount());
      return t;
    }
    return null;
  }

  /** The end of a text: its last {@code lines} lines, at most {@code chars} characters, without a leading "\n". */
  static String bounded(String text, int lines, int chars) {
    String[] all = text.strip().split("\\R");
    String kept = String.join("\n", Arrays.asList(all).subList(Math.max(0, all.length - lines), all.length));
    return kept.length() <= chars ? kept : kept.substring(kept.length() - chars);
  }

  private static String nz(String value, String otherwise) {
    return value == null || value.isBlank() ? otherwise : value;
  }

  private static String describe(io.ringkeeper.operator.node.NodeClientException.Kind kind) {
    return switch (kind) {
      case UNREACHABLE -> "unreachable";
      case TIMEOUT -> "timed out";
      case REFUSED -> "refused the request";
      case NOT_FOUND -> "answered not found";
      case ERROR -> "failed";
    };
  }
}
