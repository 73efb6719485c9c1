package io.ringkeeper.operator.domain.repair;

import java.util.List;
import java.util.Objects;

/**
 * One unit of repair: the token subrange {@code (start, end]} of one keyspace, which lies inside a single
 * primary range of the ring, so every point of it has the same replicas.
 *
 * @param index position in the run, 0-based; the run's progress is the set of indexes done
 * @param keyspace the keyspace to repair
 * @param start exclusive start token
 * @param end inclusive end token
 * @param datacenter datacenter of the node whose token ends the primary range (DatacenterAware groups by it)
 * @param replicas the nodes holding the subrange, in placement order (datacenters by name, then ring order)
 */
public record Segment(int index, String keyspace, long start, long end, String datacenter, List<String> replicas) {
  public Segment {
    Objects.requireNonNull(keyspace, "keyspace");
    Objects.requireNonNull(datacenter, "datacenter");
    replicas = List.copyOf(replicas);
  }

  /** Whether this segment and {@code other} have a replica in common (they must then not run together). */
  public boolean sharesReplicaWith(Segment other) {
    for (String r : replicas) {
      if (other.replicas.contains(r)) {
        return true;
      }
    }
    return false;
  }

  /** The range as status shows it: {@code (start,end]}. */
  public String range() {
    return "(" + start + "," + end + "]";
  }
}
