package io.ringkeeper.operator.resources;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.StorageSpec;
import io.ringkeeper.operator.domain.model.NodeId;
import io.ringkeeper.operator.domain.plan.NodeReport;
import io.ringkeeper.operator.domain.plan.Rebuild;
import io.ringkeeper.operator.domain.plan.VolumeRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** A node's PersistentVolumeClaim, named like the node so a recreated pod finds its data again. */
public final class NodeVolumes {
  private static final Pattern INDEX = Pattern.compile("-([0-9]+)$");

  private NodeVolumes() {}

  /**
   * The claim. It carries no owner reference: Kubernetes' garbage collector would delete it with the cluster
   * whatever storage.reclaim says; the operator's finalizer deletes it when reclaim is Delete. It carries the
   * node's identity as annotations (tokens, whether it is initial; its host id once seen: {@link #identityUpdate}),
   * so they are not lost if the cluster's status is.
   */
  public static PersistentVolumeClaim desired(CassandraCluster cr, DesiredNode node) {
    return desired(cr, node, null);
  }

  /**
   * The claim of a node whose datacenter has this rebuild recorded (null: none): while it is pending, the claim
   * carries its source from the start ({@link Labels#REBUILD_FROM}), so a status lost right after the node's creation
   * does not forget the rebuild.
   */
  public static PersistentVolumeClaim desired(CassandraCluster cr, DesiredNode node, Rebuild rebuild) {
    StorageSpec storage = cr.getSpec().getStorage() == null ? new StorageSpec() : cr.getSpec().getStorage();
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata()
        .withName(Names.node(node.id()))
        .withNamespace(cr.getMetadata().getNamespace())
        .withLabels(labels(node))
        .withAnnotations(identity(node, rebuild))
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

  /** The labels of a node's claim: what the operator keeps in line on an existing claim. */
  public static Map<String, String> labels(DesiredNode node) {
    return Labels.node(node.id(), false);
  }

  private static Map<String, String> identity(DesiredNode node, Rebuild rebuild) {
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(Labels.TOKENS, tokensAnnotation(node.tokens()));
    if (node.initial()) {
      annotations.put(Labels.INITIAL, "true");
    }
    if (rebuild != null && rebuild.pending()) {
      annotations.put(Labels.REBUILD_FROM, rebuild.source());
    }
    return annotations;
  }

  static String tokensAnnotation(List<Long> tokens) {
    return tokens.stream().map(String::valueOf).collect(Collectors.joining(","));
  }

  /**
   * The identity annotations to add to or change on an existing claim, empty when it is up to date: the node's own
   * tokens and host id once it reports them (the node's view is what its data directory holds), and the time it
   * left the ring once it decommissioned. A record already written is changed only by what the node reports.
   *
   * @param report what the node reported in the last poll round, or null
   * @param initial whether the node is recorded as created with the cluster
   * @param decommissioned the node left the ring (reported, or recorded by its scale-down)
   * @param rebuild the recorded rebuild of the node's datacenter (added to the running cluster), or null: while
   *     pending its source is written on the volume, once finished the time it finished
   * @param now the time to record a decommission with
   */
  public static Map<String, String> identityUpdate(PersistentVolumeClaim claim, NodeReport report, int numTokens,
      boolean initial, boolean decommissioned, Rebuild rebuild, Instant now) {
    Map<String, String> current = claim.getMetadata().getAnnotations() == null ? Map.of()
        : claim.getMetadata().getAnnotations();
    Map<String, String> update = new LinkedHashMap<>();
    if (report != null && report.tokens().size() == numTokens) {
      String tokens = tokensAnnotation(report.tokens().stream().sorted().toList());
      if (!sameTokens(current.get(Labels.TOKENS), report.tokens())) {
        update.put(Labels.TOKENS, tokens);
      }
    }
    if (report != null && report.hostId() != null && !report.hostId().isBlank()
        && !report.hostId().equals(current.get(Labels.HOST_ID))) {
      update.put(Labels.HOST_ID, report.hostId());
    }
    if (initial && !"true".equals(current.get(Labels.INITIAL))) {
      update.put(Labels.INITIAL, "true");
    }
    if (decommissioned && current.get(Labels.DECOMMISSIONED) == null) {
      update.put(Labels.DECOMMISSIONED, now.toString());
    }
    if (rebuild != null && rebuild.pending() && current.get(Labels.REBUILD_FROM) == null && !decommissioned) {
      update.put(Labels.REBUILD_FROM, rebuild.source());
    }
    if (rebuild != null && !rebuild.pending() && current.get(Labels.REBUILD_FROM) != null
        && current.get(Labels.REBUILT) == null) {
      update.put(Labels.REBUILT, rebuild.completed().toString());
    }
    return update;
  }

  private static boolean sameTokens(String annotation, List<Long> tokens) {
    return annotation != null && new HashSet<>(parseTokens(annotation))
        .equals(new HashSet<>(tokens));
  }

  /**
   * The identity record a claim of the cluster carries; null when the claim is not a node's volume (no node labels,
   * or a name that does not end in a node index).
   */
  public static VolumeRecord record(String cluster, PersistentVolumeClaim claim) {
    Map<String, String> labels = claim.getMetadata().getLabels();
    Map<String, String> annotations = claim.getMetadata().getAnnotations() == null ? Map.of()
        : claim.getMetadata().getAnnotations();
    String dc = labels == null ? null : labels.get(Labels.DATACENTER);
    String rack = labels == null ? null : labels.get(Labels.RACK);
    Matcher index = INDEX.matcher(claim.getMetadata().getName());
    if (dc == null || rack == null || !index.find()) {
      return null;
    }
    NodeId id = new NodeId(cluster, dc, rack, Integer.parseInt(index.group(1)));
    if (!id.name().equals(claim.getMetadata().getName())) {
      return null;
    }
    String hostId = annotations.get(Labels.HOST_ID);
    String rebuildFrom = annotations.get(Labels.REBUILD_FROM);
    return new VolumeRecord(id, parseTokens(annotations.get(Labels.TOKENS)),
        hostId == null || hostId.isBlank() ? null : hostId, "true".equals(annotations.get(Labels.INITIAL)),
        annotations.get(Labels.DECOMMISSIONED) != null, rebuildFrom == null || rebuildFrom.isBlank() ? null
            : rebuildFrom, annotations.get(Labels.REBUILT) != null);
  }

  /** The tokens of a {@link Labels#TOKENS} annotation; empty when absent or unreadable (never a partial list). */
  static List<Long> parseTokens(String annotation) {
    if (annotation == null || annotation.isBlank()) {
      return List.of();
    }
    List<Long> tokens = new ArrayList<>();
    try {
      for (String part : annotation.split(",")) {
        tokens.add(Long.parseLong(part.trim()));
      }
    } catch (NumberFormatException e) {
      return List.of();
    }
    return tokens;
  }
}
