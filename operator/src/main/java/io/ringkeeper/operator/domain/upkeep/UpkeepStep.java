package io.ringkeeper.operator.domain.upkeep;

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
}
