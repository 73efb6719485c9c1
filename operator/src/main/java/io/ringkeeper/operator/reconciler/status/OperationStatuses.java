package io.ringkeeper.operator.reconciler.status;

import io.ringkeeper.api.v1alpha1.OperationStatus;
import io.ringkeeper.api.v1alpha1.OperationType;
import io.ringkeeper.api.v1alpha1.RebuildStatus;
import io.ringkeeper.operator.domain.plan.Operation;
import io.ringkeeper.operator.domain.plan.Rebuild;
import io.ringkeeper.operator.reconciler.observe.StatusTimes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Turns the domain's {@link Operation} into status.operation and its {@link Rebuild}s into status.rebuilds (read
 * back by {@code reconciler.observe.OperationRecords}).
 */
public final class OperationStatuses {
  private OperationStatuses() {}

  /**
   * The status entry of an operation: startedAt and id kept from the previous entry of the same operation; since
   * as the operation says (the time its current step or attempt started).
   */
  public static OperationStatus write(Operation op, OperationStatus previous, Instant now) {
    boolean same = previous != null && previous.getType() != null
        && previous.getType().name().equals(op.kind().name()) && previous.getStartedAt() != null
        && Objects.equals(previous.getDatacenter(), op.datacenter());
    OperationStatus status = new OperationStatus();
    status.setType(OperationType.valueOf(op.kind().name()));
    String startedAt = same ? previous.getStartedAt() : StatusTimes.format(now);
    status.setStartedAt(startedAt);
    status.setId(same && previous.getId() != null ? previous.getId()
        : op.kind().name().toLowerCase() + "-" + now.toEpochMilli());
    status.setDatacenter(op.datacenter());
    status.setNode(op.node());
    status.setStep(op.step() == null ? null : op.step().name());
    status.setSince(StatusTimes.format(op.since().equals(Instant.EPOCH) ? now : op.since()));
    status.setJobId(op.jobId());
    status.setAttempts(op.attempts() == 0 ? null : op.attempts());
    status.setPending(new ArrayList<>(op.pending()));
    status.setDone(new ArrayList<>(op.done()));
    status.setMessage(op.message());
    status.setAddress(op.address());
    return status;
  }

  /**
   * Whether status.operation already records the step of {@code op}: the same operation (kind, datacenter) at the
   * same step of the same node, attempt and replaced address. Its message, job id and times are the outcome's
   * and may still change; what makes the step safe to carry out is that a restarted operator finds it recorded.
   */
  public static boolean stepRecorded(Operation op, OperationStatus recorded) {
    return recorded != null && recorded.getType() != null && recorded.getType().name().equals(op.kind().name())
        && Objects.equals(recorded.getDatacenter() == null ? "" : recorded.getDatacenter(), op.datacenter())
        && Objects.equals(recorded.getNode(), op.node())
        && Objects.equals(recorded.getStep(), op.step() == null ? null : op.step().name())
        && (recorded.getAttempts() == null ? 0 : recorded.getAttempts()) == op.attempts()
        && Objects.equals(recorded.getAddress(), op.address());
  }

  /** The status entries of the added datacenters; null when there are none (the field stays absent). */
  public static List<RebuildStatus> write(List<Rebuild> rebuilds) {
    if (rebuilds.isEmpty()) {
      return null;
    }
    List<RebuildStatus> result = new ArrayList<>();
    for (Rebuild rebuild : rebuilds) {
      RebuildStatus entry = new RebuildStatus();
      entry.setDatacenter(rebuild.datacenter());
      entry.setSourceDatacenter(rebuild.source());
      entry.setCompletedAt(rebuild.completed() == null ? null : StatusTimes.format(rebuild.completed()));
      result.add(entry);
    }
    return result;
  }
}
