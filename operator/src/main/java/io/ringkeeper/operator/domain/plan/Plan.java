package io.ringkeeper.operator.domain.plan;

import java.util.List;
import java.util.Objects;

/** The planner's answer: the next step, and the changes it holds back. */
public record Plan(Step step, List<Held> held) {
  public Plan {
    Objects.requireNonNull(step, "step");
    held = List.copyOf(held);
  }
}
