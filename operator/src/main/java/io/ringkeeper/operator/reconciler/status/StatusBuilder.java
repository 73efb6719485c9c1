package io.ringkeeper.operator.reconciler.status;

import io.ringkeeper.api.v1alpha1.MaintenanceStatus;
import io.ringkeeper.api.v1alpha1.RepairStatus;
import io.ringkeeper.operator.reconciler.observe.StatusTimes;
import io.ringkeeper.operator.reconciler.observe.NodeView;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.CassandraClusterStatus;
import io.ringkeeper.api.v1alpha1.ClusterPhase;
import io.ringkeeper.api.v1alpha1.DatacenterRingStatus;
import io.ringkeeper.api.v1alpha1.DatacenterSpec;
import io.ringkeeper.api.v1alpha1.NodeStatus;
import io.ringkeeper.api.v1alpha1.OperationStatus;
import io.ringkeeper.api.v1alpha1.OperationType;
import io.ringkeeper.api.v1alpha1.RingStatus;
import io.ringkeeper.operator.domain.model.NodeId;
import io.ringkeeper.operator.domain.plan.Held;
import io.ringkeeper.operator.domain.plan.Access;
import io.ringkeeper.operator.domain.plan.KnownNode;
import io.ringkeeper.operator.domain.plan.NodeHealth;
import io.ringkeeper.operator.domain.plan.OperationStep;
import io.ringkeeper.operator.domain.plan.Plan;
import io.ringkeeper.operator.domain.plan.Step;
import io.ringkeeper.operator.domain.tokens.RingNode;
import io.ringkeeper.operator.domain.tokens.RingOwnership;
import io.ringkeeper.operator.node.NodeInfo;
import io.ringkeeper.operator.node.NodeObservation;
import io.ringkeeper.operator.reconciler.observe.ClusterMapper;
import io.ringkeeper.operator.reconciler.observe.ObservedState;
import io.ringkeeper.operator.reconciler.observe.OperationFacts;
import io.ringkeeper.operator.reconciler.observe.OperationRecords;
import io.ringkeeper.operator.domain.plan.Rebuild;
import io.ringkeeper.api.v1alpha1.RebuildStatus;
import io.ringkeeper.operator.reconciler.validate.Problem;
import io.ringkeeper.operator.resources.Labels;
import io.ringkeeper.operator.resources.SpecDefaults;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Builds a cluster's status from scratch each reconcile: the recorded nodes with what was observed of them,
 * ownership from their tokens, the four conditions and the phase. Given the same inputs it builds an equal
 * status, so the reconciler writes only when something changed.
 *
 * <p>Kept from the previous status: the recorded nodes and their tokens, the immutable values the cluster was
 * created with, ringFormed once true, lastTransitionTime of unchanged conditions, downSince, the added
 * datacenters (changed only by the plan), and what issues 7 and 8 own (other operations, repair, maintenance).
 */
public final class StatusBuilder {
  private StatusBuilder() {}

  /**
   * What the status is built from.
   *
   * @param cr the cluster with its previous status
   * @param observed caches and the last poll
   * @param problems validation problems; when not empty, nothing was planned
   * @param known recorded nodes, including those recorded by this reconcile
   * @param views per recorded node, how it was seen this reconcile
   * @param ringFormed whether the nodes created with the cluster formed the ring (now or earlier)
   * @param plan the plan carried out; null when the spec is invalid
   * @param now the reconcile's time
   * @param operation the day-2 operation to record (empty: none any more); null keeps the recorded one
   */
  public record Inputs(
      CassandraCluster cr,
      ObservedState observed,
      List<Problem> problems,
      List<KnownNode> known,
      Map<String, NodeView> views,
      boolean ringFormed,
      Plan plan,
      Instant now,
      Optional<OperationStatus> operation) {
    public Inputs {
      Objects.requireNonNull(cr, "cr");
      problems = List.copyOf(problems);
      known = List.copyOf(known);
      views = Map.copyOf(views);
    }

    /** Inputs that keep the recorded operation. */
    public Inputs(CassandraCluster cr, ObservedState observed, List<Problem> problems, List<KnownNode> known,
        Map<String, NodeView> views, boolean ringFormed, Plan plan, Instant now) {
      this(cr, observed, problems, known, views, ringFormed, plan, now, null);
    }
  }

