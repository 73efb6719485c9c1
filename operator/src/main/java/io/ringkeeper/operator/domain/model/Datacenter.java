package io.ringkeeper.operator.domain.model;

import java.util.List;
import java.util.Objects;

/**
 * A datacenter as the spec asks for it: its replication factor, its size and its racks in spec order (the order
 * decides which rack gets the first node and which nodes are seeds).
 */
public record Datacenter(String name, int replicationFactor, int size, List<Rack> racks) {
  public Datacenter {
    Objects.requireNonNull(name, "name");
    racks = List.copyOf(racks);
    if (racks.isEmpty()) {
      throw new IllegalArgumentException("datacenter " + name + " has no racks");
    }
  }

  public List<String> rackNames() {
    return racks.stream().map(Rack::name).toList();
  }
}
