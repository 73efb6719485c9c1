package io.ringkeeper.operator.domain.plan;

import java.util.Objects;

/**
 * A change the spec asks for that the operator does not carry out (yet, or at all while it would be unsafe),
 * reported in status so the user sees why the cluster does not follow the spec.
 *
 * @param reason a CamelCase reason for conditions and events
 * @param message what is held and what to do, naming the spec field
 * @param recheck whether it may clear by time or by something no Kubernetes or node event announces (a retry
 *     delay, keyspaces altered by the user): the reconciler then looks again every poll interval
 */
public record Held(String reason, String message, boolean recheck) {
  public Held {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
  }

  /** Held until the spec or the cluster changes, which triggers a reconcile by itself. */
  public Held(String reason, String message) {
    this(reason, message, false);
  }

  /** Held until a time passes or something the reconciler must look at again every poll interval. */
  public static Held rechecked(String reason, String message) {
    return new Held(reason, message, true);
  }
}
