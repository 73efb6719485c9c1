package io.ringkeeper.operator.maintenance;

import io.ringkeeper.api.v1alpha1.MaintenanceStatus;
import io.ringkeeper.api.v1alpha1.MaintenanceTask;
import io.ringkeeper.api.v1alpha1.MaintenanceTaskStatus;
import io.ringkeeper.operator.domain.upkeep.CompactionPlanner;
import io.ringkeeper.operator.node.Agents;
import io.ringkeeper.operator.node.JobKind;
import io.ringkeeper.operator.node.JobRequest;
import io.ringkeeper.operator.node.JobState;
import io.ringkeeper.operator.node.JobStatus;
import io.ringkeeper.operator.node.NodeClientException;
import io.ringkeeper.operator.reconciler.events.ClusterEvent;
import io.ringkeeper.operator.reconciler.observe.StatusTimes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Scheduled node tasks (compact, garbage-collect, upgrade SSTables, cleanup): when a task's cron comes due, it
 * runs on every node in turn, one node at a time (so at most one per datacenter), one agent job per listed
 * keyspace (or one for all keyspaces). Before a node starts, every node of its datacenter must be up and no
 * cluster operation (scaling, restart...) may be in progress; otherwise the run waits, with the reason in the
 * task's message. A run still going when the task comes due again is not started twice: that occurrence is
 * skipped with an event. A node whose job fails is recorded in {@code failed} and the run goes on with the next
 * node; the run's result is Failed if any node failed. All progress is in {@code status.maintenance.tasks}, so a
 * restarted operator picks up the job it started.
 */
final class NodeTasks {
  private final Agents agents;

  NodeTasks(Agents agents) {
    this.agents = agents;
  }

  static JobKind kind(MaintenanceTask task) {
    return switch (task.getOperation()) {
      case Compact -> JobKind.COMPACT;
      case GarbageCollect -> JobKind.GARBAGE_COLLECT;
      case UpgradeSSTables -> JobKind.UPGRADE_SSTABLES;
      case Cleanup -> JobKind.CLEANUP;
    };
  }

  /**
   * One step of every task; updates {@code status.tasks}.
   *
   * @param operationInProgress a cluster operation (scale, restart, ...) is running: no task starts on a node
   * @param startNow tasks without a schedule to start now
   * @return whether some task is running (look again soon), and the earliest next due time
   */
  Progress apply(List<MaintenanceTask> tasks, String timeZone, MaintenanceStatus status, List<MaintenanceNode> nodes,
      boolean operationInProgress, java.util.Set<String> startNow, Instant now, List<ClusterEvent> events) {
    Map<String, MaintenanceTaskStatus> previous = new TreeMap<>();
    status.getTasks().forEach(t -> previous.put(t.getName(), t));
    List<MaintenanceTaskStatus> result = new ArrayList<>();
    boolean running = false;
    Instant next = null;
    for (MaintenanceTask task : tasks == null ? List.<MaintenanceTask>of() : tasks) {
      MaintenanceTaskStatus s = previous.getOrDefault(task.getName(), fresh(task.getName()));
      CronClock.Due due = task.getSchedule() == null ? new CronClock.Due(startNow.contains(task.getName()), null)
          : CronClock.check(task.getSchedule(), timeZone, s.getNext(), now);
      if (due.fired()) {
        if (Boolean.TRUE.equals(s.getRunning())) {
          events.add(ClusterEvent.warning("TaskSkipped", task.getName(), "Task " + task.getName() + " due at "
              + s.getNext() + " skipped: its previous run is still going (" + s.getDone().size() + " of "
              + nodes.size() + " nodes done)"));
        } else {
          start(task, s, now, events);
        }
      }
      s.setNext(due.next());
      if (Boolean.TRUE.equals(s.getRunning())) {
        step(task, s, nodes, operationInProgress, now, events);
      }
      running |= Boolean.TRUE.equals(s.getRunning());
      next = CompactionPlanner.earliest(next, s.getNext() == null ? null : Instant.parse(s.getNext()));
      result.add(s);
    }
    status.setTasks(result);
    return new Progress(running, next);
  }

  record Progress(boolean running, Instant next) {}

  private static MaintenanceTaskStatus fresh(String name) {
    MaintenanceTaskStatus s = new MaintenanceTaskStatus();
    s.setName(name);
    s.setRunning(false);
    return s;
  }

  private static void start(MaintenanceTask task, MaintenanceTaskStatus s, Instant now, List<ClusterEvent> events) {
    s.setRunning(true);
    s.setLastStarted(StatusTimes.format(now));
    s.setDone(new ArrayList<>());
    s.setFailed(new ArrayList<>());
    s.setNode(null);
    s.setJobId(null);
    s.setKeyspace(null);
    s.setMessage(null);
    events.add(ClusterEvent.normal("TaskStarted", task.getName(), "Task " + task.getName() + " ("
        + task.getOperation() + ") started; it runs on one node at a time"));
  }

