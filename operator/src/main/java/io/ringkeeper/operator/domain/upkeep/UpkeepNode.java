package io.ringkeeper.operator.domain.upkeep;

import java.util.Objects;

/**
 * A node as the upkeep planner sees it in one reconcile.
 *
 * @param name node name
 * @param datacenter its datacenter
 * @param usable up and normal (UN), and its agent is reachable: work can be sent to it
 */
public record UpkeepNode(String name, String datacenter, boolean usable) {
  public UpkeepNode {
    Objects.requireNonNull(name, "name");
  }
}
