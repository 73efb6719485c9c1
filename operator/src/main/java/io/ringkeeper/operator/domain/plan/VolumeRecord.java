package io.ringkeeper.operator.domain.plan;

import io.ringkeeper.operator.domain.model.NodeId;
import java.util.List;
import java.util.Objects;

/**
 * A node's identity as its volume records it (the second record beside status, which outlives the cluster's
 * resource when volumes are retained).
 *
 * @param id the node the volume belongs to
 * @param tokens the tokens recorded on the volume; empty when it carries none (or an unreadable list)
 * @param hostId the node's host id once it was seen, else null
 * @param initial the node was created with the cluster
 * @param decommissioned the node left the ring: the volume holds no live replica and is never adopted
 * @param rebuildFrom the datacenter the node's datacenter is rebuilt from, when it was added to the running cluster
 *     and its rebuild was pending when this volume was recorded; null otherwise
 * @param rebuilt the rebuild of the node's datacenter was recorded finished on this volume
 */
public record VolumeRecord(NodeId id, List<Long> tokens, String hostId, boolean initial, boolean decommissioned,
    String rebuildFrom, boolean rebuilt) {
  public VolumeRecord {
    Objects.requireNonNull(id, "id");
    tokens = tokens == null ? List.of() : List.copyOf(tokens);
  }

  /** A record of a node whose datacenter was not added to a running cluster (or is rebuilt). */
  public VolumeRecord(NodeId id, List<Long> tokens, String hostId, boolean initial, boolean decommissioned) {
    this(id, tokens, hostId, initial, decommissioned, null, false);
  }

  public String name() {
    return id.name();
  }
}
