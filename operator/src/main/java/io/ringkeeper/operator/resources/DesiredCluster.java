package io.ringkeeper.operator.resources;

import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.operator.domain.model.NodeId;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What the cluster's shared configuration should be, built once per reconcile from the spec and the seed list:
 * the rendered cassandra.yaml (with the seeds, as the ConfigMap carries it) and the config hash the pods are
 * annotated with (without the seeds: seeds are read only when a node starts, so a seed that moves restarts
 * nobody). Rendering was done up to four times per operating reconcile before.
 *
 * @param seeds the seed nodes, in order
 * @param cassandraYaml the file as the ConfigMap carries it
 * @param configHash the hash of the file without the seed list
 */
public record DesiredCluster(List<NodeId> seeds, String cassandraYaml, String configHash) {
  public DesiredCluster {
    seeds = List.copyOf(seeds);
    Objects.requireNonNull(cassandraYaml, "cassandraYaml");
    Objects.requireNonNull(configHash, "configHash");
  }

  /** Renders the file once with the seeds and once without (for the hash). */
  public static DesiredCluster of(CassandraCluster cr, List<NodeId> seeds) {
    String namespace = cr.getMetadata().getNamespace();
    String yaml = CassandraYaml.render(cr, seeds.stream().map(s -> Names.nodeAddress(s, namespace)).toList());
    return new DesiredCluster(seeds, yaml, configHash(cr));
  }

  /** The hash of the rendered cassandra.yaml without the seed list, as the pods are annotated with it. */
  public static String configHash(CassandraCluster cr) {
    return Hashes.of(CassandraYaml.render(cr, List.of()));
  }

  public Set<NodeId> seedSet() {
    return Set.copyOf(seeds);
  }

  /**
   * The config hash as earlier builds computed it, with the seed list: the hash of the file the ConfigMap
   * carries. Their pods are not restarted for it while the seed list is unchanged.
   */
  public String legacyConfigHash() {
    return Hashes.of(cassandraYaml);
  }
}
