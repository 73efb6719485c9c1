package io.ringkeeper.local.cli;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One line per pod of a cluster, as {@code local up} ends: Ready, Pending with the scheduler's or kubelet's reason,
 * or crash-looping with how the container last ended; a pod bound by relaxed scheduling also says what was relaxed.
 */
final class PodLines {
  /** The state of a pod in one word, for deciding whether {@code local up} can stop following. */
  enum State { READY, UNSCHEDULABLE, WAITING, CRASHING, STARTING }

  private PodLines() {}

  static State state(Pod pod) {
    if (unschedulable(pod).isPresent()) {
      return State.UNSCHEDULABLE;
    }
    Optional<ContainerStatus> c = container(pod);
    if (c.isPresent() && c.get().getState() != null && c.get().getState().getWaiting() != null) {
      return c.get().getRestartCount() != null && c.get().getRestartCount() > 0 ? State.CRASHING : State.WAITING;
    }
    return ready(pod) ? State.READY : State.STARTING;
  }

  static List<String> lines(List<Pod> pods, List<Event> events) {
    List<Pod> sorted = new ArrayList<>(pods);
    sorted.sort(Comparator.comparing(p -> p.getMetadata().getName()));
    int width = sorted.stream().mapToInt(p -> p.getMetadata().getName().length()).max().orElse(0);
    List<String> lines = new ArrayList<>();
    for (Pod pod : sorted) {
      String name = pod.getMetadata().getName();
      String relaxed = events.stream()
          .filter(e -> "RelaxedScheduling".equals(e.getReason()) && e.getInvolvedObject() != null
              && name.equals(e.getInvolvedObject().getName()))
          .map(Event::getMessage).reduce((a, b) -> b).map(m -> " (" + m + ")").orElse("");
      String ip = pod.getStatus() == null || pod.getStatus().getPodIP() == null ? ""
          : " at " + pod.getStatus().getPodIP();
      String text = switch (state(pod)) {
        case READY -> "Ready" + ip + relaxed;
        case UNSCHEDULABLE -> "Pending: " + unschedulable(pod).get();
        case WAITING -> "Pending: " + container(pod).map(c -> c.getState().getWaiting().getReason() + ": "
            + c.getState().getWaiting().getMessage()).orElse("");
        case CRASHING -> crash(container(pod).orElseThrow()) + relaxed;
        case STARTING -> "Running" + ip + ", not Ready yet" + relaxed;
      };
      lines.add(String.format(Locale.ROOT, "pod %-" + width + "s  %s", name, text));
    }
    return lines;
  }

  /** "CrashLoopBackOff, restarts 5; last exit 1 (Error): Multiple garbage collectors selected". */
  static String crash(ContainerStatus c) {
    StringBuilder out = new StringBuilder(c.getState().getWaiting().getReason()).append(", restarts ")
        .append(c.getRestartCount());
    ContainerStateTerminated last = c.getLastState() == null ? null : c.getLastState().getTerminated();
    if (last != null) {
      out.append("; last exit ").append(last.getExitCode()).append(" (").append(last.getReason()).append(")");
      if (last.getMessage() != null && !last.getMessage().isBlank()) {
        List<String> messageLines = last.getMessage().strip().lines().toList();
        out.append(": ").append(messageLines.get(messageLines.size() - 1));
      }
    }
    return out.toString();
  }

  private static Optional<String> unschedulable(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getConditions().stream()
        .filter(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus()))
        .findFirst().map(PodLines::describe);
  }

  private static String describe(PodCondition c) {
    return (c.getReason() == null ? "not scheduled" : c.getReason()) + (c.getMessage() == null ? ""
        : ": " + c.getMessage());
  }

  private static boolean ready(Pod pod) {
    return pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus().getConditions()
        .stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static Optional<ContainerStatus> container(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getContainerStatuses().stream().findFirst();
  }
}
