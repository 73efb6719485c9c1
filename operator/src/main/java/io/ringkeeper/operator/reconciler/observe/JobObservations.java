package io.ringkeeper.operator.reconciler.observe;

import io.ringkeeper.operator.domain.plan.JobFacts;
import io.ringkeeper.operator.domain.upkeep.RepairRunPlanner;
import io.ringkeeper.operator.domain.upkeep.RepairSegmentStarts;
import io.ringkeeper.operator.domain.upkeep.UpkeepNode;
import io.ringkeeper.operator.node.Agents;
import io.ringkeeper.operator.node.JobStatus;
import io.ringkeeper.operator.node.NoAnswerYet;
import io.ringkeeper.operator.node.NodeClientException;
import io.ringkeeper.operator.node.NodeEndpoint;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A job's state as the poller last saw it, as a domain value. Asking makes the poller follow the job each round
 * while it is asked for; nothing here waits for a node.
 */
public final class JobObservations {
  private JobObservations() {}

  /**
   * @param node the node, for the message when it has no address
   * @param endpoint its agent; null when its pod has no address
   */
  public static JobFacts job(String node, NodeEndpoint endpoint, String jobId, Agents agents) {
    if (endpoint == null) {
      return new JobFacts(JobFacts.Outcome.UNREACHABLE, -1, "node " + node + " has no address");
    }
    try {
      JobStatus job = agents.job(endpoint, jobId);
      JobFacts.Outcome outcome = switch (job.state()) {
        case RUNNING -> JobFacts.Outcome.RUNNING;
        case SUCCEEDED -> JobFacts.Outcome.SUCCEEDED;
        case FAILED -> JobFacts.Outcome.FAILED;
      };
      return new JobFacts(outcome, job.progress(), job.message());
    } catch (NoAnswerYet e) {
      return new JobFacts(JobFacts.Outcome.UNREACHABLE, -1, "no answer from the agent yet");
    } catch (NodeClientException e) {
      if (e.kind() == NodeClientException.Kind.NOT_FOUND) {
        return new JobFacts(JobFacts.Outcome.NOT_FOUND, -1, e.getMessage());
      }
      return new JobFacts(JobFacts.Outcome.UNREACHABLE, -1, String.valueOf(e));
    }
  }

  /** A repair segment's job as the poller last saw it; a node without an address is not reachable. */
  public static RepairRunPlanner.SegmentJob segmentJob(NodeEndpoint endpoint, String jobId, Agents agents) {
    if (endpoint == null) {
      return new RepairRunPlanner.SegmentJob(JobFacts.Outcome.UNREACHABLE, "the node has no address", null);
    }
    try {
      JobStatus job = agents.job(endpoint, jobId);
      JobFacts.Outcome outcome = switch (job.state()) {
        case RUNNING -> JobFacts.Outcome.RUNNING;
        case SUCCEEDED -> JobFacts.Outcome.SUCCEEDED;
        case FAILED -> JobFacts.Outcome.FAILED;
      };
      Duration took = job.finishedAtMillis() > 0 && job.startedAtMillis() > 0
          ? Duration.ofMillis(job.finishedAtMillis() - job.startedAtMillis()) : null;
      return new RepairRunPlanner.SegmentJob(outcome, job.message(), took);
    } catch (NodeClientException e) {
      return new RepairRunPlanner.SegmentJob(e.kind() == NodeClientException.Kind.NOT_FOUND
          ? JobFacts.Outcome.NOT_FOUND : JobFacts.Outcome.UNREACHABLE, e.getMessage(), null);
    }
  }

  /**
   * The nodes no new repair segment may use, with the reason, from the poller's last figures of the usable nodes.
   *
   * @param endpoints the agent of each node, by name
   */
  public static Map<String, String> unavailableForRepair(List<UpkeepNode> nodes, Map<String, NodeEndpoint> endpoints,
      Agents agents) {
    Map<String, Long> pending = new HashMap<>();
    Map<String, String> unknown = new HashMap<>();
    for (UpkeepNode n : nodes) {
      if (n.usable()) {
        try {
          pending.put(n.name(), agents.metrics(endpoints.get(n.name())).pendingCompactions());
        } catch (NodeClientException e) {
          unknown.put(n.name(), String.valueOf(e.kind()));
        }
      }
    }
    return RepairSegmentStarts.unavailable(nodes, pending, unknown);
  }
}
