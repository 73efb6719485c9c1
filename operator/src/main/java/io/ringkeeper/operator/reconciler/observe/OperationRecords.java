package io.ringkeeper.operator.reconciler.observe;

import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.OperationStatus;
import io.ringkeeper.api.v1alpha1.OperationType;
import io.ringkeeper.api.v1alpha1.RebuildStatus;
import io.ringkeeper.operator.domain.plan.Adoption;
import io.ringkeeper.operator.domain.plan.Operation;
import io.ringkeeper.operator.domain.plan.OperationKind;
import io.ringkeeper.operator.domain.plan.OperationStep;
import io.ringkeeper.operator.domain.plan.Rebuild;
import io.ringkeeper.operator.resources.Labels;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the domain's {@link Operation} from status.operation and its {@link Rebuild}s from status.rebuilds; the
 * status stage writes them ({@code reconciler.status.OperationStatuses}).
 */
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

  /**
   * The added datacenters recorded in status, with a pending rebuild status lost refilled from the volumes'
   * records ({@link Adoption#rebuilds}); what the reconcile plans with, writes on new volumes and records.
   */
  public static List<Rebuild> rebuilds(CassandraCluster cr, ObservedState observed) {
    List<Rebuild> recorded = rebuilds(cr);
    // Read on every reconcile: the volumes' records are parsed only when a volume names a rebuild that status
    // does not hold (a status lost), never in the steady state.
    Set<String> recordedDatacenters = new HashSet<>();
    recorded.forEach(r -> recordedDatacenters.add(r.datacenter()));
    boolean lost = observed.volumes().values().stream().anyMatch(claim -> {
      Map<String, String> annotations = claim.getMetadata().getAnnotations();
      Map<String, String> labels = claim.getMetadata().getLabels();
      return annotations != null && annotations.containsKey(Labels.REBUILD_FROM) && labels != null
          && !recordedDatacenters.contains(labels.get(Labels.DATACENTER));
    });
    return lost ? Adoption.rebuilds(recorded, Identities.records(cr, observed), ClusterMapper.datacenters(cr))
        : recorded;
  }

  private static Instant parse(String time) {
    try {
      return time == null ? Instant.EPOCH : Instant.parse(time);
    } catch (RuntimeException e) {
      return Instant.EPOCH;
    }
  }
}
