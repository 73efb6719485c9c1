package io.ringkeeper.operator.domain.tokens;

import java.util.List;
import java.util.Objects;

/**
 * A node of one datacenter's ring: its name, rack and tokens (Murmur3, signed 64-bit, in any order; an empty
 * list means the node holds no tokens yet and is left out of ownership).
 */
public record RingNode(String name, String rack, List<Long> tokens) {
  public RingNode {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(rack, "rack");
    tokens = List.copyOf(tokens);
  }
}
