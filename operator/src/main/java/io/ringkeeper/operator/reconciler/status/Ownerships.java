package io.ringkeeper.operator.reconciler.status;

import io.ringkeeper.operator.domain.tokens.OwnershipCalculator;
import io.ringkeeper.operator.domain.tokens.RingNode;
import io.ringkeeper.operator.domain.tokens.RingOwnership;
import io.ringkeeper.operator.resources.BoundedMemo;
import java.util.Comparator;
import java.util.List;

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

  private static final BoundedMemo<Key, RingOwnership> CACHE = new BoundedMemo<>(CAPACITY);

  private Ownerships() {}

  /** Same as {@code OwnershipCalculator.calculate(datacenter, replicationFactor)}. */
  static RingOwnership of(List<RingNode> datacenter, int replicationFactor) {
    Key key = new Key(datacenter.stream().sorted(Comparator.comparing(RingNode::name)).toList(), replicationFactor);
    return CACHE.get(key, k -> OwnershipCalculator.calculate(k.nodes(), k.replicationFactor()));
  }

  static int size() {
    return CACHE.size();
  }

  static void clear() {
    CACHE.clear();
  }
}
