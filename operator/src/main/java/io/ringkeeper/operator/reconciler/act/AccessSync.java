package io.ringkeeper.operator.reconciler.act;

import io.fabric8.kubernetes.api.model.Secret;
import io.ringkeeper.api.v1alpha1.AccessStatus;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.operator.domain.plan.Access;
import io.ringkeeper.operator.domain.plan.AccessOutcome;
import io.ringkeeper.operator.domain.plan.SafetyRules;
import io.ringkeeper.operator.domain.plan.Step;
import io.ringkeeper.operator.node.AccessRequest;
import io.ringkeeper.operator.node.AccessResult;
import io.ringkeeper.operator.node.Agents;
import io.ringkeeper.operator.node.NoAnswerYet;
import io.ringkeeper.operator.node.NodeClientException;
import io.ringkeeper.operator.node.NodeEndpoint;
import io.ringkeeper.operator.reconciler.events.ClusterEvent;
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
 * roles, disable the default superuser and set the replication of the keyspaces holding roles, and returns what it
 * came to (an {@link AccessOutcome}, which the status stage records) with the events to record. The call is fired
 * and not waited for: its answer triggers the next reconcile, which records it. Passwords go to the agent only;
 * they are never logged or put in status.
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
   * @return what was done, for the status stage to record ({@code reconciler.status.AccessRecords})
   */
  public AccessOutcome carryOut(CassandraCluster cr, Map<String, Secret> secrets, Step.SetAccess step,
      AccessStatus before, List<NodeEndpoint> endpoints, Agents agents, List<ClusterEvent> events) {
    NodeEndpoint endpoint = endpoints.stream().filter(e -> e.node().equals(step.via().name())).findFirst()
        .orElse(null);
    if (endpoint == null) {
      return AccessOutcome.notSent("node " + step.via().name() + " has no address yet");
    }
    List<AccessRequest.Role> roles = new ArrayList<>();
    StringBuilder fingerprint = new StringBuilder();
    for (Access.Role role : step.roles()) {
      String password = Secrets.value(secrets.get(role.secret()), "password");
      if (password == null) {
        // Read when the step was planned; gone since: planned again from the new state.
        return AccessOutcome.notSent("Secret " + role.secret() + " changed while roles were being set");
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
      return AccessOutcome.notSent("asked node " + step.via().name() + " to set " + roles.size() + " role(s);"
          + " waiting for its answer");
    } catch (NodeClientException e) {
      int attempts = step.attempt() + 1;
      LOG.warn("{}: setting roles through {} failed (attempt {}): {}", cr.getMetadata().getName(),
          step.via().name(), attempts, e.getMessage());
      events.add(ClusterEvent.warning("AccessFailed", step.via().name(), "Setting roles through node "
          + step.via().name() + " failed (attempt " + attempts + "): " + e.getMessage() + "; tried again in "
          + SafetyRules.retryDelay(attempts).toSeconds() + " s"));
      return AccessOutcome.failed(attempts, clock.instant(), "node " + step.via().name() + ": " + e.getMessage());
    }

    List<AccessStatus.AppliedRole> previous = before == null || before.getRoles() == null ? List.of()
        : before.getRoles();
    // An earlier attempt that failed may have done part of the work or all of it (its answer lost to a timeout):
    // what it did is then found in place, and the agent answers "unchanged". What status never recorded is
    // still reported once, saying so.
    boolean earlierAttempt = step.attempt() > 0;
    for (Access.Role role : step.roles()) {
      boolean recorded = previous.stream().anyMatch(p -> p.getName().equals(role.name()));
      if (result.created().contains(role.name())) {
        events.add(ClusterEvent.normal("RoleCreated", "", "Created role " + role.name()
            + (role.superuser() ? " (superuser)" : "") + " from Secret " + role.secret()));
      } else if (!recorded && earlierAttempt) {
        events.add(ClusterEvent.normal("RoleCreated", "", "Role " + role.name()
            + (role.superuser() ? " (superuser)" : "") + " from Secret " + role.secret() + " is set; it was found"
            + " in place, created by one of the " + step.attempt() + " earlier attempt(s) whose answer was lost"));
      } else if (previous.stream().anyMatch(p -> p.getName().equals(role.name())
          && !Objects.equals(p.getSecretVersion(), role.version()))) {
        events.add(ClusterEvent.normal("PasswordChanged", "", "Set the password of role " + role.name()
            + " from Secret " + role.secret() + " (version " + role.version() + "); no node restarted"));
      }
    }
    if ("disabled".equals(result.defaultSuperuser())
        && !"disabled".equals(before == null ? null : before.getDefaultSuperuser())) {
      events.add(ClusterEvent.normal("DefaultSuperuserDisabled", "", "The default cassandra role can no longer"
          + " log in and is not a superuser; log in as " + superuser + " (Secret " + step.roles().get(0).secret()
          + ")"));
    }
    boolean hadRoles = before != null && before.getSystemReplication() != null
        && !before.getSystemReplication().isEmpty();
    // The recorded replication is the one the roles were last known to be written under. Another one now means
    // system_auth changed since, whether this call changed it or an earlier one whose answer never came back (the
    // agent then answers "unchanged"): the roles need their repair either way.
    boolean recordedDiffers = hadRoles && !new TreeMap<>(before.getSystemReplication())
        .equals(new TreeMap<>(step.factors()));
    if (!result.changedKeyspaces().isEmpty()) {
      events.add(ClusterEvent.normal("SystemReplicationChanged", "", String.join(", ", result.changedKeyspaces())
          + " now replicate with NetworkTopologyStrategy " + new TreeMap<>(step.factors())));
    } else if (!hadRoles && earlierAttempt) {
      events.add(ClusterEvent.normal("SystemReplicationChanged", "", String.join(", ", Access.SYSTEM_KEYSPACES)
          + " found replicating with NetworkTopologyStrategy " + new TreeMap<>(step.factors()) + "; one of the "
          + step.attempt() + " earlier attempt(s) whose answer was lost set it"));
    } else if (recordedDiffers) {
      events.add(ClusterEvent.normal("SystemReplicationChanged", "", String.join(", ", Access.SYSTEM_KEYSPACES)
          + " found replicating with NetworkTopologyStrategy " + new TreeMap<>(step.factors()) + " (status said "
          + new TreeMap<>(before.getSystemReplication()) + "; an earlier attempt set it)"));
    }
    String message = step.roles().size() + " role(s) set through node " + step.via().name()
        + (result.created().isEmpty() ? "" : "; created " + String.join(", ", result.created()));
    LOG.info("{}: {}", cr.getMetadata().getName(), message);
    return AccessOutcome.set(step.roles(), result.defaultSuperuser(), step.factors(),
        hadRoles && (result.changedKeyspaces().contains("system_auth") || recordedDiffers), clock.instant(), message);
  }
}
