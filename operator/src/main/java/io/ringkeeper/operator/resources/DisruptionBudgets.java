package io.ringkeeper.operator.resources;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.ringkeeper.api.v1alpha1.CassandraCluster;

/**
 * One PodDisruptionBudget per datacenter allowing a single voluntary disruption (node drains, evictions), the
 * same one-node-at-a-time rule the operator follows itself.
 */
public final class DisruptionBudgets {
  private DisruptionBudgets() {}

  public static PodDisruptionBudget desired(CassandraCluster cr, String datacenter) {
    String cluster = cr.getMetadata().getName();
    return new PodDisruptionBudgetBuilder()
        .withNewMetadata()
        .withName(Names.disruptionBudget(cluster, datacenter))
        .withNamespace(cr.getMetadata().getNamespace())
        .withLabels(Labels.datacenter(cluster, datacenter))
        .withOwnerReferences(Owners.controller(cr))
        .endMetadata()
        .withNewSpec()
        .withMaxUnavailable(new IntOrString(1))
        .withNewSelector()
        .withMatchLabels(Labels.datacenterSelector(cluster, datacenter))
        .endSelector()
        .endSpec()
        .build();
  }
}
