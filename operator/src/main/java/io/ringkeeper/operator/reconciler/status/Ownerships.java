package io.ringkeeper.operator.reconciler.status;

import io.ringkeeper.operator.domain.tokens.OwnershipCalculator;
import io.ringkeeper.operator.domain.tokens.RingNode;
import io.ringkeeper.operator.domain.tokens.RingOwnership;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ring ownership for the status, computed once per datacenter ring: a no-op reconcile rebuilt it twice per
 * datacenter (the node entries and the ring summary) although tokens change only when nodes join or leave. Results
 * are remembered under the datacenter's nodes (names, racks, tokens, in name order: the calculator's own order) and
 * the replication factor, so a changed ring is a new key and never a stale hit. Bounded; shared by every cluster the
 * operator serves. {@link RingOwnership} is immutable.
 */
final class Ownerships {
  static final int CAPACITY = 256;

  private record Key(List<RingNode> nodes, int replicationFactor) {}

  private static final Map<Key, RingOwnership> CACHE = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Key, RingOwnership> eldest) {
      return size() > CAPACITY;
    }
  };

  private Ownerships() {}

  /** Same as {@code OwnershipCalculator.calculate(datacenter, replicationFactor)}. */
  static RingOwnership of(List<RingNode> datacenter, int replicationFactor) {
    Key key = new Key(datacenter.stream().sorted(Comparator.comparing(RingNode::name)).toList(), replicationFactor);
    synchronized (CACHE) {
      RingOwnership known = CACHE.get(key);
      if (known != null) {
        return known;
      }
    }
    RingOwnership computed = OwnershipCalculator.calculate(key.nodes(), replicationFactor);
    synchronized (CACHE) {
      CACHE.put(key, computed);
    }
    return computed;
  }

  static int size() {
    synchronized (CACHE) {
      return CACHE.size();
    }
  }

  static void clear() {
    synchronized (CACHE) {
      CACHE.clear();
    }
  }
}
