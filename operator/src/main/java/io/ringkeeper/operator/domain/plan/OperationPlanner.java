package io.ringkeeper.operator.domain.plan;

import io.ringkeeper.operator.domain.model.Datacenter;
import io.ringkeeper.operator.domain.model.NodeId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The next step of the operation recorded in status. Each operation is a small state machine whose state is the
 * recorded {@link Operation}; a step that deletes or decommissions something is only returned when the record
 * says it is the current step, and its precondition is checked against what was observed, so a repeated reconcile
 * (or a restarted operator) either finds the thing already done and moves on, or does it once.
 *
 * <ul>
 *   <li>ScaleUp: create the new node (recorded with its tokens when the operation started), wait until it is
 *       ready (up, normal, seen by its peers), then hand over to Cleanup of the other nodes of the datacenter.
 *   <li>Cleanup: one node at a time, only while every node of the datacenter is ready; a failed cleanup is
 *       retried after a delay, and given up (reported) after {@value #MAX_CLEANUP_ATTEMPTS} attempts (it only
 *       frees disk space; the data is safe).
 *   <li>ScaleDown: decommission through the agent (only on a fresh observation of a normal node, while every other
 *       node of the datacenter is ready; never again while the node is leaving), then delete the pod, then the
 *       volume when storage.reclaim is Delete, then forget the node. A failed decommission is reported with the
 *       node's message and retried after a growing delay, only when safe. If the spec no longer asks for the
 *       removal before the decommission started, the operation is cancelled.
 *   <li>RollingRestart / Restart: per node, drain, delete the pod, recreate it, wait until ready; then the next
 *       node (datacenter, then rack, then index) while every other node of its datacenter is ready.
 *   <li>Replace: delete the pod, then the volume, then create an empty node with the same tokens and
 *       replace_address_first_boot, and wait until it is ready.
 *   <li>Rebuild (a datacenter added to the running cluster): one node at a time, while every node of the datacenter
 *       and of its source is ready, the agent's rebuild job streams the node's data from the source datacenter; a
 *       finished node is recorded in done and never rebuilt again; a failure is reported with the node's message
 *       and retried after a growing delay.
 * </ul>
 * A node joining a datacenter that waits for its rebuild needs no cleanup of the others: they hold no data yet.
 */
final class OperationPlanner {
  static final int MAX_CLEANUP_ATTEMPTS = 3;
  static final int MAX_DRAIN_ATTEMPTS = 2;

  Step next(ClusterState state, Operation op) {
    return switch (op.kind()) {
      case ScaleUp -> scaleUp(state, op);
      case Cleanup -> cleanup(state, op);
      case ScaleDown -> scaleDown(state, op);
      case RollingRestart, Restart -> restart(state, op);
      case Replace -> replace(state, op);
      case Rebuild -> rebuild(state, op);
      case Hibernate -> Hibernation.nextHibernate(state, op);
      case Wake -> Hibernation.nextWake(state, op);
      case Fence -> Hibernation.nextFence(state, op);
    };
  }

  private static Step scaleUp(ClusterState state, Operation op) {
    KnownNode node = state.node(op.node()).orElse(null);
    if (node == null) {
      return new Step.FinishOperation(op, null, "node " + op.node() + " is no longer recorded");
    }
    NodeFacts facts = state.factsOf(node.name());
    if (!facts.podExists()) {
      // A join with another node down fails (consistent range movement) or streams from the wrong replica.
      Step wait = waitForOthers(state, op, node.name(), "starting " + node.name());
      return wait != null ? wait : new Step.CreateNode(op, node.id());
    }
    if (!facts.ready()) {
      return new Step.Await(op, "Bootstrapping", "node " + node.name() + " is joining the ring ("
          + facts.health() + "); it streams its ranges from the other nodes");
    }
    List<String> others = Planner.sorted(state.knownIn(op.datacenter())).stream().map(KnownNode::name)
        .filter(n -> !n.equals(node.name())).toList();
    if (others.isEmpty()) {
      return new Step.FinishOperation(op, null, "node " + node.name() + " joined");
    }
    if (state.pendingRebuild(op.datacenter()).isPresent()) {
      return new Step.FinishOperation(op, null, "node " + node.name() + " joined datacenter " + op.datacenter()
          + ", which holds no data until it is rebuilt; no cleanup needed");
    }
    Operation cleanup = new Operation(OperationKind.Cleanup, op.datacenter(), null, null, null, 0, others,
        List.of(), "node " + node.name() + " joined; cleanup runs on the other nodes one at a time", null,
        state.now());
    return new Step.RecordOperation(cleanup, null);
  }

