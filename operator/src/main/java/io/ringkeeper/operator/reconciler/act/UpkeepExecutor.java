package io.ringkeeper.operator.reconciler.act;

import io.ringkeeper.operator.domain.upkeep.Answer;
import io.ringkeeper.operator.domain.upkeep.NodeTask;
import io.ringkeeper.operator.domain.upkeep.UpkeepStep;
import io.ringkeeper.operator.node.Agents;
import io.ringkeeper.operator.node.JobKind;
import io.ringkeeper.operator.node.JobRequest;
import io.ringkeeper.operator.node.NoAnswerYet;
import io.ringkeeper.operator.node.NodeClientException;
import io.ringkeeper.operator.node.NodeEndpoint;
import io.ringkeeper.operator.node.TokenRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Performs the upkeep planner's steps on the nodes' agents: fired and recorded, never waited for. {@link Agents}
 * answers a command it has not heard back about with NoAnswerYet; that is a {@link Answer.Pending} step, which the
 * planner plans again at a later reconcile (with the same attempt, so the agent layer hands back the recorded
 * answer instead of sending the command twice). A refusal is {@link Answer.Refused}, any other failure
 * {@link Answer.Failed}: each planner decides what that costs (a retry later, a failed attempt).
 */
public final class UpkeepExecutor {
  private final Agents agents;

  public UpkeepExecutor(Agents agents) {
    this.agents = agents;
  }

  /**
   * @param endpoints the agent of each node, by node name
   * @return one answer per step, in their order
   */
  public List<Answer> perform(List<? extends UpkeepStep> steps, Map<String, NodeEndpoint> endpoints) {
    List<Answer> answers = new ArrayList<>(steps.size());
    for (UpkeepStep step : steps) {
      answers.add(perform(step, endpoints.get(step.node())));
    }
    return answers;
  }

  private Answer perform(UpkeepStep step, NodeEndpoint endpoint) {
    if (endpoint == null) {
      return Answer.PENDING;
    }
    try {
      if (step instanceof UpkeepStep.SetCompactionThroughput s) {
        return new Answer.Done(agents.setCompactionThroughput(endpoint, s.mibPerSecond(), s.attempt()));
      }
      if (step instanceof UpkeepStep.StartNodeTask s) {
        JobRequest request = s.keyspace() == null ? JobRequest.of(kind(s.operation()))
            : JobRequest.onKeyspace(kind(s.operation()), s.keyspace(), s.tables());
        return new Answer.Done(agents.startJob(endpoint, request, s.attempt()).id());
      }
      if (step instanceof UpkeepStep.StartRepairSegment s) {
        JobRequest request = JobRequest.repair(s.keyspace(), List.of(new TokenRange(s.start(), s.end())),
            s.mode().name());
        return new Answer.Done(agents.startJob(endpoint, request, s.attempt()).id());
      }
      throw new IllegalStateException("no executor for " + step);
    } catch (NoAnswerYet e) {
      return Answer.PENDING;
    } catch (NodeClientException e) {
      return e.kind() == NodeClientException.Kind.REFUSED ? new Answer.Refused(e.getMessage())
          : new Answer.Failed(e.getMessage());
    }
  }

  static JobKind kind(NodeTask.Operation operation) {
    return switch (operation) {
      case Compact -> JobKind.COMPACT;
      case GarbageCollect -> JobKind.GARBAGE_COLLECT;
      case UpgradeSSTables -> JobKind.UPGRADE_SSTABLES;
      case Cleanup -> JobKind.CLEANUP;
    };
  }
}
