package io.ringkeeper.operator.maintenance;

import io.ringkeeper.operator.node.NodeEndpoint;
import java.util.List;
import java.util.Objects;

/**
 * A node as maintenance sees it in one reconcile.
 *
 * @param name node name
 * @param datacenter its datacenter
 * @param rack its rack
 * @param tokens its recorded tokens
 * @param endpoint where its agent listens; null when its pod has no IP
 * @param up whether it is up and normal (UN) and its agent answers
 */
public record MaintenanceNode(String name, String datacenter, String rack, List<Long> tokens, NodeEndpoint endpoint,
    boolean up) {
  public MaintenanceNode {
    Objects.requireNonNull(name, "name");
    tokens = tokens == null ? List.of() : List.copyOf(tokens);
  }

  /** Up, normal and reachable: a node work can be sent to. */
  public boolean usable() {
    return up && endpoint != null;
  }
}
