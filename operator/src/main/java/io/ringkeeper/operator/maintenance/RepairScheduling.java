package io.ringkeeper.operator.maintenance;

import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.KeyspaceRepairStatus;
import io.ringkeeper.api.v1alpha1.NodeState;
import io.ringkeeper.api.v1alpha1.NodeStatus;
import io.ringkeeper.api.v1alpha1.RepairSpec;
import io.ringkeeper.api.v1alpha1.RepairStatus;
import io.ringkeeper.operator.domain.repair.RepairKeyspace;
import io.ringkeeper.operator.domain.repair.RepairPlan;
import io.ringkeeper.operator.domain.upkeep.CronClock;
import io.ringkeeper.operator.reconciler.events.ClusterEvent;
import io.ringkeeper.operator.reconciler.observe.StatusTimes;
import io.ringkeeper.operator.reconciler.observe.UpkeepSpecs;
import io.ringkeeper.operator.resources.Labels;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * When repair runs start, and whether keyspaces are overdue. A run starts when: the cron {@code repair.schedule}
 * is due (status shows the next due time); the {@code ringkeeper.io/repair} annotation has a value not acted upon
 * yet; or a node that was down longer than the hint window is back (hints no longer cover the writes it missed;
 * only its ranges are repaired). One run at a time: a schedule that comes due while a run is going is skipped
 * (with an event), an annotation or a hint-window request waits for the run to end.
 */
final class RepairScheduling {
  static final String SCHEDULE = "Schedule";
  static final String ANNOTATION = "Annotation";
  static final String HINT_WINDOW = "HintWindow";
  static final String AUTH_REPLICATION = "AuthReplication";

  private RepairScheduling() {}

  /**
   * Decides whether a run starts now and updates {@code repair} (schedule, request, pending hint-window nodes).
   *
   * @param previousNodes the node entries of the previous status (with downSince)
   * @param currentNodes the node entries just built
   * @return the trigger and node filter of a run to start now, if any
   */
  static Optional<Trigger> due(CassandraCluster cr, RepairStatus repair, List<NodeStatus> previousNodes,
      List<NodeStatus> currentNodes, Duration hintWindow, Instant now, List<ClusterEvent> events) {
    RepairSpec spec = cr.getSpec().getRepair();
    boolean idle = repair.getRunning() == null;
    Trigger start = null;

    // Hint window: a node down longer than the hint window (seen while it is still down, or on its return).
    for (NodeStatus node : currentNodes) {
      if (node.getDownSince() != null) {
        exceeded(repair, node.getName(), Instant.parse(node.getDownSince()), hintWindow, now, events);
      }
    }
    for (NodeStatus before : previousNodes) {
      NodeStatus after = currentNodes.stream().filter(n -> n.getName().equals(before.getName())).findFirst()
          .orElse(null);
      if (before.getDownSince() != null && after != null && after.getState() == NodeState.UN) {
        exceeded(repair, before.getName(), Instant.parse(before.getDownSince()), hintWindow, now, events);
      }
    }

    // Schedule.
    String schedule = spec == null ? null : spec.getSchedule();
    if (schedule == null || schedule.isBlank()) {
      repair.setNext(null);
    } else {
      CronClock.Due due = CronClock.check(schedule, UpkeepSpecs.zone(spec.getTimeZone()),
          repair.getNext() == null ? null : Instant.parse(repair.getNext()), now);
      if (due.fired()) {
        if (idle) {
          start = new Trigger(SCHEDULE, Set.of());
        } else {
          events.add(ClusterEvent.warning("RepairSkipped", "", "Scheduled repair of " + repair.getNext()
              + " skipped: run " + repair.getRunning().getId() + " is still going"));
        }
      }
      repair.setNext(StatusTimes.format(due.next()));
    }

    // Annotation.
    Map<String, String> annotations = cr.getMetadata().getAnnotations();
    String request = annotations == null ? null : annotations.get(Labels.REPAIR_REQUEST);
    if (request != null && !request.equals(repair.getLastRequest()) && idle && start == null) {
      repair.setLastRequest(request);
      start = new Trigger(ANNOTATION, Set.of());
    }

    // The replication of system_auth grew on a cluster that had roles: those rows reach the new replicas by repair.
    String authChange = cr.getStatus() == null || cr.getStatus().getAccess() == null ? null
        : cr.getStatus().getAccess().getReplicationChangedAt();
    if (authChange != null && !authChange.equals(repair.getLastAuthRepairFor()) && idle && start == null) {
      repair.setLastAuthRepairFor(authChange);
      return Optional.of(new Trigger(AUTH_REPLICATION, Set.of(), List.of("system_auth")));
    }

    if (start != null) {
      repair.getPendingHintRepairs().clear(); // a whole-ring run covers them too (it waits for down replicas)
    } else if (idle) {
      // Only the nodes that are back: one still down would only hold the run up.
      Set<String> back = new java.util.TreeSet<>();
      for (String name : repair.getPendingHintRepairs()) {
        if (currentNodes.stream().anyMatch(n -> n.getName().equals(name) && n.getState() == NodeState.UN)) {
          back.add(name);
        }
      }
      if (!back.isEmpty()) {
        start = new Trigger(HINT_WINDOW, Set.copyOf(back));
        repair.getPendingHintRepairs().removeAll(back);
      }
    }
    return Optional.ofNullable(start);
  }

