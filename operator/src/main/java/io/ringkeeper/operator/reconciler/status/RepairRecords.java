package io.ringkeeper.operator.reconciler.status;

import io.ringkeeper.api.v1alpha1.KeyspaceRepairStatus;
import io.ringkeeper.api.v1alpha1.NodeState;
import io.ringkeeper.api.v1alpha1.NodeStatus;
import io.ringkeeper.api.v1alpha1.RepairRunStatus;
import io.ringkeeper.api.v1alpha1.RepairSegmentStatus;
import io.ringkeeper.api.v1alpha1.RepairStatus;
import io.ringkeeper.operator.domain.upkeep.RepairDeadlines;
import io.ringkeeper.operator.domain.upkeep.RepairRun;
import io.ringkeeper.operator.domain.upkeep.RepairRunPlanner;
import io.ringkeeper.operator.domain.upkeep.RepairTriggers;
import io.ringkeeper.operator.reconciler.observe.StatusTimes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The repair planner's records and their place in {@code status.repair}: read from the previous status into domain
 * values, and written back, here only, into the status being built.
 */
public final class RepairRecords {
  private RepairRecords() {}

  /** The scheduling part of {@code status.repair}. */
  public static RepairTriggers.Record triggers(RepairStatus repair) {
    return new RepairTriggers.Record(time(repair.getNext()), repair.getLastRequest(), repair.getLastAuthRepairFor(),
        repair.getPendingHintRepairs());
  }

  /** Puts the scheduling record into {@code status.repair}. */
  public static void putTriggers(RepairStatus repair, RepairTriggers.Record record) {
    repair.setNext(format(record.next()));
    repair.setLastRequest(record.lastRequest());
    repair.setLastAuthRepairFor(record.lastAuthRepairFor());
    repair.setPendingHintRepairs(new ArrayList<>(record.pendingHintRepairs()));
  }

  /** The node entries of a status as the hint-window rule sees them. */
  public static List<RepairTriggers.Node> nodes(List<NodeStatus> nodes) {
    return nodes.stream().map(n -> new RepairTriggers.Node(n.getName(), n.getState() == NodeState.UN,
        time(n.getDownSince()))).toList();
  }

  /** The entries of {@code status.repair.keyspaces}. */
  public static List<RepairDeadlines.KeyspaceRecord> keyspaces(RepairStatus repair) {
    return repair.getKeyspaces().stream().map(k -> new RepairDeadlines.KeyspaceRecord(k.getName(),
        time(k.getLastCompleted()), k.getGcGraceSeconds(), k.getOverdue())).toList();
  }

  /** Puts the keyspace entries into {@code status.repair.keyspaces}, replacing those there. */
  public static void putKeyspaces(RepairStatus repair, List<RepairDeadlines.KeyspaceRecord> keyspaces) {
    List<KeyspaceRepairStatus> out = new ArrayList<>();
    for (RepairDeadlines.KeyspaceRecord k : keyspaces) {
      KeyspaceRepairStatus entry = new KeyspaceRepairStatus();
      entry.setName(k.name());
      entry.setLastCompleted(format(k.lastCompleted()));
      entry.setGcGraceSeconds(k.gcGraceSeconds());
      entry.setOverdue(k.overdue());
      out.add(entry);
    }
    repair.setKeyspaces(out);
  }

  private static Instant time(String rfc3339) {
    return rfc3339 == null ? null : Instant.parse(rfc3339);
  }

  private static String format(Instant t) {
    return t == null ? null : StatusTimes.format(t);
  }

  /** The run of {@code status.repair.running}; null: none. */
  public static RepairRun run(RepairStatus repair) {
    RepairRunStatus r = repair.getRunning();
    if (r == null) {
      return null;
    }
    return new RepairRun(r.getId(), r.getTrigger(), time(r.getStartedAt()), r.getKeyspaces(), r.getNodes(),
        r.getSegmentsTotal(), r.getSegmentsDone(), r.getCompletedSegments(), r.getPlanFingerprint(),
        r.getSkippedKeyspaces(), segments(r.getActive()), segments(r.getRetrying()), segments(r.getFailed()),
        time(r.getPausedUntil()), r.getPostponedReason());
  }

  /** Puts the run (null: none) into {@code status.repair.running}. */
  public static void putRun(RepairStatus repair, RepairRun run) {
    if (run == null) {
      repair.setRunning(null);
      return;
    }
    RepairRunStatus r = new RepairRunStatus();
    r.setId(run.id());
    r.setTrigger(run.trigger());
    r.setStartedAt(format(run.startedAt()));
    r.setKeyspaces(new ArrayList<>(run.keyspaces()));
    r.setNodes(new ArrayList<>(run.nodes()));
    r.setSegmentsTotal(run.segmentsTotal());
    r.setSegmentsDone(run.segmentsDone());
    r.setCompletedSegments(run.completedSegments());
    r.setPlanFingerprint(run.planFingerprint());
    r.setSkippedKeyspaces(new ArrayList<>(run.skippedKeyspaces()));
    r.setActive(statuses(run.active()));
    r.setRetrying(statuses(run.retrying()));
    r.setFailed(statuses(run.failed()));
    r.setPausedUntil(format(run.pausedUntil()));
    r.setPostponedReason(run.postponedReason());
    repair.setRunning(r);
  }

  /** Records how a run ended: the result, and the completion of the cluster and of each keyspace it repaired. */
  public static void putResult(RepairStatus repair, RepairRunPlanner.Result result) {
    String when = format(result.at());
    for (String ks : result.keyspacesCompleted()) {
      keyspace(repair, ks).setLastCompleted(when);
    }
    if (result.ringCompleted()) {
      repair.setLastCompleted(when);
    }
    putResult(repair, result.succeeded(), result.message());
    repair.setRunning(null);
  }

  /** Records a run's result for people, Succeeded or Failed. */
  public static void putResult(RepairStatus repair, boolean succeeded, String message) {
    repair.setLastResult(succeeded ? "Succeeded" : "Failed");
    repair.setLastMessage(message);
  }

  private static KeyspaceRepairStatus keyspace(RepairStatus repair, String name) {
    for (KeyspaceRepairStatus k : repair.getKeyspaces()) {
      if (name.equals(k.getName())) {
        return k;
      }
    }
    KeyspaceRepairStatus k = new KeyspaceRepairStatus();
    k.setName(name);
    repair.getKeyspaces().add(k);
    repair.getKeyspaces().sort(Comparator.comparing(KeyspaceRepairStatus::getName));
    return k;
  }

  private static List<RepairRun.Segment> segments(List<RepairSegmentStatus> segments) {
    return segments.stream().map(s -> new RepairRun.Segment(s.getIndex(), s.getKeyspace(), s.getRange(),
        s.getNode(), s.getJobId(), time(s.getStartedAt()), s.getAttempts(), s.getMessage())).toList();
  }

  private static List<RepairSegmentStatus> statuses(List<RepairRun.Segment> segments) {
    List<RepairSegmentStatus> out = new ArrayList<>();
    for (RepairRun.Segment s : segments) {
      RepairSegmentStatus e = new RepairSegmentStatus();
      e.setIndex(s.index());
      e.setKeyspace(s.keyspace());
      e.setRange(s.range());
      e.setNode(s.node());
      e.setJobId(s.jobId());
      e.setStartedAt(format(s.startedAt()));
      e.setAttempts(s.attempts());
      e.setMessage(s.message());
      out.add(e);
    }
    return out;
  }
}