  private static Step cleanup(ClusterState state, Operation op) {
    List<String> pending = op.pending().stream().filter(n -> state.node(n).isPresent()).toList();
    if (op.node() == null) {
      return pending.isEmpty()
          ? new Step.FinishOperation(op, null, "cleanup done on " + op.done().size() + " nodes")
          : nextNode(state, op, pending, OperationStep.CleaningUp, "cleanup");
    }
    return jobOnNode(state, op, pending, "cleanup", NodeJob.CLEANUP, null, MAX_CLEANUP_ATTEMPTS,
        (node, why) -> "cleanup on " + node + " failed " + MAX_CLEANUP_ATTEMPTS + " times (" + why + "); skipped:"
            + " run nodetool cleanup on it by hand to free the disk space of ranges it no longer owns");
  }

  /** The first pending node at {@code step}, recorded, once every node the operation needs is ready. */
  private static Step nextNode(ClusterState state, Operation op, List<String> pending, OperationStep step,
      String what) {
    Step wait = waitForOthers(state, op, null, what + " of " + pending.get(0));
    return wait != null ? wait : new Step.RecordOperation(new Operation(op.kind(), op.datacenter(), pending.get(0),
        step, null, 0, pending, op.done(), null, null, state.now()), null);
  }

  /**
   * The current node of an operation that runs an agent job on its nodes one at a time (Cleanup, Rebuild): the job
   * starts once a failed attempt's delay is over and every node the operation needs is ready; while it runs the
   * operation waits; then the next node. A failure is recorded with the node's message and retried, or, after
   * {@code maxAttempts}, reported with {@code giveUp(node, why)} and the node skipped.
   */
  private static Step jobOnNode(ClusterState state, Operation op, List<String> pending, String what, NodeJob kind,
      String source, int maxAttempts, BiFunction<String, String, String> giveUp) {
    NodeId node = state.node(op.node()).map(KnownNode::id).orElse(null);
    List<String> rest = pending.stream().filter(n -> !n.equals(op.node())).toList();
    if (node == null) {
      return new Step.RecordOperation(op.nodeDone(null, null, rest, state.now()), null);
    }
    if (op.jobId() == null) {
      if (!SafetyRules.retryDue(op, state.now())) {
        return new Step.Await(op, op.kind() + "RetryWaiting", what + " on " + node.name() + " failed ("
            + op.message() + "); retrying after " + SafetyRules.retryDelay(op.attempts()).toSeconds() + " s");
      }
      Step wait = waitForOthers(state, op, null, what + " of " + node.name());
      return wait != null ? wait : new Step.StartJob(op, node, kind, source);
    }
    JobFacts job = state.job();
    if (job == null || job.outcome() == JobFacts.Outcome.RUNNING || job.outcome() == JobFacts.Outcome.UNREACHABLE) {
      return new Step.Await(op, String.valueOf(op.step()), what + " runs on " + node.name()
          + (source == null ? "" : ", streaming from datacenter " + source) + progress(job));
    }
    if (job.outcome() == JobFacts.Outcome.SUCCEEDED) {
      return new Step.RecordOperation(op.nodeDone(null, null, rest, state.now()), null);
    }
    String why = job.outcome() == JobFacts.Outcome.NOT_FOUND
        ? "the node no longer knows job " + op.jobId() + " (it restarted)" : job.message();
    if (op.attempts() + 1 >= maxAttempts) {
      return new Step.RecordOperation(op.nodeDone(null, null, rest, state.now())
          .withMessage(giveUp.apply(node.name(), why)), null);
    }
    return new Step.RecordOperation(op.failed(why, state.now()), null);
  }

