package io.ringkeeper.operator.domain.plan;

import java.util.Objects;

/**
 * What the node said about the job of the operation's current step.
 *
 * @param outcome running, succeeded, failed, unknown to the node (it restarted) or not reachable
 * @param progress 0..1, or -1 when the node cannot tell
 * @param message the node's message (its error when the job failed)
 */
public record JobFacts(Outcome outcome, double progress, String message) {
  public enum Outcome {
    RUNNING,
    SUCCEEDED,
    FAILED,
    NOT_FOUND,
    UNREACHABLE
  }

  public JobFacts {
    Objects.requireNonNull(outcome, "outcome");
  }
}
