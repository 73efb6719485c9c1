package io.ringkeeper.operator.reconciler.observe;

import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.OperationStatus;
import io.ringkeeper.api.v1alpha1.OperationType;
import io.ringkeeper.api.v1alpha1.RebuildStatus;
import io.ringkeeper.operator.domain.plan.Operation;
import io.ringkeeper.operator.domain.plan.OperationKind;
import io.ringkeeper.operator.domain.plan.OperationStep;
import io.ringkeeper.operator.domain.plan.Rebuild;
import io.ringkeeper.operator.reconciler.observe.StatusTimes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Maps the domain's {@link Operation} to status.operation and back, and its {@link Rebuild}s to status.rebuilds. */
public final class OperationRecords {
  private OperationRecords() {}

  /** The operation recorded in the cluster's status, or null (none, or the creation of a new cluster). */
  public static Operation read(CassandraCluster cr) {
    OperationStatus status = cr.getStatus() == null ? null : cr.getStatus().getOperation();
    if (status == null || status.getType() == null || status.getType() == OperationType.Create) {
      return null;
    }
    return new Operation(OperationKind.valueOf(status.getType().name()),
        status.getDatacenter() == null ? "" : status.getDatacenter(), status.getNode(),
        status.getStep() == null ? null : OperationStep.valueOf(status.getStep()), status.getJobId(),
        status.getAttempts() == null ? 0 : status.getAttempts(), status.getPending(), status.getDone(),
        status.getMessage(), status.getAddress(), parse(status.getSince()));
  }

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

  /** The added datacenters recorded in status (pending and rebuilt). */
  public static List<Rebuild> rebuilds(CassandraCluster cr) {
    List<RebuildStatus> recorded = cr.getStatus() == null ? null : cr.getStatus().getRebuilds();
    if (recorded == null) {
      return List.of();
    }
    return recorded.stream().filter(r -> r.getDatacenter() != null && r.getSourceDatacenter() != null)
        .map(r -> new Rebuild(r.getDatacenter(), r.getSourceDatacenter(),
            r.getCompletedAt() == null ? null : parse(r.getCompletedAt())))
        .toList();
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

  private static Instant parse(String time) {
    try {
      return time == null ? Instant.EPOCH : Instant.parse(time);
    } catch (RuntimeException e) {
      return Instant.EPOCH;
    }
  }
}