  private static Step scaleDown(ClusterState state, Operation op) {
    KnownNode node = state.node(op.node()).orElse(null);
    if (node == null) {
      return new Step.FinishOperation(op, null, "node " + op.node() + " is no longer recorded");
    }
    NodeFacts facts = state.factsOf(node.name());
    return switch (op.step()) {
      case Decommissioning -> decommission(state, op, node, facts);
      case DeletingPod -> facts.podExists() ? new Step.DeletePod(op, node.id())
          : state.deleteVolumes() && facts.volumeExists()
              ? new Step.RecordOperation(op.at(OperationStep.DeletingVolume, state.now()), null)
              : new Step.FinishOperation(op, node.name(), "node " + node.name() + " decommissioned and removed"
                  + (facts.volumeExists() ? "; its volume is kept (storage.reclaim Retain)" : ""));
      case DeletingVolume -> SafetyRules.mayDeleteVolume(op, node.name()) && facts.volumeExists()
          ? new Step.DeleteVolume(op, node.id())
          : new Step.FinishOperation(op, node.name(), "node " + node.name() + " decommissioned and removed");
      default -> throw new IllegalStateException("ScaleDown has no step " + op.step());
    };
  }

  private static Step decommission(ClusterState state, Operation op, KnownNode node, NodeFacts facts) {
    if (facts.decommissioned()) {
      return new Step.RecordOperation(op.at(OperationStep.DeletingPod, state.now()), null);
    }
    if (op.jobId() != null && !facts.podExists()) {
      // No pod, no decommission: a Cassandra 5.0 node restarted mid-leave comes back normal with its tokens and
      // data. Dropping the job lets the pod be started again; the decommission is asked again once it is normal.
      return new Step.RecordOperation(op.failed("the pod of " + node.name() + " disappeared during its"
          + " decommission; it is started again and the decommission is retried", state.now()), null);
    }
    if (op.jobId() != null) {
      JobFacts job = state.job();
      if (job != null && job.outcome() == JobFacts.Outcome.SUCCEEDED) {
        return new Step.RecordOperation(op.at(OperationStep.DeletingPod, state.now()), null);
      }
      if (job != null && job.outcome() == JobFacts.Outcome.FAILED) {
        return new Step.RecordOperation(op.failed(job.message(), state.now()), null);
      }
      if (job != null && job.outcome() == JobFacts.Outcome.NOT_FOUND && facts.fresh() && facts.normal()) {
        return new Step.RecordOperation(op.failed("the node no longer knows job " + op.jobId()
            + " and is normal again (it restarted during the decommission)", state.now()), null);
      }
      return new Step.Await(op, "Decommissioning", "node " + node.name() + " is decommissioning: it streams its"
          + " ranges to the nodes that take them over" + progress(job));
    }
    if (facts.health() == NodeHealth.UP_LEAVING) {
      // Asked before (by an operator that stopped before recording the job): never ask twice.
      return new Step.Await(op, "Decommissioning", "node " + node.name() + " is leaving the ring");
    }
    Datacenter dc = state.datacenter(op.datacenter()).orElse(null);
    int recorded = state.knownIn(op.datacenter()).size();
    if (op.attempts() == 0 && dc != null && dc.size() >= recorded) {
      return new Step.FinishOperation(op, null, "the spec no longer asks to remove a node from datacenter "
          + op.datacenter() + "; the scale-down is cancelled before it started");
    }
    if (dc == null || !SafetyRules.mayShrinkTo(recorded - 1, dc.replicationFactor())) {
      return new Step.Await(op, "ScaleDownHeld", "decommissioning " + node.name() + " would take datacenter "
          + op.datacenter() + " below its replication factor");
    }
    if (!facts.fresh()) {
      return new Step.Await(op, "DecommissionWaiting", "waiting for a fresh answer of node " + node.name()
          + " before asking it to decommission");
    }
    if (!SafetyRules.retryDue(op, state.now())) {
      return new Step.Await(op, "DecommissionRetryWaiting", "decommission of " + node.name() + " failed: "
          + op.message() + "; retrying after " + SafetyRules.retryDelay(op.attempts()).toSeconds() + " s");
    }
    List<String> blocking = SafetyRules.notReadyOthers(state, op.datacenter(), node.name());
    if (!facts.normal()) {
      blocking = new ArrayList<>(blocking);
      blocking.add(0, node.name() + " (" + facts.health() + ")");
    }
    if (!blocking.isEmpty()) {
      return new Step.Await(op, "DecommissionWaiting", "decommissioning " + node.name() + " waits until every"
          + " node of datacenter " + op.datacenter() + " is up and normal; not ready: "
          + String.join(", ", blocking) + (op.message() == null ? "" : "; last failure: " + op.message()));
    }
    return new Step.StartJob(op, node.id(), NodeJob.DECOMMISSION);
  }

