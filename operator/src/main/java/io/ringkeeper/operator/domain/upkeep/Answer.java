package io.ringkeeper.operator.domain.upkeep;

/** What became of a fired {@link UpkeepStep} in this reconcile. */
public sealed interface Answer {
  /** The node did it; {@code value} is what it answered (the previous throughput, a job id). */
  record Done(Object value) implements Answer {}

  /** No answer yet, or the node could not be reached: the step is planned again at a later reconcile. */
  record Pending() implements Answer {}

  /** The node refused the command for good; {@code message} says why. */
  record Refused(String message) implements Answer {}

  Answer PENDING = new Pending();
}
