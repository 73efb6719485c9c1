package io.ringkeeper.operator.domain.plan;

/** What the operator knows of a node's state in the ring, in the terms of nodetool status. */
public enum NodeHealth {
  /** Up and normal (UN). */
  UP_NORMAL,
  /** Up and joining the ring (UJ). */
  UP_JOINING,
  /** Up and leaving the ring (UL). */
  UP_LEAVING,
  /** Up and moving (UM). */
  UP_MOVING,
  /** Answered before, does not answer now, or reports itself stopped (DN). */
  DOWN,
  /** Not started yet or never reached. */
  UNKNOWN;

  public boolean isUp() {
    return this == UP_NORMAL || this == UP_JOINING || this == UP_LEAVING || this == UP_MOVING;
  }
}