  private static Step restart(ClusterState state, Operation op) {
    if (op.node() == null) {
      Step next = nextRestart(state, op);
      return next != null ? next : new Step.FinishOperation(op, null, "restarted " + op.done().size() + " nodes");
    }
    KnownNode node = state.node(op.node()).orElse(null);
    if (node == null) {
      return new Step.RecordOperation(op.nodeDone(null, null, List.of(), state.now()), null);
    }
    NodeFacts facts = state.factsOf(node.name());
    if (op.step() == OperationStep.Draining) {
      JobFacts job = op.jobId() == null ? null : state.job();
      boolean drainedNow = facts.drained() || (job != null && job.outcome() == JobFacts.Outcome.SUCCEEDED);
      if (!facts.podExists() || drainedNow || !facts.health().isUp()) {
        return new Step.RecordOperation(op.at(OperationStep.Restarting, state.now()), null);
      }
      if (op.jobId() == null) {
        Step wait = waitForOthers(state, op, node.name(), "draining " + node.name());
        return wait != null ? wait : new Step.StartJob(op, node.id(), NodeJob.DRAIN);
      }
      if (job != null && (job.outcome() == JobFacts.Outcome.FAILED || job.outcome() == JobFacts.Outcome.NOT_FOUND)) {
        String why = job.outcome() == JobFacts.Outcome.FAILED ? job.message() : "the node lost the drain job";
        return op.attempts() + 1 >= MAX_DRAIN_ATTEMPTS
            // Cassandra also drains on SIGTERM, within the pod's grace period.
            ? new Step.RecordOperation(op.at(OperationStep.Restarting, state.now()).withMessage("drain failed ("
                + why + "); restarting anyway, Cassandra drains on SIGTERM"), null)
            : new Step.RecordOperation(op.failed(why, state.now()), null);
      }
      return new Step.Await(op, "Draining", "node " + node.name() + " is draining" + progress(job));
    }
    // Restarting: delete the old pod (once it no longer serves), recreate it, wait until it is ready.
    // A drained node serves nothing until it restarts, whatever the reason it was drained for.
    if (facts.podExists() && (facts.restartReason() != null || facts.drained())) {
      if (facts.health().isUp() && !facts.drained()) {
        return new Step.RecordOperation(op.at(OperationStep.Draining, state.now()), null);
      }
      return new Step.DeletePod(op, node.id());
    }
    if (!facts.podExists()) {
      return new Step.CreateNode(op, node.id());
    }
    if (!facts.ready()) {
      return new Step.Await(op, "Restarting", "node " + node.name() + " restarts (" + facts.health() + ")");
    }
    return new Step.RecordOperation(op.nodeDone(null, null, List.of(), state.now()), null);
  }

