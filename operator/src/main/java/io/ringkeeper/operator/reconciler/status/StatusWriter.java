package io.ringkeeper.operator.reconciler.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.CassandraClusterStatus;
import io.ringkeeper.operator.resources.JsonPatches;
import io.ringkeeper.operator.resources.StaleWrites;

/**
 * Writes a cluster's status: a JSON patch of the status subresource holding exactly the differences from the
 * cached status, guarded by a test of the cached resourceVersion, and nothing at all when there is no
 * difference. The result goes into JOSDK's cache so the next reconcile starts from it.
 */
public final class StatusWriter {
  private final KubernetesClient client;
  private final ObjectMapper mapper = Serialization.jsonMapper();

  public StatusWriter(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Whether the cached status lacks what every written status has (nodes and conditions): it was cleared or
   * edited by hand, and the stored object may lack fields the cached one shows with their defaults, on which a
   * diff's replace operations would fail. Such a status is written whole.
   */
  static boolean lost(JsonNode before) {
    return before == null || !before.path("nodes").isArray() || before.path("nodes").isEmpty()
        || !before.path("conditions").isArray() || before.path("conditions").isEmpty();
  }

  /** Whether the status would change. */
  public boolean differs(CassandraCluster cr, CassandraClusterStatus status) {
    JsonNode before = cr.getStatus() == null ? null : mapper.valueToTree(cr.getStatus());
    JsonNode after = mapper.valueToTree(status);
    return !after.equals(before);
  }

  /**
   * @return the cluster as written, or null when the status did not change
   * @throws KubernetesClientException 409 when the cluster changed since it was cached (also when a real API
   *     server answered the failed guard with 422: {@link StaleWrites}); the reconcile is then retried with the
   *     new version
   */
  public CassandraCluster write(CassandraCluster cr, CassandraClusterStatus status, Context<CassandraCluster> context) {
    JsonNode before = cr.getStatus() == null ? null : mapper.valueToTree(cr.getStatus());
    JsonNode after = mapper.valueToTree(status);
    if (after.equals(before)) {
      return null;
    }
    ArrayNode ops = JsonPatches.guarded(cr.getMetadata().getResourceVersion(), lost(before)
        ? JsonPatches.whole("/status", after) : JsonPatches.diff("/status", before, after));
    CassandraCluster updated;
    try {
      updated = client.resource(cr).subresource("status").patch(PatchContext.of(PatchType.JSON), ops.toString());
    } catch (KubernetesClientException e) {
      throw StaleWrites.asConflict(e, cr.getMetadata().getResourceVersion(), () -> version(client.resource(cr).get()));
    }
    if (context != null) {
      context.eventSourceRetriever().getControllerEventSource()
          .handleRecentResourceUpdate(ResourceID.fromResource(cr), updated, cr);
    }
    return updated;
  }

  private static String version(CassandraCluster cr) {
    return cr == null ? null : cr.getMetadata().getResourceVersion();
  }
}
