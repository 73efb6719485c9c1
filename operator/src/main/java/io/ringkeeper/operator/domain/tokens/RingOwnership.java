package io.ringkeeper.operator.domain.tokens;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;

/**
 * Effective ownership of one datacenter's nodes under NetworkTopologyStrategy.
 *
 * @param byNode each node's effective ownership: the fraction of the ring whose data it holds a replica of (what
 *     {@code nodetool status <keyspace>} shows as "Owns (effective)"); over all nodes these add up to
 *     {@code min(rf, nodes)}. Sorted by node name.
 * @param byRack per-rack figures, sorted by rack name
 * @param replicaMap the replicas of every primary range
 */
public record RingOwnership(
    Map<String, Double> byNode, Map<String, RackOwnership> byRack, ReplicaMap replicaMap) {

  public RingOwnership {
    byNode = Collections.unmodifiableMap(Objects.requireNonNull(byNode, "byNode"));
    byRack = Collections.unmodifiableMap(Objects.requireNonNull(byRack, "byRack"));
    Objects.requireNonNull(replicaMap, "replicaMap");
  }

  /** A node's effective ownership. */
  public double ownership(String node) {
    Double v = byNode.get(node);
    if (v == null) {
      throw new IllegalArgumentException("no node named " + node + " in the ring");
    }
    return v;
  }

  /**
   * The datacenter's spread: the worst rack's max/min. Racks are compared within themselves because racks of
   * different sizes legitimately own different shares under NetworkTopologyStrategy.
   */
  public double spread() {
    double worst = 1.0;
    for (RackOwnership r : byRack.values()) {
      worst = Math.max(worst, r.spread());
    }
    return worst;
  }

  /** max / min ownership across all nodes of the datacenter, whatever their rack. */
  public double overallSpread() {
    double min = Double.POSITIVE_INFINITY;
    double max = 0;
    for (double v : byNode.values()) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    if (byNode.isEmpty()) {
      return 1.0;
    }
    return min > 0 ? max / min : Double.POSITIVE_INFINITY;
  }
}
