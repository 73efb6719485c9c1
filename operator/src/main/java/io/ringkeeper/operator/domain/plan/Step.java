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

  /**
   * A step of an operation: the reconciler records {@link #operation()} in status.operation BEFORE it carries the
   * step out, so an operator restarted in between finds the step recorded and does not repeat it blindly.
   */
  sealed interface Recorded extends Step {
    Operation operation();
  }

  /**
   * Records an operation (a new one, or the next step of the current one) and nothing else.
   *
   * @param add a node to record with its tokens before its pod exists (scale-up); null otherwise
   */
  record RecordOperation(Operation operation, KnownNode add) implements Recorded {
    public RecordOperation {
      Objects.requireNonNull(operation, "operation");
    }
  }

  /** Nothing to do on the nodes while the operation's current step runs; the operation may carry news. */
  record Await(Operation operation, String reason, String message) implements Recorded {
    public Await {
      Objects.requireNonNull(operation, "operation");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(message, "message");
    }
  }

  /**
   * Starts an agent job on the node (decommission, drain, cleanup, rebuild); the job id is recorded once known.
   *
   * @param sourceDatacenter the datacenter a rebuild streams from; null for the other jobs
   */
  record StartJob(Operation operation, NodeId node, NodeJob job, String sourceDatacenter) implements Recorded {
    public StartJob {
      if (job == NodeJob.REBUILD && sourceDatacenter == null) {
        throw new IllegalArgumentException("a rebuild needs a source datacenter");
      }
    }

    public StartJob(Operation operation, NodeId node, NodeJob job) {
      this(operation, node, job, null);
    }
  }

  /** Deletes the node's Pod. */
  record DeletePod(Operation operation, NodeId node) implements Recorded {}

  /** Deletes the node's PersistentVolumeClaim (after it decommissioned, or to replace it). */
  record DeleteVolume(Operation operation, NodeId node) implements Recorded {}

  /** Creates the operation node's volume (when missing) and Pod: a joining or a restarted node. */
  record CreateNode(Operation operation, NodeId node) implements Recorded {}

  /**
   * Creates a replacement node: an empty volume and a Pod with the lost node's tokens and
   * {@code replace_address_first_boot} set to the lost node's address (none when it never had one).
   */
  record CreateReplacement(Operation operation, NodeId node, String replaceAddress) implements Recorded {}

  /**
   * Asks {@code via}, an up peer, to mark {@code address} shut down in its gossip: the replacement there failed
   * while it hibernated, and no peer gossips with a hibernating node, so its next start would find no seed again
   * (CASSANDRA-19580). What the replacement's own shutdown announcement would have done; its tokens stay.
   */
  record EndHibernation(Operation operation, NodeId via, String address) implements Recorded {
    public EndHibernation {
      Objects.requireNonNull(via, "via");
      Objects.requireNonNull(address, "address");
    }
  }

  /**
   * The operation is over: status.operation is cleared.
   *
   * @param forget a node to drop from status (decommissioned and deleted); null otherwise
   */
  record FinishOperation(Operation finished, String forget, String message) implements Step {}

  /** Grows the volumes of these nodes to spec.storage.size (online expansion; nothing restarts). */
  record ResizeVolumes(List<NodeId> nodes) implements Step {
    public ResizeVolumes {
      nodes = List.copyOf(nodes);
    }
  }

  /**
   * Sets roles from their Secrets, disables the default superuser and sets the replication of the keyspaces holding
   * roles, through one node's agent. Not an operation: it takes nothing down, and runs only while none is under way
   * or the one under way waits.
   *
   * @param via the node whose agent is asked (up and normal)
   * @param roles every wanted role, the superuser first
   * @param factors replication factor per datacenter of {@link Access#SYSTEM_KEYSPACES}
   * @param attempt failed attempts before this one
   */
  record SetAccess(NodeId via, List<Access.Role> roles, Map<String, Integer> factors, int attempt) implements Step {
    public SetAccess {
      roles = List.copyOf(roles);
      factors = Map.copyOf(factors);
    }
  }
}
