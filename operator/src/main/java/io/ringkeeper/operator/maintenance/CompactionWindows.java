package io.ringkeeper.operator.maintenance;

import io.ringkeeper.api.v1alpha1.CompactionThroughputWindow;
import io.ringkeeper.api.v1alpha1.CompactionWindowStatus;
import io.ringkeeper.api.v1alpha1.MaintenanceStatus;
import io.ringkeeper.operator.domain.schedule.CronSchedule;
import io.ringkeeper.operator.domain.schedule.Durations;
import io.ringkeeper.operator.node.Agents;
import io.ringkeeper.operator.node.NodeClientException;
import io.ringkeeper.operator.reconciler.events.ClusterEvent;
import io.ringkeeper.operator.reconciler.observe.StatusTimes;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Compaction throughput windows: while a window is in force (its cron start has passed and its duration has not),
 * every node's compaction throughput is the window's; when it ends, each node gets back the value it had before.
 *
 * <p>Everything needed to restore lives in {@code status.maintenance.compactionThroughput}: the value to restore
 * (the previous value the first node reported), the window's end and the nodes already set. A restarted operator
 * therefore finishes setting nodes missed so far and restores them at the end; a node that was down when the
 * window began is set when it is back, and one down at the end is restored when it is back (a node that
 * restarted in between is back at its configured value anyway, and setting it again is harmless). When windows
 * overlap, the one that started last is in force.
 */
final class CompactionWindows {
  private final Agents agents;

  CompactionWindows(Agents agents) {
    this.agents = agents;
  }

  /**
   * One step; updates {@code status.compactionThroughput}.
   *
   * @return when the windows need a look again: the end of the window in force or the next start
   */
  Instant apply(List<CompactionThroughputWindow> windows, String timeZone, MaintenanceStatus status,
      List<MaintenanceNode> nodes, Instant now, List<ClusterEvent> events) {
    ZoneId zone = ZoneId.of(timeZone == null ? "UTC" : timeZone);
    CompactionThroughputWindow inForce = null;
    Instant inForceStart = null;
    Instant inForceEnd = null;
    Instant nextCheck = null;
    for (CompactionThroughputWindow w : windows == null ? List.<CompactionThroughputWindow>of() : windows) {
      CronSchedule cron = CronSchedule.parse(w.getSchedule());
      Duration length = Durations.parse(w.getDuration());
      ZonedDateTime zonedNow = now.atZone(zone);
      Instant start = cron.previous(zonedNow).map(ZonedDateTime::toInstant).orElse(null);
      if (start != null && now.isBefore(start.plus(length)) && (inForceStart == null || start.isAfter(inForceStart))) {
        inForce = w;
        inForceStart = start;
        inForceEnd = start.plus(length);
      }
      Instant next = cron.next(zonedNow).map(ZonedDateTime::toInstant).orElse(null);
      nextCheck = earliest(nextCheck, next);
    }
    nextCheck = earliest(nextCheck, inForceEnd);

    CompactionWindowStatus current = status.getCompactionThroughput();
    Set<String> present = nodes.stream().map(MaintenanceNode::name).collect(Collectors.toSet());
    if (inForce != null) {
      String until = StatusTimes.format(inForceEnd);
      if (current == null) {
        current = new CompactionWindowStatus();
        status.setCompactionThroughput(current);
      }
      if (!inForce.getSchedule().equals(current.getSchedule()) || !until.equals(current.getUntil())
          || !Objects.equals(inForce.getMibPerSecond(), current.getMibPerSecond())) {
        current.setSchedule(inForce.getSchedule());
        current.setUntil(until);
        current.setMibPerSecond(inForce.getMibPerSecond());
        current.setAppliedTo(new ArrayList<>()); // keeps restoreMibPerSecond: the value before any window
      }
      boolean first = current.getAppliedTo().isEmpty();
      for (MaintenanceNode n : nodes) {
        if (!n.usable() || current.getAppliedTo().contains(n.name())) {
          continue;
        }
        try {
          int before = agents.setCompactionThroughput(n.endpoint(), inForce.getMibPerSecond(),
              "window until " + until);
          if (current.getRestoreMibPerSecond() == null) {
            current.setRestoreMibPerSecond(before);
          }
          current.getAppliedTo().add(n.name());
        } catch (NodeClientException e) {
          // set at the next reconcile
        }
      }
      if (first && !current.getAppliedTo().isEmpty()) {
        events.add(ClusterEvent.normal("CompactionWindowStarted", "", "Compaction throughput set to "
            + inForce.getMibPerSecond() + " MiB/s until " + until + " (window '" + inForce.getSchedule()
            + "'); " + current.getRestoreMibPerSecond() + " MiB/s will be restored"));
      }
      current.getAppliedTo().sort(null);
      return current.getAppliedTo().containsAll(present) ? nextCheck : now;
    }
    if (current == null) {
      return nextCheck;
    }
    current.getAppliedTo().removeIf(name -> !present.contains(name));
    for (MaintenanceNode n : nodes) {
      if (!n.usable() || !current.getAppliedTo().contains(n.name()) || current.getRestoreMibPerSecond() == null) {
        continue;
      }
      try {
        agents.setCompactionThroughput(n.endpoint(), current.getRestoreMibPerSecond(),
            "restore after the window until " + current.getUntil());
        current.getAppliedTo().remove(n.name());
      } catch (NodeClientException e) {
        // restored at the next reconcile
      }
    }
    if (current.getAppliedTo().isEmpty() || current.getRestoreMibPerSecond() == null) {
      events.add(ClusterEvent.normal("CompactionWindowEnded", "", "Compaction throughput restored to "
          + current.getRestoreMibPerSecond() + " MiB/s (window '" + current.getSchedule() + "' ended)"));
      status.setCompactionThroughput(null);
      return nextCheck;
    }
    return now; // some node still to restore
  }

  static Instant earliest(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isBefore(b) ? a : b;
  }
}
