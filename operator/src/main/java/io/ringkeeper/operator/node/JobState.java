package io.ringkeeper.operator.node;

/** Lifecycle of an agent job. */
public enum JobState {
  RUNNING,
  SUCCEEDED,
  FAILED;

  public boolean finished() {
    return this != RUNNING;
  }
}
