package io.ringkeeper.operator.domain.upkeep;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A node task's progress as kept in {@code status.maintenance.tasks}, so a restarted operator picks up the job it
 * started.
 *
 * @param name the task
 * @param running a run is under way
 * @param next the next due time; null: none
 * @param lastStarted when the current or last run started
 * @param lastCompleted when the last run ended
 * @param lastResult Succeeded or Failed
 * @param node the node the run is on now; null between nodes
 * @param jobId the agent job on that node; null until the node answered the start
 * @param keyspace the keyspace of that job; null: all keyspaces
 * @param done the nodes finished with
 * @param failed the nodes whose job failed, each as "node: why"
 * @param message for people: what the run does or waits for
 */
public record TaskRecord(String name, boolean running, Instant next, Instant lastStarted, Instant lastCompleted,
    String lastResult, String node, String jobId, String keyspace, List<String> done, List<String> failed,
    String message) {
  public TaskRecord {
    Objects.requireNonNull(name, "name");
    done = done == null ? List.of() : List.copyOf(done);
    failed = failed == null ? List.of() : List.copyOf(failed);
  }

  /** A task that never ran. */
  public static TaskRecord fresh(String name) {
    return new TaskRecord(name, false, null, null, null, null, null, null, null, List.of(), List.of(), null);
  }
}
