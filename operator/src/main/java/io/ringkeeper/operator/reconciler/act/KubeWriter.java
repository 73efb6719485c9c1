package io.ringkeeper.operator.reconciler.act;

import io.ringkeeper.operator.resources.JsonSubset;
import io.ringkeeper.operator.resources.JsonPatches;
import io.ringkeeper.operator.resources.StaleWrites;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.dependent.RecentOperationCacheFiller;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.net.HttpURLConnection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's one write path, in production and in tests: create an object when the informer cache does not
 * hold it; otherwise compare the fields the operator owns with the cached object and, only when they differ,
 * send them as a patch. Nothing is read from the API server and nothing is written when the cluster
 * already matches. Updates are JSON patches (see {@link JsonPatches} for why not merge patches) that give the
 * owned fields their desired values with merge semantics: labels and annotations others set are kept. Every
 * write is handed to the informer's cache (JOSDK's temporary cache) so the next reconcile sees it even before
 * the watch event arrives.
 */
public final class KubeWriter {
  private static final Logger LOG = LoggerFactory.getLogger(KubeWriter.class);
  private static final List<String> OWNED_METADATA = List.of("labels", "annotations", "ownerReferences");

  /** Which fields of an existing object the operator keeps in line with the desired one. */
  public enum Scope {
    /** Labels, annotations, owner references and every other top-level field (spec, data...) it sets. */
    ALL,
    /**
     * Labels, annotations and owner references only: Pods (their spec is immutable; restarts are decided by the
     * planner), PVCs (resizing is a planned operation) and Secrets (values are generated once).
     */
    METADATA
  }

  private final KubernetesClient client;
  private final ObjectMapper mapper = Serialization.jsonMapper();

  public KubeWriter(KubernetesClient client) {
    this.client = Objects.requireNonNull(client, "client");
  }

  /**
   * Makes the cluster hold {@code desired}.
   *
   * @param observed the cached object of the same name, or null when the cache has none
   * @param cache the informer event source of this type, told about the write
   * @return the object as the API server returned it, or null when nothing was written
   */
  public <T extends HasMetadata> T ensure(T desired, T observed, Scope scope, RecentOperationCacheFiller<T> cache) {
    if (observed == null) {
      return create(desired, cache);
    }
    // Under METADATA only metadata is compared and patched: serializing whole cached pods for every node on every
    // reconcile was a large part of a no-op reconcile of a big cluster (docs/benchmarks.md, benchmark 2).
    if (scope == Scope.METADATA && metadataHolds(desired.getMetadata(), observed.getMetadata())) {
      return null;
    }
    JsonNode actual = scope == Scope.METADATA
        ? JsonNodeFactory.instance.objectNode().set("metadata", mapper.valueToTree(observed.getMetadata()))
        : mapper.valueToTree(observed);
    JsonNode wanted = owned(mapper.valueToTree(desired), scope);
    if (JsonSubset.contains(actual, wanted)) {
      return null;
    }
    JsonNode target = JsonPatches.merge(actual, wanted);
    return patch(observed, JsonPatches.diff("", actual, target), cache);
  }

  /**
   * Removes these annotations from an object (merge semantics cannot: the desired object of {@link #ensure} only
   * adds and replaces).
   *
   * @return the object as the API server returned it, or null when it carried none of them
   */
  public <T extends HasMetadata> T removeAnnotations(T observed, List<String> keys,
      RecentOperationCacheFiller<T> cache) {
    java.util.Map<String, String> annotations = observed.getMetadata().getAnnotations();
    ArrayNode ops = JsonNodeFactory.instance.arrayNode();
    for (String key : keys) {
      if (annotations != null && annotations.containsKey(key)) {
        ops.add(JsonNodeFactory.instance.objectNode().put("op", "remove")
            .put("path", "/metadata/annotations/" + JsonPatches.escape(key)));
      }
    }
    return ops.isEmpty() ? null : patch(observed, ops, cache);
  }

