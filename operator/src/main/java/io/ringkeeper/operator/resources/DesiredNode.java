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
 * @param replaceAddress address of the lost node this one replaces (replace_address_first_boot), or null
 */
public record DesiredNode(NodeId id, List<Long> tokens, boolean initial, boolean seed, String replaceAddress) {
  public DesiredNode(NodeId id, List<Long> tokens, boolean initial, boolean seed) {
    this(id, tokens, initial, seed, null);
  }

  public DesiredNode {
    Objects.requireNonNull(id, "id");
    tokens = List.copyOf(tokens);
    if (tokens.isEmpty()) {
      throw new IllegalArgumentException("node " + id + " has no tokens; tokens are recorded before a node is built");
    }
  }

  /** The same node as it runs once started: the replace option acts on first boot only. */
  public DesiredNode withoutReplace() {
    return new DesiredNode(id, tokens, initial, seed, null);
  }

  public String name() {
    return id.name();
  }
}
