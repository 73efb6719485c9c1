package io.ringkeeper.operator.domain.upkeep;

import io.ringkeeper.operator.domain.schedule.CronSchedule;
import io.ringkeeper.operator.domain.upkeep.UpkeepStep.SetCompactionThroughput;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Compaction throughput windows: while a window is in force (its cron start has passed and its duration has not),
 * every node's compaction throughput is the window's; when it ends, each node gets back the value it had before.
 *
 * <p>Everything needed to restore lives in the {@link WindowRecord}: the value to restore (the previous value the
 * first node reported), the window's end and the nodes already set. A restarted operator therefore finishes setting
 * nodes missed so far and restores them at the end; a node that was down when the window began is set when it is
 * back, and one down at the end is restored when it is back (a node that restarted in between is back at its
 * configured value anyway, and setting it again is harmless). When windows overlap, the one that started last is in
 * force.
 *
 * <p>One reconcile is two pure calls: {@link #plan} says which nodes to set to what, {@link #record} folds what the
 * nodes answered into the next record and says when to look again.
 */
public final class CompactionPlanner {
  private CompactionPlanner() {}

  /**
   * What to do now.
   *
   * @param inForce whether a window is in force (else a previous one is being undone, or nothing)
   * @param window the record to continue from: the previous one, reset when another window took over; null when
   *     there is nothing to set or restore
   * @param steps the throughput to set per node, usable nodes only
   * @param nextCheck the end of the window in force or the next start, whichever is first; null: none
   * @param present the names of the cluster's nodes
   * @param now the time planned for
   */
  public record Plan(boolean inForce, WindowRecord window, List<SetCompactionThroughput> steps, Instant nextCheck,
      Set<String> present, Instant now) {
    public Plan {
      steps = List.copyOf(steps);
      present = Set.copyOf(present);
    }
  }

  /**
   * The outcome of a reconcile.
   *
   * @param window the next record; null: nothing set, nothing to restore
   * @param notices what to tell
   * @param check when to look again: now while a node is left to set or restore; null: never
   */
  public record Outcome(WindowRecord window, List<Notice> notices, Instant check) {
    public Outcome {
      notices = List.copyOf(notices);
    }
  }

  public static Plan plan(List<CompactionWindow> windows, ZoneId zone, WindowRecord previous, List<UpkeepNode> nodes,
      Instant now) {
    CompactionWindow inForce = null;
    Instant inForceStart = null;
    Instant inForceEnd = null;
    Instant nextCheck = null;
    ZonedDateTime zonedNow = now.atZone(zone);
    for (CompactionWindow w : windows) {
      CronSchedule cron = CronSchedule.parse(w.schedule());
      Instant start = cron.previous(zonedNow).map(ZonedDateTime::toInstant).orElse(null);
      if (start != null && now.isBefore(start.plus(w.length()))
          && (inForceStart == null || start.isAfter(inForceStart))) {
        inForce = w;
        inForceStart = start;
        inForceEnd = start.plus(w.length());
      }
      nextCheck = earliest(nextCheck, cron.next(zonedNow).map(ZonedDateTime::toInstant).orElse(null));
    }
    nextCheck = earliest(nextCheck, inForceEnd);
    Set<String> present = nodes.stream().map(UpkeepNode::name).collect(Collectors.toSet());

    List<SetCompactionThroughput> steps = new ArrayList<>();
    if (inForce != null) {
      Instant until = inForceEnd.truncatedTo(ChronoUnit.SECONDS);
      WindowRecord current = previous == null ? new WindowRecord(null, null, null, null, List.of()) : previous;
      if (!inForce.schedule().equals(current.schedule()) || !until.equals(current.until())
          || !Objects.equals(inForce.mibPerSecond(), current.mibPerSecond())) {
        // Keeps restoreMibPerSecond: the value before any window. Keeps the nodes the previous window set and that
        // cannot be set now (down): they still hold its value, and only the record tells to restore them when they
        // are back; with the same value they already hold this window's, so every one of them stays recorded.
        // Forgetting them left a node that was down across one window's end and the next one's start at the
        // window's value for good (RandomizedOperationsTest found it).
        boolean sameValue = Objects.equals(inForce.mibPerSecond(), current.mibPerSecond());
        List<String> stillSet = current.appliedTo().stream().filter(present::contains)
            .filter(name -> sameValue || nodes.stream().noneMatch(n -> n.name().equals(name) && n.usable()))
            .toList();
        current = new WindowRecord(inForce.schedule(), until, inForce.mibPerSecond(), current.restoreMibPerSecond(),
            stillSet);
      }
      for (UpkeepNode n : nodes) {
        if (n.usable() && !current.appliedTo().contains(n.name())) {
          steps.add(new SetCompactionThroughput(n.name(), inForce.mibPerSecond(), "window until " + until));
        }
      }
      return new Plan(true, current, steps, nextCheck, present, now);
    }
    if (previous == null) {
      return new Plan(false, null, steps, nextCheck, present, now);
    }
    WindowRecord current = new WindowRecord(previous.schedule(), previous.until(), previous.mibPerSecond(),
        previous.restoreMibPerSecond(), previous.appliedTo().stream().filter(present::contains).toList());
    if (current.restoreMibPerSecond() != null) {
      for (UpkeepNode n : nodes) {
        if (n.usable() && current.appliedTo().contains(n.name())) {
          steps.add(new SetCompactionThroughput(n.name(), current.restoreMibPerSecond(),
              "restore after the window until " + current.until()));
        }
      }
    }
    return new Plan(false, current, steps, nextCheck, present, now);
  }

  /**
   * Folds the answers to the plan's steps into the next record.
   *
   * @param answers one per step of the plan, in its order
   */
  public static Outcome record(Plan plan, List<Answer> answers) {
    if (answers.size() != plan.steps().size()) {
      throw new IllegalArgumentException(answers.size() + " answers to " + plan.steps().size() + " steps");
    }
    WindowRecord current = plan.window();
    if (current == null) {
      return new Outcome(null, List.of(), plan.nextCheck());
    }
    List<Notice> notices = new ArrayList<>();
    TreeSet<String> applied = new TreeSet<>(current.appliedTo());
    Integer restore = current.restoreMibPerSecond();
    if (plan.inForce()) {
      boolean first = applied.isEmpty();
      for (int i = 0; i < answers.size(); i++) {
        if (answers.get(i) instanceof Answer.Done done) {
          if (restore == null) {
            restore = (Integer) done.value();
          }
          applied.add(plan.steps().get(i).node());
        }
      }
      if (first && !applied.isEmpty()) {
        notices.add(Notice.normal("CompactionWindowStarted", "", "Compaction throughput set to "
            + current.mibPerSecond() + " MiB/s until " + current.until() + " (window '" + current.schedule()
            + "'); " + restore + " MiB/s will be restored"));
      }
      WindowRecord next = new WindowRecord(current.schedule(), current.until(), current.mibPerSecond(), restore,
          List.copyOf(applied));
      return new Outcome(next, notices, applied.containsAll(plan.present()) ? plan.nextCheck() : plan.now());
    }
    for (int i = 0; i < answers.size(); i++) {
      if (answers.get(i) instanceof Answer.Done) {
        applied.remove(plan.steps().get(i).node());
      }
    }
    if (applied.isEmpty() || restore == null) {
      notices.add(Notice.normal("CompactionWindowEnded", "", "Compaction throughput restored to " + restore
          + " MiB/s (window '" + current.schedule() + "' ended)"));
      return new Outcome(null, notices, plan.nextCheck());
    }
    WindowRecord next = new WindowRecord(current.schedule(), current.until(), current.mibPerSecond(), restore,
        List.copyOf(applied));
    return new Outcome(next, notices, plan.now()); // some node still to restore
  }

  /** The earlier of two times, either of which may be null. */
  public static Instant earliest(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isBefore(b) ? a : b;
  }
}
