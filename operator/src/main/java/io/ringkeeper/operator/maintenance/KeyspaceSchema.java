package io.ringkeeper.operator.maintenance;

import io.ringkeeper.operator.domain.repair.RepairKeyspace;
import io.ringkeeper.operator.node.KeyspaceInfo;
import io.ringkeeper.operator.node.NodeClient;
import io.ringkeeper.operator.node.NodeClientException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The keyspaces of each cluster as one of its nodes reports them, asked at most once per {@link #MAX_AGE} per
 * cluster (schema changes are rare; a run replans when they happen), from the first usable node.
 */
final class KeyspaceSchema {
  static final Duration MAX_AGE = Duration.ofMinutes(5);

  private final NodeClient client;
  private final Duration callTimeout;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  private record Cached(Instant at, List<RepairKeyspace> keyspaces) {}

  KeyspaceSchema(NodeClient client, Duration callTimeout) {
    this.client = client;
    this.callTimeout = callTimeout;
  }

  /** The cluster's keyspaces; empty when no node could be asked. */
  Optional<List<RepairKeyspace>> keyspaces(String cluster, List<MaintenanceNode> nodes, Instant now) {
    return keyspaces(cluster, nodes, now, false);
  }

  /** The cluster's keyspaces asked now, whatever the cache holds: a run is planned from the current schema. */
  Optional<List<RepairKeyspace>> fresh(String cluster, List<MaintenanceNode> nodes, Instant now) {
    return keyspaces(cluster, nodes, now, true);
  }

  private Optional<List<RepairKeyspace>> keyspaces(String cluster, List<MaintenanceNode> nodes, Instant now,
      boolean fresh) {
    Cached cached = cache.get(cluster);
    if (!fresh && cached != null && Duration.between(cached.at(), now).compareTo(MAX_AGE) < 0 && !now.isBefore(cached.at())) {
      return Optional.of(cached.keyspaces());
    }
    for (MaintenanceNode node : nodes) {
      if (!node.usable()) {
        continue;
      }
      try {
        List<RepairKeyspace> keyspaces = of(NodeCalls.await(node.name(), client.keyspaces(node.endpoint()),
            callTimeout));
        cache.put(cluster, new Cached(now, keyspaces));
        return Optional.of(keyspaces);
      } catch (NodeClientException e) {
        // try the next node
      }
    }
    return cached == null ? Optional.empty() : Optional.of(cached.keyspaces());
  }

  void forget(String cluster) {
    cache.remove(cluster);
  }

  static List<RepairKeyspace> of(List<KeyspaceInfo> infos) {
    return infos.stream().map(k -> new RepairKeyspace(k.name(), k.system(), k.replicationStrategy(),
        k.replicationFactors(), k.minGcGraceSeconds())).toList();
  }
}