  public static CassandraClusterStatus build(Inputs in) {
    CassandraCluster cr = in.cr();
    CassandraClusterStatus previous = cr.getStatus() == null ? new CassandraClusterStatus() : cr.getStatus();
    long generation = cr.getMetadata().getGeneration() == null ? 0 : cr.getMetadata().getGeneration();
    CassandraClusterStatus status = new CassandraClusterStatus();
    status.setObservedGeneration(generation);

    if (!in.known().isEmpty()) {
      status.setClusterName(previous.getClusterName() != null ? previous.getClusterName()
          : SpecDefaults.clusterName(cr));
      status.setNumTokens(previous.getNumTokens() != null ? previous.getNumTokens() : SpecDefaults.numTokens(cr));
      status.setRingFormed(in.ringFormed());
    }

    List<NodeStatus> nodes = nodes(in);
    status.setNodes(nodes);
    status.setRing(ring(cr, nodes));
    int desired = cr.getSpec().getDatacenters() == null ? 0
        : cr.getSpec().getDatacenters().stream().mapToInt(SpecDefaults::size).sum();
    int ready = (int) nodes.stream().filter(n -> Boolean.TRUE.equals(n.getReady())).count();
    status.setDesiredNodes(desired);
    status.setReadyNodes(ready);
    status.setReady(ready + "/" + desired);
    status.setOperation(operation(in, previous));
    status.setRepair(previous.getRepair());
    status.setMaintenance(previous.getMaintenance());
    status.setAccess(previous.getAccess());
    status.setRebuilds(rebuilds(in, previous));
    conditionsAndPhase(in, status, previous, generation);
    return status;
  }

  /**
   * status.rebuilds: as the plan changed them; else as recorded, with a pending rebuild the status had lost and the
   * volumes' records refilled (so that it shows, and the volumes created meanwhile record it too).
   */
  private static List<RebuildStatus> rebuilds(Inputs in, CassandraClusterStatus previous) {
    if (in.plan() == null) {
      return previous.getRebuilds();
    }
    if (in.plan().rebuilds() != null) {
      return OperationStatuses.write(in.plan().rebuilds());
    }
    if (in.observed() == null) {
      return previous.getRebuilds();
    }
    List<Rebuild> refilled = OperationRecords.rebuilds(in.cr(), in.observed());
    return refilled.size() > OperationRecords.rebuilds(in.cr()).size() ? OperationStatuses.write(refilled)
        : previous.getRebuilds();
  }

  /**
   * Puts what the upkeep step computed into the status just built: the repair and maintenance records, the
   * repair-overdue condition, and phase Repairing while a run goes on an otherwise ready cluster.
   */
  public static void withUpkeep(CassandraClusterStatus status, RepairStatus repair, MaintenanceStatus maintenance,
      Condition repairOverdue) {
    status.setRepair(repair);
    status.setMaintenance(maintenance);
    if (repairOverdue != null) {
      status.getConditions().add(repairOverdue);
    }
    if (repair != null && repair.getRunning() != null && status.getPhase() == ClusterPhase.Ready) {
      status.setPhase(ClusterPhase.Repairing);
    }
  }

  /** Puts the access record a {@code SetAccess} step produced into the status just built (null: keeps it). */
  public static void withAccess(CassandraClusterStatus status, io.ringkeeper.api.v1alpha1.AccessStatus access) {
    if (access != null) {
      status.setAccess(access);
    }
  }

  /**
   * The certificates of a cluster running TLS: status.tls and each node's certificateNotAfter (null: the cluster
   * runs no TLS, both are cleared).
   *
   * @param notAfter each node's certificate expiry by node name
   */
  public static void withTls(CassandraClusterStatus status, io.ringkeeper.api.v1alpha1.TlsStatus tls,
      Map<String, java.time.Instant> notAfter) {
    status.setTls(tls);
    if (status.getNodes() != null) {
      for (NodeStatus node : status.getNodes()) {
        java.time.Instant at = tls == null ? null : notAfter.get(node.getName());
        node.setCertificateNotAfter(at == null ? null : StatusTimes.format(at));
      }
    }
  }

  /** status.nodes[].message of a fenced node whose pod is stopped. */
  public static final String FENCED_MESSAGE = "fenced (" + Labels.FENCED + " on the cluster): drained and stopped,"
      + " volume and tokens kept; remove it from the annotation to start it again";

