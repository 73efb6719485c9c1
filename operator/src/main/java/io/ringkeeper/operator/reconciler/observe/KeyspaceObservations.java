package io.ringkeeper.operator.reconciler.observe;

import io.ringkeeper.operator.domain.repair.RepairKeyspace;
import io.ringkeeper.operator.node.Agents;
import io.ringkeeper.operator.node.ClusterKey;
import io.ringkeeper.operator.node.KeyspaceInfo;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The keyspaces of each cluster as the poller last fetched them (it asks one node of every cluster each round and
 * keeps the last answer), as domain values; never asked here. What is kept here is no answer of a node but when a
 * repair run was first due, so that it is planned from a schema fetched after that.
 */
public final class KeyspaceObservations {
  private final Agents agents;
  private final Map<ClusterKey, Instant> dueSince = new ConcurrentHashMap<>();

  public KeyspaceObservations(Agents agents) {
    this.agents = agents;
  }

  /** The cluster's keyspaces; empty when no node has reported them yet. */
  public Optional<List<RepairKeyspace>> keyspaces(ClusterKey cluster) {
    return agents.keyspaces(cluster).map(KeyspaceObservations::of);
  }

  /**
   * The keyspaces a run is planned from: a node's answer to a request sent after the run was first due (at
   * {@code now} of the first call since the last {@link #planned}), so a keyspace created just before a repair
   * request is in the run. Empty until such an answer arrived: the request is sent without waiting, and the run
   * starts in a later reconcile (a run whose schema changed after it was planned replans, see
   * the repair run planner).
   */
  public Optional<List<RepairKeyspace>> fresh(ClusterKey cluster, Instant now) {
    Instant since = dueSince.computeIfAbsent(cluster, c -> now);
    return agents.keyspacesSince(cluster, since).map(KeyspaceObservations::of);
  }

  /** The run {@link #fresh} was asked for has started: the next one waits for a schema newer than it. */
  public void planned(ClusterKey cluster) {
    dueSince.remove(cluster);
  }

  public void forget(ClusterKey cluster) {
    dueSince.remove(cluster);
  }

  public static List<RepairKeyspace> of(List<KeyspaceInfo> infos) {
    return infos.stream().map(k -> new RepairKeyspace(k.name(), k.system(), k.replicationStrategy(),
        k.replicationFactors(), k.minGcGraceSeconds())).toList();
  }
}
