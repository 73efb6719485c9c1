package io.ringkeeper.operator.resources;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.ringkeeper.api.v1alpha1.CassandraCluster;

/** Owner references: what Kubernetes' garbage collector deletes with the cluster. */
public final class Owners {
  private Owners() {}

  /**
   * The cluster as controlling owner. Every object but the PVCs carries it; PVCs follow storage.reclaim instead,
   * through the operator's finalizer.
   */
  public static OwnerReference controller(CassandraCluster cr) {
    return new OwnerReferenceBuilder()
        .withApiVersion(cr.getApiVersion() == null
            ? CassandraCluster.GROUP + "/" + CassandraCluster.VERSION : cr.getApiVersion())
        .withKind(cr.getKind() == null ? "CassandraCluster" : cr.getKind())
        .withName(cr.getMetadata().getName())
        .withUid(cr.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }
}
