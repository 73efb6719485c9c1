package io.ringkeeper.operator.domain.plan;

import io.ringkeeper.operator.domain.model.NodeId;
import java.util.List;
import java.util.Objects;

/**
 * A node the operator has recorded in status: its identity and the tokens chosen for it before it first
 * started.
 *
 * @param initial whether it was created with the cluster (started with auto_bootstrap false in an empty ring)
 */
public record KnownNode(NodeId id, List<Long> tokens, boolean initial) {
  public KnownNode {
    Objects.requireNonNull(id, "id");
    tokens = List.copyOf(tokens);
  }

  public String name() {
    return id.name();
  }
}
