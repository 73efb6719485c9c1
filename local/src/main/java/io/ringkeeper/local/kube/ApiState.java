package io.ringkeeper.local.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the embedded API's objects across restarts of local mode: the mock API server holds them in memory only,
 * so they are snapshotted through a client into one JSON file ({@value #FILE}) on an interval (written only when
 * something changed, atomically) and at shutdown, and re-created from it when local mode starts again, before the
 * kubelet and the operator do. A crash of the local server loses at most the last interval.
 *
 * <p>What is kept: CassandraClusters with their status, Pods (without status: the kubelet reports it again as it
 * starts the nodes), PVCs, ConfigMaps, Secrets, Services and PodDisruptionBudgets; not Events. Objects being
 * deleted are not kept. A restored cluster's nodes are marked not ready until the operator has seen them again,
 * so nothing reads a stale Ready.
 */
public final class ApiState implements AutoCloseable {
  public static final String FILE = "api-state.json";
  private static final Logger LOG = LoggerFactory.getLogger(ApiState.class);
  /**
   * Kinds in the order they are re-created: the clusters first (the server gives them new uids, which the owner
   * references of the others are moved to), and what a pod mounts before the pod.
   */
  private static final List<Class<? extends HasMetadata>> KINDS = List.of(CassandraCluster.class, Secret.class,
      ConfigMap.class, Service.class, PersistentVolumeClaim.class, PodDisruptionBudget.class, Pod.class);

  private final KubernetesClient client;
  private final Path file;
  private final ObjectMapper mapper = Serialization.jsonMapper();
  private ScheduledExecutorService timer;
  private String lastWritten;

  private ApiState(KubernetesClient client, Path dir) {
    this.client = client;
    this.file = dir.resolve(FILE);
  }

  /** The state kept in {@code dir} for the API the client talks to. */
  public static ApiState in(Path dir, KubernetesClient client) {
    return new ApiState(client, dir);
  }

  public Path file() {
    return file;
  }

  /** Re-creates every object of the last snapshot; returns how many (0 when there is none). */
  public int restore() {
    if (!Files.isRegularFile(file)) {
      return 0;
    }
    JsonNode root;
    try {
      root = mapper.readTree(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the saved API state " + file + " (" + e.getMessage() + "); move"
          + " it away to start with an empty API, or `./ringkeeper local down --wipe` to start afresh", e);
    }
    int restored = 0;
    Map<String, String> uids = new HashMap<>();
    for (Class<? extends HasMetadata> kind : KINDS) {
      for (JsonNode item : root.path(kind.getSimpleName())) {
        restored += restore(kind, (ObjectNode) item, uids) ? 1 : 0;
      }
    }
    lastWritten = snapshotText();
    LOG.info("restored {} objects of the embedded API from {}", restored, file);
    return restored;
  }

  private boolean restore(Class<? extends HasMetadata> kind, ObjectNode item, Map<String, String> uids) {
    ObjectNode metadata = (ObjectNode) item.path("metadata");
    metadata.remove("resourceVersion");
    String oldUid = metadata.path("uid").asText(null);
    for (JsonNode owner : metadata.path("ownerReferences")) {
      String moved = uids.get(owner.path("uid").asText());
      if (moved != null) {
        ((ObjectNode) owner).put("uid", moved);
      }
    }
    JsonNode status = item.remove("status");
    if (kind == CassandraCluster.class && status instanceof ObjectNode s) {
      notReady(s);
    }
    HasMetadata object = mapper.convertValue(item, kind);
    try {
      HasMetadata created = client.resource(object).create();
      if (oldUid != null && created.getMetadata().getUid() != null) {
        uids.put(oldUid, created.getMetadata().getUid());
      }
      boolean restoreStatus = status != null && !status.isNull() && kind != Pod.class;
      if (restoreStatus) {
        ArrayNode patch = mapper.createArrayNode();
        patch.addObject().put("op", "add").put("path", "/status").set("value", status);
        client.resource(created).subresource("status").patch(PatchContext.of(PatchType.JSON), patch.toString());
      }
      return true;
    } catch (RuntimeException e) {
      LOG.warn("cannot restore {} {}/{}: {}", kind.getSimpleName(), metadata.path("namespace").asText(),
          metadata.path("name").asText(), e.toString());
      return false;
    }
  }

  /** Nodes were stopped with local mode: none is ready until the operator has seen it again. */
  private static void notReady(ObjectNode status) {
    for (JsonNode node : status.path("nodes")) {
      ((ObjectNode) node).put("ready", false);
    }
    if (status.has("readyNodes")) {
      status.put("readyNodes", 0);
      status.put("ready", "0/" + status.path("desiredNodes").asInt());
    }
  }

  /** Snapshots now; writes the file only when something changed. */
  public synchronized void save() {
    String text = snapshotText();
    if (text.equals(lastWritten)) {
      return;
    }
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(FILE + ".tmp");
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      lastWritten = text;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the API state to " + file, e);
    }
  }

  private String snapshotText() {
    ObjectNode root = mapper.createObjectNode();
    for (Class<? extends HasMetadata> kind : KINDS) {
      ArrayNode items = root.putArray(kind.getSimpleName());
      for (HasMetadata object : client.resources(kind).inAnyNamespace().list().getItems()) {
        if (object.getMetadata().getDeletionTimestamp() == null) {
          ObjectNode node = mapper.valueToTree(object);
          if (object instanceof Pod) {
            node.remove("status");
          }
          // The resourceVersion changes with every status write of the kubelet: leave it out, so that only real
          // changes are written.
          ((ObjectNode) node.path("metadata")).remove(List.of("resourceVersion", "managedFields"));
          items.add(node);
        }
      }
    }
    try {
      return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Snapshots on this interval until {@link #close()}. */
  public ApiState saveEvery(Duration interval) {
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "api-state");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(() -> {
      try {
        save();
      } catch (RuntimeException e) {
        LOG.warn("cannot save the API state: {}", e.toString());
      }
    }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /** Stops the interval and saves a last time. */
  @Override
  public void close() {
    if (timer != null) {
      timer.shutdownNow();
      try {
        timer.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      save();
    } catch (RuntimeException e) {
      LOG.warn("cannot save the API state at shutdown: {}", e.toString());
    }
  }
}
