package io.ringkeeper.operator.domain.plan;

import java.util.List;

/**
 * What a running node said of itself in the last poll round: its own view of its identity.
 *
 * @param tokens the tokens the node holds (empty while it has none)
 * @param hostId its host id, or null
 */
public record NodeReport(List<Long> tokens, String hostId) {
  public NodeReport {
    tokens = tokens == null ? List.of() : List.copyOf(tokens);
  }
}
