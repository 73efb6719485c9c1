package io.ringkeeper.operator.domain.ring;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Effective ownership of the nodes of one datacenter: the share of the token ring (0..1) each node holds a
 * replica of, given the datacenter's replication factor and racks.
 *
 * <p>Algorithm: every range between two consecutive tokens of the datacenter belongs to the owner of its end
 * token and to the next replicas found walking the ring clockwise, placed the way Cassandra's
 * NetworkTopologyStrategy places them: nodes on racks not yet holding a replica first; once every rack holds
 * one, the nodes skipped on the way, in ring order. Each replica is credited with the range's size over 2^64.
 * The ownerships of a datacenter therefore add up to {@code min(rf, nodes)}.
 */
public final class Ownership {
  private static final double RING_SIZE = Math.pow(2, 64);

  /** A node of the datacenter with its rack and tokens. */
  public record Member(String name, String rack, List<Long> tokens) {
    public Member {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(rack, "rack");
      tokens = List.copyOf(tokens);
    }
  }

  /** Ownership figures of one datacenter. */
  public record Summary(Map<String, Double> byNode, double min, double max, double worstRackSpread) {
    public Summary {
      byNode = Map.copyOf(byNode);
    }
  }

  private Ownership() {}

  /**
   * Effective ownership per node name. Nodes without tokens own nothing.
   *
   * @throws IllegalArgumentException when two nodes claim the same token or the replication factor is below 1
   */
  public static Map<String, Double> effective(List<Member> members, int replicationFactor) {
    if (replicationFactor < 1) {
      throw new IllegalArgumentException("replication factor must be at least 1, was " + replicationFactor);
    }
    Map<String, Double> result = new LinkedHashMap<>();
    TreeMap<Long, Member> ring = new TreeMap<>();
    Set<String> racks = new HashSet<>();
    for (Member m : members) {
      result.put(m.name(), 0.0);
      for (long token : m.tokens()) {
        Member previous = ring.put(token, m);
        if (previous != null && previous != m) {
          throw new IllegalArgumentException(
              "token " + token + " is claimed by both " + previous.name() + " and " + m.name());
        }
      }
      if (!m.tokens().isEmpty()) {
        racks.add(m.rack());
      }
    }
    if (ring.isEmpty()) {
      return result;
    }
    List<Long> tokens = new ArrayList<>(ring.keySet());
    List<Member> owners = new ArrayList<>(ring.values());
    int distinctNodes = (int) owners.stream().map(Member::name).distinct().count();
    int wanted = Math.min(replicationFactor, distinctNodes);
    for (int i = 0; i < tokens.size(); i++) {
      long end = tokens.get(i);
      long start = tokens.get((i - 1 + tokens.size()) % tokens.size());
      double size = tokens.size() == 1 ? RING_SIZE : unsignedDistance(start, end);
      for (Member replica : replicas(owners, i, wanted, racks.size())) {
        result.merge(replica.name(), size / RING_SIZE, Double::sum);
      }
    }
    return result;
  }

  /** Ownership per node with the datacenter's extremes and the largest max/min ratio within one rack. */
  public static Summary summarize(List<Member> members, int replicationFactor) {
    Map<String, Double> byNode = effective(members, replicationFactor);
    double min = byNode.values().stream().mapToDouble(Double::doubleValue).min().orElse(0);
    double max = byNode.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
    Map<String, List<Double>> byRack = new HashMap<>();
    for (Member m : members) {
      byRack.computeIfAbsent(m.rack(), r -> new ArrayList<>()).add(byNode.get(m.name()));
    }
    double worst = 1.0;
    for (List<Double> values : byRack.values()) {
      double rackMin = values.stream().mapToDouble(Double::doubleValue).min().orElse(0);
      double rackMax = values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
      if (rackMin > 0) {
        worst = Math.max(worst, rackMax / rackMin);
      } else if (rackMax > 0) {
        worst = Double.POSITIVE_INFINITY;
      }
    }
    return new Summary(byNode, min, max, worst);
  }

  private static List<Member> replicas(List<Member> owners, int first, int wanted, int rackCount) {
    List<Member> replicas = new ArrayList<>(wanted);
    Set<String> seenRacks = new HashSet<>();
    List<Member> skipped = new ArrayList<>();
    for (int step = 0; step < owners.size() && replicas.size() < wanted; step++) {
      Member candidate = owners.get((first + step) % owners.size());
      if (replicas.contains(candidate) || skipped.contains(candidate)) {
        continue;
      }
      if (seenRacks.size() == rackCount) {
        replicas.add(candidate);
      } else if (seenRacks.add(candidate.rack())) {
        replicas.add(candidate);
        if (seenRacks.size() == rackCount) {
          while (!skipped.isEmpty() && replicas.size() < wanted) {
            replicas.add(skipped.remove(0));
          }
        }
      } else {
        skipped.add(candidate);
      }
    }
    // A ring walked completely without reaching every rack (cannot happen: racks counts only racks with tokens).
    while (!skipped.isEmpty() && replicas.size() < wanted) {
      replicas.add(skipped.remove(0));
    }
    return replicas;
  }

  /** (start, end] measured clockwise on the 2^64 ring. */
  private static double unsignedDistance(long start, long end) {
    long d = end - start;
    double value = (double) (d & Long.MAX_VALUE);
    return d < 0 ? value + Math.pow(2, 63) : value;
  }
}
