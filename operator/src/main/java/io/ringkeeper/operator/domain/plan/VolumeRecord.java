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
 */
public record VolumeRecord(NodeId id, List<Long> tokens, String hostId, boolean initial, boolean decommissioned) {
  public VolumeRecord {
    Objects.requireNonNull(id, "id");
    tokens = tokens == null ? List.of() : List.copyOf(tokens);
  }

  public String name() {
    return id.name();
  }
}
