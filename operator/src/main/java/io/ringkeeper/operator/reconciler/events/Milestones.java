package io.ringkeeper.operator.reconciler.events;

import io.fabric8.kubernetes.api.model.Condition;
import io.ringkeeper.api.v1alpha1.CassandraClusterStatus;
import io.ringkeeper.api.v1alpha1.NodeState;
import io.ringkeeper.api.v1alpha1.NodeStatus;
import io.ringkeeper.operator.domain.model.NodeId;
import io.ringkeeper.operator.domain.plan.Adoption;
import io.ringkeeper.operator.domain.plan.Step;
import io.ringkeeper.operator.reconciler.status.Conditions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The events a reconcile records, derived from what it did and from how status changed. Derived from
 * transitions only, so a reconcile that changes nothing records nothing.
 */
public final class Milestones {
  private Milestones() {}

  /**
   * @param before the status before this reconcile (may be null)
   * @param after the status this reconcile computed
   * @param applied the step carried out, or null when none was (invalid spec)
   */
  public static List<ClusterEvent> of(CassandraClusterStatus before, CassandraClusterStatus after, Step applied) {
    List<ClusterEvent> events = new ArrayList<>(forStep(applied));
    events.addAll(forTransition(before, after));
    return events;
  }

  /**
   * Events for nodes adopted from what outlived status (Normal Adopted), and for a volume's record the node
   * contradicted (Warning IdentityDisagreement), and for the volumes found beside them that could not be adopted
   * (Warning AdoptionImpossible). A node confirming the record it was adopted with says nothing.
   *
   * @param recorded whether a node was already in status before this reconcile
   */
  public static List<ClusterEvent> forAdoption(Adoption.Result result, Predicate<String> recorded) {
    List<ClusterEvent> events = new ArrayList<>();
    boolean adoptedNow = false;
    for (Adoption.Adopted a : result.adopted()) {
      String node = a.node().name();
      if (!recorded.test(node)) {
        adoptedNow = true;
        events.add(ClusterEvent.normal("Adopted", node, "Adopted node " + node + " with the "
            + a.node().tokens().size() + " tokens " + ("node".equals(a.from()) ? "it reports holding"
            : "its volume records") + "; status had no record of it (lost or re-created)"));
      }
      if (a.disagreement() != null) {
        events.add(ClusterEvent.warning("IdentityDisagreement", node, a.disagreement()
            + " (nothing is restarted for it)"));
      }
    }
    // Said once, with the adoption that found it (with no node recorded at all the plan waits and says it).
    if (!adoptedNow) {
      return events;
    }
    result.unadoptable().forEach(why -> events.add(ClusterEvent.warning("AdoptionImpossible", "", why
        + "; its name stays taken and it gets no new tokens: restore the status or delete the claim")));
    return events;
  }

  /** Events for what a step did. */
  public static List<ClusterEvent> forStep(Step applied) {
    List<ClusterEvent> events = new ArrayList<>();
    if (applied instanceof Step.AssignInitialTokens s) {
      long dcs = s.tokens().keySet().stream().map(NodeId::datacenter).distinct().count();
      int perNode = s.tokens().values().stream().findFirst().map(List::size).orElse(0);
      events.add(ClusterEvent.normal("TokensAssigned", "", "Assigned " + perNode + " tokens to each of "
          + s.tokens().size() + " nodes in " + dcs + " datacenter" + (dcs == 1 ? "" : "s")
          + "; the nodes start together with auto_bootstrap false"));
    } else if (applied instanceof Step.CreateNodes s) {
      for (NodeId node : s.nodes()) {
        events.add(ClusterEvent.normal("NodeCreated", node.name(), "Created pod and volume of node " + node.name()));
      }
    }
    return events;
  }

