package io.ringkeeper.operator.resources;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.StorageSpec;
import java.util.Map;
import java.util.stream.Collectors;

/** A node's PersistentVolumeClaim, named like the node so a recreated pod finds its data again. */
public final class NodeVolumes {
  private NodeVolumes() {}

  /**
   * The claim. It carries no owner reference: Kubernetes' garbage collector would delete it with the cluster
   * whatever storage.reclaim says; the operator's finalizer deletes it when reclaim is Delete. It carries the
   * node's tokens as an annotation, so they are not lost if the cluster's status is.
   */
  public static PersistentVolumeClaim desired(CassandraCluster cr, DesiredNode node) {
    StorageSpec storage = cr.getSpec().getStorage() == null ? new StorageSpec() : cr.getSpec().getStorage();
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata()
        .withName(Names.node(node.id()))
        .withNamespace(cr.getMetadata().getNamespace())
        .withLabels(Labels.node(node.id(), false))
        .withAnnotations(Map.of(Labels.TOKENS, tokensAnnotation(node)))
        .endMetadata()
        .withNewSpec()
        .withAccessModes("ReadWriteOnce")
        .withStorageClassName(storage.getStorageClassName())
        .withNewResources()
        .withRequests(Map.of("storage", new Quantity(storage.getSize())))
        .endResources()
        .endSpec()
        .build();
  }

  static String tokensAnnotation(DesiredNode node) {
    return node.tokens().stream().map(String::valueOf).collect(Collectors.joining(","));
  }
}
