package io.ringkeeper.operator.reconciler.validate;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.DatacenterSpec;
import io.ringkeeper.api.v1alpha1.NodeStatus;
import io.ringkeeper.api.v1alpha1.RackSpec;
import io.ringkeeper.operator.domain.plan.VolumeRecord;
import io.ringkeeper.operator.resources.NodeVolumes;
import io.ringkeeper.operator.resources.SpecDefaults;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a spec must allow for the operator to adopt the volumes it has no record of in status (a re-created resource,
 * a lost status): every such volume's datacenter and rack in the spec, and the number of tokens its node holds equal
 * to spec.tokens.numTokens. Otherwise the spec is refused, naming the field and the volumes, and nothing is deleted:
 * the data on those volumes is the cluster's.
 */
final class RetainedVolumes {
  private RetainedVolumes() {}

  static void check(CassandraCluster cr, Map<String, PersistentVolumeClaim> claims, List<Problem> problems) {
    List<DatacenterSpec> dcs = cr.getSpec().getDatacenters();
    if (dcs == null || dcs.isEmpty()) {
      return;
    }
    // Only the volumes a lost status leaves behind are adopted: those of datacenters status records no node of.
    Set<String> recordedDatacenters = new HashSet<>();
    if (cr.getStatus() != null && cr.getStatus().getNodes() != null) {
      cr.getStatus().getNodes().stream().map(NodeStatus::getDatacenter).forEach(recordedDatacenters::add);
    }
    int numTokens = SpecDefaults.numTokens(cr);
    Map<String, List<String>> missingDc = new TreeMap<>();
    Map<String, List<String>> missingRack = new TreeMap<>();
    Map<Integer, List<String>> otherTokens = new TreeMap<>();
    for (PersistentVolumeClaim claim : claims.values()) {
      VolumeRecord record = NodeVolumes.record(cr.getMetadata().getName(), claim);
      if (record == null || record.decommissioned()
          || recordedDatacenters.contains(record.id().datacenter())) {
        continue;
      }
      int index = indexOf(dcs, record.id().datacenter());
      if (index < 0) {
        missingDc.computeIfAbsent(record.id().datacenter(), d -> new ArrayList<>()).add(record.name());
        continue;
      }
      boolean rackInSpec = SpecDefaults.racks(dcs.get(index)).stream().map(RackSpec::getName)
          .anyMatch(record.id().rack()::equals);
      if (!rackInSpec) {
        missingRack.computeIfAbsent(index + "/" + record.id().rack(), r -> new ArrayList<>()).add(record.name());
      }
      if (!record.tokens().isEmpty() && record.tokens().size() != numTokens) {
        otherTokens.computeIfAbsent(record.tokens().size(), n -> new ArrayList<>()).add(record.name());
      }
    }
    missingDc.forEach((dc, volumes) -> problems.add(new Problem("spec.datacenters", "volumes "
        + String.join(", ", sorted(volumes)) + " hold the data of nodes of datacenter " + dc + ", which the spec does"
        + " not list; add datacenter " + dc + " back, or delete those PersistentVolumeClaims (their data is lost)")));
    missingRack.forEach((key, volumes) -> {
      int index = Integer.parseInt(key.substring(0, key.indexOf('/')));
      String rack = key.substring(key.indexOf('/') + 1);
      problems.add(new Problem("spec.datacenters[" + index + "].racks", "volumes " + String.join(", ",
          sorted(volumes)) + " hold the data of nodes of rack " + rack + ", which datacenter "
          + dcs.get(index).getName() + " does not list; add rack " + rack + " back (they are adopted with their"
          + " tokens), or delete those PersistentVolumeClaims (their data is lost)"));
    });
    otherTokens.forEach((count, volumes) -> problems.add(new Problem("spec.tokens.numTokens", "is " + numTokens
        + " but volumes " + String.join(", ", sorted(volumes)) + " hold nodes with " + count + " tokens each; a"
        + " node's tokens never change, set numTokens to " + count)));
  }

  private static int indexOf(List<DatacenterSpec> dcs, String name) {
    for (int i = 0; i < dcs.size(); i++) {
      if (name.equals(dcs.get(i).getName())) {
        return i;
      }
    }
    return -1;
  }

  private static List<String> sorted(List<String> names) {
    return names.stream().sorted().toList();
  }
}
