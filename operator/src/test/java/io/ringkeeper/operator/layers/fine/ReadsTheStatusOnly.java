package io.ringkeeper.operator.layers.fine;

import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.CassandraClusterSpec;

/** Reads the status and sets a field of the spec: what the status rule must not flag (LayerRulesTest). */
public final class ReadsTheStatusOnly {
  public String step(CassandraCluster cr, CassandraClusterSpec spec) {
    spec.setStopped(Boolean.TRUE);
    return cr.getStatus() == null || cr.getStatus().getOperation() == null ? null
        : cr.getStatus().getOperation().getStep();
  }
}