  /**
   * The first node to restart, datacenter by datacenter, rack by rack, as a recorded operation at its first step;
   * a Wait when the datacenter of that node has another node that is not ready; null when no node needs it.
   *
   * <p>A node that needs a restart and reports itself drained (by a restart that was interrupted) goes first: it
   * serves nothing until it restarts, so restarting it takes nothing more down, and any other node of its
   * datacenter would wait for it forever (RandomizedOperationsTest found a rolling restart stuck so: dc2-r1-0
   * waiting for dc2-r2-0, drained and itself waiting for its restart). A node that is only unreachable is not: it may still serve, and the
   * others wait for it as before (RestartIT).
   */
  static Step nextRestart(ClusterState state, Operation current) {
    List<KnownNode> candidates = state.known().stream()
        .filter(n -> state.factsOf(n.name()).restartReason() != null)
        .sorted(Comparator.comparingInt((KnownNode n) -> state.factsOf(n.name()).drained() ? 0 : 1)
            .thenComparingInt((KnownNode n) -> state.datacenterIndex(n.id().datacenter()))
            .thenComparing(KnownNode::id, NodeId.ORDER))
        .toList();
    if (candidates.isEmpty()) {
      return null;
    }
    KnownNode node = candidates.get(0);
    NodeFacts facts = state.factsOf(node.name());
    String dc = node.id().datacenter();
    List<String> blocking = SafetyRules.notReadyOthers(state, dc, node.name());
    OperationKind kind = current != null ? current.kind()
        : facts.manualRestart() ? OperationKind.Restart : OperationKind.RollingRestart;
    List<String> pending = candidates.stream().map(KnownNode::name).toList();
    if (!blocking.isEmpty()) {
      String message = "restarting " + node.name() + " (" + facts.restartReason() + ") waits until every other node"
          + " of datacenter " + dc + " is up and normal; not ready: " + String.join(", ", blocking);
      return current == null ? new Step.Wait("RestartWaiting", message)
          : new Step.Await(current, "RestartWaiting", message);
    }
    OperationStep first = facts.health().isUp() ? OperationStep.Draining : OperationStep.Restarting;
    Operation op = new Operation(kind, dc, node.name(), first, null, 0, pending,
        current == null ? List.of() : current.done(), facts.restartReason(), null, state.now());
    return new Step.RecordOperation(op, null);
  }

  private static Step replace(ClusterState state, Operation op) {
    KnownNode node = state.node(op.node()).orElse(null);
    if (node == null) {
      return new Step.FinishOperation(op, null, "node " + op.node() + " is no longer recorded");
    }
    NodeFacts facts = state.factsOf(node.name());
    return switch (op.step()) {
      case DeletingPod -> facts.podExists() ? replaceDeletePod(state, op, node, facts)
          : new Step.RecordOperation(op.at(facts.volumeExists() ? OperationStep.DeletingVolume
              : OperationStep.Replacing, state.now()).withAddress(op.address()), null);
      case DeletingVolume -> facts.volumeExists() && SafetyRules.mayDeleteVolume(op, node.name())
          ? new Step.DeleteVolume(op, node.id())
          : new Step.RecordOperation(op.at(OperationStep.Replacing, state.now()).withAddress(op.address()), null);
      case Replacing -> !facts.podExists() ? new Step.CreateReplacement(op, node.id(), op.address())
          : facts.ready() ? replaced(state, op, node)
          : endHibernation(state, op, node, facts).orElseGet(() -> new Step.Await(op, "Replacing", "node "
              + node.name() + " starts empty with its tokens and streams its data from the other replicas ("
              + facts.health() + ")"));
      default -> throw new IllegalStateException("Replace has no step " + op.step());
    };
  }

  /** A replacement done: finished, or handing back the cleanup it set aside (its nodes still to clean up). */
  private static Step replaced(ClusterState state, Operation op, KnownNode node) {
    List<String> rest = op.pending().stream().filter(n -> state.node(n).isPresent() && !n.equals(node.name()))
        .toList();
    if (rest.isEmpty()) {
      return new Step.FinishOperation(op, null, "node " + node.name() + " was replaced");
    }
    String dc = state.node(rest.get(0)).map(k -> k.id().datacenter()).orElse(op.datacenter());
    return new Step.RecordOperation(new Operation(OperationKind.Cleanup, dc, null, null, null, 0, rest, List.of(),
        "node " + node.name() + " was replaced; the cleanup set aside for it resumes on " + String.join(", ", rest),
        null, state.now()), null);
  }

