package io.ringkeeper.operator.domain.plan;

import java.util.Objects;

/** What was observed of one recorded node: whether its Pod and its volume exist, and its state in the ring. */
public record NodeFacts(boolean podExists, boolean volumeExists, NodeHealth health) {
  public static final NodeFacts ABSENT = new NodeFacts(false, false, NodeHealth.UNKNOWN);

  public NodeFacts {
    Objects.requireNonNull(health, "health");
  }
}
