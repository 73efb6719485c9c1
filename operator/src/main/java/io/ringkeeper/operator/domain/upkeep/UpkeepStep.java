package io.ringkeeper.operator.domain.upkeep;

import io.ringkeeper.operator.domain.repair.RepairMode;
import java.util.List;
import java.util.Objects;

/**
 * A command the upkeep planner wants sent to one node's agent. The executor fires it and hands back an
 * {@link Answer}; it never waits for the node. A step fired again with the same {@code attempt} is the same
 * command (the agent layer returns the answer it recorded instead of sending it twice).
 */
public sealed interface UpkeepStep {
  /** The node the step is for. */
  String node();

  /** What makes this command differ from an earlier one of the same kind on the node. */
  String attempt();

  /** Sets the node's compaction throughput; the answer carries the value it had before. */
  record SetCompactionThroughput(String node, int mibPerSecond, String attempt) implements UpkeepStep {
    public SetCompactionThroughput {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(attempt, "attempt");
    }
  }

  /**
   * Starts a node task's job on the node; the answer carries the job id.
   *
   * @param keyspace the keyspace of the job; null: all keyspaces
   * @param tables the tables of the keyspace; empty: all
   */
  record StartNodeTask(String node, String task, NodeTask.Operation operation, String keyspace, List<String> tables,
      String attempt) implements UpkeepStep {
    public StartNodeTask {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(task, "task");
      Objects.requireNonNull(operation, "operation");
      Objects.requireNonNull(attempt, "attempt");
      tables = tables == null ? List.of() : List.copyOf(tables);
    }
  }

  /**
   * Starts the repair of one segment on its coordinator (one of its replicas); the answer carries the job id.
   *
   * @param index the segment's index in the run's plan
   * @param start the first token of the range (exclusive)
   * @param end the last token of the range (inclusive)
   * @param mode the repair parallelism the session uses inside Cassandra
   * @param attempts this attempt's number, 1 for the first
   */
  record StartRepairSegment(String node, int index, String keyspace, long start, long end, RepairMode mode,
      int attempts, String attempt) implements UpkeepStep {
    public StartRepairSegment {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(keyspace, "keyspace");
      Objects.requireNonNull(mode, "mode");
      Objects.requireNonNull(attempt, "attempt");
    }

    /** The range as status shows it: {@code (start,end]}. */
    public String range() {
      return "(" + start + "," + end + "]";
    }
  }
}
