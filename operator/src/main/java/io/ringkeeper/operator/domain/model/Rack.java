package io.ringkeeper.operator.domain.model;

import java.util.Objects;
import java.util.Optional;

/** A rack of a datacenter and, optionally, the availability zone it is pinned to. */
public record Rack(String name, Optional<String> zone) {
  public Rack {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(zone, "zone");
  }

  public static Rack of(String name) {
    return new Rack(name, Optional.empty());
  }

  public static Rack of(String name, String zone) {
    return new Rack(name, Optional.ofNullable(zone));
  }
}
