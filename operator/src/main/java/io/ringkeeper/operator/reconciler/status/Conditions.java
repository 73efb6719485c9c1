package io.ringkeeper.operator.reconciler.status;

import io.ringkeeper.operator.reconciler.observe.StatusTimes;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The fixed set of conditions, in the order status lists them. A condition's lastTransitionTime changes only
 * when its status changes, so a status rebuilt from scratch equals the previous one when nothing changed.
 */
public final class Conditions {
  public static final String READY = "Ready";
  public static final String PROGRESSING = "Progressing";
  public static final String DEGRADED = "Degraded";
  public static final String VALID = "Valid";
  public static final List<String> ORDER = List.of(READY, PROGRESSING, DEGRADED, VALID);
  /** Set while some keyspace is repaired at all: whether one went longer than its gc_grace_seconds unrepaired. */
  public static final String REPAIR_OVERDUE = "RepairOverdue";

  private Conditions() {}

  public static Condition of(List<Condition> previous, String type, boolean status, String reason, String message,
      long generation, Instant now) {
    String value = status ? "True" : "False";
    String since = find(previous, type)
        .filter(c -> value.equals(c.getStatus()) && c.getLastTransitionTime() != null)
        .map(Condition::getLastTransitionTime)
        .orElse(StatusTimes.format(now));
    return new ConditionBuilder()
        .withType(type)
        .withStatus(value)
        .withReason(reason)
        .withMessage(message)
        .withObservedGeneration(generation)
        .withLastTransitionTime(since)
        .build();
  }

  /**
   * The {@value #REPAIR_OVERDUE} condition.
   *
   * @param overdue the overdue keyspaces, each with how long since its last repair; empty: none
   */
  public static Condition repairOverdue(List<Condition> previous, List<String> overdue, long generation,
      Instant now) {
    return overdue.isEmpty()
        ? of(previous, REPAIR_OVERDUE, false, "WithinGcGrace",
            "Every repaired keyspace completed a repair within its gc_grace_seconds", generation, now)
        : of(previous, REPAIR_OVERDUE, true, "GcGraceExceeded",
            "Not repaired within gc_grace_seconds, deleted data may reappear: " + String.join("; ", overdue)
                + ". Set spec.repair.schedule or annotate ringkeeper.io/repair=<timestamp>", generation, now);
  }

  public static Optional<Condition> find(List<Condition> conditions, String type) {
    return conditions == null ? Optional.empty()
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  public static boolean isTrue(List<Condition> conditions, String type) {
    return find(conditions, type).map(c -> "True".equals(c.getStatus())).orElse(false);
  }
}
