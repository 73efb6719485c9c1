package io.ringkeeper.operator.reconciler.observe;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.operator.domain.plan.Adoption;
import io.ringkeeper.operator.domain.plan.KnownNode;
import io.ringkeeper.operator.domain.plan.NodeReport;
import io.ringkeeper.operator.domain.plan.VolumeRecord;
import io.ringkeeper.operator.node.NodeInfo;
import io.ringkeeper.operator.node.NodeObservation;
import io.ringkeeper.operator.resources.NodeVolumes;
import io.ringkeeper.operator.resources.SpecDefaults;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The recorded nodes of a cluster: those in status, refilled by {@link Adoption} from the identity records on the
 * volumes and what the nodes report when status lost them.
 */
public final class Identities {
  private Identities() {}

  public static Adoption.Result known(CassandraCluster cr, ObservedState observed) {
    return Adoption.adopt(ClusterMapper.known(cr), records(cr, observed), reports(observed),
        observed.pods().keySet(), SpecDefaults.numTokens(cr), ClusterMapper.datacenters(cr));
  }

  /** The identity record of every node volume of the cluster. */
  public static List<VolumeRecord> records(CassandraCluster cr, ObservedState observed) {
    List<VolumeRecord> records = new ArrayList<>();
    for (PersistentVolumeClaim claim : observed.volumes().values()) {
      if (claim.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      VolumeRecord record = NodeVolumes.record(cr.getMetadata().getName(), claim);
      if (record != null) {
        records.add(record);
      }
    }
    return records;
  }

  /** What every node that answered in the last poll round reports of its identity. */
  public static Map<String, NodeReport> reports(ObservedState observed) {
    Map<String, NodeReport> reports = new HashMap<>();
    observed.nodes().forEach((name, observation) -> {
      NodeReport report = report(observation);
      if (report != null) {
        reports.put(name, report);
      }
    });
    return reports;
  }

  /** A node's report, or null when it did not answer now. */
  public static NodeReport report(NodeObservation observation) {
    if (observation == null || !observation.answeredNow()) {
      return null;
    }
    NodeInfo info = observation.info();
    return new NodeReport(info.tokens(), info.hostId());
  }

  /** Whether any node was adopted or corrected in this reconcile. */
  public static boolean changed(Adoption.Result result) {
    return !result.adopted().isEmpty();
  }

  /** Whether the node is recorded in status already (its adoption is a confirmation by the node). */
  public static boolean recorded(CassandraCluster cr, KnownNode node) {
    return ClusterMapper.previous(cr, node.name()).isPresent();
  }
}
