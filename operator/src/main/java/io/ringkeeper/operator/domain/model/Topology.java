package io.ringkeeper.operator.domain.model;

import io.ringkeeper.operator.domain.topology.RackPlacement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Where the nodes of a datacenter go, and which of them are seeds. */
public final class Topology {
  /** Seeds per datacenter: enough for a node to find the ring when one seed is down, few enough to stay stable. */
  public static final int SEEDS_PER_DATACENTER = 2;

  private Topology() {}

  /**
   * The nodes of a brand-new datacenter, racks chosen by {@link RackPlacement#racksForNewDatacenter} (rack sizes
   * differ by at most one, the first racks get the extra nodes); each node's index counts up within its rack.
   */
  public static List<NodeId> initialNodes(String cluster, Datacenter dc) {
    List<NodeId> nodes = new ArrayList<>(dc.size());
    Map<String, Integer> nextIndex = new HashMap<>();
    for (String rack : RackPlacement.racksForNewDatacenter(dc.rackNames(), dc.size())) {
      nodes.add(new NodeId(cluster, dc.name(), rack, nextIndex.merge(rack, 1, Integer::sum) - 1));
    }
    return nodes;
  }

  /**
   * The seeds of one datacenter among its nodes: the first node (lowest index) of each of the first two racks
   * that have nodes, in spec rack order; when only one rack has nodes, its first two nodes. Seeds stay the same
   * while those nodes exist, so the rendered configuration does not change as the datacenter grows.
   *
   * @param rackOrder the datacenter's racks in spec order
   * @param nodes the datacenter's nodes
   */
  public static List<NodeId> seeds(List<String> rackOrder, List<NodeId> nodes) {
    Map<String, List<NodeId>> byRack = new LinkedHashMap<>();
    for (String rack : rackOrder) {
      byRack.put(rack, new ArrayList<>());
    }
    for (NodeId node : nodes) {
      byRack.computeIfAbsent(node.rack(), r -> new ArrayList<>()).add(node);
    }
    List<NodeId> seeds = new ArrayList<>();
    for (List<NodeId> rackNodes : byRack.values()) {
      rackNodes.stream().min(Comparator.comparingInt(NodeId::index)).ifPresent(seeds::add);
      if (seeds.size() == SEEDS_PER_DATACENTER) {
        return seeds;
      }
    }
    // Fewer racks with nodes than seeds wanted: take further nodes of the racks, lowest index first.
    byRack.values().stream()
        .flatMap(List::stream)
        .sorted(Comparator.comparingInt(NodeId::index).thenComparing(NodeId::rack))
        .filter(n -> !seeds.contains(n))
        .limit(SEEDS_PER_DATACENTER - seeds.size())
        .forEach(seeds::add);
    return seeds;
  }
}
