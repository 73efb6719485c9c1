package io.ringkeeper.operator.layers.bad.observe;

import io.ringkeeper.operator.node.NodeClient;
import io.ringkeeper.operator.node.NodeEndpoint;
import io.ringkeeper.operator.node.NodeInfo;

/** Deliberately bad: an "observer" that asks a node's agent and waits (LayerRulesTest shows the rule failing). */
public final class AsksANode {
  public NodeInfo ask(NodeClient client, NodeEndpoint node) {
    return client.nodeInfo(node).join();
  }
}
