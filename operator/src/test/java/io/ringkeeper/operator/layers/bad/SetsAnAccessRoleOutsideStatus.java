package io.ringkeeper.operator.layers.bad;

import io.ringkeeper.api.v1alpha1.AccessStatus;

/** Deliberately bad: sets a role of status.access outside the status stage (LayerRulesTest shows the rule failing). */
public final class SetsAnAccessRoleOutsideStatus {
  public AccessStatus.AppliedRole role(String name) {
    AccessStatus.AppliedRole role = new AccessStatus.AppliedRole();
    role.setName(name);
    return role;
  }
}
