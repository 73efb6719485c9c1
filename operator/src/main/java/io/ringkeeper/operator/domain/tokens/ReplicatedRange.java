package io.ringkeeper.operator.domain.tokens;

import java.util.List;
import java.util.Objects;

/**
 * A primary token range {@code (start, end]} of one datacenter's ring, ending at a node's token, with the nodes
 * that replicate it in NetworkTopologyStrategy placement order (the owner of {@code end} first). When the ring
 * holds a single token, {@code start == end} and the range is the whole ring.
 */
public record ReplicatedRange(long start, long end, List<String> replicas) {
  public ReplicatedRange {
    replicas = List.copyOf(Objects.requireNonNull(replicas, "replicas"));
  }

  /** The range's share of the ring, in (0, 1]. */
  public double fraction() {
    return Tokens.width(start, end) / Tokens.RING;
  }

  /** Whether {@code token} falls in {@code (start, end]}. */
  public boolean contains(long token) {
    if (start == end) {
      return true;
    }
    // Unsigned distance clockwise from start: in range when 0 < dist <= width.
    return token != start && Long.compareUnsigned(token - start, end - start) <= 0;
  }
}
