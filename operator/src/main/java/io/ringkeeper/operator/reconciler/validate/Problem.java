package io.ringkeeper.operator.reconciler.validate;

import java.util.Objects;

/**
 * One thing wrong with a spec.
 *
 * @param field the path of the faulty field, e.g. spec.datacenters[0].replicationFactor
 * @param message what is wrong and how to fix it
 */
public record Problem(String field, String message) {
  public Problem {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return field + ": " + message;
  }
}
