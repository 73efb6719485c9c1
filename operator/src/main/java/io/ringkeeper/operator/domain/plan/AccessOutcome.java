package io.ringkeeper.operator.domain.plan;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What carrying out a {@link Step.SetAccess} came to, as a value: the executor returns it and the status stage turns
 * it into status.access (what was set before is kept for everything the outcome does not say).
 *
 * @param result whether anything was sent, and how the agent answered
 * @param message what to show in status.access.message (never a password)
 * @param at when it was tried ({@link Result#FAILED} and {@link Result#SET})
 * @param attempts failed attempts in a row ({@link Result#FAILED})
 * @param roles the roles set ({@link Result#SET}), the superuser first
 * @param defaultSuperuser the cassandra role afterwards ({@link Result#SET})
 * @param factors the replication now set on the keyspaces holding roles ({@link Result#SET})
 * @param replicationChanged whether the replication of system_auth changed on a cluster that had roles already
 *     (its roles must then be repaired)
 */
public record AccessOutcome(Result result, String message, Instant at, int attempts, List<Access.Role> roles,
    String defaultSuperuser, Map<String, Integer> factors, boolean replicationChanged) {

  public enum Result {
    /** Nothing was sent (no address, a Secret changed since the plan) or the agent's answer is not in yet. */
    NOT_SENT,
    /** The agent refused or failed. */
    FAILED,
    /** The roles and the replication are set. */
    SET
  }

  public AccessOutcome {
    Objects.requireNonNull(result, "result");
    roles = List.copyOf(roles);
    factors = Map.copyOf(factors);
  }

  public static AccessOutcome notSent(String message) {
    return new AccessOutcome(Result.NOT_SENT, message, null, 0, List.of(), null, Map.of(), false);
  }

  public static AccessOutcome failed(int attempts, Instant at, String message) {
    return new AccessOutcome(Result.FAILED, message, at, attempts, List.of(), null, Map.of(), false);
  }

  public static AccessOutcome set(List<Access.Role> roles, String defaultSuperuser, Map<String, Integer> factors,
      boolean replicationChanged, Instant at, String message) {
    return new AccessOutcome(Result.SET, message, at, 0, roles, defaultSuperuser, factors, replicationChanged);
  }
}