  private static List<NodeStatus> nodes(Inputs in) {
    CassandraCluster cr = in.cr();
    Map<String, List<RingNode>> members = new LinkedHashMap<>();
    for (KnownNode node : in.known()) {
      members.computeIfAbsent(node.id().datacenter(), d -> new ArrayList<>())
          .add(new RingNode(node.name(), node.id().rack(), node.tokens()));
    }
    Map<String, Double> ownership = new LinkedHashMap<>();
    members.forEach((dc, list) -> ownership.putAll(
        Ownerships.of(list, replicationFactor(cr, dc)).byNode()));

    Set<String> fenced = OperationFacts.fenced(cr);
    boolean stopped = Boolean.TRUE.equals(cr.getSpec().getStopped());
    List<NodeStatus> result = new ArrayList<>();
    List<KnownNode> ordered = in.known().stream()
        .sorted((a, b) -> NodeId.ORDER.compare(a.id(), b.id())).toList();
    for (KnownNode node : ordered) {
      NodeStatus previous = ClusterMapper.previous(cr, node.name()).orElse(null);
      NodeView view = in.views().get(node.name());
      Pod pod = in.observed().pods().get(node.name());
      NodeObservation observation = in.observed().nodes().get(node.name());
      NodeInfo info = observation != null && observation.answeredNow() ? observation.info() : null;

      NodeStatus entry = new NodeStatus();
      entry.setName(node.name());
      entry.setDatacenter(node.id().datacenter());
      entry.setRack(node.id().rack());
      entry.setTokens(node.tokens());
      entry.setInitial(node.initial());
      entry.setAdoptedFrom(ClusterMapper.adoptedFrom(node.identity()));
      entry.setOwnership(round(ownership.getOrDefault(node.name(), 0.0), 4));
      entry.setPodIP(pod == null || pod.getStatus() == null ? null : pod.getStatus().getPodIP());
      NodeHealth health = view == null ? NodeHealth.UNKNOWN : view.health();
      entry.setState(NodeStates.toState(health));
      entry.setReady(view != null && view.ready());
      if (info != null) {
        entry.setHostId(info.hostId());
        entry.setVersion(info.releaseVersion());
        entry.setLoadBytes(NodeObservation.roundLoad(info.loadBytes()));
      } else if (previous != null) {
        entry.setHostId(previous.getHostId());
        entry.setVersion(previous.getVersion());
        entry.setLoadBytes(previous.getLoadBytes());
      }
      if (info == null && observation != null && observation.lastAnswer() != null) {
        entry.setLastSeen(StatusTimes.format(observation.lastAnswer()));
      } else if (info == null && previous != null && health != NodeHealth.UP_NORMAL) {
        entry.setLastSeen(previous.getLastSeen());
      }
      if (health == NodeHealth.DOWN) {
        entry.setDownSince(previous != null && previous.getDownSince() != null
            ? previous.getDownSince() : StatusTimes.format(in.now()));
      }
      List<String> messages = new ArrayList<>();
      if (fenced.contains(node.name())) {
        // Never counted ready while fenced, even in the moment before its pod is gone.
        entry.setReady(false);
        messages.add(pod == null ? FENCED_MESSAGE : "fenced: being drained and stopped");
      } else if (stopped && pod == null) {
        messages.add("stopped (spec.stopped): volume and tokens kept");
      }
      if (view != null && view.message() != null) {
        messages.add(view.message());
      }
      if (view != null) {
        view.identity().ifPresent(messages::add);
      }
      entry.setMessage(messages.isEmpty() ? null : String.join("; ", messages));
      entry.setLastTermination(NodeStates.lastTermination(pod, entry.getReady()));
      result.add(entry);
    }
    return result;
  }

