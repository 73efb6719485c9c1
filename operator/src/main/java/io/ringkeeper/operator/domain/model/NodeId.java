package io.ringkeeper.operator.domain.model;

import java.util.Comparator;
import java.util.Objects;

/**
 * The identity of one Cassandra node: cluster, datacenter, rack and its index within the rack. Its
 * {@link #name()} names the node's Pod, its PVC and its status entry.
 */
public record NodeId(String cluster, String datacenter, String rack, int index) {
  /** Datacenter, then rack, then index: a stable order for lists in status and events. */
  public static final Comparator<NodeId> ORDER = Comparator.comparing(NodeId::datacenter)
      .thenComparing(NodeId::rack)
      .thenComparingInt(NodeId::index);

  public NodeId {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(datacenter, "datacenter");
    Objects.requireNonNull(rack, "rack");
    if (index < 0) {
      throw new IllegalArgumentException("negative node index " + index);
    }
  }

  /** {@code <cluster>-<dc>-<rack>-<n>}; the single definition of a node's name. */
  public String name() {
    return cluster + "-" + datacenter + "-" + rack + "-" + index;
  }

  @Override
  public String toString() {
    return name();
  }
}
