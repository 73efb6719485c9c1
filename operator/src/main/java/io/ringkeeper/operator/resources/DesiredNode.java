package io.ringkeeper.operator.resources;

import io.ringkeeper.operator.domain.model.NodeId;
import java.util.List;
import java.util.Objects;

/**
 * What the builders need to know about one node beyond the spec.
 *
 * @param id the node
 * @param tokens its recorded tokens
 * @param initial created with the cluster: starts with auto_bootstrap false in the empty ring
 * @param seed whether it is one of its datacenter's seeds
 */
public record DesiredNode(NodeId id, List<Long> tokens, boolean initial, boolean seed) {
  public DesiredNode {
    Objects.requireNonNull(id, "id");
    tokens = List.copyOf(tokens);
    if (tokens.isEmpty()) {
      throw new IllegalArgumentException("node " + id + " has no tokens; tokens are recorded before a node is built");
    }
  }

  public String name() {
    return id.name();
  }
}
