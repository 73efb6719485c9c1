package io.ringkeeper.operator.layers.bad;

import io.ringkeeper.operator.node.Agents;
import io.ringkeeper.operator.node.NodeEndpoint;

/** Deliberately bad: fires a node command outside the executor (LayerRulesTest shows the rule failing). */
public final class SetsThroughputOutsideAct {
  public int throttle(Agents agents, NodeEndpoint node) {
    return agents.setCompactionThroughput(node, 0, "bad");
  }
}
