package io.ringkeeper.operator.reconciler.act;

import io.fabric8.kubernetes.api.model.Secret;
import io.ringkeeper.api.v1alpha1.AccessStatus;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.operator.domain.plan.Access;
import io.ringkeeper.operator.domain.plan.SafetyRules;
import io.ringkeeper.operator.domain.plan.Step;
import io.ringkeeper.operator.node.AccessRequest;
import io.ringkeeper.operator.node.AccessResult;
import io.ringkeeper.operator.node.Agents;
import io.ringkeeper.operator.node.NoAnswerYet;
import io.ringkeeper.operator.node.NodeClientException;
import io.ringkeeper.operator.node.NodeEndpoint;
import io.ringkeeper.operator.reconciler.events.ClusterEvent;
import io.ringkeeper.operator.reconciler.observe.StatusTimes;
import io.ringkeeper.operator.resources.Secrets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out {@link Step.SetAccess}: reads each role's password from its Secret, asks the node's agent to set the
 * roles, disable the default superuser and set the replication of the keyspaces holding roles, and returns the
 * access record for status with the events to record. The call is fired and not waited for: its answer triggers the
 * next reconcile, which records it. Passwords go to the agent only; they are never logged or put in status.
 */
public final class AccessSync {
  private static final Logger LOG = LoggerFactory.getLogger(AccessSync.class);

  private final Clock clock;

  public AccessSync(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * @param secrets the Secrets by name the roles' passwords are read from
   * @param before the access record in status (null: never set)
   * @return the access record to write
   */
  public AccessStatus carryOut(CassandraCluster cr, Map<String, Secret> secrets, Step.SetAccess step,
      AccessStatus before, List<NodeEndpoint> endpoints, Agents agents, List<ClusterEvent> events) {
    AccessStatus record = copy(before);
    NodeEndpoint endpoint = endpoints.stream().filter(e -> e.node().equals(step.via().name())).findFirst()
        .orElse(null);
    if (endpoint == null) {
      record.setMessage("node " + step.via().name() + " has no address yet");
      return record;
    }
    List<AccessRequest.Role> roles = new ArrayList<>();
    StringBuilder fingerprint = new StringBuilder();
    for (Access.Role role : step.roles()) {
      String password = Secrets.value(secrets.get(role.secret()), "password");
      if (password == null) {
        // Read when the step was planned; gone since: planned again from the new state.
        record.setMessage("Secret " + role.secret() + " changed while roles were being set");
        return record;
      }
      roles.add(new AccessRequest.Role(role.name(), password, role.superuser(), role.login()));
      fingerprint.append(role.name()).append('@').append(role.secret()).append(':').append(role.version()).append(';');
    }
    String superuser = step.roles().get(0).name();
    AccessRequest request = new AccessRequest(roles, true, superuser, Access.SYSTEM_KEYSPACES, step.factors());
    String attempt = "access/" + fingerprint + new TreeMap<>(step.factors()) + "/attempt-" + step.attempt();
    AccessResult result;
    try {
      result = agents.access(endpoint, request, attempt);
    } catch (NoAnswerYet e) {
      record.setMessage("asked node " + step.via().name() + " to set " + roles.size() + " role(s); waiting for"
          + " its answer");
      return record;
    } catch (NodeClientException e) {
      int attempts = step.attempt() + 1;
      record.setAttempts(attempts);
      record.setLastAttempt(StatusTimes.format(clock.instant()));
      record.setMessage("node " + step.via().name() + ": " + e.getMessage());
      LOG.warn("{}: setting roles through {} failed (attempt {}): {}", cr.getMetadata().getName(),
          step.via().name(), attempts, e.getMessage());
      events.add(ClusterEvent.warning("AccessFailed", step.via().name(), "Setting roles through node "
          + step.via().name() + " failed (attempt " + attempts + "): " + e.getMessage() + "; tried again in "
          + SafetyRules.retryDelay(attempts).toSeconds() + " s"));
      return record;
    }

    List<AccessStatus.AppliedRole> previous = record.getRoles() == null ? List.of() : record.getRoles();
    for (Access.Role role : step.roles()) {
      if (result.created().contains(role.name())) {
        events.add(ClusterEvent.normal("RoleCreated", "", "Created role " + role.name()
            + (role.superuser() ? " (superuser)" : "") + " from Secret " + role.secret()));
      } else if (previous.stream().anyMatch(p -> p.getName().equals(role.name())
          && !Objects.equals(p.getSecretVersion(), role.version()))) {
        events.add(ClusterEvent.normal("PasswordChanged", "", "Set the password of role " + role.name()
            + " from Secret " + role.secret() + " (version " + role.version() + "); no node restarted"));
      }
    }
    if ("disabled".equals(result.defaultSuperuser()) && !"disabled".equals(record.getDefaultSuperuser())) {
      events.add(ClusterEvent.normal("DefaultSuperuserDisabled", "", "The default cassandra role can no longer"
          + " log in and is not a superuser; log in as " + superuser + " (Secret " + step.roles().get(0).secret()
          + ")"));
    }
    if (!result.changedKeyspaces().isEmpty()) {
      events.add(ClusterEvent.normal("SystemReplicationChanged", "", String.join(", ", result.changedKeyspaces())
          + " now replicate with NetworkTopologyStrategy " + new TreeMap<>(step.factors())));
    }
    List<AccessStatus.AppliedRole> applied = new ArrayList<>();
    for (Access.Role role : step.roles()) {
      AccessStatus.AppliedRole r = new AccessStatus.AppliedRole();
      r.setName(role.name());
      r.setSecret(role.secret());
      r.setSecretVersion(role.version());
      r.setSuperuser(role.superuser());
      r.setLogin(role.login());
      applied.add(r);
    }
    record.setRoles(applied);
    record.setDefaultSuperuser(result.defaultSuperuser());
    boolean hadRoles = before != null && before.getSystemReplication() != null
        && !before.getSystemReplication().isEmpty();
    if (hadRoles && result.changedKeyspaces().contains("system_auth")) {
      record.setReplicationChangedAt(StatusTimes.format(clock.instant()));
    }
    record.setSystemReplication(new TreeMap<>(step.factors()));
    record.setAttempts(null);
    record.setLastAttempt(StatusTimes.format(clock.instant()));
    record.setMessage(step.roles().size() + " role(s) set through node " + step.via().name()
        + (result.created().isEmpty() ? "" : "; created " + String.join(", ", result.created())));
    LOG.info("{}: {}", cr.getMetadata().getName(), record.getMessage());
    return record;
  }

  private static AccessStatus copy(AccessStatus before) {
    AccessStatus copy = new AccessStatus();
    if (before != null) {
      copy.setRoles(before.getRoles() == null ? null : new ArrayList<>(before.getRoles()));
      copy.setDefaultSuperuser(before.getDefaultSuperuser());
      copy.setSystemReplication(before.getSystemReplication());
      copy.setAttempts(before.getAttempts());
      copy.setReplicationChangedAt(before.getReplicationChangedAt());
      copy.setLastAttempt(before.getLastAttempt());
      copy.setMessage(before.getMessage());
    }
    return copy;
  }
}
