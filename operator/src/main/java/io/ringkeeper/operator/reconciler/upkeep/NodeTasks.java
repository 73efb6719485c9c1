package io.ringkeeper.operator.reconciler.upkeep;

import io.ringkeeper.api.v1alpha1.MaintenanceStatus;
import io.ringkeeper.api.v1alpha1.MaintenanceTask;
import io.ringkeeper.operator.domain.plan.JobFacts;
import io.ringkeeper.operator.domain.upkeep.Answer;
import io.ringkeeper.operator.domain.upkeep.NodeTask;
import io.ringkeeper.operator.domain.upkeep.NodeTaskPlanner;
import io.ringkeeper.operator.domain.upkeep.TaskRecord;
import io.ringkeeper.operator.node.Agents;
import io.ringkeeper.operator.node.NodeEndpoint;
import io.ringkeeper.operator.reconciler.act.UpkeepExecutor;
import io.ringkeeper.operator.reconciler.events.ClusterEvent;
import io.ringkeeper.operator.reconciler.observe.JobObservations;
import io.ringkeeper.operator.reconciler.observe.UpkeepSpecs;
import io.ringkeeper.operator.reconciler.status.UpkeepRecords;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The node task stage of a reconcile: the running tasks' jobs are read as the poller last saw them, the pure
 * {@link NodeTaskPlanner} decides (one node at a time, under the safety rules), the {@link UpkeepExecutor} fires
 * the job starts, the planner folds the answers into the next records, and the status stage puts them in
 * {@code status.maintenance.tasks}.
 */
final class NodeTasks {
  private final Agents agents;
  private final UpkeepExecutor executor;

  NodeTasks(Agents agents) {
    this.agents = agents;
    this.executor = new UpkeepExecutor(agents);
  }

  /**
   * One step of every task; updates {@code status.tasks}.
   *
   * @param operationInProgress a cluster operation (scale, restart, ...) is running: no task starts on a node
   * @param startNow tasks without a schedule to start now
   * @return whether some task is running (look again soon), and the earliest next due time
   */
  Progress apply(List<MaintenanceTask> tasks, String timeZone, MaintenanceStatus status, List<UpkeepTarget> nodes,
      boolean operationInProgress, Set<String> startNow, Instant now, List<ClusterEvent> events) {
    return run(UpkeepSpecs.tasks(tasks), timeZone, status, nodes, operationInProgress, startNow, now, events);
  }

  /** As {@link #apply}, for the tasks as the planner's values. */
  Progress run(List<NodeTask> tasks, String timeZone, MaintenanceStatus status, List<UpkeepTarget> nodes,
      boolean operationInProgress, Set<String> startNow, Instant now, List<ClusterEvent> events) {
    List<TaskRecord> previous = UpkeepRecords.tasks(status);
    Map<String, NodeEndpoint> endpoints = UpkeepTarget.endpoints(nodes);
    NodeTaskPlanner.Plan plan = NodeTaskPlanner.plan(tasks, UpkeepSpecs.zone(timeZone), previous,
        UpkeepTarget.upkeep(nodes), jobs(previous, nodes, endpoints), operationInProgress, startNow, now);
    List<Answer> answers = executor.perform(plan.steps(), endpoints);
    NodeTaskPlanner.Outcome outcome = NodeTaskPlanner.record(plan, answers);
    UpkeepRecords.putTasks(status, outcome.records());
    outcome.notices().forEach(n -> events.add(ClusterEvent.of(n)));
    return new Progress(outcome.running(), outcome.next());
  }

  record Progress(boolean running, Instant next) {}

  /** The job of each running task whose node still exists, as the poller last saw it. */
  private Map<String, JobFacts> jobs(List<TaskRecord> records, List<UpkeepTarget> nodes,
      Map<String, NodeEndpoint> endpoints) {
    Map<String, JobFacts> jobs = new HashMap<>();
    for (TaskRecord r : records) {
      if (r.running() && r.node() != null && r.jobId() != null
          && nodes.stream().anyMatch(n -> n.name().equals(r.node()))) {
        jobs.put(r.name(), JobObservations.job(r.node(), endpoints.get(r.node()), r.jobId(), agents));
      }
    }
    return jobs;
  }
}
