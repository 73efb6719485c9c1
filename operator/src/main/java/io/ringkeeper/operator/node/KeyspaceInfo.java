package io.ringkeeper.operator.node;

import java.util.List;
import java.util.Map;

/**
 * A keyspace and its replication.
 *
 * @param name keyspace name
 * @param system whether Cassandra owns it (system, system_auth, ...)
 * @param replicationStrategy the strategy's simple class name, e.g. NetworkTopologyStrategy
 * @param replicationFactors replication factor per datacenter (for SimpleStrategy, one entry under "*")
 * @param tables table names
 * @param minGcGraceSeconds the smallest gc_grace_seconds among its tables; 0 when it has no tables
 */
public record KeyspaceInfo(
    String name,
    boolean system,
    String replicationStrategy,
    Map<String, Integer> replicationFactors,
    List<String> tables,
    int minGcGraceSeconds) {

  public KeyspaceInfo {
    replicationFactors = Map.copyOf(replicationFactors);
    tables = List.copyOf(tables);
  }
}
