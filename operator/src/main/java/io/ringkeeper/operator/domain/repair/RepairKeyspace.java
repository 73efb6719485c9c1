package io.ringkeeper.operator.domain.repair;

import java.util.Map;
import java.util.Objects;

/**
 * A keyspace as the repair planner needs it.
 *
 * @param name keyspace name
 * @param system whether Cassandra owns it (system, system_auth, system_distributed, ...)
 * @param strategy replication strategy's simple class name: NetworkTopologyStrategy, SimpleStrategy; anything
 *     else (LocalStrategy, EverywhereStrategy) is not repaired by range
 * @param replicationFactors replication factor per datacenter; for SimpleStrategy one entry under {@code "*"}
 * @param gcGraceSeconds the smallest gc_grace_seconds of its tables: the time within which it must be repaired
 */
public record RepairKeyspace(String name, boolean system, String strategy, Map<String, Integer> replicationFactors,
    int gcGraceSeconds) {
  public static final String NETWORK_TOPOLOGY = "NetworkTopologyStrategy";
  public static final String SIMPLE = "SimpleStrategy";

  public RepairKeyspace {
    Objects.requireNonNull(name, "name");
    strategy = strategy == null ? "" : strategy;
    replicationFactors = Map.copyOf(replicationFactors);
  }

  /** The largest replication factor in any datacenter. */
  public int maxReplicationFactor() {
    return replicationFactors.values().stream().mapToInt(Integer::intValue).max().orElse(0);
  }

  /** Whether the strategy places replicas by token range (the only ones a subrange repair can handle). */
  public boolean rangeReplicated() {
    return strategy.endsWith(NETWORK_TOPOLOGY) || strategy.endsWith(SIMPLE);
  }

  public boolean simple() {
    return strategy.endsWith(SIMPLE);
  }
}
