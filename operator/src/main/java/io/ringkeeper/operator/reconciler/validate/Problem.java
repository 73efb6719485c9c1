package io.ringkeeper.operator.reconciler.validate;

import java.util.Objects;

/**
 * One thing wrong with a spec, or with a Secret it names.
 *
 * @param field the path of the faulty field, e.g. spec.datacenters[0].replicationFactor
 * @param message what is wrong and how to fix it
 * @param reason the reason of the Valid=False condition: InvalidSpec, or e.g. TlsSecretMissing for a Secret
 */
public record Problem(String field, String message, String reason) {
  public static final String INVALID_SPEC = "InvalidSpec";

  public Problem {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(message, "message");
    reason = reason == null ? INVALID_SPEC : reason;
  }

  public Problem(String field, String message) {
    this(field, message, INVALID_SPEC);
  }

  @Override
  public String toString() {
    return field + ": " + message;
  }
}
