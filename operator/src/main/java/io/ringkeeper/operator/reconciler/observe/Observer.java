package io.ringkeeper.operator.reconciler.observe;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.operator.node.ClusterKey;
import io.ringkeeper.operator.node.NodePoller;
import io.ringkeeper.operator.resources.Labels;
import java.util.Map;
import java.util.TreeMap;

/** Reads a cluster's {@link ObservedState} from JOSDK's secondary-resource caches and the node poller. */
public final class Observer {
  private final NodePoller poller;

  public Observer(NodePoller poller) {
    this.poller = poller;
  }

  public ObservedState observe(CassandraCluster cr, Context<CassandraCluster> context) {
    String cluster = cr.getMetadata().getName();
    return new ObservedState(
        byName(context.getSecondaryResources(Pod.class), cluster),
        byName(context.getSecondaryResources(PersistentVolumeClaim.class), cluster),
        byName(context.getSecondaryResources(Service.class), cluster),
        byName(context.getSecondaryResources(ConfigMap.class), cluster),
        byName(context.getSecondaryResources(Secret.class), cluster),
        byName(context.getSecondaryResources(PodDisruptionBudget.class), cluster),
        poller.observations(key(cr)));
  }

  public static ClusterKey key(CassandraCluster cr) {
    return new ClusterKey(cr.getMetadata().getNamespace(), cr.getMetadata().getName());
  }

  // The informers map objects to clusters by label; the check below keeps a mislabelled object out regardless.
  private static <T extends HasMetadata> Map<String, T> byName(Iterable<T> objects, String cluster) {
    Map<String, T> result = new TreeMap<>();
    for (T object : objects) {
      Map<String, String> labels = object.getMetadata().getLabels();
      if (labels != null && cluster.equals(labels.get(Labels.CLUSTER))) {
        result.put(object.getMetadata().getName(), object);
      }
    }
    return result;
  }
}
