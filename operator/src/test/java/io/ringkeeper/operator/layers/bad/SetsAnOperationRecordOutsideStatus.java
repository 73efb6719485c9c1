package io.ringkeeper.operator.layers.bad;

import io.ringkeeper.api.v1alpha1.OperationStatus;

/** Deliberately bad: builds status.operation outside the status stage (LayerRulesTest shows the rule failing). */
public final class SetsAnOperationRecordOutsideStatus {
  public OperationStatus record(String step) {
    OperationStatus status = new OperationStatus();
    status.setStep(step);
    return status;
  }
}
