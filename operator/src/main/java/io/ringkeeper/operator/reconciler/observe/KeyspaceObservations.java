package io.ringkeeper.operator.reconciler.observe;

import io.ringkeeper.operator.domain.repair.RepairKeyspace;
import io.ringkeeper.operator.domain.upkeep.UpkeepNode;
import io.ringkeeper.operator.node.Agents;
import io.ringkeeper.operator.node.KeyspaceInfo;
import io.ringkeeper.operator.node.NodeClientException;
import io.ringkeeper.operator.node.NodeEndpoint;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The keyspaces of each cluster as the first usable node that answered reports them. They are read from the
 * poller's last round (which follows the node's schema while it is asked for), never asked here; the last answer
 * is kept per cluster for a round in which no node has one.
 */
public final class KeyspaceObservations {
  private final Agents agents;
  private final Map<String, List<RepairKeyspace>> last = new ConcurrentHashMap<>();
  private final Map<String, Instant> dueSince = new ConcurrentHashMap<>();

  public KeyspaceObservations(Agents agents) {
    this.agents = agents;
  }

  /** The cluster's keyspaces; empty when no node has reported them yet. */
  public Optional<List<RepairKeyspace>> keyspaces(String cluster, List<UpkeepNode> nodes,
      Map<String, NodeEndpoint> endpoints) {
    for (UpkeepNode node : nodes) {
      if (!node.usable()) {
        continue;
      }
      try {
        List<RepairKeyspace> keyspaces = of(agents.keyspaces(endpoints.get(node.name())));
        last.put(cluster, keyspaces);
        return Optional.of(keyspaces);
      } catch (NodeClientException e) {
        // no answer from this node (yet): the next one
      }
    }
    return Optional.ofNullable(last.get(cluster));
  }

  /**
   * The keyspaces a run is planned from: a node's answer to a request sent after the run was first due (at
   * {@code now} of the first call since the last {@link #planned}), so a keyspace created just before a repair
   * request is in the run. Empty until such an answer arrived: the request is sent without waiting, and the run
   * starts in a later reconcile (a run whose schema changed after it was planned replans, see
   * the repair run planner).
   */
  public Optional<List<RepairKeyspace>> fresh(String cluster, List<UpkeepNode> nodes,
      Map<String, NodeEndpoint> endpoints, Instant now) {
    Instant since = dueSince.computeIfAbsent(cluster, c -> now);
    for (UpkeepNode node : nodes) {
      if (!node.usable()) {
        continue;
      }
      try {
        List<RepairKeyspace> keyspaces = of(agents.keyspacesSince(endpoints.get(node.name()), since));
        last.put(cluster, keyspaces);
        return Optional.of(keyspaces);
      } catch (NodeClientException e) {
        // no answer this new from this node (yet): the next one
      }
    }
    return Optional.empty();
  }

  /** The run {@link #fresh} was asked for has started: the next one waits for a schema newer than it. */
  public void planned(String cluster) {
    dueSince.remove(cluster);
  }

  /**
   * Before the ring forms: asks for the keyspaces of the first node that has an address, up or not yet (the
   * poller then follows them), so that they are known by the reconcile in which the ring forms.
   */
  public void warmUp(String cluster, List<UpkeepNode> nodes, Map<String, NodeEndpoint> endpoints) {
    for (UpkeepNode node : nodes) {
      NodeEndpoint endpoint = endpoints.get(node.name());
      if (endpoint == null) {
        continue;
      }
      try {
        last.put(cluster, of(agents.keyspaces(endpoint)));
        return;
      } catch (NodeClientException e) {
        // not (yet) from this node: the next one
      }
    }
  }

  public void forget(String cluster) {
    last.remove(cluster);
    dueSince.remove(cluster);
  }

  public static List<RepairKeyspace> of(List<KeyspaceInfo> infos) {
    return infos.stream().map(k -> new RepairKeyspace(k.name(), k.system(), k.replicationStrategy(),
        k.replicationFactors(), k.minGcGraceSeconds())).toList();
  }
}
