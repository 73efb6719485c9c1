package io.ringkeeper.operator.domain.plan;

import io.ringkeeper.operator.domain.model.Datacenter;
import io.ringkeeper.operator.domain.model.NodeId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Who may log in: the roles the spec asks for (each with the version of the Secret holding its password), what
 * the operator last set on the nodes, and the replication of the keyspaces that hold roles.
 *
 * <p>Rules: the superuser (from spec.auth.superuserSecretRef or the generated Secret) is the first role and must
 * exist before anything else is set; Cassandra's default {@code cassandra} role is then disabled. system_auth,
 * system_distributed and system_traces replicate with NetworkTopologyStrategy, {@code min(3, size)} in every
 * datacenter that has its nodes ({@link #systemFactors}). Roles removed from the spec are never dropped (a role may own
 * data a user relies on); only the ones listed are kept in step. A failed attempt is retried after
 * {@link SafetyRules#retryDelay}.
 *
 * @param wanted the roles to set, the superuser first; empty when its Secret cannot be read (see problems)
 * @param problems a Secret that is missing or malformed, each naming the Secret, the key and the fix
 * @param applied what the operator last set, as recorded in status
 */
public record Access(List<Role> wanted, List<Held> problems, Applied applied) {
  /** Reasons of {@link Held} entries about access (reported as Degraded, never as a held spec change). */
  public static final Set<String> REASONS = Set.of("SecretMissing", "SecretInvalid", "AccessFailed");
  /** Keyspaces whose replication follows the cluster's datacenters. */
  public static final List<String> SYSTEM_KEYSPACES = List.of("system_auth", "system_distributed", "system_traces");
  public static final int MAX_SYSTEM_RF = 3;

  public Access {
    wanted = List.copyOf(wanted);
    problems = List.copyOf(problems);
    Objects.requireNonNull(applied, "applied");
  }

  /**
   * A role as wanted or as applied.
   *
   * @param version the resourceVersion of the Secret holding the password: a new version sets the password again
   */
  public record Role(String name, String secret, String version, boolean superuser, boolean login) {
    public Role {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(secret, "secret");
    }
  }

  /**
   * What was last set.
   *
   * @param defaultSuperuser the cassandra role afterwards (disabled, managed, absent); null: never set
   * @param attempts failed attempts in a row
   * @param lastAttempt when it was last tried; null: never
   */
  public record Applied(List<Role> roles, String defaultSuperuser, Map<String, Integer> factors, int attempts,
      Instant lastAttempt) {
    public static final Applied NONE = new Applied(List.of(), null, Map.of(), 0, null);

    public Applied {
      roles = List.copyOf(roles);
      factors = Map.copyOf(factors);
    }
  }

  /**
   * The replication factor per datacenter of the keyspaces holding roles: {@code min(3, spec size)}, for every
   * datacenter that has that many nodes recorded. A datacenter still being added is left out until it has them (one
   * change, not one per node), and a datacenter scaled down gets its lower factor before its first node leaves
   * (planned before the scale-down starts): Cassandra refuses to decommission a node that would leave fewer nodes
   * than a keyspace's replicas.
   */
  public static Map<String, Integer> systemFactors(ClusterState state) {
    Map<String, Integer> factors = new TreeMap<>();
    for (Datacenter dc : state.datacenters()) {
      int target = Math.min(MAX_SYSTEM_RF, dc.size());
      if (target > 0 && state.knownIn(dc.name()).size() >= target) {
        factors.put(dc.name(), target);
      }
    }
    return factors;
  }

  /** Whether the nodes lack something wanted: a role, a new password, the default role disabled, replication. */
  public boolean behind(Map<String, Integer> factors) {
    if (wanted.isEmpty()) {
      return false;
    }
    return !applied.roles().containsAll(wanted) || applied.defaultSuperuser() == null
        || !applied.factors().equals(factors);
  }

  /**
   * The step that sets access now, if one is due: the ring has formed, the superuser's Secret is readable, the
   * nodes lack something, a node is up and normal to ask, and a failed attempt's retry delay has passed.
   */
  static Optional<Step> next(ClusterState state, List<Held> held) {
    Access access = state.access();
    if (access == null || !state.ringFormed()) {
      return Optional.empty();
    }
    Map<String, Integer> factors = systemFactors(state);
    if (!access.behind(factors)) {
      return Optional.empty();
    }
    Applied applied = access.applied();
    if (applied.attempts() > 0 && applied.lastAttempt() != null
        && state.now().isBefore(applied.lastAttempt().plus(SafetyRules.retryDelay(applied.attempts())))) {
      held.add(Held.rechecked("AccessFailed", "setting roles failed " + applied.attempts() + " time(s) in a row;"
          + " tried again at " + applied.lastAttempt().plus(SafetyRules.retryDelay(applied.attempts()))));
      return Optional.empty();
    }
    List<NodeId> candidates = new ArrayList<>();
    for (KnownNode node : state.known()) {
      if (state.factsOf(node.name()).normal()) {
        candidates.add(node.id());
      }
    }
    if (candidates.isEmpty()) {
      return Optional.empty();
    }
    // The node asked moves on with each failed attempt: a node that cannot do it does not hold access up.
    NodeId via = candidates.get(applied.attempts() % candidates.size());
    return Optional.of(new Step.SetAccess(via, access.wanted(), factors, applied.attempts()));
  }
}