  /**
   * A replacement at the lost node's own address whose attempt failed stays hibernating in its peers' gossip, and
   * they never gossip with it again: every later start fails ("Unable to contact any seeds", CASSANDRA-19580; seen
   * in ChaosE2E). While its process is gone, each peer that still holds it so is asked to mark it shut down.
   */
  private static java.util.Optional<Step> endHibernation(ClusterState state, Operation op, KnownNode node,
      NodeFacts facts) {
    // Only a replacement at its predecessor's address hibernates (one at another address announces BOOT_REPLACE,
    // not a dead state), so what a peer reports is the whole condition.
    String peer = facts.hibernatingAt();
    if (peer == null || facts.address() == null) {
      return java.util.Optional.empty();
    }
    return state.node(peer).map(p -> new Step.EndHibernation(op.withMessage("node " + node.name() + " at "
        + facts.address() + " failed to join and is left hibernating in the gossip of " + peer + ", which no longer"
        + " gossips with it; asking " + peer + " to mark it shut down so that its next start finds the seeds"),
        p.id(), facts.address()));
  }

  /**
   * Deleting a replaced node's pod disrupts it if it still serves: only while the other nodes of its datacenter are
   * ready. Not those of the datacenter it is rebuilt from: the pod holds a replica of its own datacenter only (as for
   * a restart), and waiting for the source could wait forever for a source node whose own restart waits for this
   * operation to end (found by RandomizedOperationsTest, sequence seed -8820021774110489993).
   */
  private static Step replaceDeletePod(ClusterState state, Operation op, KnownNode node, NodeFacts facts) {
    if (facts.health().isUp()) {
      List<String> blocking = SafetyRules.notReadyOthers(state, op.datacenter(), node.name());
      if (!blocking.isEmpty()) {
        return new Step.Await(op, op.kind() + "Waiting", "replacing " + node.name() + " waits until every other node"
            + " of datacenter " + op.datacenter() + " is up and normal; not ready: " + String.join(", ", blocking));
      }
    }
    return new Step.DeletePod(op, node.id());
  }

  private static Step rebuild(ClusterState state, Operation op) {
    Rebuild rebuild = state.pendingRebuild(op.datacenter()).orElse(null);
    if (rebuild == null) {
      return new Step.FinishOperation(op, null, "datacenter " + op.datacenter() + " has no rebuild pending");
    }
    List<String> pending = op.pending().stream().filter(n -> state.node(n).isPresent()).toList();
    if (op.node() == null) {
      return pending.isEmpty()
          ? new Step.FinishOperation(op, null, "datacenter " + op.datacenter() + " rebuilt from " + rebuild.source()
              + ": " + op.done().size() + " nodes streamed their data")
          : nextNode(state, op, pending, OperationStep.Rebuilding, "rebuild");
    }
    // Retried without limit: unlike a cleanup, a rebuild cannot be skipped (the node would hold no data).
    return jobOnNode(state, op, pending, "rebuild", NodeJob.REBUILD, rebuild.source(), Integer.MAX_VALUE, null);
  }

  /**
   * An Await when another node of the operation's datacenter is not ready (or of the datacenter it is rebuilt from,
   * while it waits for its rebuild), else null.
   */
  private static Step waitForOthers(ClusterState state, Operation op, String node, String what) {
    List<String> blocking = SafetyRules.notReadyOthersOrSource(state, op.datacenter(), node);
    if (blocking.isEmpty()) {
      return null;
    }
    return new Step.Await(op, op.kind() + "Waiting", what + " waits until every other node of datacenter "
        + op.datacenter() + " is up and normal; not ready: " + String.join(", ", blocking));
  }

  private static String progress(JobFacts job) {
    if (job == null || job.progress() < 0) {
      return "";
    }
    return " (" + Math.round(job.progress() * 100) + "%)";
  }

}