  private static RingStatus ring(CassandraCluster cr, List<NodeStatus> nodes) {
    Map<String, List<NodeStatus>> byDc = new LinkedHashMap<>();
    if (cr.getSpec().getDatacenters() != null) {
      for (DatacenterSpec dc : cr.getSpec().getDatacenters()) {
        byDc.put(dc.getName(), new ArrayList<>());
      }
    }
    for (NodeStatus node : nodes) {
      byDc.computeIfAbsent(node.getDatacenter(), d -> new ArrayList<>()).add(node);
    }
    RingStatus ring = new RingStatus();
    for (Map.Entry<String, List<NodeStatus>> dc : byDc.entrySet()) {
      if (dc.getValue().isEmpty()) {
        continue;
      }
      List<RingNode> members = dc.getValue().stream()
          .map(n -> new RingNode(n.getName(), n.getRack(), n.getTokens())).toList();
      RingOwnership summary = Ownerships.of(members, replicationFactor(cr, dc.getKey()));
      double min = summary.byNode().values().stream().mapToDouble(Double::doubleValue).min().orElse(0);
      double max = summary.byNode().values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
      DatacenterRingStatus entry = new DatacenterRingStatus();
      entry.setName(dc.getKey());
      entry.setNodes(dc.getValue().size());
      entry.setReadyNodes((int) dc.getValue().stream().filter(n -> Boolean.TRUE.equals(n.getReady())).count());
      entry.setMinOwnership(round(min, 4));
      entry.setMaxOwnership(round(max, 4));
      entry.setOwnershipSpread(Double.isFinite(summary.spread()) ? round(summary.spread(), 3) : null);
      ring.getDatacenters().add(entry);
    }
    return ring.getDatacenters().isEmpty() ? null : ring;
  }

  private static OperationStatus operation(Inputs in, CassandraClusterStatus previous) {
    OperationStatus before = previous.getOperation();
    if (in.operation() != null) {
      return in.operation().orElse(null);
    }
    if (before != null && before.getType() != OperationType.Create) {
      return before; // A day-2 operation, recorded by the reconciler's operation steps.
    }
    if (in.known().isEmpty() || in.ringFormed()) {
      return null;
    }
    OperationStatus op = new OperationStatus();
    op.setType(OperationType.Create);
    op.setId(before != null && before.getId() != null ? before.getId() : "create-" + in.cr().getMetadata().getUid());
    op.setStartedAt(before != null && before.getStartedAt() != null ? before.getStartedAt()
        : StatusTimes.format(in.now()));
    List<String> done = new ArrayList<>();
    List<String> pending = new ArrayList<>();
    for (KnownNode node : in.known().stream().sorted((a, b) -> NodeId.ORDER.compare(a.id(), b.id())).toList()) {
      NodeView view = in.views().get(node.name());
      (view != null && view.health() == NodeHealth.UP_NORMAL ? done : pending).add(node.name());
    }
    String step = in.observed().pods().keySet().containsAll(pending) ? "StartingNodes" : "CreatingNodes";
    op.setStep(step);
    op.setSince(before != null && step.equals(before.getStep()) && before.getSince() != null ? before.getSince()
        : StatusTimes.format(in.now()));
    op.setPending(pending);
    op.setDone(done);
    return op;
  }

