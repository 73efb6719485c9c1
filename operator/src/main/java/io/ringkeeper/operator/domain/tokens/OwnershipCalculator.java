package io.ringkeeper.operator.domain.tokens;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Effective ownership and replica placement of one datacenter under NetworkTopologyStrategy: the referee that
 * scores every token allocation.
 *
 * <p>Algorithm: sort the datacenter's tokens; the primary ranges are {@code (previous token, token]}. For each
 * range walk the ring clockwise from its end token and pick replicas as Cassandra's NetworkTopologyStrategy does
 * for one datacenter: a node from a rack not seen yet is always taken; a node from a rack already seen is taken
 * only while fewer than {@code rf - racks} such repeats were taken (so with fewer racks than rf every rack still
 * gets a replica and the first extra nodes met fill the rest); nodes already taken are skipped; the walk stops at
 * {@code min(rf, nodes)} replicas. A node's effective ownership is the total size of the ranges it replicates, as
 * a fraction of the ring. Only the datacenter's own tokens matter: tokens of other datacenters split ranges but
 * never change which of this datacenter's nodes replicate a point.
 *
 * <p>Nodes without tokens (not yet in the ring) are left out. Cost: O(tokens x walk length).
 */
public final class OwnershipCalculator {

  private OwnershipCalculator() {}

  /** Ownership, per-rack spreads and the replica map of {@code datacenter} at {@code replicationFactor}. */
  public static RingOwnership calculate(List<RingNode> datacenter, int replicationFactor) {
    Indexed ring = Indexed.of(datacenter, replicationFactor);
    RingState state = ring.state;

    Map<String, Double> byNode = new LinkedHashMap<>();
    Map<String, double[]> rackMinMax = new TreeMap<>();
    Map<String, Integer> rackNodes = new HashMap<>();
    for (int n = 0; n < ring.names.size(); n++) {
      double v = state.ownership(n);
      byNode.put(ring.names.get(n), v);
      String rack = ring.racks.get(ring.nodeRack[n]);
      rackMinMax.merge(rack, new double[] {v, v}, (a, b) -> new double[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
      rackNodes.merge(rack, 1, Integer::sum);
    }
    Map<String, RackOwnership> byRack = new LinkedHashMap<>();
    rackMinMax.forEach((rack, mm) -> byRack.put(rack, new RackOwnership(rack, rackNodes.get(rack), mm[0], mm[1])));
    return new RingOwnership(byNode, byRack, ring.replicaMap());
  }

  /** The replicas of every primary range of {@code datacenter} at {@code replicationFactor}. */
  public static ReplicaMap replicaMap(List<RingNode> datacenter, int replicationFactor) {
    return Indexed.of(datacenter, replicationFactor).replicaMap();
  }

  /** A datacenter's ring with dense node and rack indices (nodes and racks sorted by name). */
  private record Indexed(List<String> names, List<String> racks, int[] nodeRack, RingState state) {

    static Indexed of(List<RingNode> datacenter, int replicationFactor) {
      Objects.requireNonNull(datacenter, "datacenter");
      if (replicationFactor < 1) {
        throw new IllegalArgumentException("replicationFactor must be at least 1, got " + replicationFactor);
      }
      TreeMap<String, RingNode> byName = new TreeMap<>();
      for (RingNode node : datacenter) {
        Objects.requireNonNull(node, "datacenter contains a null node");
        if (node.tokens().isEmpty()) {
          continue;
        }
        if (byName.put(node.name(), node) != null) {
          throw new IllegalArgumentException("node name " + node.name() + " appears twice in the datacenter");
        }
      }
      List<String> names = new ArrayList<>(byName.keySet());
      List<String> racks = new ArrayList<>(new TreeSet<>(byName.values().stream().map(RingNode::rack).toList()));
      int[] nodeRack = new int[names.size()];
      TreeMap<Long, Integer> ownerOf = new TreeMap<>();
      for (int n = 0; n < names.size(); n++) {
        RingNode node = byName.get(names.get(n));
        nodeRack[n] = racks.indexOf(node.rack());
        for (Long token : node.tokens()) {
          Integer previous = ownerOf.put(Objects.requireNonNull(token, "null token"), n);
          if (previous != null) {
            throw new IllegalArgumentException("token " + token + " is held by both " + names.get(previous)
                + " and " + names.get(n) + "; tokens must be unique");
          }
        }
      }
      long[] tokens = new long[ownerOf.size()];
      int[] owners = new int[ownerOf.size()];
      int i = 0;
      for (Map.Entry<Long, Integer> e : ownerOf.entrySet()) {
        tokens[i] = e.getKey();
        owners[i++] = e.getValue();
      }
      RingState state = new RingState(replicationFactor, nodeRack);
      state.load(tokens, owners);
      return new Indexed(names, racks, nodeRack, state);
    }

    ReplicaMap replicaMap() {
      List<ReplicatedRange> ranges = new ArrayList<>(state.size());
      for (int i = 0; i < state.size(); i++) {
        long prev = state.token(i == 0 ? state.size() - 1 : i - 1);
        List<String> reps = new ArrayList<>();
        for (int n : state.replicasOf(i)) {
          reps.add(names.get(n));
        }
        ranges.add(new ReplicatedRange(prev, state.token(i), reps));
      }
      return new ReplicaMap(ranges);
    }
  }
}
