package io.ringkeeper.operator.domain.upkeep;

import java.util.List;

/**
 * UpgradeSSTables after a version upgrade: once every node is up on the same release and it differs from the one
 * recorded, the {@value #TASK} task runs (one node at a time, like any task) and the new release is recorded. The
 * first release seen is recorded without running anything. Pure.
 */
public final class SstableUpgrade {
  /** The node task (and its status entry) of the SSTable upgrade. */
  public static final String TASK = "upgradesstables-after-upgrade";

  private SstableUpgrade() {}

  /**
   * A node's release as observed.
   *
   * @param normal up and normal (UN)
   * @param version its Cassandra release; null: not known
   */
  public record Node(boolean normal, String version) {}

  /**
   * @param recorded the release to record next; null: none yet
   * @param startNow the task starts now
   * @param task the task is part of this reconcile's tasks (it starts now, or a run of it is recorded)
   * @param notice what to tell; null: nothing
   */
  public record Decision(String recorded, boolean startNow, boolean task, Notice notice) {}

  /**
   * @param recorded the release recorded in status; null: none yet
   * @param taskRecorded the task has a record in status
   * @param taskInSpec the spec has a task of that name (it then runs as the spec says)
   */
  public static Decision decide(List<Node> nodes, String recorded, boolean taskRecorded, boolean taskInSpec) {
    String version = nodes.isEmpty() ? null : nodes.get(0).version();
    boolean common = version != null && nodes.stream().allMatch(n -> n.normal() && version.equals(n.version()));
    String next = recorded;
    boolean startNow = false;
    Notice notice = null;
    if (common && recorded == null) {
      next = version;
    } else if (common && !version.equals(recorded)) {
      notice = Notice.normal("SSTableUpgradeStarted", "", "Every node runs " + version + " (was " + recorded
          + "): upgrading SSTables, one node at a time");
      next = version;
      startNow = true;
    }
    return new Decision(next, startNow, (taskRecorded || startNow) && !taskInSpec, notice);
  }

  /** The task as the node task planner runs it: no schedule, every keyspace. */
  public static NodeTask task() {
    return new NodeTask(TASK, null, NodeTask.Operation.UpgradeSSTables, List.of(), List.of());
  }
}
