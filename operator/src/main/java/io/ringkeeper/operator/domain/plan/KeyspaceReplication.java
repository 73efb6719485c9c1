package io.ringkeeper.operator.domain.plan;

import java.util.Map;
import java.util.Objects;

/**
 * How a keyspace replicates, as a node reports it.
 *
 * @param name keyspace name
 * @param system whether Cassandra owns it (system, system_auth, ...)
 * @param factors replication factor per datacenter (NetworkTopologyStrategy); SimpleStrategy reports "*"
 */
public record KeyspaceReplication(String name, boolean system, Map<String, Integer> factors) {
  public KeyspaceReplication {
    Objects.requireNonNull(name, "name");
    factors = Map.copyOf(factors);
  }

  /** Whether the keyspace keeps replicas in the datacenter (by name; SimpleStrategy's "*" is not a datacenter). */
  public boolean replicatesTo(String datacenter) {
    return factors.getOrDefault(datacenter, 0) > 0;
  }
}
