package io.ringkeeper.operator.reconciler.upkeep;

import io.ringkeeper.api.v1alpha1.RepairStatus;
import io.ringkeeper.operator.domain.repair.RepairKeyspace;
import io.ringkeeper.operator.domain.repair.RepairPlan;
import io.ringkeeper.operator.domain.repair.RepairPlanner;
import io.ringkeeper.operator.domain.repair.RingMember;
import io.ringkeeper.operator.domain.upkeep.Answer;
import io.ringkeeper.operator.domain.upkeep.RepairRun;
import io.ringkeeper.operator.domain.upkeep.RepairRunPlanner;
import io.ringkeeper.operator.domain.upkeep.RepairSettings;
import io.ringkeeper.operator.domain.upkeep.UpkeepNode;
import io.ringkeeper.operator.node.Agents;
import io.ringkeeper.operator.node.NodeEndpoint;
import io.ringkeeper.operator.reconciler.act.UpkeepExecutor;
import io.ringkeeper.operator.reconciler.events.ClusterEvent;
import io.ringkeeper.operator.reconciler.observe.JobObservations;
import io.ringkeeper.operator.reconciler.status.RepairRecords;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The repair run stage of a reconcile: the run recorded in {@code status.repair.running} becomes a domain value,
 * the running segments' jobs and the nodes' pending compactions are read as the poller last saw them, the pure
 * {@link RepairRunPlanner} decides, the {@link UpkeepExecutor} fires the segment starts (never waiting), the planner
 * folds the answers into the next run, and {@link RepairRecords} puts it in the status. The plan of a run is made
 * again each reconcile from the recorded tokens and the schema, cached while those are the same.
 */
public final class RepairRunner {
  private final Agents agents;
  private final UpkeepExecutor executor;
  /** The last few plans (a cluster's whole-ring plan beside a hint-window run's, several clusters). */
  private final Map<PlanKey, RepairPlan> plans = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<PlanKey, RepairPlan> eldest) {
      return size() > 8;
    }
  };

  private record PlanKey(List<RingMember> ring, List<RepairKeyspace> schema, List<String> keyspaces,
      int segmentsPerNode, Set<String> nodes) {}

  public RepairRunner(Agents agents) {
    this.agents = Objects.requireNonNull(agents, "agents");
    this.executor = new UpkeepExecutor(agents);
  }

  /** The ring as the recorded tokens describe it. */
  static List<RingMember> ring(List<UpkeepTarget> nodes) {
    return nodes.stream().filter(n -> !n.tokens().isEmpty())
        .map(n -> new RingMember(n.name(), n.datacenter(), n.rack(), n.tokens())).toList();
  }

  /** Plans (or returns the cached plan for) these inputs. */
  synchronized RepairPlan plan(List<UpkeepTarget> nodes, List<RepairKeyspace> schema, List<String> keyspaces,
      int segmentsPerNode, Set<String> onlyNodes) {
    PlanKey key = new PlanKey(ring(nodes), List.copyOf(schema), List.copyOf(keyspaces), segmentsPerNode,
        Set.copyOf(onlyNodes));
    return plans.computeIfAbsent(key,
        k -> RepairPlanner.plan(k.ring(), k.schema(), k.keyspaces(), k.segmentsPerNode(), k.nodes()));
  }

  /**
   * One step of the run in {@code repair.running}; does nothing when there is none.
   *
   * @param schema the keyspaces as a node reports them; empty when no node answered (the run then waits)
   * @param ringConflict a token the recorded ring holds twice ({@link RepairPlanner#conflict}): the run then waits
   * @return events to record
   */
  public List<ClusterEvent> advance(RepairStatus repair, RepairSettings settings, List<UpkeepTarget> nodes,
      Optional<List<RepairKeyspace>> schema, Optional<String> ringConflict, Instant now) {
    RepairRun run = RepairRecords.run(repair);
    if (run == null) {
      return List.of();
    }
    if (ringConflict.isPresent()) {
      RepairRecords.putRun(repair, RepairRunPlanner.waiting(run, "waiting for the nodes to report their own tokens: "
          + ringConflict.get(), settings, Map.of(), now).run());
      return List.of();
    }
    Map<String, NodeEndpoint> endpoints = UpkeepTarget.endpoints(nodes);
    List<UpkeepNode> upkeep = UpkeepTarget.upkeep(nodes);
    Map<String, UpkeepNode> byName = new HashMap<>();
    upkeep.forEach(n -> byName.put(n.name(), n));
    RepairPlan plan = schema.map(s -> plan(nodes, s, run.keyspaces(), settings.segmentsPerNode(),
        Set.copyOf(run.nodes()))).orElse(null);
    Map<Integer, RepairRunPlanner.SegmentJob> jobs = new HashMap<>();
    Map<String, String> unavailable = Map.of();
    if (plan != null) {
      run.active().forEach(a -> jobs.put(a.index(), JobObservations.segmentJob(endpoints.get(a.node()), a.jobId(),
          agents)));
      unavailable = JobObservations.unavailableForRepair(upkeep, endpoints, agents);
    }
    RepairRunPlanner.Plan step = RepairRunPlanner.advance(run, plan, settings, jobs, unavailable, byName, now);
    List<Answer> answers = executor.perform(step.steps(), endpoints);
    RepairRunPlanner.Outcome outcome = RepairRunPlanner.record(step, answers);
    if (outcome.result() != null) {
      RepairRecords.putResult(repair, outcome.result());
    } else {
      RepairRecords.putRun(repair, outcome.run());
    }
    return outcome.notices().stream().map(ClusterEvent::of).toList();
  }
}
