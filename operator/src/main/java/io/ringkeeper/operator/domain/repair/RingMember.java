package io.ringkeeper.operator.domain.repair;

import java.util.List;
import java.util.Objects;

/** A node of the ring as the agents report it: name, datacenter, rack and its own tokens. */
public record RingMember(String name, String datacenter, String rack, List<Long> tokens) {
  public RingMember {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(datacenter, "datacenter");
    Objects.requireNonNull(rack, "rack");
    tokens = List.copyOf(tokens);
  }
}