  /** Events for how status changed. */
  public static List<ClusterEvent> forTransition(CassandraClusterStatus before, CassandraClusterStatus after) {
    List<ClusterEvent> events = new ArrayList<>();
    List<Condition> was = before == null ? List.of() : before.getConditions();
    List<Condition> now = after.getConditions();

    Optional<Condition> validNow = Conditions.find(now, Conditions.VALID);
    Optional<Condition> validWas = Conditions.find(was, Conditions.VALID);
    if (validNow.isPresent() && "False".equals(validNow.get().getStatus())
        && (validWas.isEmpty() || !"False".equals(validWas.get().getStatus())
            || !Objects.equals(validWas.get().getMessage(), validNow.get().getMessage()))) {
      // InvalidSpec, or the reason of a Secret the spec names (e.g. TlsSecretMissing).
      events.add(ClusterEvent.warning(validNow.get().getReason() == null ? "InvalidSpec" : validNow.get().getReason(),
          "", validNow.get().getMessage()));
    }
    if (validNow.isPresent() && "True".equals(validNow.get().getStatus()) && validWas.isPresent()
        && "False".equals(validWas.get().getStatus())) {
      events.add(ClusterEvent.normal("SpecValid", "", "The spec is valid again"));
    }

    if (!Boolean.TRUE.equals(before == null ? null : before.getRingFormed())
        && Boolean.TRUE.equals(after.getRingFormed())) {
      events.add(ClusterEvent.normal("RingFormed", "", "All " + after.getNodes().size()
          + " nodes created with the cluster are up and normal; the ring is formed"));
    }

    Map<String, NodeStatus> previousNodes = before == null ? Map.of()
        : before.getNodes().stream().collect(Collectors.toMap(NodeStatus::getName, Function.identity(), (a, b) -> a));
    for (NodeStatus node : after.getNodes()) {
      NodeStatus old = previousNodes.get(node.getName());
      NodeState oldState = old == null ? null : old.getState();
      if (node.getState() == NodeState.DN && oldState != NodeState.DN) {
        events.add(ClusterEvent.warning("NodeDown", node.getName(), "Node " + node.getName() + " is down"
            + (node.getMessage() == null ? "" : ": " + node.getMessage())));
      } else if (oldState == NodeState.DN && node.getState() == NodeState.UN) {
        events.add(ClusterEvent.normal("NodeUp", node.getName(), "Node " + node.getName() + " is up again"));
      }
    }

    Optional<Condition> degradedNow = Conditions.find(now, Conditions.DEGRADED);
    Optional<Condition> degradedWas = Conditions.find(was, Conditions.DEGRADED);
    if (degradedNow.isPresent() && "True".equals(degradedNow.get().getStatus())
        && !"NodesDown".equals(degradedNow.get().getReason()) && !"NodesNotReady".equals(degradedNow.get().getReason())
        && (degradedWas.isEmpty() || !Objects.equals(degradedWas.get().getReason(), degradedNow.get().getReason())
            || !Objects.equals(degradedWas.get().getMessage(), degradedNow.get().getMessage()))) {
      events.add(ClusterEvent.warning(degradedNow.get().getReason(), "", degradedNow.get().getMessage()));
    }

    Optional<Condition> progressingNow = Conditions.find(now, Conditions.PROGRESSING);
    Optional<Condition> progressingWas = Conditions.find(was, Conditions.PROGRESSING);
    if (progressingNow.isPresent() && progressingNow.get().getReason().endsWith("Held")
        && (progressingWas.isEmpty() || !Objects.equals(progressingWas.get().getMessage(),
            progressingNow.get().getMessage()))) {
      events.add(ClusterEvent.warning(progressingNow.get().getReason(), "", progressingNow.get().getMessage()));
    }

    Optional<Condition> readyNow = Conditions.find(now, Conditions.READY);
    Optional<Condition> readyWas = Conditions.find(was, Conditions.READY);
    if (readyNow.isPresent() && "True".equals(readyNow.get().getStatus())
        && (readyWas.isEmpty() || !"True".equals(readyWas.get().getStatus()))) {
      events.add(ClusterEvent.normal("ClusterReady", "", readyNow.get().getMessage()));
    }
    return events;
  }
}
