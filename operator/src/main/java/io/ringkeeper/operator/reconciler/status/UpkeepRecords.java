package io.ringkeeper.operator.reconciler.status;

import io.ringkeeper.api.v1alpha1.CompactionWindowStatus;
import io.ringkeeper.api.v1alpha1.MaintenanceStatus;
import io.ringkeeper.api.v1alpha1.MaintenanceTaskStatus;
import io.ringkeeper.api.v1alpha1.NodeState;
import io.ringkeeper.api.v1alpha1.NodeStatus;
import io.ringkeeper.operator.domain.upkeep.SstableUpgrade;
import io.ringkeeper.operator.domain.upkeep.TaskRecord;
import io.ringkeeper.operator.domain.upkeep.WindowRecord;
import io.ringkeeper.operator.reconciler.observe.StatusTimes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The upkeep planner's records and their place in {@code status.maintenance}: read from the previous status into
 * domain values, and written back, here only, into the status being built.
 */
public final class UpkeepRecords {
  private UpkeepRecords() {}

  /** The compaction window record of {@code status.maintenance.compactionThroughput}; null when none. */
  public static WindowRecord window(MaintenanceStatus status) {
    CompactionWindowStatus w = status == null ? null : status.getCompactionThroughput();
    if (w == null) {
      return null;
    }
    return new WindowRecord(w.getSchedule(), time(w.getUntil()),
        w.getMibPerSecond(), w.getRestoreMibPerSecond(), w.getAppliedTo());
  }

  /** Puts the window record (null: none) into {@code status.maintenance.compactionThroughput}. */
  public static void putWindow(MaintenanceStatus status, WindowRecord window) {
    if (window == null) {
      status.setCompactionThroughput(null);
      return;
    }
    CompactionWindowStatus w = new CompactionWindowStatus();
    w.setSchedule(window.schedule());
    w.setUntil(format(window.until()));
    w.setMibPerSecond(window.mibPerSecond());
    w.setRestoreMibPerSecond(window.restoreMibPerSecond());
    w.setAppliedTo(new ArrayList<>(window.appliedTo()));
    status.setCompactionThroughput(w);
  }

  /** The node task records of {@code status.maintenance.tasks}. */
  public static List<TaskRecord> tasks(MaintenanceStatus status) {
    return status == null ? List.of() : status.getTasks().stream()
        .map(t -> new TaskRecord(t.getName(), Boolean.TRUE.equals(t.getRunning()), time(t.getNext()),
            time(t.getLastStarted()), time(t.getLastCompleted()), t.getLastResult(), t.getNode(), t.getJobId(),
            t.getKeyspace(), t.getDone(), t.getFailed(), t.getMessage()))
        .toList();
  }

  /** Puts the node task records into {@code status.maintenance.tasks}, replacing those there. */
  public static void putTasks(MaintenanceStatus status, List<TaskRecord> tasks) {
    List<MaintenanceTaskStatus> out = new ArrayList<>();
    for (TaskRecord r : tasks) {
      MaintenanceTaskStatus t = new MaintenanceTaskStatus();
      t.setName(r.name());
      t.setRunning(r.running());
      t.setNext(format(r.next()));
      t.setLastStarted(format(r.lastStarted()));
      t.setLastCompleted(format(r.lastCompleted()));
      t.setLastResult(r.lastResult());
      t.setNode(r.node());
      t.setJobId(r.jobId());
      t.setKeyspace(r.keyspace());
      t.setDone(new ArrayList<>(r.done()));
      t.setFailed(new ArrayList<>(r.failed()));
      t.setMessage(r.message());
      out.add(t);
    }
    status.setTasks(out);
  }

  /** Records the Cassandra release the SSTables were last upgraded for (or first seen on). */
  public static void putSstablesVersion(MaintenanceStatus status, String version) {
    status.setSstablesVersion(version);
  }

  /** The nodes' releases as the SSTable upgrade rule sees them, from the node entries of a status. */
  public static List<SstableUpgrade.Node> releases(List<NodeStatus> nodes) {
    return nodes.stream().map(n -> new SstableUpgrade.Node(n.getState() == NodeState.UN, n.getVersion())).toList();
  }

  private static Instant time(String rfc3339) {
    return rfc3339 == null ? null : Instant.parse(rfc3339);
  }

  private static String format(Instant t) {
    return t == null ? null : StatusTimes.format(t);
  }
}
