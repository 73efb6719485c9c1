package io.ringkeeper.operator.domain.plan;

import java.util.Objects;

/**
 * A change the spec asks for that the operator does not carry out (yet, or at all while it would be unsafe),
 * reported in status so the user sees why the cluster does not follow the spec.
 *
 * @param reason a CamelCase reason for conditions and events
 * @param message what is held and what to do, naming the spec field
 */
public record Held(String reason, String message) {
  public Held {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
  }
}
