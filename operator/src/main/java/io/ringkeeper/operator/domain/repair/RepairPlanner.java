package io.ringkeeper.operator.domain.repair;

import io.ringkeeper.operator.domain.tokens.OwnershipCalculator;
import io.ringkeeper.operator.domain.tokens.ReplicaMap;
import io.ringkeeper.operator.domain.tokens.RingNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Cuts the ring into repair segments.
 *
 * <p>Algorithm: sort every token of every datacenter; each primary range {@code (previous token, token]} of this
 * combined ring has one replica set per keyspace (a datacenter's own ranges are unions of these). Each range is
 * split into {@code max(1, ceil(segmentsPerNode / owner's token count))} pieces of equal width, so a node's ranges
 * give about {@code segmentsPerNode} segments and no segment ever crosses a range boundary. Then, per keyspace to
 * repair, the replicas of each piece are looked up: NetworkTopologyStrategy takes, for every datacenter with a
 * replication factor, that datacenter's replicas from {@link OwnershipCalculator#replicaMap} (racks respected, as
 * Cassandra places them); SimpleStrategy walks the whole ring clockwise taking the first {@code rf} distinct
 * nodes. Pieces with fewer than two replicas have nothing to repair against and are dropped.
 *
 * <p>Which keyspaces: the listed ones, or, when none is listed, every non-system keyspace. A keyspace replicated
 * at most once in every datacenter, or by a strategy other than NetworkTopologyStrategy or SimpleStrategy, is
 * skipped with a reason, and so is a listed keyspace that does not exist. Deterministic: the same inputs give the
 * same segments with the same indexes, which is what lets a restarted operator resume a run by index.
 */
public final class RepairPlanner {

  private RepairPlanner() {}

  /**
   * A token two members of the recorded ring both hold, described; empty when every token has one holder. Such a
   * ring cannot be cut into ranges: it is seen when a volume's identity record was edited by hand and its node has
   * not reported its own tokens since (a lost status then adopts the record as it is).
   */
  public static Optional<String> conflict(List<RingMember> ring) {
    Map<Long, String> owners = new HashMap<>();
    for (RingMember m : ring) {
      for (Long t : m.tokens()) {
        String before = owners.put(t, m.name());
        if (before != null) {
          return Optional.of("token " + t + " is recorded for both " + before + " and " + m.name());
        }
      }
    }
    return Optional.empty();
  }

  /**
   * @param ring every node with tokens, all datacenters
   * @param schema the keyspaces that exist
   * @param requested keyspaces to repair; empty for every non-system keyspace
   * @param segmentsPerNode segments a node's ranges are cut into, at least 1
   * @param onlyNodes when not empty, only segments some of these nodes replicate (hint-window repair)
   */
  public static RepairPlan plan(List<RingMember> ring, List<RepairKeyspace> schema, List<String> requested,
      int segmentsPerNode, Set<String> onlyNodes) {
    Objects.requireNonNull(ring, "ring");
    if (segmentsPerNode < 1) {
      throw new IllegalArgumentException("segmentsPerNode must be at least 1, got " + segmentsPerNode);
    }
    Map<String, String> skipped = new TreeMap<>();
    List<RepairKeyspace> keyspaces = chooseKeyspaces(schema, requested, skipped);

    TreeMap<Long, RingMember> owners = new TreeMap<>();
    Map<String, List<RingMember>> byDc = new TreeMap<>();
    for (RingMember m : ring) {
      if (m.tokens().isEmpty()) {
        continue;
      }
      byDc.computeIfAbsent(m.datacenter(), d -> new ArrayList<>()).add(m);
      for (Long t : m.tokens()) {
        RingMember before = owners.put(t, m);
        if (before != null) {
          throw new IllegalArgumentException("token " + t + " is held by both " + before.name() + " and " + m.name());
        }
      }
    }
    List<long[]> pieces = pieces(owners, segmentsPerNode);

    List<Segment> segments = new ArrayList<>();
    List<String> planned = new ArrayList<>();
    for (RepairKeyspace ks : keyspaces) {
      List<ReplicaMap> maps = replicaMaps(ks, byDc, ring);
      int before = segments.size();
      for (long[] piece : pieces) {
        List<String> replicas = new ArrayList<>();
        for (ReplicaMap map : maps) {
          replicas.addAll(map.replicasOf(piece[1]));
        }
        if (replicas.size() < 2 || (!onlyNodes.isEmpty() && replicas.stream().noneMatch(onlyNodes::contains))) {
          continue;
        }
        String dc = owners.get(ownerToken(owners, piece[1])).datacenter();
        segments.add(new Segment(segments.size(), ks.name(), piece[0], piece[1], dc, replicas));
      }
      if (segments.size() > before) {
        planned.add(ks.name());
      } else if (!owners.isEmpty()) {
        skipped.put(ks.name(), "no range of it has two replicas on the current nodes");
      }
    }
    return new RepairPlan(segments, planned, skipped,
        fingerprint(ring, keyspaces, segmentsPerNode, onlyNodes));
  }

  private static List<RepairKeyspace> chooseKeyspaces(List<RepairKeyspace> schema, List<String> requested,
      Map<String, String> skipped) {
    Map<String, RepairKeyspace> byName = new TreeMap<>();
    for (RepairKeyspace ks : schema) {
      byName.put(ks.name(), ks);
    }
    List<RepairKeyspace> chosen = new ArrayList<>();
    if (requested == null || requested.isEmpty()) {
      for (RepairKeyspace ks : byName.values()) {
        if (ks.system()) {
          continue; // not reported: system keyspaces are never repaired unless listed
        }
        addIfRepairable(ks, chosen, skipped);
      }
    } else {
      for (String name : new java.util.LinkedHashSet<>(requested)) {
        RepairKeyspace ks = byName.get(name);
        if (ks == null) {
          skipped.put(name, "does not exist");
        } else {
          addIfRepairable(ks, chosen, skipped);
        }
      }
    }
    return chosen;
  }

  private static void addIfRepairable(RepairKeyspace ks, List<RepairKeyspace> chosen, Map<String, String> skipped) {
    if (!ks.rangeReplicated()) {
      skipped.put(ks.name(), "replicated by " + ks.strategy() + ", not by token range");
    } else if (ks.maxReplicationFactor() <= 1) {
      skipped.put(ks.name(), "replication factor 1: there is no other replica to repair against");
    } else {
      chosen.add(ks);
    }
  }

  /** Every primary range of the combined ring cut into equal pieces: {start, end} pairs in token order. */
  private static List<long[]> pieces(TreeMap<Long, RingMember> owners, int segmentsPerNode) {
    List<long[]> out = new ArrayList<>();
    if (owners.isEmpty()) {
      return out;
    }
    long previous = owners.lastKey();
    for (Map.Entry<Long, RingMember> e : owners.entrySet()) {
      long end = e.getKey();
      int tokens = e.getValue().tokens().size();
      long count = Math.max(1, (segmentsPerNode + tokens - 1) / tokens);
      long width = end - previous; // unsigned; 0 means the whole ring (a ring of one token)
      long step = Long.divideUnsigned(width == 0 ? -1L : width, count);
      if (step == 0) {
        count = width; // a range narrower than the pieces asked for: one piece per token position
        step = 1;
      }
      long start = previous;
      for (long k = 1; k < count; k++) {
        long cut = previous + step * k;
        out.add(new long[] {start, cut});
        start = cut;
      }
      out.add(new long[] {start, end});
      previous = end;
    }
    return out;
  }

  private static long ownerToken(TreeMap<Long, RingMember> owners, long token) {
    Long t = owners.ceilingKey(token);
    return t != null ? t : owners.firstKey();
  }

  private static List<ReplicaMap> replicaMaps(RepairKeyspace ks, Map<String, List<RingMember>> byDc,
      List<RingMember> ring) {
    List<ReplicaMap> maps = new ArrayList<>();
    if (ks.simple()) {
      int rf = ks.replicationFactors().values().stream().mapToInt(Integer::intValue).max().orElse(0);
      // Every node its own rack: NetworkTopologyStrategy's walk then takes the first rf distinct nodes, which is
      // SimpleStrategy's placement.
      List<RingNode> all = ring.stream().filter(m -> !m.tokens().isEmpty())
          .map(m -> new RingNode(m.name(), m.name(), m.tokens())).toList();
      if (rf > 0 && !all.isEmpty()) {
        maps.add(OwnershipCalculator.replicaMap(all, Math.min(rf, all.size())));
      }
      return maps;
    }
    for (Map.Entry<String, List<RingMember>> dc : byDc.entrySet()) {
      int rf = ks.replicationFactors().getOrDefault(dc.getKey(), 0);
      if (rf <= 0) {
        continue;
      }
      List<RingNode> nodes = dc.getValue().stream().map(m -> new RingNode(m.name(), m.rack(), m.tokens())).toList();
      maps.add(OwnershipCalculator.replicaMap(nodes, Math.min(rf, nodes.size())));
    }
    return maps;
  }

  private static String fingerprint(List<RingMember> ring, List<RepairKeyspace> keyspaces, int segmentsPerNode,
      Collection<String> onlyNodes) {
    StringBuilder s = new StringBuilder().append(segmentsPerNode).append('|');
    Map<String, RingMember> sorted = new TreeMap<>();
    ring.forEach(m -> sorted.put(m.name(), m));
    for (RingMember m : sorted.values()) {
      s.append(m.name()).append('@').append(m.datacenter()).append('/').append(m.rack())
          .append(new TreeSet<>(m.tokens())).append(';');
    }
    s.append('|');
    for (RepairKeyspace ks : keyspaces) {
      s.append(ks.name()).append(':').append(ks.strategy()).append(new TreeMap<>(ks.replicationFactors()))
          .append(';');
    }
    s.append('|').append(new TreeSet<>(onlyNodes));
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(s.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  /** Groups a plan's segments by keyspace, in plan order (for status and events). */
  public static Map<String, Integer> segmentsPerKeyspace(RepairPlan plan) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    plan.segments().forEach(s -> counts.merge(s.keyspace(), 1, Integer::sum));
    return counts;
  }
}
