package io.ringkeeper.operator.reconciler.status;

import io.ringkeeper.api.v1alpha1.KeyspaceRepairStatus;
import io.ringkeeper.api.v1alpha1.NodeState;
import io.ringkeeper.api.v1alpha1.NodeStatus;
import io.ringkeeper.api.v1alpha1.RepairStatus;
import io.ringkeeper.operator.domain.upkeep.RepairDeadlines;
import io.ringkeeper.operator.domain.upkeep.RepairTriggers;
import io.ringkeeper.operator.reconciler.observe.StatusTimes;
import java.time.Instant;
import java.util.ArrayList;
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
}
