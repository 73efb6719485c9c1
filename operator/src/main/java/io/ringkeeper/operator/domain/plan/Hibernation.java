package io.ringkeeper.operator.domain.plan;

import java.util.ArrayList;
import java.util.List;

/**
 * Taking nodes out of service and back: hibernation of the whole cluster (spec.stopped) and fencing of one node.
 *
 * <ul>
 *   <li>Hibernate: once no other operation runs ({@link SafetyRules#hibernationMustWait}), every node with a pod, in
 *       node order, is drained through its agent (a failed drain is tried {@value OperationPlanner#MAX_DRAIN_ATTEMPTS}
 *       times, then the pod is deleted anyway: Cassandra drains on SIGTERM) and its pod deleted; the next node starts
 *       once the pod is gone. Volumes and the recorded tokens stay. When every node is stopped the operation stays
 *       recorded at step Stopped, so nothing else starts (no scale, restart, repair or node task) and an operator
 *       restart finds the cluster stopped on purpose and re-creates nothing.
 *   <li>Wake (spec.stopped false, during or after a hibernation): the stopped nodes that are not fenced, in node
 *       order, get their pod again with their volume and tokens; the next starts once it is ready. A node drained by
 *       an interrupted hibernation whose pod still exists is restarted (a drained node serves nothing). Setting
 *       spec.stopped again during a wake hibernates the nodes that run.
 *   <li>Fence: a node named in the fenced annotation whose pod runs is drained and its pod deleted, only while no
 *       other node of its datacenter is fenced or not ready ({@link SafetyRules#fenceRefusal}); else the request is
 *       held and reported. While named it is not re-created; once unnamed the planner re-creates it like any node
 *       whose pod disappeared while its volume survived.
 * </ul>
 */
final class Hibernation {
  private Hibernation() {}

  /** Whether the operation keeps this recorded node without a pod (so the planner does not re-create it). */
  static boolean keepsDown(Operation op, String node) {
    if (op == null) {
      return false;
    }
    return switch (op.kind()) {
      case Hibernate -> true;
      case Wake -> op.pending().contains(node) && !node.equals(op.node());
      default -> false;
    };
  }

  /** A new Hibernate operation: the nodes that run, in order; those already without a pod count as stopped. */
  static Operation hibernate(ClusterState state) {
    List<String> running = new ArrayList<>();
    List<String> stopped = new ArrayList<>();
    for (KnownNode node : Planner.sorted(state.known())) {
      (state.factsOf(node.name()).podExists() ? running : stopped).add(node.name());
    }
    String first = running.isEmpty() ? null : running.get(0);
    return new Operation(OperationKind.Hibernate, datacenter(state), first,
        first == null ? OperationStep.Stopped : OperationStep.Draining, null, 0, running, stopped,
        "spec.stopped: every node is drained and stopped, one at a time; volumes and tokens are kept", null,
        state.now());
  }

  /** A new Wake operation: the nodes without a pod or drained, not fenced, in order; null when there is none. */
  static Operation wake(ClusterState state) {
    List<String> toStart = new ArrayList<>();
    for (KnownNode node : Planner.sorted(state.known())) {
      NodeFacts facts = state.factsOf(node.name());
      if (!state.fenced(node.name()) && facts.volumeExists() && (!facts.podExists() || facts.drained())) {
        toStart.add(node.name());
      }
    }
    if (toStart.isEmpty()) {
      return null;
    }
    return new Operation(OperationKind.Wake, datacenter(state), toStart.get(0), OperationStep.Starting, null, 0,
        toStart, List.of(), "spec.stopped is false: the stopped nodes start again, one at a time, with their volumes"
        + " and tokens", null, state.now());
  }

  static Step nextHibernate(ClusterState state, Operation op) {
    if (!state.stopped()) {
      Operation wake = wake(state);
      return wake != null ? new Step.RecordOperation(wake, null)
          : new Step.FinishOperation(op, null, "spec.stopped is false; every node runs");
    }
    if (op.node() == null) {
      List<String> running = state.known().stream().map(KnownNode::name)
          .filter(n -> state.factsOf(n).podExists()).toList();
      if (!running.isEmpty()) {
        // A pod came back (created by hand): stopped too.
        return new Step.RecordOperation(hibernate(state), null);
      }
      return new Step.Await(op, "Stopped", "the cluster is stopped (spec.stopped): " + op.done().size()
          + " nodes stopped, their volumes and tokens kept; set spec.stopped to false to start them again");
    }
    return stopNode(state, op, () -> {
      List<String> rest = op.pending().stream().filter(n -> !n.equals(op.node()))
          .filter(n -> state.node(n).isPresent()).toList();
      String next = rest.isEmpty() ? null : rest.get(0);
      return new Step.RecordOperation(op.nodeDone(next, next == null ? OperationStep.Stopped
          : OperationStep.Draining, rest, state.now()), null);
    });
  }