  private static void conditionsAndPhase(Inputs in, CassandraClusterStatus status, CassandraClusterStatus previous,
      long generation) {
    List<Condition> before = previous.getConditions();
    Instant now = in.now();
    boolean valid = in.problems().isEmpty();
    List<NodeStatus> nodes = status.getNodes();
    List<String> notReady = nodes.stream().filter(n -> !Boolean.TRUE.equals(n.getReady()))
        .map(n -> n.getName() + " (" + n.getState() + (n.getMessage() == null ? "" : ": " + n.getMessage()) + ")")
        .toList();
    List<String> identity = in.views().values().stream().map(NodeView::identityProblem).filter(Objects::nonNull)
        .sorted().toList();
    List<Held> held = in.plan() == null ? List.of() : in.plan().held();
    List<Held> lost = held.stream().filter(h -> h.reason().equals("NodeVolumeLost")).toList();
    List<Held> access = held.stream().filter(h -> Access.REASONS.contains(h.reason())).toList();
    List<Held> pendingChanges = held.stream().filter(h -> !h.reason().equals("NodeVolumeLost"))
        .filter(h -> !Access.REASONS.contains(h.reason())).toList();
    boolean formed = in.ringFormed();
    boolean allReady = formed && !nodes.isEmpty() && notReady.isEmpty();
    String readyCount = status.getReadyNodes() + "/" + nodes.size() + " nodes are ready";

    // A new cluster is Ready once its superuser can log in: the nodes are up before the roles are set.
    boolean firstRoles = in.plan() != null && in.plan().step() instanceof Step.SetAccess
        && (previous.getAccess() == null || previous.getAccess().getDefaultSuperuser() == null);
    OperationStatus op = status.getOperation();
    boolean hibernated = op != null && op.getType() == OperationType.Hibernate
        && OperationStep.Stopped.name().equals(op.getStep());
    List<String> fencedDown = nodes.stream().filter(n -> n.getMessage() != null
        && n.getMessage().startsWith(FENCED_MESSAGE)).map(NodeStatus::getName).toList();
    Condition ready = hibernated
        ? Conditions.of(before, Conditions.READY, false, "Stopped", "The cluster is stopped (spec.stopped): "
            + nodes.size() + " nodes stopped, their volumes and tokens kept; set spec.stopped to false to start them"
            + " again", generation, now)
        : allReady && firstRoles
        ? Conditions.of(before, Conditions.READY, false, "SettingRoles", readyCount + "; the superuser is being"
            + " created from its Secret", generation, now)
        : allReady
        ? Conditions.of(before, Conditions.READY, true, "AllNodesReady", readyCount, generation, now)
        : Conditions.of(before, Conditions.READY, false, !formed ? "Creating" : "NodesNotReady",
            nodes.isEmpty() ? "No node exists yet" : readyCount + "; not ready: " + String.join(", ", notReady),
            generation, now);

    Condition degraded;
    if (hibernated) {
      degraded = Conditions.of(before, Conditions.DEGRADED, false, "Stopped", "The cluster is stopped on purpose"
          + " (spec.stopped)", generation, now);
    } else if (!identity.isEmpty()) {
      degraded = Conditions.of(before, Conditions.DEGRADED, true, "TokenMismatch", String.join("; ", identity),
          generation, now);
    } else if (!lost.isEmpty()) {
      degraded = Conditions.of(before, Conditions.DEGRADED, true, "NodeVolumeLost",
          lost.stream().map(Held::message).collect(Collectors.joining("; ")), generation, now);
    } else if (!access.isEmpty()) {
      degraded = Conditions.of(before, Conditions.DEGRADED, true, access.get(0).reason(),
          access.stream().map(Held::message).collect(Collectors.joining("; ")), generation, now);
    } else if (formed && nodes.stream().anyMatch(n -> n.getState() == io.ringkeeper.api.v1alpha1.NodeState.DN)) {
      boolean onlyFenced = nodes.stream().filter(n -> n.getState() == io.ringkeeper.api.v1alpha1.NodeState.DN)
          .allMatch(n -> fencedDown.contains(n.getName()));
      degraded = Conditions.of(before, Conditions.DEGRADED, true, onlyFenced ? "NodesFenced" : "NodesDown",
          nodes.stream()
          .filter(n -> n.getState() == io.ringkeeper.api.v1alpha1.NodeState.DN)
          .map(n -> n.getName() + " is down since " + n.getDownSince()
              + (n.getMessage() == null ? "" : " (" + n.getMessage() + ")"))
          .collect(Collectors.joining("; ")), generation, now);
    } else if (formed && !notReady.isEmpty()) {
      degraded = Conditions.of(before, Conditions.DEGRADED, true, "NodesNotReady", String.join(", ", notReady),
          generation, now);
    } else {
      degraded = Conditions.of(before, Conditions.DEGRADED, false, "Healthy", "No node is down", generation, now);
    }

    Condition progressing = progressing(in, before, generation, pendingChanges, status.getOperation());

    Condition validity = valid
        ? Conditions.of(before, Conditions.VALID, true, "SpecValid", "The spec is valid", generation, now)
        : Conditions.of(before, Conditions.VALID, false, in.problems().get(0).reason(),
            in.problems().stream().map(Problem::toString).collect(Collectors.joining("; ")), generation, now);

    status.setConditions(new ArrayList<>(List.of(ready, progressing, degraded, validity)));
    boolean isDegraded = "True".equals(degraded.getStatus());
    if (!valid) {
      status.setPhase(ClusterPhase.Invalid);
    } else if (!identity.isEmpty()) {
      status.setPhase(ClusterPhase.Degraded);
    } else if (!formed || firstRoles) {
      status.setPhase(ClusterPhase.Creating);
    } else if (status.getOperation() != null && status.getOperation().getType() != OperationType.Create) {
      status.setPhase(switch (status.getOperation().getType()) {
        case RollingRestart, Restart -> ClusterPhase.Restarting;
        case Replace -> ClusterPhase.Replacing;
        case Hibernate -> hibernated ? ClusterPhase.Stopped : ClusterPhase.Stopping;
        case Wake -> ClusterPhase.Starting;
        case Fence -> ClusterPhase.Degraded;
        default -> ClusterPhase.Scaling;
      });
    } else if (isDegraded) {
      status.setPhase(ClusterPhase.Degraded);
    } else {
      status.setPhase(ClusterPhase.Ready);
    }
  }

