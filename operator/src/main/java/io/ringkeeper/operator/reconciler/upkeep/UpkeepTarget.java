package io.ringkeeper.operator.reconciler.upkeep;

import io.ringkeeper.operator.domain.upkeep.UpkeepNode;
import io.ringkeeper.operator.node.NodeEndpoint;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A node as the upkeep stage sees it in one reconcile.
 *
 * @param name node name
 * @param datacenter its datacenter
 * @param rack its rack
 * @param tokens its recorded tokens
 * @param endpoint where its agent listens; null when its pod has no IP
 * @param up whether it is up and normal (UN) and its agent answers
 */
public record UpkeepTarget(String name, String datacenter, String rack, List<Long> tokens, NodeEndpoint endpoint,
    boolean up) {
  public UpkeepTarget {
    Objects.requireNonNull(name, "name");
    tokens = tokens == null ? List.of() : List.copyOf(tokens);
  }

  /** Up, normal and reachable: a node work can be sent to. */
  public boolean usable() {
    return up && endpoint != null;
  }

  /** The nodes as the upkeep planner sees them. */
  static List<UpkeepNode> upkeep(List<UpkeepTarget> nodes) {
    return nodes.stream().map(n -> new UpkeepNode(n.name(), n.datacenter(), n.usable())).toList();
  }

  /** The agents of the nodes that have one, by node name. */
  static Map<String, NodeEndpoint> endpoints(List<UpkeepTarget> nodes) {
    Map<String, NodeEndpoint> out = new HashMap<>();
    nodes.stream().filter(n -> n.endpoint() != null).forEach(n -> out.put(n.name(), n.endpoint()));
    return out;
  }
}
