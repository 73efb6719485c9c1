package io.ringkeeper.operator.domain.plan;

import java.util.List;

/**
 * The operation a cluster is visibly in the middle of when none is recorded (status.operation was lost with the
 * status, or the resource was re-created), inferred from the nodes' own operation modes, so that it is finished
 * or waited for and no second disruptive step starts beside it. A node without a pod shows nothing.
 *
 * <ul>
 *   <li>A node leaving the ring, or that left it while its pod still runs: a ScaleDown of that node at
 *       Decommissioning; the operation planner waits for the leave to end and then removes the pod, never asking
 *       for a second decommission.
 *   <li>A node joining the ring: a ScaleUp of that node at Bootstrapping; it is waited for, then the others are
 *       cleaned up.
 *   <li>A drained node (it stopped serving before a restart): a Restart of that node at Restarting; its pod is
 *       deleted and created again, and the restart waits until it is ready.
 * </ul>
 * Nodes are looked at in their order (datacenter, rack, index); the first one found is the operation.
 */
public final class InFlight {
  private InFlight() {}

  /** The inferred operation, or null when no node shows one. */
  public static Operation infer(ClusterState state) {
    for (KnownNode node : Planner.sorted(state.known())) {
      NodeFacts facts = state.factsOf(node.name());
      if (!facts.podExists()) {
        continue;
      }
      String dc = node.id().datacenter();
      if (facts.decommissioned() || facts.health() == NodeHealth.UP_LEAVING) {
        return inferred(OperationKind.ScaleDown, dc, node.name(), OperationStep.Decommissioning, state,
            facts.decommissioned() ? "left the ring" : "is leaving the ring");
      }
      if (facts.health() == NodeHealth.UP_JOINING) {
        return inferred(OperationKind.ScaleUp, dc, node.name(), OperationStep.Bootstrapping, state,
            "is joining the ring");
      }
      if (facts.drained()) {
        return inferred(OperationKind.Restart, dc, node.name(), OperationStep.Restarting, state, "is drained");
      }
    }
    return null;
  }

  private static Operation inferred(OperationKind kind, String datacenter, String node, OperationStep step,
      ClusterState state, String why) {
    return new Operation(kind, datacenter, node, step, null, 0, List.of(), List.of(),
        "inferred from the nodes: node " + node + " " + why + " and no operation was recorded", null, state.now());
  }
}
