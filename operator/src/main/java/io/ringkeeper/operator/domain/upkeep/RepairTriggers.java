package io.ringkeeper.operator.domain.upkeep;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * When repair runs start. A run starts when: the cron {@code repair.schedule} is due (the record keeps the next due
 * time); the {@code ringkeeper.io/repair} annotation has a value not acted upon yet; the replication of
 * {@code system_auth} grew on a cluster that had roles (those rows reach the new replicas by repair); or a node that
 * was down longer than the hint window is back (hints no longer cover the writes it missed; only its ranges are
 * repaired). One run at a time: a schedule that comes due while a run is going is skipped (with a notice), an
 * annotation, an auth change or a hint-window request waits for the run to end. Pure: the previous record and what
 * was observed in, the next record, the trigger and the notices out.
 */
public final class RepairTriggers {
  public static final String SCHEDULE = "Schedule";
  public static final String ANNOTATION = "Annotation";
  public static final String HINT_WINDOW = "HintWindow";
  public static final String AUTH_REPLICATION = "AuthReplication";

  private RepairTriggers() {}

  /**
   * The scheduling part of {@code status.repair}.
   *
   * @param next the next cron due time; null: no schedule
   * @param lastRequest the last repair annotation value acted upon
   * @param lastAuthRepairFor the last system_auth replication change repaired
   * @param pendingHintRepairs nodes down past the hint window whose ranges are repaired once they are back
   */
  public record Record(Instant next, String lastRequest, String lastAuthRepairFor, List<String> pendingHintRepairs) {
    public Record {
      pendingHintRepairs = pendingHintRepairs == null ? List.of() : List.copyOf(pendingHintRepairs);
    }
  }

  /**
   * A node as the hint-window rule sees it.
   *
   * @param normal up and normal (UN)
   * @param downSince since when it is down; null: not down
   */
  public record Node(String name, boolean normal, Instant downSince) {
    public Node {
      Objects.requireNonNull(name, "name");
    }
  }

  /**
   * What starts a run.
   *
   * @param nodes only these nodes' ranges (empty: the whole ring)
   * @param keyspaces only these keyspaces (empty: spec.repair.keyspaces or every user keyspace)
   */
  public record Trigger(String name, Set<String> nodes, List<String> keyspaces) {
    public Trigger(String name, Set<String> nodes) {
      this(name, nodes, List.of());
    }
  }

  /** The run to start now (if any), the next record, and what to tell. */
  public record Outcome(Optional<Trigger> trigger, Record record, List<Notice> notices) {}

  /**
   * @param schedule the cron schedule; null or blank: none
   * @param request the repair annotation's value; null: none
   * @param authChange when the replication of system_auth last grew; null: never
   * @param runningRun the id of the run going now; null: idle
   * @param running whether a run is going now
   * @param previousNodes the nodes as the previous status recorded them (with downSince)
   * @param currentNodes the nodes as observed now
   */
  public static Outcome due(String schedule, ZoneId zone, String request, String authChange, boolean running,
      String runningRun, Record record, List<Node> previousNodes, List<Node> currentNodes, Duration hintWindow,
      Instant now) {
    boolean idle = !running;
    List<Notice> notices = new ArrayList<>();
    List<String> pending = new ArrayList<>(record.pendingHintRepairs());
    Instant next = record.next();
    String lastRequest = record.lastRequest();
    Trigger start = null;

    // Hint window: a node down longer than the hint window (seen while it is still down, or on its return).
    for (Node node : currentNodes) {
      if (node.downSince() != null) {
        exceeded(pending, node.name(), node.downSince(), hintWindow, now, notices);
      }
    }
    for (Node before : previousNodes) {
      Node after = currentNodes.stream().filter(n -> n.name().equals(before.name())).findFirst().orElse(null);
      if (before.downSince() != null && after != null && after.normal()) {
        exceeded(pending, before.name(), before.downSince(), hintWindow, now, notices);
      }
    }

    // Schedule.
    if (schedule == null || schedule.isBlank()) {
      next = null;
    } else {
      CronClock.Due due = CronClock.check(schedule, zone, next, now);
      if (due.fired()) {
        if (idle) {
          start = new Trigger(SCHEDULE, Set.of());
        } else {
          notices.add(Notice.warning("RepairSkipped", "", "Scheduled repair of " + next
              + " skipped: run " + runningRun + " is still going"));
        }
      }
      next = due.next();
    }

    // Annotation.
    if (request != null && !request.equals(lastRequest) && idle && start == null) {
      lastRequest = request;
      start = new Trigger(ANNOTATION, Set.of(), requestedKeyspaces(request));
    }

    // The replication of system_auth grew: its rows reach the new replicas by repair.
    if (authChange != null && !authChange.equals(record.lastAuthRepairFor()) && idle && start == null) {
      return new Outcome(Optional.of(new Trigger(AUTH_REPLICATION, Set.of(), List.of("system_auth"))),
          new Record(next, lastRequest, authChange, pending), notices);
    }

    if (start != null) {
      pending.clear(); // a whole-ring run covers them too (it waits for down replicas)
    } else if (idle) {
      // Only the nodes that are back: one still down would only hold the run up.
      Set<String> back = new TreeSet<>();
      for (String name : pending) {
        if (currentNodes.stream().anyMatch(n -> n.name().equals(name) && n.normal())) {
          back.add(name);
        }
      }
      if (!back.isEmpty()) {
        start = new Trigger(HINT_WINDOW, Set.copyOf(back));
        pending.removeAll(back);
      }
    }
    return new Outcome(Optional.ofNullable(start), new Record(next, lastRequest, record.lastAuthRepairFor(), pending),
        notices);
  }

