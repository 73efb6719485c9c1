package io.ringkeeper.operator.reconciler.observe;

import io.ringkeeper.operator.domain.plan.JobFacts;
import io.ringkeeper.operator.node.Agents;
import io.ringkeeper.operator.node.JobStatus;
import io.ringkeeper.operator.node.NoAnswerYet;
import io.ringkeeper.operator.node.NodeClientException;
import io.ringkeeper.operator.node.NodeEndpoint;

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
}
