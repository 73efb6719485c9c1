package io.ringkeeper.operator.domain.plan;

import io.ringkeeper.operator.domain.model.Datacenter;
import io.ringkeeper.operator.domain.model.NodeId;
import io.ringkeeper.operator.domain.model.Topology;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rules that keep a cluster's data safe, as small predicates the {@link Planner} relies on. Each has a test
 * named as the sentence it guarantees (SafetyRulesTest, PlannerTest).
 *
 * <p>Rules of this version:
 * <ul>
 *   <li>A node's Pod is created only after its tokens are recorded in status (the planner creates only recorded
 *       nodes), so an operator restart never re-allocates a started node's tokens.
 *   <li>A recorded node keeps its tokens for life: the planner allocates only when nothing is recorded.
 *   <li>Tokens are unique across the whole cluster, and every node gets exactly numTokens of them.
 *   <li>A node whose volume is gone after the ring formed is never started again with its old tokens and an
 *       empty disk: it would answer reads for ranges whose data it does not have.
 *   <li>A brand-new cluster's nodes are created together (they start with auto_bootstrap false in an empty
 *       ring, so no streaming and no join serialization is needed).
 * </ul>
 * Rules of a lost or re-created status ({@link Adoption}):
 * <ul>
 *   <li>A volume that holds a node's data is never given new tokens: it is adopted with the tokens its node holds,
 *       or its name stays taken ({@link #volumesInTheWay}, {@link Planner#freeIndex}).
 *   <li>A node adopted from its volume's record takes the tokens the node itself reports once it runs; nothing is
 *       restarted for it.
 *   <li>No new node's tokens are chosen while a recorded node's tokens come only from its volume's record, or a token
 *       is recorded for two nodes: {@link #tokensUnconfirmed}.
 *   <li>An operation visibly under way on the nodes is finished or waited for before any other starts
 *       ({@link InFlight}).
 * </ul>
 * Rules of the day-2 operations:
 * <ul>
 *   <li>At most one operation runs in the whole cluster, so at most one node of a datacenter is joining, leaving,
 *       restarting or being replaced at a time; it is recorded in status before its first disruptive step.
 *   <li>Nothing disruptive starts while another node of the datacenter is not ready (up, normal, seen by its
 *       peers): {@link #notReadyOthers}. Replacing that very node is the exception.
 *   <li>A datacenter never shrinks below its replication factor: {@link #mayShrinkTo}.
 *   <li>A node is decommissioned before its pod is deleted, and its volume is deleted only after that, only with
 *       storage.reclaim Delete, or when the node is being replaced: {@link #mayDeleteVolume}.
 *   <li>A failed step is retried only after a growing delay: {@link #retryDue}. So is a volume resize the API server
 *       refused (the refusal is recorded on the volume, so an operator restart keeps the delay).
 *   <li>A datacenter added to a running cluster grows and is rebuilt only while the datacenter it streams from is
 *       ready too: {@link #notReadyOthersOrSource}; each of its nodes is rebuilt once (status.rebuilds and
 *       status.operation.done record it).
 * </ul>
 * Rules of taking nodes out of service ({@link Hibernation}):
 * <ul>
 *   <li>A node is never fenced while another replica of its ranges is down: no other node of its datacenter is
 *       fenced or not ready ({@link #fenceRefusal}); the request is reported and nothing changes.
 *   <li>Hibernation never interrupts a running operation (a decommission, a join, a replacement, a rebuild would be
 *       left half done): it starts once the operation ended ({@link #hibernationMustWait}).
 *   <li>A stopped or fenced node keeps its volume and its recorded tokens; it is started again only on them.
 * </ul>
 * Rules of upkeep (the upkeep planner, domain.upkeep):
 * <ul>
 *   <li>A node task's job starts on a node only while no cluster operation runs and every node of the node's
 *       datacenter is up: {@link #upkeepMustWait}. Its runs go one node at a time.
 * </ul>
 */
public final class SafetyRules {
  private SafetyRules() {}

  /**
   * Whether a recorded node without a Pod may be (re)started with its recorded tokens: always before the ring
   * formed (nothing has been written yet), afterwards only when its volume still holds its data.
   */
  public static boolean mayStartWithRecordedTokens(boolean ringFormed, NodeFacts facts) {
    return !ringFormed || facts.volumeExists();
  }

  /**
   * The nodes a brand-new cluster would create whose volumes already exist (their names are taken by data the
   * operator could not adopt); empty when a new cluster may start.
   */
  public static List<String> volumesInTheWay(ClusterState state) {
    List<String> taken = new ArrayList<>();
    for (Datacenter dc : state.datacenters()) {
      for (NodeId id : Topology.initialNodes(state.cluster(), dc)) {
        if (state.volumes().contains(id.name())) {
          taken.add(id.name());
        }
      }
    }
    return taken;
  }

  /**
   * Checks an allocation before it is recorded: exactly {@code numTokens} distinct tokens, none already used by
   * another node of the cluster.
   *
   * @throws IllegalStateException when the allocator broke its contract (a bug, never user input)
   */
  public static void checkAllocation(String node, List<Long> tokens, int numTokens, Set<Long> inUse) {
    if (tokens == null || tokens.size() != numTokens) {
      throw new IllegalStateException("the token allocator gave node " + node + " "
          + (tokens == null ? "no" : tokens.size()) + " tokens, expected " + numTokens);
    }
    Set<Long> distinct = new HashSet<>(tokens);
    if (distinct.size() != tokens.size()) {
      throw new IllegalStateException("the token allocator gave node " + node + " duplicate tokens");
    }
    for (Long token : tokens) {
      if (inUse.contains(token)) {
        throw new IllegalStateException("the token allocator gave node " + node + " token " + token
            + " which another node already holds");
      }
    }
  }

  /**
   * The nodes of the datacenter, other than {@code except}, that are not ready (up, normal, serving, seen up by
   * their peers), each with its state; empty when a disruptive step may start.
   */
  public static List<String> notReadyOthers(ClusterState state, String datacenter, String except) {
    return Planner.sorted(state.knownIn(datacenter)).stream()
        .filter(n -> !n.name().equals(except))
        .filter(n -> !state.factsOf(n.name()).ready())
        .map(n -> n.name() + " (" + state.factsOf(n.name()).health() + ")")
        .toList();
  }

  /**
   * {@link #notReadyOthers} of the datacenter and, while it is a datacenter added to the running cluster that waits
   * for its rebuild (or is about to be added: no node yet), of the datacenter its nodes join and stream from too.
   */
  public static List<String> notReadyOthersOrSource(ClusterState state, String datacenter, String except) {
    List<String> blocking = new ArrayList<>(notReadyOthers(state, datacenter, except));
    String source = state.pendingRebuild(datacenter).map(Rebuild::source)
        .orElse(state.knownIn(datacenter).isEmpty() ? Planner.rebuildSource(state, datacenter) : null);
    if (source != null) {
      blocking.addAll(notReadyOthers(state, source, except));
    }
    return blocking;
  }

  /**
   * Why no new node's tokens may be chosen yet, or null when they may: a token is chosen beside every recorded
   * node's tokens, so each must be what that node holds. Tokens re-learned from a volume's record after status was
   * lost are a claim until the node reports them (a record edited by hand, or written before the node's last move,
   * would leave the tokens it really holds looking free), and a token recorded for two nodes means one record is
   * wrong. Cassandra refuses to bootstrap onto a held token, so a wrong choice would leave the new node failing.
   */
  public static String tokensUnconfirmed(ClusterState state) {
    List<String> unconfirmed = Planner.sorted(state.known()).stream()
        .filter(n -> n.identity() == KnownNode.Identity.VOLUME).map(KnownNode::name).toList();
    if (!unconfirmed.isEmpty()) {
      return "the tokens of " + String.join(", ", unconfirmed) + " come from their volumes' records only (status"
          + " was lost); they are checked once those nodes run and report them";
    }
    Map<Long, String> owners = new HashMap<>();
    for (KnownNode n : Planner.sorted(state.known())) {
      for (Long t : n.tokens()) {
        String before = owners.put(t, n.name());
        if (before != null) {
          return "token " + t + " is recorded for both " + before + " and " + n.name() + "; the nodes' own reports"
              + " settle which holds it";
        }
      }
    }
    return null;
  }

  /** Whether a datacenter may shrink to {@code size} nodes: never below its replication factor. */
  public static boolean mayShrinkTo(int size, int replicationFactor) {
    return size >= replicationFactor;
  }

  /**
   * Whether the operation may delete the node's volume: only a scale-down whose node decommissioned (the step
   * DeletingVolume is reached only from a decommissioned node whose pod is gone), or a replacement of the node.
   */
  public static boolean mayDeleteVolume(Operation op, String node) {
    if (op == null || !node.equals(op.node())) {
      return false;
    }
    return (op.kind() == OperationKind.ScaleDown && op.step() == OperationStep.DeletingVolume)
        || (op.kind() == OperationKind.Replace && op.step() == OperationStep.DeletingVolume);
  }

  /** Why a recorded node must be replaced, or null: asked for, unschedulable, or its volume is gone. */
  public static String replaceReason(boolean ringFormed, NodeFacts facts) {
    if (facts.replaceReason() != null) {
      return facts.replaceReason();
    }
    if (ringFormed && !facts.volumeExists()) {
      return "its volume is gone";
    }
    return null;
  }

  /** Delay before attempt {@code attempts + 1} of a failed step: 10 s, 20 s, 40 s, ... at most 10 minutes. */
  public static Duration retryDelay(int attempts) {
    if (attempts <= 0) {
      return Duration.ZERO;
    }
    return Duration.ofSeconds(Math.min(600, 10L << Math.min(attempts - 1, 10)));
  }

  /** Whether a failed step may be tried again now. */
  public static boolean retryDue(Operation op, Instant now) {
    return retryDue(op.since(), op.attempts(), now);
  }

  /** Whether something that failed {@code attempts} times in a row, the last time at {@code since}, is due again. */
  public static boolean retryDue(Instant since, int attempts, Instant now) {
    return !now.isBefore(since.plus(retryDelay(attempts)));
  }

  /**
   * Why upkeep work (a node task's job) may not start on a node of {@code datacenter} now, or null when it may: never
   * while a cluster operation (scale, restart, replace, ...) runs, and only while every node of the datacenter is up.
   *
   * @param notUp the nodes of the datacenter that are not up, normal and reachable
   */
  public static String upkeepMustWait(boolean operationInProgress, String datacenter, List<String> notUp) {
    if (operationInProgress) {
      return "a cluster operation is in progress";
    }
    if (!notUp.isEmpty()) {
      return "datacenter " + datacenter + " is not healthy (" + String.join(", ", notUp) + " not up)";
    }
    return null;
  }

  /**
   * Why the node may not be fenced now, or null when it may: fencing takes its replicas of every range it holds
   * down, so it is refused while another replica of those ranges may be down, that is while another node of its
   * datacenter is fenced or not ready (up, normal, seen up by its peers).
   */
  public static String fenceRefusal(ClusterState state, String node) {
    KnownNode known = state.node(node).orElse(null);
    if (known == null) {
      return "no node " + node + " is recorded in this cluster";
    }
    String dc = known.id().datacenter();
    List<String> fencedOthers = Planner.sorted(state.knownIn(dc)).stream().map(KnownNode::name)
        .filter(n -> !n.equals(node) && state.fenced(n) && !state.factsOf(n).podExists()).toList();
    if (!fencedOthers.isEmpty()) {
      return "node " + String.join(", ", fencedOthers) + " of datacenter " + dc + " is fenced already; fencing "
          + node + " too would take two replicas of its ranges down";
    }
    List<String> down = notReadyOthers(state, dc, node);
    if (!down.isEmpty()) {
      return "another node of datacenter " + dc + " is not ready (" + String.join(", ", down) + "); fencing " + node
          + " would take two replicas of its ranges down";
    }
    return null;
  }

  /**
   * Why hibernation may not start now, or null when it may: never in the middle of another operation, which would
   * be left half done (a node half decommissioned or joined, a replacement without its data).
   */
  public static String hibernationMustWait(Operation running) {
    if (running == null || running.kind().hibernation()) {
      return null;
    }
    return "the running " + running.kind() + " operation"
        + (running.node() == null ? " of datacenter " + running.datacenter() : " of node " + running.node())
        + " is never interrupted; the cluster hibernates once it ended";
  }
}
