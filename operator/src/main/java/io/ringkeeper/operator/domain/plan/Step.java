package io.ringkeeper.operator.domain.plan;

import io.ringkeeper.operator.domain.model.NodeId;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The one thing a reconcile does to the Cassandra nodes. The reconciler carries out at most one step per
 * reconcile and records it in status before it starts.
 *
 * <p>Issue 7 adds ScaleUp (one bootstrapping node), Decommission, Restart and Replace here; issue 8 adds the
 * repair and maintenance steps. Each new step is a record of this sealed interface; the places that handle
 * steps (CassandraClusterReconciler#apply, StatusBuilder#progressing) end in an exception for an unhandled one.
 */
public sealed interface Step {

  /**
   * Start a brand-new cluster: record these tokens in status (before any pod exists, so an operator restart
   * re-creates the same tokens). The nodes start with auto_bootstrap false in the empty ring.
   */
  record AssignInitialTokens(Map<NodeId, List<Long>> tokens) implements Step {
    public AssignInitialTokens {
      TreeMap<NodeId, List<Long>> sorted = new TreeMap<>(NodeId.ORDER);
      tokens.forEach((k, v) -> sorted.put(k, List.copyOf(v)));
      tokens = java.util.Collections.unmodifiableMap(sorted);
    }
  }

  /**
   * Create the PVC (when missing) and the Pod of recorded nodes that have no Pod: all nodes of a new cluster at
   * once, or nodes whose Pod disappeared while their volume survived (they restart with their data).
   */
  record CreateNodes(List<NodeId> nodes) implements Step {
    public CreateNodes {
      nodes = nodes.stream().sorted(NodeId.ORDER).toList();
      if (nodes.isEmpty()) {
        throw new IllegalArgumentException("CreateNodes needs at least one node");
      }
    }
  }

  /** Nothing to do but wait for the nodes, e.g. while a new cluster's nodes start. */
  record Wait(String reason, String message) implements Step {
    public Wait {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(message, "message");
    }
  }

  /** The cluster is as the spec asks. */
  record Idle() implements Step {}
}
