package io.ringkeeper.operator.domain.topology;

import io.ringkeeper.operator.domain.tokens.NaturalOrder;
import io.ringkeeper.operator.domain.tokens.OwnershipCalculator;
import io.ringkeeper.operator.domain.tokens.RingNode;
import io.ringkeeper.operator.domain.tokens.RingOwnership;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which rack the next node joins, and which node leaves on scale-down.
 *
 * <ul>
 *   <li>Adding: the next node goes to the rack with the fewest nodes; among equals, the rack listed first.
 *       Doing this for every node keeps racks within one node of each other.
 *   <li>Removing: the node leaves the rack with the most nodes; among equals, the rack listed last, so that
 *       removing a node undoes adding one. Within that rack, the node whose removal leaves the ring most evenly
 *       owned leaves: the lowest imbalance, {@code sum over nodes of (ownership / its rack's mean - 1)^2}; then
 *       the lowest spread ({@link RingOwnership#spread()}); then the node last in natural name order (the
 *       highest ordinal).
 * </ul>
 * Why imbalance first and not max/min: max/min only sees the two extreme nodes, so choosing by it one removal at
 * a time can walk into rings that every later removal leaves worse. Shrinking 24 to 12 nodes a ring grown by
 * Cassandra's allocator (3 racks, 8 tokens), choosing by max/min ended at spread 1.345, by imbalance at 1.125,
 * the same as removing the newest node; on rings of random tokens imbalance beat both (see docs/benchmarks.md).
 * Racks are named in the order of the datacenter's spec; nodes in racks the spec no longer lists count as racks
 * after the listed ones, in natural name order.
 */
public final class RackPlacement {

  /** Figures this close (relatively) are equal: floating-point noise must not beat the documented tie-break. */
  private static final double TIE = 1e-9;

  private RackPlacement() {}

  /**
   * The rack the next node joins.
   *
   * @param racks the datacenter's racks in spec order, not empty, no duplicates
   * @param nodesPerRack current node count per rack; racks missing from the map have none
   * @return the rack with the fewest nodes, the first listed among equals
   */
  public static String nextRack(List<String> racks, Map<String, Integer> nodesPerRack) {
    checkRacks(racks);
    Objects.requireNonNull(nodesPerRack, "nodesPerRack");
    String best = null;
    int bestCount = Integer.MAX_VALUE;
    for (String rack : racks) {
      int count = nodesPerRack.getOrDefault(rack, 0);
      if (count < bestCount) {
        best = rack;
        bestCount = count;
      }
    }
    return best;
  }

  /**
   * The rack of each node of a new datacenter of {@code size} nodes, in the order {@link #nextRack} would add
   * them: {@code r1, r2, r3, r1, r2, ...}.
   */
  public static List<String> racksForNewDatacenter(List<String> racks, int size) {
    checkRacks(racks);
    if (size < 0) {
      throw new IllegalArgumentException("size must not be negative, got " + size);
    }
    List<String> out = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      out.add(racks.get(i % racks.size()));
    }
    return out;
  }

  /**
   * The node to decommission when the datacenter shrinks by one.
   *
   * @param datacenter every node of the datacenter with its rack and tokens (nodes not yet holding tokens are
   *     candidates too; removing them leaves the ring as it is)
   * @param racks the datacenter's racks in spec order
   * @param replicationFactor the datacenter's replication factor, for scoring the ring that remains
   * @return the chosen node with the ownership spread the datacenter will have without it
   */
  public static Removal nodeToRemove(List<RingNode> datacenter, List<String> racks, int replicationFactor) {
    Objects.requireNonNull(datacenter, "datacenter");
    Objects.requireNonNull(racks, "racks");
    if (datacenter.isEmpty()) {
      throw new IllegalArgumentException("datacenter has no nodes: there is nothing to remove");
    }
    if (replicationFactor < 1) {
      throw new IllegalArgumentException("replicationFactor must be at least 1, got " + replicationFactor);
    }
    Set<String> names = new HashSet<>();
    for (RingNode node : datacenter) {
      if (!names.add(Objects.requireNonNull(node, "datacenter contains a null node").name())) {
        throw new IllegalArgumentException("node name " + node.name() + " appears twice in the datacenter");
      }
    }

    // Rack order: the spec's, then unlisted racks in natural order.
    List<String> order = new ArrayList<>(racks);
    TreeSet<String> unlisted = new TreeSet<>(NaturalOrder.INSTANCE);
    datacenter.forEach(n -> {
      if (!racks.contains(n.rack())) {
        unlisted.add(n.rack());
      }
    });
    order.addAll(unlisted);
    Map<String, Integer> counts = new LinkedHashMap<>();
    order.forEach(r -> counts.put(r, 0));
    datacenter.forEach(n -> counts.merge(n.rack(), 1, Integer::sum));
    String rack = null;
    int most = -1;
    for (Map.Entry<String, Integer> e : counts.entrySet()) {
      if (e.getValue() >= most) {
        rack = e.getKey();
        most = e.getValue();
      }
    }

    List<RingNode> candidates = new ArrayList<>();
    for (RingNode node : datacenter) {
      if (node.rack().equals(rack)) {
        candidates.add(node);
      }
    }
    candidates.sort((a, b) -> NaturalOrder.INSTANCE.compare(a.name(), b.name()));
    Removal best = null;
    for (RingNode candidate : candidates) {
      List<RingNode> rest = new ArrayList<>(datacenter);
      rest.remove(candidate);
      RingOwnership after = OwnershipCalculator.calculate(rest, replicationFactor);
      Removal option = new Removal(candidate.name(), rack, imbalance(rest, after), after.spread(),
          after.overallSpread());
      if (best == null || option.noWorseThan(best)) {
        best = option; // ties go to the later name
      }
    }
    return best;
  }

  /** Sum over the ring's nodes of (ownership / mean ownership of its rack - 1)^2. */
  static double imbalance(List<RingNode> nodes, RingOwnership ownership) {
    Map<String, double[]> sumAndCount = new LinkedHashMap<>();
    for (RingNode node : nodes) {
      Double own = ownership.byNode().get(node.name());
      if (own != null) {
        double[] sc = sumAndCount.computeIfAbsent(node.rack(), r -> new double[2]);
        sc[0] += own;
        sc[1]++;
      }
    }
    double total = 0;
    for (RingNode node : nodes) {
      Double own = ownership.byNode().get(node.name());
      if (own != null) {
        double[] sc = sumAndCount.get(node.rack());
        double d = own / (sc[0] / sc[1]) - 1;
        total += d * d;
      }
    }
    return total;
  }

  private static void checkRacks(List<String> racks) {
    Objects.requireNonNull(racks, "racks");
    if (racks.isEmpty()) {
      throw new IllegalArgumentException("racks must not be empty: a datacenter needs at least one rack");
    }
    if (new HashSet<>(racks).size() != racks.size()) {
      throw new IllegalArgumentException("racks must not repeat a name, got " + racks);
    }
  }

  /**
   * A node chosen to leave and the datacenter's figures without it.
   *
   * @param node the node to decommission
   * @param rack its rack
   * @param imbalanceAfter the remaining ring's imbalance: sum over nodes of (ownership / rack mean - 1)^2
   * @param spreadAfter the datacenter's spread without it (worst rack's max/min)
   * @param overallSpreadAfter max/min across all remaining nodes
   */
  public record Removal(String node, String rack, double imbalanceAfter, double spreadAfter,
      double overallSpreadAfter) {

    boolean noWorseThan(Removal other) {
      int c = compare(imbalanceAfter, other.imbalanceAfter);
      if (c == 0) {
        c = compare(spreadAfter, other.spreadAfter);
      }
      return c <= 0;
    }

    private static int compare(double a, double b) {
      if (Math.abs(a - b) <= TIE * Math.max(1e-6, Math.abs(b))) {
        return 0;
      }
      return a < b ? -1 : 1;
    }
  }
}
