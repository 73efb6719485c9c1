package io.ringkeeper.operator.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.operator.reconciler.status.Conditions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads what a namespace holds, for scenario assertions. */
public final class ClusterAssertions {
  private ClusterAssertions() {}

  /** Every object kind the operator creates, listed from the API server. */
  public static List<HasMetadata> objects(KubernetesClient client, String namespace) {
    List<HasMetadata> all = new ArrayList<>();
    all.addAll(client.pods().inNamespace(namespace).list().getItems());
    all.addAll(client.persistentVolumeClaims().inNamespace(namespace).list().getItems());
    all.addAll(client.services().inNamespace(namespace).list().getItems());
    all.addAll(client.configMaps().inNamespace(namespace).list().getItems());
    all.addAll(client.secrets().inNamespace(namespace).list().getItems());
    all.addAll(client.policy().v1().podDisruptionBudget().inNamespace(namespace).list().getItems());
    return all;
  }

  public static List<String> names(List<? extends HasMetadata> objects) {
    return objects.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).sorted().toList();
  }

  public static Optional<Event> event(List<Event> events, String reason) {
    return events.stream().filter(e -> reason.equals(e.getReason())).findFirst();
  }

  public static String condition(CassandraCluster cr, String type) {
    return cr.getStatus() == null ? null : Conditions.find(cr.getStatus().getConditions(), type)
        .map(c -> c.getStatus() + "/" + c.getReason()).orElse(null);
  }

  public static String conditionMessage(CassandraCluster cr, String type) {
    return cr.getStatus() == null ? null : Conditions.find(cr.getStatus().getConditions(), type)
        .map(c -> c.getMessage()).orElse(null);
  }

  public static void assertOwnedByCluster(List<? extends HasMetadata> objects, CassandraCluster cr) {
    for (HasMetadata object : objects) {
      assertThat(object.getMetadata().getOwnerReferences())
          .as(object.getKind() + " " + object.getMetadata().getName())
          .anySatisfy(o -> assertThat(o.getUid()).isEqualTo(cr.getMetadata().getUid()));
    }
  }
}
