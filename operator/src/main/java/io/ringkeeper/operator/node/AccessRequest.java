package io.ringkeeper.operator.node;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a node's agent is asked to set ({@code POST /v1/access}): roles with their passwords, whether Cassandra's
 * default {@code cassandra} superuser is disabled, and the replication of the keyspaces holding roles.
 *
 * @param roles the roles to create or alter, in order (the superuser first)
 * @param disableDefaultSuperuser whether the default cassandra role loses superuser and login
 * @param as the superuser role the keyspace change runs as (null when there is none)
 * @param keyspaces replicated system keyspaces to set (empty: none)
 * @param factors replication factor per datacenter for {@code keyspaces}
 */
public record AccessRequest(List<Role> roles, boolean disableDefaultSuperuser, String as, List<String> keyspaces,
    Map<String, Integer> factors) {
  public AccessRequest {
    roles = List.copyOf(roles);
    keyspaces = List.copyOf(keyspaces);
    factors = Map.copyOf(factors);
  }

  /** A role with its password; the password never appears in {@link #toString()}. */
  public record Role(String name, String password, boolean superuser, boolean login) {
    public Role {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(password, "password");
    }

    @Override
    public String toString() {
      return "Role[" + name + (superuser ? ", superuser" : "") + (login ? ", login" : ", nologin") + "]";
    }
  }
}
