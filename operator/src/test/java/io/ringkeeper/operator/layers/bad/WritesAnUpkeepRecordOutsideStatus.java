package io.ringkeeper.operator.layers.bad;

import io.ringkeeper.api.v1alpha1.MaintenanceStatus;

/** Deliberately bad: writes an upkeep record outside the status stage (LayerRulesTest shows the rule failing). */
public final class WritesAnUpkeepRecordOutsideStatus {
  public void forget(MaintenanceStatus status) {
    status.setCompactionThroughput(null);
  }
}
