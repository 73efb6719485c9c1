package io.ringkeeper.operator.domain.upkeep;

import io.ringkeeper.operator.domain.plan.JobFacts;
import io.ringkeeper.operator.domain.repair.IndexSet;
import io.ringkeeper.operator.domain.repair.RepairPlan;
import io.ringkeeper.operator.domain.repair.Segment;
import io.ringkeeper.operator.domain.repair.SegmentScheduler;
import io.ringkeeper.operator.domain.upkeep.UpkeepStep.StartRepairSegment;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Carries a repair run forward by one step each reconcile, from the run recorded in status and what the poller
 * last saw; pure.
 *
 * <p>One step: (1) a plan whose fingerprint differs from the recorded one (the ring or the schema changed) is let
 * finish its running segments and then started over. (2) The job of every running segment: a success marks the
 * segment done and sets the intensity pause, {@code last duration x (1/intensity - 1)}; a failure, or a job the node
 * no longer knows (it restarted), costs an attempt: the segment is retried up to {@code segmentRetries} times, then
 * recorded failed. A job still running after {@code segmentTimeout} is reported (notice, message) but its replicas
 * stay busy until it ends: the agent cannot abort a repair session, and a retry beside it would put two repairs on
 * the same replicas. (3) Unless paused, the segments {@link RepairSegmentStarts} chooses start, keeping out every
 * unavailable node (the run is postponed, with the reason, while that blocks it). (4) When every segment is done or
 * failed, or more than {@value #MAX_FAILED_SEGMENTS} failed, the result is recorded per keyspace.
 *
 * <p>One reconcile is two calls: {@link #advance} returns the segment starts to fire, {@link #record} folds the
 * answers into the next run.
 */
public final class RepairRunPlanner {
  /** A run with more failed segments than this stops: repair is broken, not unlucky. */
  public static final int MAX_FAILED_SEGMENTS = 50;

  private RepairRunPlanner() {}

  /**
   * A running segment's job as the poller last saw it.
   *
   * @param outcome running, succeeded, failed, unknown to the node, or not reachable (ask again later)
   * @param message the node's message (its error when the job failed)
   * @param took how long the job ran, as the node measured it; null: not known
   */
  public record SegmentJob(JobFacts.Outcome outcome, String message, Duration took) {
    public SegmentJob {
      Objects.requireNonNull(outcome, "outcome");
    }
  }

  /**
   * How a run ended.
   *
   * @param succeeded every segment was repaired
   * @param message for people
   * @param at when
   * @param ringCompleted a whole-ring run that succeeded: the cluster's last completed repair
   * @param keyspacesCompleted the keyspaces a whole-ring run repaired completely
   */
  public record Result(boolean succeeded, String message, Instant at, boolean ringCompleted,
      List<String> keyspacesCompleted) {
    public Result {
      keyspacesCompleted = List.copyOf(keyspacesCompleted);
    }
  }

  /**
   * What to do now.
   *
   * @param run the run after the jobs were read; null when it ended (or there is none)
   * @param result how it ended; null: it did not
   * @param steps the segments to start now
   * @param starting whether segments were chosen (not paused, not waiting): the postponed reason is then decided
   *     once the answers are in
   */
  public record Plan(RepairRun run, Result result, List<StartRepairSegment> steps, boolean starting,
      List<Notice> notices, Map<String, String> unavailable, RepairSettings settings, Instant now) {
    public Plan {
      steps = List.copyOf(steps);
      notices = List.copyOf(notices);
      unavailable = Map.copyOf(unavailable);
    }
  }

  /**
   * @param run the next {@code status.repair.running}; null: none
   * @param result how the run ended; null: it did not
   */
  public record Outcome(RepairRun run, Result result, List<Notice> notices) {
    public Outcome {
      notices = List.copyOf(notices);
    }
  }

  /**
   * What a trigger starts.
   *
   * @param run the new run; null when there is nothing to repair
   * @param notice what to tell (RepairStarted, or RepairNothingToDo with the result's message)
   */
  public record Start(RepairRun run, Notice notice) {}

  /**
   * A run of {@code plan} for {@code trigger}, or nothing to repair (every keyspace skipped or none at all).
   *
   * @param plan the plan made for the trigger's keyspaces and nodes
   */
  public static Start start(RepairPlan plan, RepairTriggers.Trigger trigger, Instant now) {
    String skipped = plan.skipped().isEmpty() ? "" : "; skipped " + plan.skipped().entrySet().stream()
        .map(e -> e.getKey() + " (" + e.getValue() + ")").collect(Collectors.joining(", "));
    if (plan.size() == 0) {
      return new Start(null, Notice.normal("RepairNothingToDo", "",
          "Nothing to repair (" + trigger.name() + ")" + skipped));
    }
    RepairRun run = newRun(plan, trigger.name(), trigger.nodes(), now);
    return new Start(run, Notice.normal("RepairStarted", "", "Repair run " + run.id() + " started ("
        + trigger.name() + (trigger.nodes().isEmpty() ? "" : " for " + String.join(", ", new TreeSet<>(trigger.nodes())))
        + "): " + plan.size() + " segments of " + String.join(", ", plan.keyspaces()) + skipped));
  }

  /** A new run of {@code plan}. */
  public static RepairRun newRun(RepairPlan plan, String trigger, Set<String> onlyNodes, Instant now) {
    // status is writable by anyone with access to the subresource: a run recorded without a trigger still replans.
    String cause = trigger == null || trigger.isBlank() ? "unknown" : trigger;
    return new RepairRun(cause.toLowerCase(Locale.ROOT) + "-" + now.getEpochSecond(), trigger, now,
        plan.keyspaces(), List.copyOf(new TreeSet<>(onlyNodes)), plan.size(), 0, "", plan.fingerprint(),
        plan.skipped().entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList(), List.of(),
        List.of(), List.of(), null, null);
  }

  /**
   * The run waits without a plan: nothing starts and nothing is folded in until one can be made again.
   *
   * @param run the recorded run; null: none (nothing to do)
   * @param reason why there is no plan, recorded as the run's postponed reason
   */
  public static Plan waiting(RepairRun run, String reason, RepairSettings settings, Map<String, String> unavailable,
      Instant now) {
    if (run == null) {
      return new Plan(null, null, List.of(), false, new ArrayList<>(), unavailable, settings, now);
    }
    Work w = new Work(run);
    w.postponedReason = reason;
    return new Plan(w.build(), null, List.of(), false, new ArrayList<>(), unavailable, settings, now);
  }

  /**
   * One step of {@code run}.
   *
   * @param run the recorded run; null: none (nothing to do)
   * @param plan the run planned again from the recorded tokens and the schema; null when no node reported the
   *     schema (the run then waits: without a plan there is nothing to record results against)
   * @param jobs the job of each active segment by index, as the poller last saw it
   * @param unavailable the nodes no new segment may use, with the reason ({@link RepairSegmentStarts#unavailable})
   * @param nodes the cluster's nodes by name
   */
  public static Plan advance(RepairRun run, RepairPlan plan, RepairSettings settings, Map<Integer, SegmentJob> jobs,
      Map<String, String> unavailable, Map<String, UpkeepNode> nodes, Instant now) {
    List<Notice> notices = new ArrayList<>();
    if (run == null) {
      return new Plan(null, null, List.of(), false, notices, unavailable, settings, now);
    }
    if (plan == null) {
      return waiting(run, "waiting for a node to report the schema", settings, unavailable, now);
    }
    Work w = new Work(run);
    if (!plan.fingerprint().equals(run.planFingerprint())) {
      poll(w, jobs, settings, false, now, notices);
      if (w.active.isEmpty()) {
        notices.add(Notice.normal("RepairReplanned", "", "Repair run " + run.id() + " starts over: the"
            + " ring or the keyspaces changed since it was planned (" + plan.size() + " segments now)"));
        RepairRun fresh = newRun(plan, run.trigger(), Set.copyOf(run.nodes()), now);
        return new Plan(new Work(fresh).withId(run.id(), run.startedAt()).build(), null, List.of(), false,
            notices, unavailable, settings, now);
      }
      w.postponedReason = "the ring or the keyspaces changed: waiting for running segments to end, then planning"
          + " again";
      return new Plan(w.build(), null, List.of(), false, notices, unavailable, settings, now);
    }

    poll(w, jobs, settings, true, now, notices);
    IndexSet completed = IndexSet.parse(w.completedSegments);
    IndexSet finished = completed;
    for (RepairRun.Segment f : w.failed) {
      finished = finished.with(f.index());
    }
    if (w.failed.size() > MAX_FAILED_SEGMENTS) {
      return finish(w.build(), plan, completed, now, notices, "stopped after " + w.failed.size() + " segments failed",
          unavailable, settings);
    }
    if (finished.size() >= plan.size() && w.active.isEmpty()) {
      return finish(w.build(), plan, completed, now, notices, null, unavailable, settings);
    }
    if (w.pausedUntil != null && now.isBefore(w.pausedUntil)) {
      w.postponedReason = null;
      return new Plan(w.build(), null, List.of(), false, notices, unavailable, settings, now);
    }
    w.pausedUntil = null;

    List<Segment> running = w.active.stream().map(a -> plan.segments().get(a.index())).toList();
    Map<Integer, Integer> attempts = new HashMap<>();
    w.retrying.forEach(r -> attempts.putIfAbsent(r.index(), r.attempts() == null ? 0 : r.attempts()));
    List<StartRepairSegment> start = RepairSegmentStarts.starts(plan, finished, running, unavailable,
        settings.mode(), nodes, attempts, run.id());
    return new Plan(w.build(), null, start, true, notices, unavailable, settings, now);
  }

  /**
   * Folds what the coordinators answered to the segment starts into the next run: a job id makes the segment
   * active, a failure costs it an attempt, no answer yet leaves it to a later reconcile (which asks the same).
   *
   * @param answers one per step of the plan, in their order
   */
  public static Outcome record(Plan plan, List<Answer> answers) {
    List<Notice> notices = new ArrayList<>(plan.notices());
    if (plan.run() == null || plan.result() != null) {
      return new Outcome(plan.run(), plan.result(), notices);
    }
    Work w = new Work(plan.run());
    List<StartRepairSegment> steps = plan.steps();
    for (int i = 0; i < steps.size(); i++) {
      StartRepairSegment s = steps.get(i);
      Answer answer = answers.get(i);
      if (answer instanceof Answer.Pending) {
        continue; // sent: the next reconcile (triggered by the answer) asks the same and records the job
      }
      RepairRun.Segment retry = w.retrying.stream().filter(r -> r.index() == s.index()).findFirst().orElse(null);
      if (answer instanceof Answer.Done done) {
        w.retrying.remove(retry);
        w.active.add(new RepairRun.Segment(s.index(), s.keyspace(), s.range(), s.node(), (String) done.value(),
            plan.now(), s.attempts(), null));
      } else {
        String message = answer instanceof Answer.Refused r ? r.message() : ((Answer.Failed) answer).message();
        failAttempt(w, new RepairRun.Segment(s.index(), s.keyspace(), s.range(), s.node(), null, plan.now(),
            s.attempts(), "could not start: " + message), plan.settings(), notices);
      }
    }
    if (plan.starting()) {
      boolean blocked = steps.isEmpty() && w.active.isEmpty() && !plan.unavailable().isEmpty();
      w.postponedReason = blocked ? "postponed while replicas are unavailable: " + plan.unavailable().entrySet()
          .stream().sorted(Map.Entry.comparingByKey()).map(e -> e.getKey() + " (" + e.getValue() + ")")
          .collect(Collectors.joining(", ")) : null;
    }
    return new Outcome(w.build(), null, notices);
  }

  private static void poll(Work w, Map<Integer, SegmentJob> jobs, RepairSettings settings, boolean planHolds,
      Instant now, List<Notice> notices) {
    for (RepairRun.Segment a : new ArrayList<>(w.active)) {
      boolean overdue = Duration.between(a.startedAt(), now).compareTo(settings.segmentTimeout()) > 0;
      SegmentJob job = jobs.get(a.index());
      if (job == null || job.outcome() == JobFacts.Outcome.UNREACHABLE) {
        continue; // unreachable or slow: ask again next time; a node back from a restart answers NOT_FOUND
      }
      if (job.outcome() == JobFacts.Outcome.NOT_FOUND) {
        w.active.remove(a);
        RepairRun.Segment lost = a.withMessage("the node no longer knows job " + a.jobId() + " (it restarted?)");
        if (planHolds) {
          failAttempt(w, lost, settings, notices);
        }
        continue;
      }
      if (job.outcome() == JobFacts.Outcome.RUNNING) {
        if (overdue && (a.message() == null || !a.message().startsWith("timed out"))) {
          w.active.set(w.active.indexOf(a), a.withMessage("timed out: running longer than segmentTimeout "
              + settings.segmentTimeout() + "; its replicas stay busy until the node ends it"));
          notices.add(Notice.warning("RepairSegmentTimedOut", "segment-" + a.index(), "Repair of "
              + a.keyspace() + " " + a.range() + " on " + a.node() + " runs longer than "
              + settings.segmentTimeout()));
        }
        continue;
      }
      w.active.remove(a);
      if (!planHolds) {
        continue; // a segment of a plan that no longer holds: its result means nothing now
      }
      if (job.outcome() == JobFacts.Outcome.SUCCEEDED) {
        IndexSet completed = IndexSet.parse(w.completedSegments).with(a.index());
        w.completedSegments = completed.toString();
        w.segmentsDone = completed.size();
        Duration took = job.took() != null ? job.took() : Duration.between(a.startedAt(), now);
        Instant until = now.plus(SegmentScheduler.pauseAfter(took, settings.intensity()));
        if (until.isAfter(now) && (w.pausedUntil == null || until.isAfter(w.pausedUntil))) {
          w.pausedUntil = until;
        }
      } else {
        failAttempt(w, a.withMessage(job.message() == null ? "failed" : job.message()), settings, notices);
      }
    }
  }

  private static void failAttempt(Work w, RepairRun.Segment a, RepairSettings settings, List<Notice> notices) {
    w.retrying.removeIf(r -> r.index() == a.index());
    RepairRun.Segment s = a.withoutJob();
    if (s.attempts() != null && s.attempts() > settings.retries()) {
      w.failed.add(s);
      notices.add(Notice.warning("RepairSegmentFailed", "segment-" + s.index(), "Repair of "
          + s.keyspace() + " " + s.range() + " failed after " + s.attempts() + " attempts: " + s.message()));
    } else {
      w.retrying.add(s);
    }
  }

  private static Plan finish(RepairRun run, RepairPlan plan, IndexSet completed, Instant now, List<Notice> notices,
      String stopped, Map<String, String> unavailable, RepairSettings settings) {
    Set<String> failedKeyspaces = new HashSet<>();
    for (Segment s : plan.segments()) {
      if (!completed.contains(s.index())) {
        failedKeyspaces.add(s.keyspace());
      }
    }
    boolean wholeRing = run.nodes().isEmpty();
    List<String> keyspacesCompleted = wholeRing
        ? plan.keyspaces().stream().filter(ks -> !failedKeyspaces.contains(ks)).toList() : List.of();
    long took = Duration.between(run.startedAt(), now).toSeconds();
    Result result;
    if (failedKeyspaces.isEmpty()) {
      result = new Result(true, "Run " + run.id() + " (" + run.trigger() + ") repaired " + plan.size()
          + " segments of " + String.join(", ", plan.keyspaces()) + " in " + took + "s", now, wholeRing,
          keyspacesCompleted);
      notices.add(Notice.normal("RepairCompleted", "", result.message()));
    } else {
      result = new Result(false, "Run " + run.id() + " (" + run.trigger() + ") "
          + (stopped == null ? "finished" : stopped) + ": " + run.failed().size() + " segments failed in "
          + failedKeyspaces.stream().sorted().collect(Collectors.joining(", ")) + "; first error: "
          + run.failed().stream().findFirst().map(RepairRun.Segment::message).orElse("none"), now, false,
          keyspacesCompleted);
      notices.add(Notice.warning("RepairFailed", "", result.message()));
    }
    return new Plan(null, result, List.of(), false, notices, unavailable, settings, now);
  }

  /** The run being worked on within one call. */
  private static final class Work {
    private String id;
    private Instant startedAt;
    private final RepairRun base;
    private Integer segmentsDone;
    private String completedSegments;
    private final List<RepairRun.Segment> active;
    private final List<RepairRun.Segment> retrying;
    private final List<RepairRun.Segment> failed;
    private Instant pausedUntil;
    private String postponedReason;

    Work(RepairRun run) {
      base = run;
      id = run.id();
      startedAt = run.startedAt();
      segmentsDone = run.segmentsDone();
      completedSegments = run.completedSegments();
      active = new ArrayList<>(run.active());
      retrying = new ArrayList<>(run.retrying());
      failed = new ArrayList<>(run.failed());
      pausedUntil = run.pausedUntil();
      postponedReason = run.postponedReason();
    }

    Work withId(String runId, Instant started) {
      id = runId;
      startedAt = started;
      return this;
    }

    RepairRun build() {
      return new RepairRun(id, base.trigger(), startedAt, base.keyspaces(), base.nodes(), base.segmentsTotal(),
          segmentsDone, completedSegments, base.planFingerprint(), base.skippedKeyspaces(), active, retrying, failed,
          pausedUntil, postponedReason);
    }
  }
}