  /**
   * Nodes whose replacement has just finished get their ranges repaired as a node's back after the hint window do:
   * added to the pending ones, with a notice each. A replacement streams each range from one replica, so a write
   * another replica alone held reaches it only by repair: the writes it was not sent while it replaced at its own
   * address, and those whose hints were lost with its disk. Until then such a write has one copy, and losing that
   * disk too loses it (ChaosE2E, seed 1849467536926383856: 768 acknowledged writes lost over 6 replacements).
   */
  public static Outcome replaced(Record record, Set<String> nodes) {
    List<String> pending = new ArrayList<>(record.pendingHintRepairs());
    List<Notice> notices = new ArrayList<>();
    for (String node : new TreeSet<>(nodes)) {
      if (!pending.contains(node)) {
        pending.add(node);
        notices.add(Notice.normal("ReplacementRepairPending", node, node + " was replaced: it streamed each range"
            + " from one replica, so writes only another replica held (its hints lost with its disk, writes it was"
            + " not sent while it replaced) reach it by repair; its ranges are repaired next"));
      }
    }
    return new Outcome(Optional.empty(), new Record(record.next(), record.lastRequest(), record.lastAuthRepairFor(),
        pending), notices);
  }

  /** What separates the time of a repair request from the keyspaces it names: {@code <time>;keyspaces=a,b}. */
  public static final String KEYSPACES_PART = ";keyspaces=";

  /**
   * The keyspaces a repair annotation names ({@code 2026-12-04T19:24:57Z;keyspaces=shop,orders}: only those), or
   * none ({@code 2026-12-04T19:24:57Z}, or nothing after {@code keyspaces=}: spec.repair.keyspaces, else every user
   * keyspace). Names are trimmed, empty ones and repeats dropped; a name of no keyspace is skipped by the plan with
   * "does not exist", as a listed one of spec.repair.keyspaces is.
   */
  public static List<String> requestedKeyspaces(String request) {
    int at = request == null ? -1 : request.indexOf(KEYSPACES_PART);
    if (at < 0) {
      return List.of();
    }
    java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>();
    for (String name : request.substring(at + KEYSPACES_PART.length()).split(",")) {
      if (!name.isBlank()) {
        names.add(name.trim());
      }
    }
    return List.copyOf(names);
  }

  private static void exceeded(List<String> pending, String node, Instant downSince, Duration hintWindow,
      Instant now, List<Notice> notices) {
    Duration down = Duration.between(downSince, now);
    if (down.compareTo(hintWindow) > 0 && !pending.contains(node)) {
      pending.add(node);
      notices.add(Notice.normal("HintWindowExceeded", node, node + " has been down since " + downSince
          + ", longer than max_hint_window (" + hintWindow.toMinutes() + " min): hints no longer cover it, so"
          + " its ranges will be repaired once it is back"));
    }
  }
}
