package io.ringkeeper.operator.reconciler.observe;

import io.ringkeeper.operator.domain.plan.NodeHealth;
import java.util.Optional;

/**
 * One node as a reconcile sees it, derived from its Pod, its volume, its agent's last answer and its previous
 * status entry.
 *
 * @param health its state in the ring
 * @param ready up, normal, serving CQL and seen up by every peer that answered
 * @param fresh whether this reconcile had an observation of the node (else the previous entry is carried over)
 * @param message why it is not ready, or null
 * @param identityProblem why the node does not hold what it was given (tokens, datacenter, rack), or null
 */
public record NodeView(NodeHealth health, boolean ready, boolean fresh, String message, String identityProblem) {
  public Optional<String> identity() {
    return Optional.ofNullable(identityProblem);
  }
}
