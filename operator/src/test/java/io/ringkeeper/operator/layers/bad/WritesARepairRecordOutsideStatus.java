package io.ringkeeper.operator.layers.bad;

import io.ringkeeper.api.v1alpha1.RepairStatus;

/** Deliberately bad: writes a repair record outside the status stage (LayerRulesTest shows the rule failing). */
public final class WritesARepairRecordOutsideStatus {
  public void abandon(RepairStatus status) {
    status.setRunning(null);
  }
}
