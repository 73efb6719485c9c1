package io.ringkeeper.operator.reconciler.upkeep;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.CassandraClusterStatus;
import io.ringkeeper.api.v1alpha1.MaintenanceSpec;
import io.ringkeeper.api.v1alpha1.MaintenanceStatus;
import io.ringkeeper.api.v1alpha1.NodeState;
import io.ringkeeper.api.v1alpha1.NodeStatus;
import io.ringkeeper.api.v1alpha1.RepairSpec;
import io.ringkeeper.api.v1alpha1.RepairStatus;
import io.ringkeeper.operator.domain.repair.RepairKeyspace;
import io.ringkeeper.operator.domain.repair.RepairPlan;
import io.ringkeeper.operator.domain.repair.RepairPlanner;
import io.ringkeeper.operator.domain.upkeep.NodeTask;
import io.ringkeeper.operator.domain.upkeep.RepairDeadlines;
import io.ringkeeper.operator.domain.upkeep.RepairRunPlanner;
import io.ringkeeper.operator.domain.upkeep.RepairSettings;
import io.ringkeeper.operator.domain.upkeep.RepairTriggers;
import io.ringkeeper.operator.domain.upkeep.SstableUpgrade;
import io.ringkeeper.operator.domain.upkeep.UpkeepRecheck;
import io.ringkeeper.operator.node.Agents;
import io.ringkeeper.operator.node.NodeEndpoint;
import io.ringkeeper.operator.node.NodeObservation;
import io.ringkeeper.operator.reconciler.act.UpkeepExecutor;
import io.ringkeeper.operator.reconciler.events.ClusterEvent;
import io.ringkeeper.operator.node.ClusterKey;
import io.ringkeeper.operator.reconciler.observe.KeyspaceObservations;
import io.ringkeeper.operator.reconciler.observe.UpkeepSpecs;
import io.ringkeeper.operator.reconciler.status.Conditions;
import io.ringkeeper.operator.reconciler.status.RepairRecords;
import io.ringkeeper.operator.reconciler.status.UpkeepRecords;
import io.ringkeeper.operator.resources.Labels;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upkeep stage of a reconcile (repair, compaction windows, node tasks), run by the reconciler between building
 * the status and writing it: for each kind of upkeep, observe (the poller's last round, never a call), plan (the
 * pure planners of {@code domain/upkeep}), act (the {@link UpkeepExecutor} fires, never waits), and hand the next
 * {@code status.repair}, {@code status.maintenance} and {@value Conditions#REPAIR_OVERDUE} condition to the status
 * stage ({@link io.ringkeeper.operator.reconciler.status.StatusBuilder#withUpkeep}), with when the cluster needs
 * another look (a running segment, the next cron time). Nothing happens until the ring has formed.
 */
public final class UpkeepStage {
  static final Duration DEFAULT_HINT_WINDOW = Duration.ofHours(3);
  private static final Logger LOG = LoggerFactory.getLogger(UpkeepStage.class);

  private final Duration tick;
  private final RepairRunner runner;
  private final CompactionWindows windows;
  private final NodeTasks tasks;
  private final KeyspaceObservations schema;
  private final ObjectMapper json = Serialization.jsonMapper();

  /**
   * @param agents the node agents as the poller saw them, and their commands (never waited for)
   * @param tick how soon to look again while work runs on the nodes
   */
  public UpkeepStage(Agents agents, Duration tick) {
    this.tick = tick;
    this.runner = new RepairRunner(agents);
    this.schema = new KeyspaceObservations(agents);
    this.windows = new CompactionWindows(new UpkeepExecutor(agents));
    this.tasks = new NodeTasks(agents);
  }

  /**
   * What one step did: events to record, when to look again (null: no need), and the status parts it computed
   * (all null before the ring formed: the previous ones stand).
   *
   * @param repair the next {@code status.repair}; null: none
   * @param maintenance the next {@code status.maintenance}
   * @param repairOverdue the {@value Conditions#REPAIR_OVERDUE} condition; null when no keyspace is repaired
   */
  public record Outcome(List<ClusterEvent> events, Duration recheckAfter, RepairStatus repair,
      MaintenanceStatus maintenance, Condition repairOverdue) {
    public Outcome(List<ClusterEvent> events, Duration recheckAfter) {
      this(events, recheckAfter, null, null, null);
    }
  }

  /**
   * @param cr the cluster with its previous status
   * @param status the status just built (read only: the outcome carries what changes)
   * @param endpoints the agents of the cluster's nodes
   * @param observations the poller's last observation per node
   */
  public Outcome update(CassandraCluster cr, CassandraClusterStatus status, Collection<NodeEndpoint> endpoints,
      Map<String, NodeObservation> observations, Instant now) {
    List<ClusterEvent> events = new ArrayList<>();
    Instant deadline = null;
    Condition overdueCondition = null;
    ClusterKey key = new ClusterKey(cr.getMetadata().getNamespace(), cr.getMetadata().getName());
    List<UpkeepTarget> nodes = nodes(status, endpoints, observations);
    if (!Boolean.TRUE.equals(status.getRingFormed())) {
      // The poller follows the cluster's schema from its first node on, so it has it when the ring forms.
      return new Outcome(events, null);
    }
    RepairSettings settings = UpkeepSpecs.repair(cr.getSpec().getRepair());
    RepairStatus repair = copy(cr.getStatus() == null ? null : cr.getStatus().getRepair(), RepairStatus.class);
    Optional<List<RepairKeyspace>> keyspaces = schema.keyspaces(key);
    List<NodeStatus> previousNodes = cr.getStatus() == null ? List.of() : cr.getStatus().getNodes();
    // Noted whether or not the schema is known yet: the finished replacement is seen in this reconcile only.
    java.util.Set<String> replaced = replaced(cr, status);
    if (!replaced.isEmpty()) {
      RepairTriggers.Outcome noted = RepairTriggers.replaced(RepairRecords.triggers(repair), replaced);
      RepairRecords.putTriggers(repair, noted.record());
      noted.notices().forEach(n -> events.add(ClusterEvent.of(n)));
    }

    boolean awaitingSchema = false;
    // A recorded ring that holds a token twice cannot be cut into ranges: nothing is planned (a due run waits,
    // a running one holds) until the nodes have reported their own tokens again.
    Optional<String> ringConflict = RepairPlanner.conflict(RepairRunner.ring(nodes));
    if (ringConflict.isPresent()) {
      LOG.warn("repair waits: {}; it plans again once the nodes report their own tokens", ringConflict.get());
    }
    if (keyspaces.isPresent()) {
      RepairStatus beforeDue = copy(repair, RepairStatus.class);
      List<ClusterEvent> dueEvents = new ArrayList<>();
      Optional<RepairTriggers.Trigger> trigger = due(cr, repair, previousNodes, status.getNodes(),
          hintWindow(observations), now, dueEvents);
      Optional<List<RepairKeyspace>> current = trigger.isPresent() ? schema.fresh(key, now)
          : Optional.empty();
      if (trigger.isPresent() && (current.isEmpty() || ringConflict.isPresent())) {
        // Due, but no node has answered since (or the recorded ring holds a token twice): leave the trigger
        // unconsumed and look again next tick.
        repair = beforeDue;
        awaitingSchema = true;
      } else {
        events.addAll(dueEvents);
        if (trigger.isPresent()) {
          keyspaces = current;
          schema.planned(key);
          start(repair, trigger.get(), nodes, keyspaces.get(), settings, now, events);
        }
      }
    }
    events.addAll(runner.advance(repair, settings, nodes, keyspaces, ringConflict, now));
    if (keyspaces.isPresent() && ringConflict.isEmpty()) {
      RepairPlan wholeRing = runner.plan(nodes, keyspaces.get(), settings.keyspaces(), settings.segmentsPerNode(),
          java.util.Set.of());
      Instant created = cr.getMetadata().getCreationTimestamp() == null ? null
          : Instant.parse(cr.getMetadata().getCreationTimestamp());
      RepairDeadlines.Overdue overdue = RepairDeadlines.overdue(RepairRecords.keyspaces(repair),
          wholeRing.keyspaces(), keyspaces.get(), created, now);
      RepairRecords.putKeyspaces(repair, overdue.keyspaces());
      deadline = RepairDeadlines.nextDeadline(overdue.keyspaces(), created).orElse(null);
      if (!overdue.keyspaces().isEmpty()) {
        overdueCondition = Conditions.repairOverdue(previousConditions(cr), overdue.overdue(), gen(cr), now);
      }
    }

    MaintenanceSpec spec = cr.getSpec().getMaintenance();
    MaintenanceStatus upkeep = copy(cr.getStatus() == null ? null : cr.getStatus().getMaintenance(),
        MaintenanceStatus.class);
    String zone = cr.getSpec().getRepair() == null ? null : cr.getSpec().getRepair().getTimeZone();
    Instant windowCheck = windows.apply(spec == null ? List.of() : spec.getCompactionThroughput(), zone, upkeep,
        nodes, now, events);
    List<NodeTask> taskList = new ArrayList<>(UpkeepSpecs.tasks(spec == null ? List.of() : spec.getTasks()));
    SstableUpgrade.Decision upgrade = SstableUpgrade.decide(UpkeepRecords.releases(status.getNodes()),
        upkeep.getSstablesVersion(), upkeep.getTasks().stream().anyMatch(t -> SstableUpgrade.TASK.equals(t.getName())),
        taskList.stream().anyMatch(t -> SstableUpgrade.TASK.equals(t.name())));
    if (upgrade.notice() != null) {
      events.add(ClusterEvent.of(upgrade.notice()));
    }
    UpkeepRecords.putSstablesVersion(upkeep, upgrade.recorded());
    if (upgrade.task()) {
      taskList.add(SstableUpgrade.task());
    }
    NodeTasks.Progress progress = tasks.run(taskList, zone, upkeep, nodes, status.getOperation() != null,
        upgrade.startNow() ? Set.of(SstableUpgrade.TASK) : Set.of(), now, events);

    // Look again soon while work runs on the nodes, a node is left to set, or no node told the schema yet.
    Duration recheck = UpkeepRecheck.after(tick, repair.getRunning() != null,
        progress.running() || keyspaces.isEmpty() || awaitingSchema,
        repair.getNext() == null ? null : Instant.parse(repair.getNext()), deadline, windowCheck, progress.next(), now);
    return new Outcome(events, recheck, empty(repair) ? null : repair, upkeep, overdueCondition);
  }

  /** A node whose Replace operation the previous status recorded and the one just built no longer does. */
  static java.util.Set<String> replaced(CassandraCluster cr, CassandraClusterStatus status) {
    io.ringkeeper.api.v1alpha1.OperationStatus before = cr.getStatus() == null ? null : cr.getStatus().getOperation();
    if (before == null || before.getType() != io.ringkeeper.api.v1alpha1.OperationType.Replace
        || before.getNode() == null) {
      return java.util.Set.of();
    }
    io.ringkeeper.api.v1alpha1.OperationStatus now = status.getOperation();
    boolean still = now != null && now.getType() == io.ringkeeper.api.v1alpha1.OperationType.Replace
        && before.getNode().equals(now.getNode());
    return still ? java.util.Set.of() : java.util.Set.of(before.getNode());
  }

  /** Whether a run starts now; updates the scheduling part of {@code repair}. */
  static Optional<RepairTriggers.Trigger> due(CassandraCluster cr, RepairStatus repair, List<NodeStatus> previousNodes,
      List<NodeStatus> currentNodes, Duration hintWindow, Instant now, List<ClusterEvent> events) {
    RepairSpec spec = cr.getSpec().getRepair();
    Map<String, String> annotations = cr.getMetadata().getAnnotations();
    String authChange = cr.getStatus() == null || cr.getStatus().getAccess() == null ? null
        : cr.getStatus().getAccess().getReplicationChangedAt();
    RepairTriggers.Outcome outcome = RepairTriggers.due(spec == null ? null : spec.getSchedule(),
        UpkeepSpecs.zone(spec == null ? null : spec.getTimeZone()),
        annotations == null ? null : annotations.get(Labels.REPAIR_REQUEST), authChange, repair.getRunning() != null,
        repair.getRunning() == null ? null : repair.getRunning().getId(), RepairRecords.triggers(repair),
        RepairRecords.nodes(previousNodes), RepairRecords.nodes(currentNodes), hintWindow, now);
    RepairRecords.putTriggers(repair, outcome.record());
    outcome.notices().forEach(n -> events.add(ClusterEvent.of(n)));
    return outcome.trigger();
  }

  private void start(RepairStatus repair, RepairTriggers.Trigger trigger, List<UpkeepTarget> nodes,
      List<RepairKeyspace> keyspaces, RepairSettings settings, Instant now, List<ClusterEvent> events) {
    RepairPlan plan = runner.plan(nodes, keyspaces,
        trigger.keyspaces().isEmpty() ? settings.keyspaces() : trigger.keyspaces(), settings.segmentsPerNode(),
        trigger.nodes());
    RepairRunPlanner.Start start = RepairRunPlanner.start(plan, trigger, now);
    if (start.run() == null) {
      RepairRecords.putResult(repair, true, start.notice().message());
    } else {
      RepairRecords.putRun(repair, start.run());
      LOG.info(start.notice().message());
    }
    events.add(ClusterEvent.of(start.notice()));
  }

  /** Forgets what is cached for a deleted cluster. */
  public void forget(CassandraCluster cr) {
    schema.forget(new ClusterKey(cr.getMetadata().getNamespace(), cr.getMetadata().getName()));
  }

  static List<UpkeepTarget> nodes(CassandraClusterStatus status, Collection<NodeEndpoint> endpoints,
      Map<String, NodeObservation> observations) {
    Map<String, NodeEndpoint> byNode = new java.util.HashMap<>();
    endpoints.forEach(e -> byNode.put(e.node(), e));
    List<UpkeepTarget> out = new ArrayList<>();
    for (NodeStatus n : status.getNodes()) {
      NodeObservation o = observations.get(n.getName());
      boolean up = n.getState() == NodeState.UN && o != null && o.answeredNow();
      out.add(new UpkeepTarget(n.getName(), n.getDatacenter(), n.getRack(), n.getTokens(),
          byNode.get(n.getName()), up));
    }
    return out;
  }

  private static Duration hintWindow(Map<String, NodeObservation> observations) {
    long ms = observations.values().stream().filter(NodeObservation::answeredNow)
        .mapToLong(o -> o.info().maxHintWindowMs()).max().orElse(0);
    return ms > 0 ? Duration.ofMillis(ms) : DEFAULT_HINT_WINDOW;
  }

  private static List<Condition> previousConditions(CassandraCluster cr) {
    return cr.getStatus() == null ? List.of() : cr.getStatus().getConditions();
  }

  private static long gen(CassandraCluster cr) {
    return cr.getMetadata().getGeneration() == null ? 0 : cr.getMetadata().getGeneration();
  }

  private static boolean empty(RepairStatus r) {
    return r.getRunning() == null && r.getNext() == null && r.getLastCompleted() == null && r.getLastRequest() == null
        && r.getLastResult() == null && r.getKeyspaces().isEmpty() && r.getPendingHintRepairs().isEmpty();
  }

  /** A deep copy, so that the previous status stays as it was and the writer sees the difference. */
  <T> T copy(T value, Class<T> type) {
    if (value == null) {
      try {
        return type.getDeclaredConstructor().newInstance();
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
    return json.convertValue(value, type);
  }
}
