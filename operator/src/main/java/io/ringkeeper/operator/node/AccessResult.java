package io.ringkeeper.operator.node;

import java.util.List;

/**
 * What the agent did for an {@link AccessRequest}.
 *
 * @param created the roles that did not exist before
 * @param defaultSuperuser the cassandra role afterwards: disabled, enabled, managed or absent
 * @param changedKeyspaces the keyspaces whose replication was changed
 */
public record AccessResult(List<String> created, String defaultSuperuser, List<String> changedKeyspaces) {
  public AccessResult {
    created = List.copyOf(created);
    changedKeyspaces = List.copyOf(changedKeyspaces);
  }
}
