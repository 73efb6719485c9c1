package io.ringkeeper.operator.domain.plan;

import io.ringkeeper.operator.domain.model.NodeId;
import java.util.List;
import java.util.Objects;

/**
 * A node the operator has recorded in status: its identity and the tokens chosen for it before it first
 * started (or, after its record was lost, re-learned by {@link Adoption}).
 *
 * @param initial whether it was created with the cluster (started with auto_bootstrap false in an empty ring)
 * @param identity where the recorded tokens come from
 */
public record KnownNode(NodeId id, List<Long> tokens, boolean initial, Identity identity) {
  /** Where a recorded node's tokens come from. */
  public enum Identity {
    /** Chosen by the operator before the node first started. */
    ASSIGNED,
    /** Adopted from the record on the node's volume; checked against the node once it reports. */
    VOLUME,
    /** Adopted, as the node itself reports them. */
    NODE
  }

  public KnownNode {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(identity, "identity");
    tokens = List.copyOf(tokens);
  }

  /** A node whose tokens the operator chose. */
  public KnownNode(NodeId id, List<Long> tokens, boolean initial) {
    this(id, tokens, initial, Identity.ASSIGNED);
  }

  public String name() {
    return id.name();
  }
}
