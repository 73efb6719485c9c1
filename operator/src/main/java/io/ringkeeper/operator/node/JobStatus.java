package io.ringkeeper.operator.node;

/**
 * An agent job as last reported.
 *
 * @param id job id, unique on the node
 * @param kind what the job runs
 * @param state running, succeeded or failed
 * @param progress 0..1 where the node can tell, else -1
 * @param message the node's message: the error of a failed job, a progress note otherwise
 * @param startedAtMillis epoch millis the job started
 * @param finishedAtMillis epoch millis it finished, 0 while running
 */
public record JobStatus(
    String id, JobKind kind, JobState state, double progress, String message, long startedAtMillis,
    long finishedAtMillis) {}
