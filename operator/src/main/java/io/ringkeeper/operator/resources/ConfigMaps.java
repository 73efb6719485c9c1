package io.ringkeeper.operator.resources;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.DatacenterSpec;
import io.ringkeeper.api.v1alpha1.RackSpec;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The cluster's ConfigMap: cassandra.yaml plus a cassandra-rackdc.properties per rack. */
public final class ConfigMaps {
  private ConfigMaps() {}

  /**
   * @param cassandraYaml the rendered file (see {@link CassandraYaml#render})
   * @param extraRacks racks of recorded nodes that the spec no longer lists, as {dc, rack} pairs, so their
   *     nodes keep their file
   */
  public static ConfigMap desired(CassandraCluster cr, String cassandraYaml, Collection<List<String>> extraRacks) {
    String cluster = cr.getMetadata().getName();
    Map<String, String> data = new TreeMap<>();
    data.put(Names.CASSANDRA_YAML, cassandraYaml);
    for (DatacenterSpec dc : cr.getSpec().getDatacenters()) {
      for (RackSpec rack : SpecDefaults.racks(dc)) {
        data.put(Names.rackPropertiesFile(dc.getName(), rack.getName()),
            CassandraYaml.rackProperties(dc.getName(), rack.getName()));
      }
    }
    for (List<String> dcRack : extraRacks) {
      data.putIfAbsent(Names.rackPropertiesFile(dcRack.get(0), dcRack.get(1)),
          CassandraYaml.rackProperties(dcRack.get(0), dcRack.get(1)));
    }
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(Names.configMap(cluster))
        .withNamespace(cr.getMetadata().getNamespace())
        .withLabels(Labels.component(cluster, "config"))
        .withOwnerReferences(Owners.controller(cr))
        .endMetadata()
        .withData(data)
        .build();
  }
}