  private void step(MaintenanceTask task, MaintenanceTaskStatus s, List<MaintenanceNode> nodes,
      boolean operationInProgress, Instant now, List<ClusterEvent> events) {
    if (s.getNode() != null) {
      MaintenanceNode node = nodes.stream().filter(n -> n.name().equals(s.getNode())).findFirst().orElse(null);
      if (node == null) {
        s.getFailed().add(s.getNode() + ": the node no longer exists");
        nodeDone(s);
      } else if (!follow(task, s, node)) {
        return; // its job still runs, or its node does not answer now
      }
    }
    Set<String> finished = s.getDone().stream().collect(Collectors.toSet());
    s.getFailed().forEach(f -> finished.add(f.substring(0, f.indexOf(':'))));
    List<MaintenanceNode> remaining = nodes.stream().filter(n -> !finished.contains(n.name()))
        .sorted(Comparator.comparing(MaintenanceNode::datacenter).thenComparing(MaintenanceNode::name)).toList();
    if (remaining.isEmpty()) {
      finish(task, s, now, events);
      return;
    }
    MaintenanceNode next = remaining.get(0);
    List<String> unhealthy = nodes.stream().filter(n -> n.datacenter().equals(next.datacenter()) && !n.usable())
        .map(MaintenanceNode::name).toList();
    if (operationInProgress) {
      s.setMessage("waiting: a cluster operation is in progress");
      return;
    }
    if (!unhealthy.isEmpty()) {
      s.setMessage("waiting: datacenter " + next.datacenter() + " is not healthy (" + String.join(", ", unhealthy)
          + " not up)");
      return;
    }
    startJob(task, s, next, firstKeyspace(task));
  }

  /** Follows the job of the current node; returns true when the node is finished with. */
  private boolean follow(MaintenanceTask task, MaintenanceTaskStatus s, MaintenanceNode node) {
    if (s.getJobId() == null) {
      startJob(task, s, node, s.getKeyspace()); // recorded before its job started (the node did not answer)
      return false;
    }
    JobStatus job;
    try {
      if (node.endpoint() == null) {
        return false;
      }
      job = agents.job(node.endpoint(), s.getJobId());
    } catch (NodeClientException e) {
      if (e.kind() != NodeClientException.Kind.NOT_FOUND) {
        return false;
      }
      s.getFailed().add(node.name() + ": the node lost job " + s.getJobId() + " (it restarted?)");
      nodeDone(s);
      return true;
    }
    if (job.state() == JobState.RUNNING) {
      return false;
    }
    if (job.state() == JobState.FAILED) {
      s.getFailed().add(node.name() + ": " + job.message());
      nodeDone(s);
      return true;
    }
    String nextKeyspace = nextKeyspace(task, s.getKeyspace());
    if (nextKeyspace != null) {
      startJob(task, s, node, nextKeyspace);
      return false;
    }
    s.getDone().add(node.name());
    nodeDone(s);
    return true;
  }

  private boolean startJob(MaintenanceTask task, MaintenanceTaskStatus s, MaintenanceNode node, String keyspace) {
    s.setNode(node.name());
    s.setKeyspace(keyspace);
    s.setJobId(null);
    if (!node.usable()) {
      return false;
    }
    JobRequest request = keyspace == null ? JobRequest.of(kind(task))
        : JobRequest.onKeyspace(kind(task), keyspace, task.getTables() == null ? List.of() : task.getTables());
    try {
      s.setJobId(agents.startJob(node.endpoint(), request, task.getName() + "/" + s.getLastStarted()).id());
      s.setMessage("running on " + node.name() + (keyspace == null ? "" : " (keyspace " + keyspace + ")"));
      return true;
    } catch (NodeClientException e) {
      if (e.kind() == NodeClientException.Kind.REFUSED) {
        s.getFailed().add(node.name() + ": " + e.getMessage());
        nodeDone(s);
      }
      return false;
    }
  }

  private static void nodeDone(MaintenanceTaskStatus s) {
    s.setNode(null);
    s.setJobId(null);
    s.setKeyspace(null);
  }

  private static String firstKeyspace(MaintenanceTask task) {
    return task.getKeyspaces() == null || task.getKeyspaces().isEmpty() ? null : task.getKeyspaces().get(0);
  }

  private static String nextKeyspace(MaintenanceTask task, String current) {
    if (current == null || task.getKeyspaces() == null) {
      return null;
    }
    int i = task.getKeyspaces().indexOf(current);
    return i >= 0 && i + 1 < task.getKeyspaces().size() ? task.getKeyspaces().get(i + 1) : null;
  }

  private static void finish(MaintenanceTask task, MaintenanceTaskStatus s, Instant now, List<ClusterEvent> events) {
    s.setRunning(false);
    s.setLastCompleted(StatusTimes.format(now));
    nodeDone(s);
    if (s.getFailed().isEmpty()) {
      s.setLastResult("Succeeded");
      s.setMessage(task.getOperation() + " ran on " + s.getDone().size() + " nodes, one at a time");
      events.add(ClusterEvent.normal("TaskCompleted", task.getName(), "Task " + task.getName() + ": "
          + s.getMessage()));
    } else {
      s.setLastResult("Failed");
      s.setMessage(task.getOperation() + " failed on " + s.getFailed().size() + " of "
          + (s.getDone().size() + s.getFailed().size()) + " nodes: " + String.join("; ", s.getFailed()));
      events.add(ClusterEvent.warning("TaskFailed", task.getName(), "Task " + task.getName() + ": "
          + s.getMessage()));
    }
  }
}
