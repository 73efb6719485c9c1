package io.ringkeeper.operator.reconciler.status;

import io.ringkeeper.api.v1alpha1.AccessStatus;
import io.ringkeeper.operator.domain.plan.Access;
import io.ringkeeper.operator.domain.plan.AccessOutcome;
import io.ringkeeper.operator.reconciler.observe.StatusTimes;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** Turns what setting access came to ({@link AccessOutcome}) into status.access. */
public final class AccessRecords {
  private AccessRecords() {}

  /**
   * @param before the access record in status (null: never set); kept for everything the outcome does not say
   * @return the access record to write
   */
  public static AccessStatus of(AccessStatus before, AccessOutcome outcome) {
    AccessStatus record = copy(before);
    record.setMessage(outcome.message());
    switch (outcome.result()) {
      case NOT_SENT -> { }
      case FAILED -> {
        record.setAttempts(outcome.attempts());
        record.setLastAttempt(StatusTimes.format(outcome.at()));
      }
      case SET -> {
        List<AccessStatus.AppliedRole> applied = new ArrayList<>();
        for (Access.Role role : outcome.roles()) {
          AccessStatus.AppliedRole r = new AccessStatus.AppliedRole();
          r.setName(role.name());
          r.setSecret(role.secret());
          r.setSecretVersion(role.version());
          r.setSuperuser(role.superuser());
          r.setLogin(role.login());
          applied.add(r);
        }
        record.setRoles(applied);
        record.setDefaultSuperuser(outcome.defaultSuperuser());
        if (outcome.replicationChanged()) {
          record.setReplicationChangedAt(StatusTimes.format(outcome.at()));
        }
        record.setSystemReplication(new TreeMap<>(outcome.factors()));
        record.setAttempts(null);
        record.setLastAttempt(StatusTimes.format(outcome.at()));
      }
      default -> throw new IllegalStateException("unknown outcome " + outcome.result());
    }
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
