package io.ringkeeper.operator.reconciler.events;

import io.ringkeeper.operator.domain.upkeep.Notice;
import java.util.Objects;

/**
 * An event to record on a cluster.
 *
 * @param warning Warning (true) or Normal
 * @param reason CamelCase reason, e.g. NodeDown
 * @param key what the event is about within the cluster (a node name, or "" for the cluster): events with the
 *     same reason and key are one Event object whose count grows
 * @param message human-readable message
 */
public record ClusterEvent(boolean warning, String reason, String key, String message) {
  public ClusterEvent {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(message, "message");
  }

  public static ClusterEvent normal(String reason, String key, String message) {
    return new ClusterEvent(false, reason, key, message);
  }

  public static ClusterEvent warning(String reason, String key, String message) {
    return new ClusterEvent(true, reason, key, message);
  }

  /** The event that tells what the upkeep planner noticed. */
  public static ClusterEvent of(Notice notice) {
    return new ClusterEvent(notice.warning(), notice.reason(), notice.subject(), notice.message());
  }
}
