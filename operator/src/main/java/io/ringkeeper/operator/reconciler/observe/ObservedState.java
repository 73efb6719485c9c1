package io.ringkeeper.operator.reconciler.observe;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.ringkeeper.operator.node.NodeObservation;
import java.util.Map;

/**
 * What one reconcile knows about a cluster, read from informer caches and the poller's last round only: the
 * objects the operator manages, by name, and the last observation of every node's agent.
 */
public record ObservedState(
    Map<String, Pod> pods,
    Map<String, PersistentVolumeClaim> volumes,
    Map<String, Service> services,
    Map<String, ConfigMap> configMaps,
    Map<String, Secret> secrets,
    Map<String, PodDisruptionBudget> budgets,
    Map<String, NodeObservation> nodes) {

  public ObservedState {
    pods = Map.copyOf(pods);
    volumes = Map.copyOf(volumes);
    services = Map.copyOf(services);
    configMaps = Map.copyOf(configMaps);
    secrets = Map.copyOf(secrets);
    budgets = Map.copyOf(budgets);
    nodes = Map.copyOf(nodes);
  }

  public static ObservedState empty() {
    return new ObservedState(Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), Map.of());
  }
}
