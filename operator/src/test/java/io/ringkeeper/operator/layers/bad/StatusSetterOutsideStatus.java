package io.ringkeeper.operator.layers.bad;

import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.ClusterPhase;

/** Deliberately bad: sets the status outside the status stage (LayerRulesTest shows the rule failing). */
public final class StatusSetterOutsideStatus {
  public void degrade(CassandraCluster cr) {
    cr.getStatus().setPhase(ClusterPhase.Degraded);
  }
}