  static Step nextWake(ClusterState state, Operation op) {
    if (state.stopped()) {
      return new Step.RecordOperation(hibernate(state), null);
    }
    KnownNode node = op.node() == null ? null : state.node(op.node()).orElse(null);
    List<String> rest = op.pending().stream().filter(n -> !n.equals(op.node()))
        .filter(n -> state.node(n).isPresent() && !state.fenced(n)).toList();
    if (node == null || state.fenced(node.name())) {
      return rest.isEmpty()
          ? new Step.FinishOperation(op, null, "started " + op.done().size() + " nodes again")
          : new Step.RecordOperation(op.nodeDone(rest.get(0), OperationStep.Starting, rest, state.now()), null);
    }
    NodeFacts facts = state.factsOf(node.name());
    if (facts.podExists() && facts.drained()) {
      return new Step.DeletePod(op, node.id());
    }
    if (!facts.podExists()) {
      return new Step.CreateNode(op, node.id());
    }
    if (!facts.ready()) {
      return new Step.Await(op, "Starting", "node " + node.name() + " starts again with its volume and tokens ("
          + facts.health() + ")");
    }
    return rest.isEmpty()
        ? new Step.FinishOperation(op, null, "started " + (op.done().size() + 1) + " nodes again")
        : new Step.RecordOperation(op.nodeDone(rest.get(0), OperationStep.Starting, rest, state.now()), null);
  }

  /**
   * The first node named fenced whose pod runs, as a recorded Fence operation when {@link SafetyRules#fenceRefusal}
   * allows it (else held with the reason); fenced names of no recorded node are held too. Null when there is none.
   */
  static Step fence(ClusterState state, List<Held> held) {
    for (String name : state.intents().fenced().stream().sorted().toList()) {
      if (state.node(name).isEmpty()) {
        held.add(new Held("FenceRefused", "metadata.annotations[ringkeeper.io/fenced]: no node " + name
            + " in this cluster; name a node of status.nodes"));
      }
    }
    for (KnownNode node : Planner.sorted(state.known())) {
      if (!state.fenced(node.name()) || !state.factsOf(node.name()).podExists()) {
        continue;
      }
      String refusal = SafetyRules.fenceRefusal(state, node.name());
      if (refusal != null) {
        held.add(Held.rechecked("FenceRefused", "fencing " + node.name() + " is refused: " + refusal
            + "; unfence the other node first, or remove " + node.name() + " from the annotation"));
        continue;
      }
      return new Step.RecordOperation(Operation.start(OperationKind.Fence, node.id().datacenter(), node.name(),
          OperationStep.Draining, state.now()).withMessage("node " + node.name() + " is fenced: it is drained and"
          + " its pod stopped; its volume and tokens are kept"), null);
    }
    return null;
  }

  static Step nextFence(ClusterState state, Operation op) {
    KnownNode node = state.node(op.node()).orElse(null);
    if (node == null) {
      return new Step.FinishOperation(op, null, "node " + op.node() + " is no longer recorded");
    }
    if (!state.fenced(node.name()) && op.step() == OperationStep.Draining && op.jobId() == null) {
      return new Step.FinishOperation(op, null, "node " + node.name() + " is no longer named fenced; nothing was"
          + " changed");
    }
    if (op.step() == OperationStep.Draining && op.jobId() == null && state.factsOf(node.name()).podExists()) {
      String refusal = SafetyRules.fenceRefusal(state, node.name());
      if (refusal != null) {
        return new Step.FinishOperation(op, null, "fencing " + node.name() + " is refused: " + refusal);
      }
    }
    return stopNode(state, op, () -> new Step.FinishOperation(op, null, "node " + node.name() + " is fenced: its"
        + " pod is stopped, its volume and tokens kept; remove it from the annotation to start it again"));
  }

  /** Drains the operation's node, then deletes its pod; {@code stopped} once the pod is gone. */
  private static Step stopNode(ClusterState state, Operation op, java.util.function.Supplier<Step> stopped) {
    KnownNode node = state.node(op.node()).orElse(null);
    if (node == null) {
      return stopped.get();
    }
    NodeFacts facts = state.factsOf(node.name());
    if (op.step() == OperationStep.Draining) {
      JobFacts job = op.jobId() == null ? null : state.job();
      boolean drained = facts.drained() || (job != null && job.outcome() == JobFacts.Outcome.SUCCEEDED);
      if (!facts.podExists() || drained || !facts.health().isUp()) {
        return new Step.RecordOperation(op.at(OperationStep.DeletingPod, state.now()), null);
      }
      if (op.jobId() == null) {
        return new Step.StartJob(op, node.id(), NodeJob.DRAIN);
      }
      if (job != null && (job.outcome() == JobFacts.Outcome.FAILED || job.outcome() == JobFacts.Outcome.NOT_FOUND)) {
        String why = job.outcome() == JobFacts.Outcome.FAILED ? job.message() : "the node lost the drain job";
        return op.attempts() + 1 >= OperationPlanner.MAX_DRAIN_ATTEMPTS
            ? new Step.RecordOperation(op.at(OperationStep.DeletingPod, state.now()).withMessage("drain failed ("
                + why + "); stopping anyway, Cassandra drains on SIGTERM"), null)
            : new Step.RecordOperation(op.failed(why, state.now()), null);
      }
      return new Step.Await(op, "Draining", "node " + node.name() + " is draining before it stops");
    }
    return facts.podExists() ? new Step.DeletePod(op, node.id()) : stopped.get();
  }

  /** The datacenter a cluster-wide operation is recorded with: the first of the spec. */
  private static String datacenter(ClusterState state) {
    return state.datacenters().isEmpty() ? "" : state.datacenters().get(0).name();
  }
}
