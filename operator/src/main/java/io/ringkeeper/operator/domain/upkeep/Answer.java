package io.ringkeeper.operator.domain.upkeep;

/** What became of a fired {@link UpkeepStep} in this reconcile. */
public sealed interface Answer {
  /** The node did it; {@code value} is what it answered (the previous throughput, a job id). */
  record Done(Object value) implements Answer {}

  /** Sent, no answer yet: asked again (same attempt) at a later reconcile, which the answer triggers. */
  record Pending() implements Answer {}

  /** The call failed without a refusal (the node is unreachable, or errs); {@code message} says how. */
  record Failed(String message) implements Answer {}

  /** The node refused the command for good; {@code message} says why. */
  record Refused(String message) implements Answer {}

  Answer PENDING = new Pending();
}
