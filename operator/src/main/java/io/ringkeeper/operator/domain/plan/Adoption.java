package io.ringkeeper.operator.domain.plan;

import io.ringkeeper.operator.domain.model.Datacenter;
import io.ringkeeper.operator.domain.model.NodeId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rebuilds the record of the nodes from what outlives status: the identity record on every node's volume and what
 * each running node reports of itself. Status is a cache; this is how a lost or re-created one is refilled.
 *
 * <p>Algorithm, for one reconcile:
 * <ol>
 *   <li>A volume of a datacenter and rack of the spec, in a datacenter of which status records no node at all (its
 *       record was lost: a volume beside recorded nodes is one retained by a scale-down, whose node left the ring,
 *       also when an earlier version did not mark it so), that did not decommission
 *       (or whose node did but still has its pod, so that its removal is finished), is adopted: its tokens are those the node reports when it answered, else those its volume records
 *       ({@link KnownNode.Identity#VOLUME}). A volume with neither is not adopted, and no new tokens are ever
 *       given to it ({@link #unadoptable}): its name stays taken.
 *   <li>A node adopted from its volume is checked against the node once it reports a full set of tokens: the
 *       node's own view wins (it is what the ring holds; Cassandra keeps its tokens in its data directory and
 *       ignores any it is started with), the disagreement is reported, and nothing restarts.
 *   <li>The ring counts as formed once any adopted node is known to have run (a host id on record or reported).
 * </ol>
 * Pure: the same inputs give the same result.
 */
public final class Adoption {
  private Adoption() {}

  /**
   * One node adopted or corrected in this reconcile.
   *
   * @param node the node as now recorded
   * @param from "volume" or "node": whose record gave the tokens
   * @param disagreement how the volume's record and the node disagreed, or null
   */
  public record Adopted(KnownNode node, String from, String disagreement) {}

  /**
   * @param known the recorded nodes after adoption
   * @param adopted the nodes adopted or corrected now (empty when status was complete)
   * @param unadoptable volumes that have no node recorded and could not be adopted, each with the reason
   * @param ringFormed whether the adopted nodes show that the ring formed before
   */
  public record Result(List<KnownNode> known, List<Adopted> adopted, List<String> unadoptable, boolean ringFormed) {
    public Result {
      known = List.copyOf(known);
      adopted = List.copyOf(adopted);
      unadoptable = List.copyOf(unadoptable);
    }
  }

  /**
   * @param known the nodes recorded in status
   * @param volumes the record of every volume of the cluster
   * @param reports what the nodes that answered in the last poll round reported, by node name
   * @param pods the nodes whose pods exist: a node that left the ring but still has its pod is adopted too, so
   *     that its scale-down is finished (the pod removed)
   * @param numTokens tokens per node (spec.tokens.numTokens)
   * @param datacenters the spec's datacenters: only their racks' volumes are adopted
   */
  public static Result adopt(List<KnownNode> known, Collection<VolumeRecord> volumes, Map<String, NodeReport> reports,
      Set<String> pods, int numTokens, List<Datacenter> datacenters) {
    List<KnownNode> result = new ArrayList<>();
    List<Adopted> adopted = new ArrayList<>();
    List<String> unadoptable = new ArrayList<>();
    boolean ran = false;
    for (KnownNode node : known) {
      NodeReport report = reports.get(node.name());
      if (node.identity() == KnownNode.Identity.VOLUME && full(report, numTokens)) {
        KnownNode confirmed = new KnownNode(node.id(), report.tokens(), node.initial(), KnownNode.Identity.NODE);
        String disagreement = sameTokens(node.tokens(), report.tokens()) ? null
            : disagreement(node.name(), node.tokens(), report.tokens());
        result.add(confirmed);
        adopted.add(new Adopted(confirmed, "node", disagreement));
      } else {
        result.add(node);
      }
    }
    Set<String> recorded = new HashSet<>();
    Set<String> recordedDatacenters = new HashSet<>();
    known.forEach(k -> {
      recorded.add(k.name());
      recordedDatacenters.add(k.id().datacenter());
    });
    List<VolumeRecord> ordered = volumes.stream().sorted(Comparator.comparing(VolumeRecord::id, NodeId.ORDER))
        .toList();
    for (VolumeRecord volume : ordered) {
      if (recordedDatacenters.contains(volume.id().datacenter())
          || (volume.decommissioned() && !pods.contains(volume.name()))
          || !inSpec(volume.id(), datacenters)) {
        continue;
      }
      NodeReport report = reports.get(volume.name());
      if (full(report, numTokens)) {
        KnownNode node = new KnownNode(volume.id(), report.tokens(), volume.initial(), KnownNode.Identity.NODE);
        result.add(node);
        adopted.add(new Adopted(node, "node", volume.tokens().isEmpty() || sameTokens(volume.tokens(),
            report.tokens()) ? null : disagreement(volume.name(), volume.tokens(), report.tokens())));
        ran = true;
      } else if (volume.tokens().size() == numTokens && new HashSet<>(volume.tokens()).size() == numTokens) {
        KnownNode node = new KnownNode(volume.id(), volume.tokens(), volume.initial(), KnownNode.Identity.VOLUME);
        result.add(node);
        adopted.add(new Adopted(node, "volume", null));
        ran |= volume.hostId() != null;
      } else {
        unadoptable.add("volume " + volume.name() + (volume.tokens().isEmpty() ? " carries no record of its"
            + " node's tokens" : " records " + volume.tokens().size() + " tokens, not " + numTokens));
      }
    }
    return new Result(result, adopted, unadoptable, ran);
  }

  private static boolean full(NodeReport report, int numTokens) {
    return report != null && report.tokens().size() == numTokens;
  }

  private static boolean inSpec(NodeId id, List<Datacenter> datacenters) {
    return datacenters.stream().anyMatch(d -> d.name().equals(id.datacenter())
        && d.rackNames().contains(id.rack()));
  }

  /**
   * The rebuilds recorded in status, refilled from the volumes when status lost one: a datacenter of the spec of
   * which status records no rebuild, but a volume (not decommissioned) records the source it is rebuilt from and no
   * finished rebuild, is pending again, from that source. Its nodes are rebuilt again from the first (a rebuild
   * streams the same data twice at worst); without it, a datacenter added to the running cluster whose status was
   * lost before its rebuild would keep no data of the keyspaces the user made replicate to it.
   */
  public static List<Rebuild> rebuilds(List<Rebuild> recorded, Collection<VolumeRecord> volumes,
      List<Datacenter> datacenters) {
    List<Rebuild> result = new ArrayList<>(recorded);
    for (Datacenter dc : datacenters) {
      if (recorded.stream().anyMatch(r -> r.datacenter().equals(dc.name()))) {
        continue;
      }
      volumes.stream()
          .filter(v -> v.id().datacenter().equals(dc.name()) && !v.decommissioned() && v.rebuildFrom() != null
              && !v.rebuilt() && !v.rebuildFrom().equals(dc.name())
              && datacenters.stream().anyMatch(d -> d.name().equals(v.rebuildFrom())))
          .sorted(Comparator.comparing(VolumeRecord::name))
          .findFirst()
          .ifPresent(v -> result.add(new Rebuild(dc.name(), v.rebuildFrom(), null)));
    }
    return result;
  }

  static boolean sameTokens(List<Long> a, List<Long> b) {
    return new HashSet<>(a).equals(new HashSet<>(b));
  }

  private static String disagreement(String node, List<Long> recorded, List<Long> reported) {
    Set<Long> missing = new HashSet<>(recorded);
    missing.removeAll(reported);
    return "node " + node + " holds " + reported.size() + " tokens, " + missing.size() + " of the "
        + recorded.size() + " its volume records are not among them; the node's own tokens are recorded";
  }
}
