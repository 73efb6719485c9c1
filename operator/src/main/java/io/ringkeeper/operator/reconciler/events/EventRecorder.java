package io.ringkeeper.operator.reconciler.events;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.operator.reconciler.observe.StatusTimes;
import io.ringkeeper.operator.resources.Hashes;
import io.ringkeeper.operator.resources.Labels;
import io.ringkeeper.operator.resources.Names;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records Kubernetes Events on a cluster. An event's name is derived from the cluster's uid, its reason and its
 * key, so the same event recurring updates one object (count and lastTimestamp) instead of creating a new one
 * each time. Counts are remembered in memory; after an operator restart the first recurrence reads the existing
 * object once. Recording never fails a reconcile: an event that cannot be written is logged.
 */
public final class EventRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);

  private final KubernetesClient client;
  private final Clock clock;
  private final Map<String, Integer> counts = new ConcurrentHashMap<>();

  public EventRecorder(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  public void record(CassandraCluster cr, ClusterEvent event) {
    String namespace = cr.getMetadata().getNamespace();
    String name = name(cr, event);
    String now = StatusTimes.format(clock.instant());
    try {
      Integer count = counts.get(namespace + "/" + name);
      if (count == null) {
        try {
          client.resource(build(cr, event, name, 1, now, now)).create();
          counts.put(namespace + "/" + name, 1);
          return;
        } catch (KubernetesClientException e) {
          if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
            throw e;
          }
          // Written by an earlier run of the operator: continue its count.
          Event existing = client.v1().events().inNamespace(namespace).withName(name).get();
          count = existing == null || existing.getCount() == null ? 1 : existing.getCount();
        }
      }
      int next = count + 1;
      String patch = "{\"count\":" + next + ",\"lastTimestamp\":\"" + now + "\",\"message\":"
          + io.fabric8.kubernetes.client.utils.Serialization.asJson(event.message()) + "}";
      client.resource(build(cr, event, name, next, now, now)).patch(PatchContext.of(PatchType.JSON_MERGE), patch);
      counts.put(namespace + "/" + name, next);
    } catch (RuntimeException e) {
      LOG.warn("could not record event {} {}: {}", event.reason(), event.key(), e.getMessage());
    }
  }

  /** Forgets the counts of a deleted cluster. */
  public void forget(CassandraCluster cr) {
    String prefix = cr.getMetadata().getNamespace() + "/" + cr.getMetadata().getName() + ".";
    counts.keySet().removeIf(k -> k.startsWith(prefix));
  }

  static String name(CassandraCluster cr, ClusterEvent event) {
    return cr.getMetadata().getName() + "." + Hashes.of(cr.getMetadata().getUid() + "/" + event.reason() + "/"
        + event.key());
  }

  private static Event build(CassandraCluster cr, ClusterEvent event, String name, int count, String first,
      String last) {
    return new EventBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(cr.getMetadata().getNamespace())
        .withLabels(Labels.component(cr.getMetadata().getName(), "events"))
        .endMetadata()
        .withInvolvedObject(new ObjectReferenceBuilder()
            .withApiVersion(cr.getApiVersion())
            .withKind(cr.getKind())
            .withName(cr.getMetadata().getName())
            .withNamespace(cr.getMetadata().getNamespace())
            .withUid(cr.getMetadata().getUid())
            .build())
        .withType(event.warning() ? "Warning" : "Normal")
        .withReason(event.reason())
        .withMessage(event.message())
        .withCount(count)
        .withFirstTimestamp(first)
        .withLastTimestamp(last)
        .withNewSource().withComponent(Names.COMPONENT).endSource()
        .withReportingComponent(Names.COMPONENT)
        .build();
  }
}