  private <T extends HasMetadata> T patch(T observed, ArrayNode ops, RecentOperationCacheFiller<T> cache) {
    LOG.info("updating {} {}: {}", observed.getKind(), observed.getMetadata().getName(), paths(ops));
    T updated;
    try {
      updated = client.resource(observed).patch(PatchContext.of(PatchType.JSON),
          JsonPatches.guarded(observed.getMetadata().getResourceVersion(), ops).toString());
    } catch (KubernetesClientException e) {
      throw StaleWrites.asConflict(e, observed.getMetadata().getResourceVersion(), () -> {
        T current = client.resource(observed).get();
        return current == null ? null : current.getMetadata().getResourceVersion();
      });
    }
    if (cache != null) {
      cache.handleRecentResourceUpdate(ResourceID.fromResource(updated), updated, observed);
    }
    return updated;
  }

  /**
   * Creates an object. When it exists already (the cache had not seen it yet), nothing happens: the informer
   * will deliver it and the next reconcile compares it.
   *
   * @return the created object, or null when it existed
   */
  public <T extends HasMetadata> T create(T desired, RecentOperationCacheFiller<T> cache) {
    try {
      LOG.info("creating {} {}", desired.getKind(), desired.getMetadata().getName());
      T created = client.resource(desired).create();
      if (cache != null) {
        cache.handleRecentResourceCreate(ResourceID.fromResource(created), created);
      }
      return created;
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        LOG.info("{} {} exists already", desired.getKind(), desired.getMetadata().getName());
        return null;
      }
      throw e;
    }
  }

  private static String paths(ArrayNode ops) {
    StringBuilder paths = new StringBuilder();
    ops.forEach(op -> paths.append(paths.length() == 0 ? "" : ", ").append(op.get("path").asText()));
    return paths.toString();
  }

  /**
   * Whether the observed metadata already holds the desired labels, annotations and owner references, decided on
   * the maps themselves: building two JSON trees per pod and volume was the largest part of a no-op reconcile's
   * writes in a profile of a 96-node cluster. Only ever answers true when the JSON comparison would too (every
   * desired label and annotation is there with the same value; the owner references are equal); anything else
   * (a missing or different value, a null value, owner references that differ in any way) is left to it.
   */
  static boolean metadataHolds(ObjectMeta desired, ObjectMeta observed) {
    if (desired == null) {
      return true;
    }
    if (observed == null) {
      return false;
    }
    if (!mapHolds(desired.getLabels(), observed.getLabels())
        || !mapHolds(desired.getAnnotations(), observed.getAnnotations())) {
      return false;
    }
    List<OwnerReference> owners = desired.getOwnerReferences();
    return owners == null || owners.isEmpty() || owners.equals(observed.getOwnerReferences());
  }

  private static boolean mapHolds(Map<String, String> desired, Map<String, String> observed) {
    if (desired == null || desired.isEmpty()) {
      return true;
    }
    if (observed == null) {
      return false;
    }
    for (Map.Entry<String, String> entry : desired.entrySet()) {
      if (entry.getValue() == null || !entry.getValue().equals(observed.get(entry.getKey()))) {
        return false;
      }
    }
    return true;
  }

  /** The part of an object's JSON the operator owns under a scope (metadata reduced to the owned maps). */
  static JsonNode owned(JsonNode desired, Scope scope) {
    ObjectNode result = JsonNodeFactory.instance.objectNode();
    JsonNode metadata = desired.get("metadata");
    ObjectNode ownedMetadata = JsonNodeFactory.instance.objectNode();
    for (String key : OWNED_METADATA) {
      if (metadata != null && metadata.has(key)) {
        ownedMetadata.set(key, metadata.get(key));
      }
    }
    result.set("metadata", ownedMetadata);
    if (scope == Scope.ALL) {
      desired.fields().forEachRemaining(field -> {
        String key = field.getKey();
        if (!key.equals("metadata") && !key.equals("status") && !key.equals("apiVersion") && !key.equals("kind")) {
          result.set(key, field.getValue());
        }
      });
    }
    return result;
  }
}
