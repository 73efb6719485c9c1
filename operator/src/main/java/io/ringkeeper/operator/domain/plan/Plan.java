package io.ringkeeper.operator.domain.plan;

import java.util.List;
import java.util.Objects;

/**
 * The planner's answer: the next step, and the changes it holds back.
 *
 * @param rebuilds the added datacenters to record in status after the step; null when they do not change
 */
public record Plan(Step step, List<Held> held, List<Rebuild> rebuilds) {
  public Plan {
    Objects.requireNonNull(step, "step");
    held = List.copyOf(held);
    rebuilds = rebuilds == null ? null : List.copyOf(rebuilds);
  }

  public Plan(Step step, List<Held> held) {
    this(step, held, null);
  }
}
