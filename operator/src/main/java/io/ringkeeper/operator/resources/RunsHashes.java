package io.ringkeeper.operator.resources;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.operator.config.OperatorConfig;

/**
 * Remembers {@link NodePods#runsHash} results. A no-op reconcile compares every node's pod with the runs-hash its
 * spec asks for; computing one builds and serializes the node's whole Cassandra container (16% of a no-op reconcile
 * of a 96-node cluster in a profile). The hash is a function of the spec, the node as it runs (without its replace
 * address), the configuration hash and the operator's options only, so it is remembered under exactly those: the spec
 * by the hash of its JSON, taken once per {@link #forSpec} call. A changed spec, node, configuration or option is a
 * different key, never a stale hit. Bounded (least recently used entries go first), shared by every cluster the
 * operator serves.
 */
public final class RunsHashes {
  /** Enough for a few dozen clusters of a hundred nodes each; each entry is a few hundred bytes. */
  static final int CAPACITY = 8192;

  private record Key(String spec, DesiredNode node, String configHash, OperatorConfig config) {}

  private static final BoundedMemo<Key, String> CACHE = new BoundedMemo<>(CAPACITY);

  private final CassandraCluster cr;
  private final OperatorConfig config;
  private final String spec;

  private RunsHashes(CassandraCluster cr, OperatorConfig config) {
    this.cr = cr;
    this.config = config;
    this.spec = Hashes.of(Serialization.asJson(cr.getSpec()));
  }

  /** The runs-hashes of one cluster's spec as it is now (read once: take a new one after the spec changes). */
  public static RunsHashes forSpec(CassandraCluster cr, OperatorConfig config) {
    return new RunsHashes(cr, config);
  }

  /** Same as {@code NodePods.runsHash(cr, node, configHash, config)}. */
  public String of(DesiredNode node, String configHash) {
    return CACHE.get(new Key(spec, node.withoutReplace(), configHash, config),
        key -> NodePods.runsHash(cr, node, configHash, config));
  }

  static int size() {
    return CACHE.size();
  }

  static void clear() {
    CACHE.clear();
  }
}
