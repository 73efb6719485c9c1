package io.ringkeeper.operator.domain.plan;

import io.ringkeeper.operator.domain.model.Datacenter;
import io.ringkeeper.operator.domain.model.NodeId;
import io.ringkeeper.operator.domain.model.Topology;
import io.ringkeeper.operator.domain.tokens.NewNode;
import io.ringkeeper.operator.domain.tokens.TokenAllocator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Decides the next step from a {@link ClusterState}. Pure: the same state gives the same plan.
 *
 * <p>Order of decisions:
 * <ol>
 *   <li>No node recorded yet: a brand-new cluster. Allocate every datacenter's tokens together (tokens unique
 *       across datacenters) and record them: {@link Step.AssignInitialTokens}.
 *   <li>Recorded nodes without a Pod: create them ({@link Step.CreateNodes}); before the ring formed all of them
 *       at once, afterwards only those whose volume survived (see {@link SafetyRules}).
 *   <li>The ring has not formed yet: {@link Step.Wait}.
 *   <li>Otherwise {@link Step.Idle}.
 * </ol>
 * Differences between spec and recorded nodes that this version does not act on (size changes, new
 * datacenters, lost volumes) are returned as {@link Held} so status can say so. Issue 7 turns the size
 * differences into ScaleUp/ScaleDown steps here.
 */
public final class Planner {
  private final TokenAllocator allocator;

  public Planner(TokenAllocator allocator) {
    this.allocator = Objects.requireNonNull(allocator, "allocator");
  }

  public Plan plan(ClusterState state) {
    List<Held> held = new ArrayList<>();
    if (state.known().isEmpty()) {
      return new Plan(assignInitialTokens(state), held);
    }

    List<NodeId> toCreate = new ArrayList<>();
    for (KnownNode node : state.known()) {
      NodeFacts facts = state.factsOf(node.name());
      if (facts.podExists()) {
        continue;
      }
      if (SafetyRules.mayStartWithRecordedTokens(state.ringFormed(), facts)) {
        toCreate.add(node.id());
      } else {
        held.add(new Held("NodeVolumeLost", "node " + node.name() + " has neither a Pod nor its volume; it"
            + " stays down rather than start empty with its old tokens (it would answer reads for ranges whose"
            + " data it does not have). Restore PVC " + node.name() + ", or wait for node replacement support"));
      }
    }
    held.addAll(sizeDifferences(state));

    if (!toCreate.isEmpty()) {
      return new Plan(new Step.CreateNodes(toCreate), held);
    }
    if (!state.ringFormed()) {
      long normal = state.known().stream()
          .filter(n -> state.factsOf(n.name()).health() == NodeHealth.UP_NORMAL)
          .count();
      return new Plan(new Step.Wait("NodesStarting",
          normal + " of " + state.known().size() + " nodes are up and normal; waiting for the rest to form the ring"),
          held);
    }
    return new Plan(new Step.Idle(), held);
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

  private static List<Held> sizeDifferences(ClusterState state) {
    List<Held> held = new ArrayList<>();
    for (int i = 0; i < state.datacenters().size(); i++) {
      Datacenter dc = state.datacenters().get(i);
      int recorded = state.knownIn(dc.name()).size();
      String field = "spec.datacenters[" + i + "]";
      if (recorded == 0) {
        held.add(new Held("DatacenterAddHeld", field + ": datacenter " + dc.name() + " is not part of the running"
            + " cluster; adding a datacenter to an existing cluster is not supported yet, remove it from the spec"));
      } else if (dc.size() > recorded) {
        held.add(new Held("ScaleUpHeld", field + ".size: asks for " + dc.size() + " nodes, the datacenter has "
            + recorded + "; adding nodes is not supported yet, set size back to " + recorded));
      } else if (dc.size() < recorded) {
        held.add(new Held("ScaleDownHeld", field + ".size: asks for " + dc.size() + " nodes, the datacenter has "
            + recorded + "; removing nodes is not supported yet, set size back to " + recorded));
      }
    }
    return held;
  }
}
