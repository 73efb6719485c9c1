package io.ringkeeper.operator.domain.plan;

import io.ringkeeper.operator.domain.model.Datacenter;
import io.ringkeeper.operator.domain.model.NodeId;
import io.ringkeeper.operator.domain.model.Topology;
import io.ringkeeper.operator.domain.tokens.NewNode;
import io.ringkeeper.operator.domain.tokens.RingNode;
import io.ringkeeper.operator.domain.tokens.TokenAllocator;
import io.ringkeeper.operator.domain.topology.RackPlacement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Decides the next step from a {@link ClusterState}. Pure: the same state gives the same plan.
 *
 * <p>Order of decisions:
 * <ol>
 *   <li>No node recorded yet (status refilled by {@link Adoption} first): a brand-new cluster, unless volumes of
 *       its nodes' names exist (then wait, {@link SafetyRules#volumesInTheWay}). Allocate every datacenter's tokens together (tokens unique
 *       across datacenters) and record them: {@link Step.AssignInitialTokens}.
 *   <li>Recorded nodes without a Pod whose volume survived (other than the operation's node): recreate them
 *       ({@link Step.CreateNodes}); before the ring formed, all missing nodes at once.
 *   <li>The ring has not formed yet: {@link Step.Wait}.
 *   <li>An operation is recorded in status, or one is visibly under way on the nodes ({@link InFlight}, when the
 *       record was lost): its next step ({@link OperationPlanner}).
 *   <li>Otherwise a new operation, at most one in the whole cluster, in this order: replace a lost node (it
 *       restores redundancy), scale a datacenter down or up (spec order; a datacenter with no node yet on a formed
 *       ring is added node by node and recorded for a rebuild), rebuild an added datacenter once it is complete
 *       and the keyspaces replicate to it, restart nodes whose configuration changed or that were asked to
 *       restart, then grow volumes ({@link #resize}: patch them, hold a refused one until its retry is due, wait
 *       for the storage class to expand them); else {@link Step.Idle}. spec.stopped starts a Hibernate operation
 *       before any of these, once no other runs; a node named fenced is fenced right after replacements
 *       ({@link Hibernation}).
 * </ol>
 * Every operation starts with a {@link Step.RecordOperation} (status only), so its first disruptive step runs in a
 * later reconcile with the operation already recorded. The rules each step relies on are in {@link SafetyRules}.
 */
public final class Planner {
  private final TokenAllocator allocator;
  private final OperationPlanner operations = new OperationPlanner();

  public Planner(TokenAllocator allocator) {
    this.allocator = Objects.requireNonNull(allocator, "allocator");
  }

  public Plan plan(ClusterState state) {
    List<Held> held = new ArrayList<>();
    if (state.access() != null) {
      held.addAll(state.access().problems());
    }
    if (state.known().isEmpty()) {
      List<String> taken = SafetyRules.volumesInTheWay(state);
      if (!taken.isEmpty()) {
        return new Plan(new Step.Wait("VolumesNotAdopted", "no node is recorded, but volumes "
            + String.join(", ", taken) + " exist and carry no record of their node that could be adopted; a new"
            + " cluster would start on their data with new tokens. Restore the cluster's status, or delete those"
            + " PersistentVolumeClaims (their data is lost) to start afresh"), held);
      }
      return new Plan(assignInitialTokens(state), held);
    }
    Operation op = state.operation();

    List<NodeId> toCreate = new ArrayList<>();
    for (KnownNode node : state.known()) {
      NodeFacts facts = state.factsOf(node.name());
      if (facts.podExists() || (op != null && node.name().equals(op.node()) && ownsPod(op))
          || Hibernation.keepsDown(op, node.name()) || (state.fenced(node.name()) && state.ringFormed())
          || (state.stopped() && state.ringFormed() && op == null)) {
        continue;
      }
      if (SafetyRules.mayStartWithRecordedTokens(state.ringFormed(), facts)) {
        toCreate.add(node.id());
      }
    }
    if (!toCreate.isEmpty()) {
      return new Plan(new Step.CreateNodes(toCreate), held);
    }
    if (!state.ringFormed()) {
      long normal = state.known().stream().filter(n -> state.factsOf(n.name()).normal()).count();
      return new Plan(new Step.Wait("NodesStarting",
          normal + " of " + state.known().size() + " nodes are up and normal; waiting for the rest to form the ring"),
          held);
    }
    if (op == null) {
      op = InFlight.infer(state);
    }
    if (state.stopped() && op == null) {
      return new Plan(new Step.RecordOperation(Hibernation.hibernate(state), null), held);
    }
    String hibernationWait = state.stopped() ? SafetyRules.hibernationMustWait(op) : null;
    if (hibernationWait != null) {
      held.add(Held.rechecked("HibernationWaiting", "spec.stopped: " + hibernationWait));
    }
    Step step = op != null ? operations.next(state, op) : null;
    if (step != null && (op.kind().restart() || op.kind() == OperationKind.ScaleDown
        || op.kind() == OperationKind.Cleanup)
        && replacement(state) instanceof Step.RecordOperation replace
        && yieldsToReplacement(state, op, step, replace.operation().node())) {
      // The restart waits for a node that only a replacement brings back, and the replacement would wait for the
      // restart to end: each would wait for the other forever (ChaosE2E found it: a node wiped and killed while
      // a rolling restart was about to drain another). The restart is set aside, nothing of it is down, and it is
      // planned again from what the nodes run once the replacement is done (the nodes it restarted need nothing).
      // A restart of the lost node itself yields at any step: deleting its pod would also drop the replace
      // annotation on it (CI, ChaosE2E seed 35).
      // A cleanup is not planned again from anything else (what the join left on the other nodes is not seen):
      // the replacement carries its nodes still to clean up, the replaced one left out (it starts empty and
      // streams only its own ranges), and hands them back to a Cleanup when it is done.
      Operation replacing = replace.operation();
      String lost = replacing.node();
      if (op.kind() == OperationKind.Cleanup) {
        replacing = replacing.withPending(op.pending().stream().filter(n -> !n.equals(lost)).toList());
      }
      return new Plan(new Step.RecordOperation(replacing.withMessage(replacing.message()
          + "; the " + op.kind() + " waiting for it is set aside and resumes after"), null), held);
    }
    // Roles are set when no operation is under way or the one under way waits: it takes nothing down. Not while
    // the cluster stops or starts: its nodes are going down.
    if ((op == null || step instanceof Step.Await) && (op == null || !op.kind().hibernation())) {
      Optional<Step> access = Access.next(state, held);
      if (access.isPresent()) {
        return new Plan(access.get(), held);
      }
    }
    if (step == null) {
      step = newOperation(state, held);
    }
    return new Plan(step, held, rebuildsAfter(state, step));
  }

  /**
   * The added datacenters to record after the step, or null when they stay as they are: the first node recorded in
   * a datacenter of a formed ring adds a pending rebuild; a finished Rebuild operation completes it.
   */
  static List<Rebuild> rebuildsAfter(ClusterState state, Step step) {
    if (step instanceof Step.RecordOperation r && r.add() != null && state.ringFormed()
        && state.knownIn(r.add().id().datacenter()).isEmpty()) {
      String dc = r.add().id().datacenter();
      List<Rebuild> result = new ArrayList<>(state.rebuilds());
      result.removeIf(x -> x.datacenter().equals(dc));
      result.add(new Rebuild(dc, rebuildSource(state, dc), null));
      return result;
    }
    if (step instanceof Step.FinishOperation f && f.finished().kind() == OperationKind.Rebuild) {
      return state.rebuilds().stream()
          .map(x -> x.datacenter().equals(f.finished().datacenter()) && x.pending()
              ? new Rebuild(x.datacenter(), x.source(), state.now()) : x)
          .toList();
    }
    return null;
  }

  /**
   * The datacenter a datacenter added to the running cluster streams its data from: the first other datacenter in
   * spec order that has nodes and is not waiting for a rebuild itself; null when there is none.
   */
  static String rebuildSource(ClusterState state, String datacenter) {
    return state.datacenters().stream().map(Datacenter::name)
        .filter(d -> !d.equals(datacenter))
        .filter(d -> !state.knownIn(d).isEmpty() && state.pendingRebuild(d).isEmpty())
        .findFirst().orElse(null);
  }

  /**
   * Whether the operation creates and deletes its node's pod itself. A node being cleaned up, or asked to
   * decommission but not yet leaving, whose pod disappeared is restored like any other node.
   */
  static boolean ownsPod(Operation op) {
    return switch (op.kind()) {
      case Cleanup, Rebuild -> false;
      case ScaleDown -> op.step() != OperationStep.Decommissioning || op.jobId() != null;
      default -> true;
    };
  }

  private Step newOperation(ClusterState state, List<Held> held) {
    Step replace = replacement(state);
    if (replace != null) {
      return replace;
    }
    Step fence = Hibernation.fence(state, held);
    if (fence != null) {
      return fence;
    }
    for (int i = 0; i < state.datacenters().size(); i++) {
      Step scale = scale(state, i, held);
      if (scale != null) {
        return scale;
      }
    }
    Step rebuild = rebuild(state, held);
    if (rebuild != null) {
      return rebuild;
    }
    Step restart = OperationPlanner.nextRestart(state, null);
    if (restart != null) {
      return restart;
    }
    Step resize = resize(state, held);
    return resize != null ? resize : new Step.Idle();
  }

  /**
   * Growing volumes to spec.storage.size: patch the volumes whose request is below it, except those whose last
   * attempt the API server refused and whose retry is not due yet (held, with the fix); else, while nothing is held,
   * wait for the volumes whose request is right but whose capacity has not grown yet (a held change is reported
   * first, the volumes still growing in its message). Null when every volume has its size.
   */
  static Step resize(ClusterState state, List<Held> held) {
    List<NodeId> due = new ArrayList<>();
    List<String> growing = new ArrayList<>();
    for (KnownNode node : sorted(state.known())) {
      NodeFacts facts = state.factsOf(node.name());
      if (!facts.volumeExists()) {
        continue;
      }
      VolumeResize.Refused refused = facts.resizeRefused();
      if (facts.volumeBelowSpec() && refused != null
          && !SafetyRules.retryDue(refused.at(), refused.attempts(), state.now())) {
        held.add(Held.rechecked("VolumeResizeHeld", "spec.storage.size: volume " + node.name() + " cannot grow to "
            + refused.size() + (refused.current() == null ? "" : " from " + refused.current())
            + ", the API server refused it ("
            + refused.attempts() + (refused.attempts() == 1 ? " attempt" : " attempts")
            + "): " + refused.message() + "; give the volume a storage class with allowVolumeExpansion: true, or set"
            + " spec.storage.size back" + (refused.current() == null ? "" : " to " + refused.current())
            + "; tried again after " + refused.at().plus(SafetyRules.retryDelay(refused.attempts()))));
      } else if (facts.volumeBelowSpec()) {
        due.add(node.id());
      } else if (facts.volumeGrowing() != null) {
        growing.add(node.name() + " " + facts.volumeGrowing().capacity() + " -> " + facts.volumeGrowing().wanted());
      }
    }
    if (!due.isEmpty()) {
      return new Step.ResizeVolumes(due);
    }
    if (growing.isEmpty()) {
      return null;
    }
    String message = "The storage class is expanding the volumes to spec.storage.size: " + String.join(", ", growing);
    if (!held.isEmpty()) {
      held.add(new Held("ResizingStorage", message));
      return null;
    }
    return new Step.Wait("ResizingStorage", message);
  }

  /**
   * Whether the operation under way may give way to the replacement of {@code replaced}: a restart that holds no
   * node down (between nodes, or about to drain one that still serves: not drained, no drain job asked), or one
   * whose own node is the one to replace (it waits for a node that cannot come back; replacing it takes nothing
   * more down), or a scale-down whose decommission was not asked yet, or a cleanup with no job running on a node
   * that can still finish it. Any other operation keeps its place: its node
   * may be half way through a step a replacement cannot undo.
   */
  static boolean yieldsToReplacement(ClusterState state, Operation op, Step step, String replaced) {
    if (op.kind() == OperationKind.Cleanup) {
      // Between nodes, or before its node's job was asked, it waits for every node of the datacenter to be ready,
      // so for a lost one too; a job on the lost node itself never ends (its data is gone). Nothing of a cleanup
      // is down, and the replacement carries the rest of it.
      return replaced.equals(op.node()) || step instanceof Step.Await && op.jobId() == null;
    }
    if (op.kind() == OperationKind.ScaleDown) {
      // Before its decommission was asked (or after a failed one, whose node is normal again), a scale-down waits
      // for every node of the datacenter to be normal, so for a lost one too; nothing of it is under way. Once its
      // node leaves, streaming is under way and it keeps its place. It is planned again from the spec's size once
      // the replacement is done.
      NodeFacts leaving = op.node() == null ? null : state.factsOf(op.node());
      return step instanceof Step.Await && op.step() == OperationStep.Decommissioning && op.jobId() == null
          && leaving != null && leaving.health() != NodeHealth.UP_LEAVING && !leaving.decommissioned();
    }
    if (!op.kind().restart()) {
      return false;
    }
    if (replaced.equals(op.node())) {
      return true; // at any step: deleting its old pod to restart it would drop the replace annotation with it
    }
    if (!(step instanceof Step.Await)) {
      return false;
    }
    if (op.node() == null) {
      return true;
    }
    NodeFacts facts = state.factsOf(op.node());
    return op.step() == OperationStep.Draining && op.jobId() == null && facts.podExists() && facts.health().isUp()
        && !facts.drained();
  }

  /** A node to replace: asked for by annotation, unschedulable too long, or whose volume is gone. */
  private static Step replacement(ClusterState state) {
    for (KnownNode node : sorted(state.known())) {
      NodeFacts facts = state.factsOf(node.name());
      String reason = SafetyRules.replaceReason(state.ringFormed(), facts);
      if (reason == null) {
        continue;
      }
      List<String> blocking = SafetyRules.notReadyOthers(state, node.id().datacenter(), node.name());
      if (!blocking.isEmpty()) {
        return new Step.Wait("ReplaceWaiting", "node " + node.name() + " is to be replaced (" + reason
            + "), which waits until every other node of datacenter " + node.id().datacenter() + " is up and normal;"
            + " not ready: " + String.join(", ", blocking));
      }
      Operation op = Operation.start(OperationKind.Replace, node.id().datacenter(), node.name(),
          OperationStep.DeletingPod, state.now()).withAddress(facts.address()).withMessage(reason);
      return new Step.RecordOperation(op, null);
    }
    return null;
  }

  private Step scale(ClusterState state, int index, List<Held> held) {
    Datacenter dc = state.datacenters().get(index);
    List<KnownNode> nodes = state.knownIn(dc.name());
    String field = "spec.datacenters[" + index + "]";
    if (nodes.isEmpty() && rebuildSource(state, dc.name()) == null) {
      held.add(new Held("DatacenterAddHeld", field + ": datacenter " + dc.name() + " cannot be added: no other"
          + " datacenter with nodes holds the data it would be rebuilt from"));
      return null;
    }
    if (dc.size() == nodes.size()) {
      return null;
    }
    if (dc.size() < nodes.size() && !SafetyRules.mayShrinkTo(dc.size(), dc.replicationFactor())) {
      held.add(new Held("ScaleDownHeld", field + ".size: " + dc.size() + " would take datacenter " + dc.name()
          + " below its replicationFactor " + dc.replicationFactor() + "; a datacenter never shrinks below its"
          + " replication factor: set size to at least " + dc.replicationFactor()));
      return null;
    }
    List<String> blocking = SafetyRules.notReadyOthersOrSource(state, dc.name(), null);
    boolean down = dc.size() < nodes.size();
    if (!blocking.isEmpty()) {
      return new Step.Wait(down ? "ScaleDownWaiting" : "ScaleUpWaiting", field + ".size asks for " + dc.size()
          + " nodes, the datacenter has " + nodes.size() + "; " + (down ? "decommissioning" : "adding")
          + " a node waits until every node of datacenter " + dc.name()
          + (nodes.isEmpty() || state.pendingRebuild(dc.name()).isPresent()
              ? " and of the datacenter it is rebuilt from" : "")
          + " is up and normal; not ready: "
          + String.join(", ", blocking));
    }
    List<RingNode> ring = nodes.stream().map(n -> new RingNode(n.name(), n.id().rack(), n.tokens())).toList();
    if (down) {
      RackPlacement.Removal removal = RackPlacement.nodeToRemove(ring, dc.rackNames(), dc.replicationFactor());
      Operation op = Operation.start(OperationKind.ScaleDown, dc.name(), removal.node(),
          OperationStep.Decommissioning, state.now());
      return new Step.RecordOperation(op, null);
    }
    String unconfirmed = SafetyRules.tokensUnconfirmed(state);
    if (unconfirmed != null) {
      return new Step.Wait("ScaleUpWaiting", field + ".size asks for " + dc.size() + " nodes, the datacenter has "
          + nodes.size() + "; adding a node waits: " + unconfirmed);
    }
    Map<String, Integer> perRack = new HashMap<>();
    nodes.forEach(n -> perRack.merge(n.id().rack(), 1, Integer::sum));
    String rack = RackPlacement.nextRack(dc.rackNames(), perRack);
    NodeId id = new NodeId(state.cluster(), dc.name(), rack, freeIndex(state, dc.name(), rack));
    Set<Long> inUse = new HashSet<>();
    state.known().forEach(n -> inUse.addAll(n.tokens()));
    List<Long> tokens = allocator.allocateNode(ring, new NewNode(id.name(), rack), state.numTokens(),
        dc.replicationFactor(), inUse);
    SafetyRules.checkAllocation(id.name(), tokens, state.numTokens(), inUse);
    Operation op = Operation.start(OperationKind.ScaleUp, dc.name(), id.name(), OperationStep.Bootstrapping,
        state.now());
    return new Step.RecordOperation(op, new KnownNode(id, tokens, false));
  }

  /**
   * The Rebuild of the first datacenter added to the running cluster that is complete (all its nodes recorded) and
   * ready, together with its source, once every user keyspace that replicates to the source replicates to it too
   * (the user altered them: until then a rebuild would stream nothing). Otherwise a held note that says what it
   * waits for, and null: a datacenter waiting for its keyspaces to be altered blocks no other operation.
   */
  private static Step rebuild(ClusterState state, List<Held> held) {
    for (Rebuild rebuild : state.rebuilds()) {
      Datacenter dc = state.datacenter(rebuild.datacenter()).orElse(null);
      if (!rebuild.pending() || dc == null || state.knownIn(dc.name()).size() != dc.size()) {
        continue;
      }
      String field = "spec.datacenters[" + state.datacenterIndex(dc.name()) + "]";
      List<String> blocking = SafetyRules.notReadyOthersOrSource(state, dc.name(), null);
      if (!blocking.isEmpty()) {
        held.add(Held.rechecked("RebuildWaiting", field + ": datacenter " + dc.name() + " is rebuilt from "
            + rebuild.source() + " once every node of both is up and normal; not ready: "
            + String.join(", ", blocking)));
        continue;
      }
      if (state.keyspaces() == null) {
        held.add(Held.rechecked("RebuildWaiting", field + ": datacenter " + dc.name() + " waits for its rebuild from "
            + rebuild.source() + "; no node answered with the keyspaces' replication yet, asked again shortly"));
        continue;
      }
      List<String> missing = state.keyspaces().stream()
          .filter(k -> !k.system() && k.replicatesTo(rebuild.source()) && !k.replicatesTo(dc.name()))
          .map(KeyspaceReplication::name).sorted().toList();
      if (!missing.isEmpty()) {
        held.add(Held.rechecked("RebuildWaiting", field + ": datacenter " + dc.name() + " has all its nodes and holds no"
            + " data yet; it is rebuilt from " + rebuild.source() + " once the keyspaces replicate to it: ALTER"
            + " KEYSPACE ... WITH replication = {'class': 'NetworkTopologyStrategy', '" + rebuild.source()
            + "': <rf>, '" + dc.name() + "': <rf>} for " + String.join(", ", missing)));
        continue;
      }
      List<String> nodes = sorted(state.knownIn(dc.name())).stream().map(KnownNode::name).toList();
      return new Step.RecordOperation(new Operation(OperationKind.Rebuild, dc.name(), null, null, null, 0, nodes,
          List.of(), "datacenter " + dc.name() + " streams its data from " + rebuild.source() + ", one node at a"
          + " time", null, state.now()), null);
    }
    return null;
  }

  /** The lowest index of the rack used by no recorded node and no volume (a retained volume holds old data). */
  static int freeIndex(ClusterState state, String datacenter, String rack) {
    Set<String> taken = new HashSet<>(state.volumes());
    state.known().forEach(n -> taken.add(n.name()));
    for (int i = 0; ; i++) {
      if (!taken.contains(new NodeId(state.cluster(), datacenter, rack, i).name())) {
        return i;
      }
    }
  }

  static List<KnownNode> sorted(List<KnownNode> nodes) {
    return nodes.stream().sorted(Comparator.comparing(KnownNode::id, NodeId.ORDER)).toList();
  }

  private Step assignInitialTokens(ClusterState state) {
    Map<NodeId, List<Long>> assigned = new LinkedHashMap<>();
    Set<Long> inUse = new HashSet<>();
    for (Datacenter dc : state.datacenters()) {
      List<NodeId> nodes = Topology.initialNodes(state.cluster(), dc);
      List<NewNode> request = nodes.stream().map(n -> new NewNode(n.name(), n.rack())).toList();
      Map<String, List<Long>> tokens =
          allocator.allocateNewDatacenter(request, state.numTokens(), dc.replicationFactor(), Set.copyOf(inUse));
      for (NodeId node : nodes) {
        List<Long> nodeTokens = tokens.get(node.name());
        SafetyRules.checkAllocation(node.name(), nodeTokens, state.numTokens(), inUse);
        inUse.addAll(nodeTokens);
        assigned.put(node, nodeTokens);
      }
    }
    return new Step.AssignInitialTokens(assigned);
  }
}
