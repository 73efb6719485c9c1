package io.ringkeeper.operator.domain.upkeep;

import java.util.List;
import java.util.Objects;

/**
 * A scheduled node task of the spec.
 *
 * @param name its name, unique in the cluster
 * @param schedule cron expression; null: it runs only when started (the SSTable upgrade after a version upgrade)
 * @param operation what each node runs
 * @param keyspaces one job per keyspace, in this order; empty: one job for all keyspaces
 * @param tables the tables of each keyspace job; empty: all
 */
public record NodeTask(String name, String schedule, Operation operation, List<String> keyspaces,
    List<String> tables) {
  /** The agent job a task runs; named as in the spec, so messages read like it. */
  public enum Operation {
    Compact,
    GarbageCollect,
    UpgradeSSTables,
    Cleanup
  }

  public NodeTask {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(operation, "operation");
    keyspaces = keyspaces == null ? List.of() : List.copyOf(keyspaces);
    tables = tables == null ? List.of() : List.copyOf(tables);
  }
}
