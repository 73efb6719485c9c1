package io.ringkeeper.operator.domain.upkeep;

import java.util.Objects;

/**
 * Something the upkeep planner wants told (the reconciler records it as a Kubernetes event).
 *
 * @param warning a Warning rather than a Normal event
 * @param reason a CamelCase reason
 * @param subject what it is about (a task name), "" for the cluster
 * @param message for people
 */
public record Notice(boolean warning, String reason, String subject, String message) {
  public Notice {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(message, "message");
  }

  public static Notice normal(String reason, String subject, String message) {
    return new Notice(false, reason, subject, message);
  }

  public static Notice warning(String reason, String subject, String message) {
    return new Notice(true, reason, subject, message);
  }
}