  private static Condition progressing(Inputs in, List<Condition> before, long generation, List<Held> pending,
      OperationStatus operation) {
    Instant now = in.now();
    if (in.plan() == null) {
      return Conditions.of(before, Conditions.PROGRESSING, false, "InvalidSpec",
          "Nothing is changed until the spec is valid", generation, now);
    }
    Step step = in.plan().step();
    if (operation != null && operation.getType() != OperationType.Create) {
      String message = step instanceof Step.Await a ? a.message()
          : step instanceof Step.Wait w ? w.message() : describe(operation);
      // A change that waits for the operation to end (e.g. spec.stopped) is told beside it.
      for (Held waiting : pending) {
        if (waiting.reason().equals("HibernationWaiting")) {
          message = message + "; " + waiting.message();
        }
      }
      return Conditions.of(before, Conditions.PROGRESSING, true, operation.getType().name()
          + (operation.getStep() == null ? "" : operation.getStep()), message, generation, now);
    }
    if (step instanceof Step.FinishOperation f) {
      return Conditions.of(before, Conditions.PROGRESSING, false, f.finished().kind() + "Completed", f.message(),
          generation, now);
    }
    if (step instanceof Step.ResizeVolumes r) {
      return Conditions.of(before, Conditions.PROGRESSING, true, "ResizingStorage", "Growing the volumes of "
          + r.nodes().stream().map(NodeId::name).collect(Collectors.joining(", ")) + " to spec.storage.size",
          generation, now);
    }
    if (step instanceof Step.AssignInitialTokens s) {
      return Conditions.of(before, Conditions.PROGRESSING, true, "AssigningTokens",
          "Assigned tokens to " + s.tokens().size() + " nodes", generation, now);
    }
    if (step instanceof Step.CreateNodes s) {
      return Conditions.of(before, Conditions.PROGRESSING, true, "CreatingNodes",
          "Creating " + s.nodes().stream().map(NodeId::name).collect(Collectors.joining(", ")), generation, now);
    }
    if (step instanceof Step.Wait s) {
      return Conditions.of(before, Conditions.PROGRESSING, true, s.reason(), s.message(), generation, now);
    }
    if (step instanceof Step.SetAccess a) {
      return Conditions.of(before, Conditions.PROGRESSING, true, "SettingRoles", "Setting " + a.roles().size()
          + " role(s) from their Secrets and the replication of system_auth, system_distributed and system_traces "
          + new java.util.TreeMap<>(a.factors()) + " through node " + a.via().name(), generation, now);
    }
    if (step instanceof Step.Idle) {
      return pending.isEmpty()
          ? Conditions.of(before, Conditions.PROGRESSING, false, "Idle", "The cluster is as the spec asks",
              generation, now)
          : Conditions.of(before, Conditions.PROGRESSING, false, pending.get(0).reason(),
              pending.stream().map(Held::message).collect(Collectors.joining("; ")), generation, now);
    }
    throw new IllegalStateException("no Progressing condition for step " + step);
  }

  /** One line on an operation for the Progressing condition, e.g. "ScaleDown of node x: Decommissioning". */
  static String describe(OperationStatus op) {
    StringBuilder text = new StringBuilder(op.getType().name());
    text.append(op.getNode() != null ? " of node " + op.getNode() : " in datacenter " + op.getDatacenter());
    if (op.getStep() != null) {
      text.append(": ").append(op.getStep());
    }
    if (op.getPending() != null && !op.getPending().isEmpty()) {
      text.append("; done ").append(op.getDone() == null ? 0 : op.getDone().size()).append(" of ")
          .append((op.getDone() == null ? 0 : op.getDone().size()) + op.getPending().size());
    }
    if (op.getMessage() != null) {
      text.append(" (").append(op.getMessage()).append(")");
    }
    return text.toString();
  }

  private static int replicationFactor(CassandraCluster cr, String datacenter) {
    if (cr.getSpec().getDatacenters() != null) {
      for (DatacenterSpec dc : cr.getSpec().getDatacenters()) {
        if (datacenter.equals(dc.getName())) {
          return SpecDefaults.replicationFactor(dc);
        }
      }
    }
    return 3;
  }

  private static double round(double value, int digits) {
    double scale = Math.pow(10, digits);
    return Math.round(value * scale) / scale;
  }
}