  private static void exceeded(RepairStatus repair, String node, Instant downSince, Duration hintWindow, Instant now,
      List<ClusterEvent> events) {
    Duration down = Duration.between(downSince, now);
    if (down.compareTo(hintWindow) > 0 && !repair.getPendingHintRepairs().contains(node)) {
      repair.getPendingHintRepairs().add(node);
      events.add(ClusterEvent.normal("HintWindowExceeded", node, node + " has been down since " + downSince
          + ", longer than max_hint_window (" + hintWindow.toMinutes() + " min): hints no longer cover it, so"
          + " its ranges will be repaired once it is back"));
    }
  }

  /**
   * Records gc_grace_seconds per repaired keyspace and whether each is overdue: not repaired within
   * gc_grace_seconds of its last repair (or, never repaired, of the cluster's creation).
   *
   * @return the overdue keyspaces with how long since their last repair
   */
  static List<String> overdue(RepairStatus repair, RepairPlan wholeRing, List<RepairKeyspace> schema,
      Instant created, Instant now) {
    List<String> overdue = new ArrayList<>();
    Set<String> repaired = new LinkedHashSet<>(wholeRing.keyspaces());
    repair.getKeyspaces().removeIf(k -> !repaired.contains(k.getName()) && k.getLastCompleted() == null);
    for (RepairKeyspace ks : schema) {
      if (!repaired.contains(ks.name())) {
        continue;
      }
      KeyspaceRepairStatus entry = RepairRunner.keyspace(repair, ks.name());
      entry.setGcGraceSeconds(ks.gcGraceSeconds());
      Instant since = entry.getLastCompleted() != null ? Instant.parse(entry.getLastCompleted()) : created;
      boolean late = ks.gcGraceSeconds() > 0 && since != null
          && Duration.between(since, now).getSeconds() > ks.gcGraceSeconds();
      entry.setOverdue(late);
      if (late) {
        overdue.add(ks.name() + " (" + (entry.getLastCompleted() == null ? "never repaired"
            : "last repaired " + entry.getLastCompleted()) + ", gc_grace_seconds " + ks.gcGraceSeconds() + ")");
      }
    }
    return overdue;
  }

  /** The earliest time a keyspace not overdue yet becomes overdue. */
  static Optional<Instant> nextDeadline(RepairStatus repair, Instant created) {
    Instant earliest = null;
    for (KeyspaceRepairStatus k : repair.getKeyspaces()) {
      Instant since = k.getLastCompleted() != null ? Instant.parse(k.getLastCompleted()) : created;
      if (Boolean.TRUE.equals(k.getOverdue()) || since == null || k.getGcGraceSeconds() == null
          || k.getGcGraceSeconds() <= 0) {
        continue;
      }
      Instant deadline = since.plusSeconds(k.getGcGraceSeconds());
      earliest = earliest == null || deadline.isBefore(earliest) ? deadline : earliest;
    }
    return Optional.ofNullable(earliest);
  }

  /** What starts a run, and the nodes whose ranges it is limited to (empty: the whole ring). */
  /**
   * @param nodes only these nodes' ranges (empty: the whole ring)
   * @param keyspaces only these keyspaces (empty: spec.repair.keyspaces or every user keyspace)
   */
  record Trigger(String name, Set<String> nodes, List<String> keyspaces) {
    Trigger(String name, Set<String> nodes) {
      this(name, nodes, List.of());
    }
  }
}
