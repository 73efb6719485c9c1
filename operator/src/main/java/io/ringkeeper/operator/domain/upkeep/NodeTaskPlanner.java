package io.ringkeeper.operator.domain.upkeep;

import io.ringkeeper.operator.domain.plan.JobFacts;
import io.ringkeeper.operator.domain.plan.SafetyRules;
import io.ringkeeper.operator.domain.upkeep.UpkeepStep.StartNodeTask;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Scheduled node tasks (compact, garbage-collect, upgrade SSTables, cleanup): when a task's cron comes due, it runs
 * on every node in turn, one node at a time (so at most one per datacenter), one agent job per listed keyspace (or
 * one for all keyspaces). A job starts only when {@link SafetyRules#upkeepMustWait} allows it: every node of its
 * datacenter up and no cluster operation (scaling, restart...) in progress; otherwise the run waits, with the reason
 * in the task's message. A run still going when the task comes due again is not started twice: that occurrence is
 * skipped with a notice. A node whose job fails is recorded in {@code failed} and the run goes on with the next
 * node; the run's result is Failed if any node failed. All progress is in the {@link TaskRecord}s, so a restarted
 * operator picks up the job it started.
 *
 * <p>One reconcile is two pure calls: {@link #plan} follows each task's job (as the poller last saw it) and returns
 * at most one {@link StartNodeTask} per task; {@link #record} folds the nodes' answers into the next records. A start
 * recorded before its answer came (no job id yet) is fired again with the same attempt: the agent layer hands back
 * the answer instead of starting a second job.
 */
public final class NodeTaskPlanner {
  private NodeTaskPlanner() {}

  /**
   * What to do now.
   *
   * @param records every task's record, with this reconcile's progress, in the tasks' order
   * @param steps at most one start per task
   * @param notices what to tell
   */
  public record Plan(List<TaskRecord> records, List<StartNodeTask> steps, List<Notice> notices) {
    public Plan {
      records = List.copyOf(records);
      steps = List.copyOf(steps);
      notices = List.copyOf(notices);
    }
  }

  /**
   * The outcome of a reconcile.
   *
   * @param records the next records, one per task
   * @param running some task is running: look again soon
   * @param next the earliest next due time; null: none
   */
  public record Outcome(List<TaskRecord> records, List<Notice> notices, boolean running, Instant next) {
    public Outcome {
      records = List.copyOf(records);
      notices = List.copyOf(notices);
    }
  }

  /**
   * @param previous the records of the previous status (others are dropped, missing ones start fresh)
   * @param jobs what the poller last saw of each running task's job, by task name (tasks with a job id only)
   * @param operationInProgress a cluster operation (scale, restart, ...) is running
   * @param startNow tasks without a schedule to start now
   */
  public static Plan plan(List<NodeTask> tasks, ZoneId zone, List<TaskRecord> previous, List<UpkeepNode> nodes,
      Map<String, JobFacts> jobs, boolean operationInProgress, Set<String> startNow, Instant now) {
    Map<String, TaskRecord> byName = new TreeMap<>();
    previous.forEach(t -> byName.put(t.name(), t));
    List<TaskRecord> records = new ArrayList<>();
    List<StartNodeTask> steps = new ArrayList<>();
    List<Notice> notices = new ArrayList<>();
    for (NodeTask task : tasks) {
      Run s = new Run(byName.getOrDefault(task.name(), TaskRecord.fresh(task.name())));
      CronClock.Due due = task.schedule() == null ? new CronClock.Due(startNow.contains(task.name()), null)
          : CronClock.check(task.schedule(), zone, s.next, now);
      if (due.fired()) {
        if (s.running) {
          notices.add(Notice.warning("TaskSkipped", task.name(), "Task " + task.name() + " due at " + s.next
              + " skipped: its previous run is still going (" + s.done.size() + " of " + nodes.size()
              + " nodes done)"));
        } else {
          start(task, s, now, notices);
        }
      }
      s.next = due.next();
      if (s.running) {
        StartNodeTask step = step(task, s, nodes, jobs.get(task.name()), operationInProgress, now, notices);
        if (step != null) {
          steps.add(step);
        }
      }
      records.add(s.record());
    }
    return new Plan(records, steps, notices);
  }

  /**
   * Folds the answers to the plan's steps into the next records.
   *
   * @param answers one per step of the plan, in its order
   */
  public static Outcome record(Plan plan, List<Answer> answers) {
    if (answers.size() != plan.steps().size()) {
      throw new IllegalArgumentException(answers.size() + " answers to " + plan.steps().size() + " steps");
    }
    Map<String, Answer> byTask = new TreeMap<>();
    for (int i = 0; i < answers.size(); i++) {
      byTask.put(plan.steps().get(i).task(), answers.get(i));
    }
    List<TaskRecord> records = new ArrayList<>();
    boolean running = false;
    Instant next = null;
    for (TaskRecord r : plan.records()) {
      Run s = new Run(r);
      Answer answer = byTask.get(r.name());
      if (answer instanceof Answer.Done done) {
        s.jobId = (String) done.value();
        s.message = "running on " + s.node + (s.keyspace == null ? "" : " (keyspace " + s.keyspace + ")");
      } else if (answer instanceof Answer.Refused refused) {
        s.failed.add(s.node + ": " + refused.message());
        s.nodeDone();
      }
      running |= s.running;
      next = CompactionPlanner.earliest(next, s.next);
      records.add(s.record());
    }
    return new Outcome(records, plan.notices(), running, next);
  }

  private static void start(NodeTask task, Run s, Instant now, List<Notice> notices) {
    s.running = true;
    s.lastStarted = now.truncatedTo(ChronoUnit.SECONDS);
    s.done = new ArrayList<>();
    s.failed = new ArrayList<>();
    s.nodeDone();
    s.message = null;
    notices.add(Notice.normal("TaskStarted", task.name(), "Task " + task.name() + " (" + task.operation()
        + ") started; it runs on one node at a time"));
  }

  /** One step of a running task: follows its node's job, then moves to the next node. */
  private static StartNodeTask step(NodeTask task, Run s, List<UpkeepNode> nodes, JobFacts job,
      boolean operationInProgress, Instant now, List<Notice> notices) {
    if (s.node != null) {
      UpkeepNode node = nodes.stream().filter(n -> n.name().equals(s.node)).findFirst().orElse(null);
      if (node == null) {
        s.failed.add(s.node + ": the node no longer exists");
        s.nodeDone();
      } else if (s.jobId == null) {
        // recorded before its job started (the node did not answer): the same command again
        return startJob(task, s, node, s.keyspace);
      } else {
        Follow follow = follow(task, s, node, job);
        if (follow.onNode()) {
          return follow.start() == null ? null : checked(task, s, node, nodes, operationInProgress, follow.start());
        }
      }
    }
    Set<String> finished = new HashSet<>(s.done);
    s.failed.forEach(f -> finished.add(f.substring(0, f.indexOf(':'))));
    List<UpkeepNode> remaining = nodes.stream().filter(n -> !finished.contains(n.name()))
        .sorted(Comparator.comparing(UpkeepNode::datacenter).thenComparing(UpkeepNode::name)).toList();
    if (remaining.isEmpty()) {
      finish(task, s, now, notices);
      return null;
    }
    UpkeepNode next = remaining.get(0);
    String firstKeyspace = task.keyspaces().isEmpty() ? null : task.keyspaces().get(0);
    return checked(task, s, next, nodes, operationInProgress, firstKeyspace);
  }

  /** A new job on the node, when the safety rules allow it; otherwise the reason to wait goes in the message. */
  private static StartNodeTask checked(NodeTask task, Run s, UpkeepNode node, List<UpkeepNode> nodes,
      boolean operationInProgress, String keyspace) {
    List<String> notUp = nodes.stream().filter(n -> n.datacenter().equals(node.datacenter()) && !n.usable())
        .map(UpkeepNode::name).toList();
    String wait = SafetyRules.upkeepMustWait(operationInProgress, node.datacenter(), notUp);
    if (wait != null) {
      s.message = "waiting: " + wait;
      return null;
    }
    return startJob(task, s, node, keyspace);
  }

  /**
   * What the node's job tells.
   *
   * @param onNode the node is not finished with: its job runs, its node does not answer, or another keyspace is next
   * @param start the next keyspace to start on the node (with {@code wait}); null: none
   */
  private record Follow(boolean onNode, String start) {}

  private static Follow follow(NodeTask task, Run s, UpkeepNode node, JobFacts job) {
    JobFacts.Outcome outcome = job == null ? JobFacts.Outcome.UNREACHABLE : job.outcome();
    switch (outcome) {
      case NOT_FOUND -> {
        s.failed.add(node.name() + ": the node lost job " + s.jobId + " (it restarted?)");
        s.nodeDone();
        return new Follow(false, null);
      }
      case UNREACHABLE, RUNNING -> {
        return new Follow(true, null);
      }
      case FAILED -> {
        s.failed.add(node.name() + ": " + job.message());
        s.nodeDone();
        return new Follow(false, null);
      }
      default -> {
        String nextKeyspace = nextKeyspace(task, s.keyspace);
        if (nextKeyspace != null) {
          return new Follow(true, nextKeyspace);
        }
        s.done.add(node.name());
        s.nodeDone();
        return new Follow(false, null);
      }
    }
  }

  /** Records the node and keyspace the run is on; returns the start to fire when the node can take it. */
  private static StartNodeTask startJob(NodeTask task, Run s, UpkeepNode node, String keyspace) {
    s.node = node.name();
    s.keyspace = keyspace;
    s.jobId = null;
    if (!node.usable()) {
      return null;
    }
    return new StartNodeTask(node.name(), task.name(), task.operation(), keyspace,
        keyspace == null ? List.of() : task.tables(), task.name() + "/" + s.lastStarted);
  }

  private static String nextKeyspace(NodeTask task, String current) {
    if (current == null) {
      return null;
    }
    int i = task.keyspaces().indexOf(current);
    return i >= 0 && i + 1 < task.keyspaces().size() ? task.keyspaces().get(i + 1) : null;
  }

  private static void finish(NodeTask task, Run s, Instant now, List<Notice> notices) {
    s.running = false;
    s.lastCompleted = now.truncatedTo(ChronoUnit.SECONDS);
    s.nodeDone();
    if (s.failed.isEmpty()) {
      s.lastResult = "Succeeded";
      s.message = task.operation() + " ran on " + s.done.size() + " nodes, one at a time";
      notices.add(Notice.normal("TaskCompleted", task.name(), "Task " + task.name() + ": " + s.message));
    } else {
      s.lastResult = "Failed";
      s.message = task.operation() + " failed on " + s.failed.size() + " of " + (s.done.size() + s.failed.size())
          + " nodes: " + String.join("; ", s.failed);
      notices.add(Notice.warning("TaskFailed", task.name(), "Task " + task.name() + ": " + s.message));
    }
  }

  /** A task record being worked on within one call. */
  private static final class Run {
    final String name;
    boolean running;
    Instant next;
    Instant lastStarted;
    Instant lastCompleted;
    String lastResult;
    String node;
    String jobId;
    String keyspace;
    List<String> done;
    List<String> failed;
    String message;

    Run(TaskRecord r) {
      name = r.name();
      running = r.running();
      next = r.next();
      lastStarted = r.lastStarted();
      lastCompleted = r.lastCompleted();
      lastResult = r.lastResult();
      node = r.node();
      jobId = r.jobId();
      keyspace = r.keyspace();
      done = new ArrayList<>(r.done());
      failed = new ArrayList<>(r.failed());
      message = r.message();
    }

    void nodeDone() {
      node = null;
      jobId = null;
      keyspace = null;
    }

    TaskRecord record() {
      return new TaskRecord(name, running, next, lastStarted, lastCompleted, lastResult, node, jobId, keyspace, done,
          failed, message);
    }
  }
}
