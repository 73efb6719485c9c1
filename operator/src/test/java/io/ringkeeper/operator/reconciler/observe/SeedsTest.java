package io.ringkeeper.operator.reconciler.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringkeeper.operator.reconciler.observe.ClusterMapper;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.CassandraClusterStatus;
import io.ringkeeper.api.v1alpha1.OperationStatus;
import io.ringkeeper.api.v1alpha1.OperationType;
import io.ringkeeper.operator.domain.model.NodeId;
import io.ringkeeper.operator.domain.plan.KnownNode;
import io.ringkeeper.operator.reconciler.observe.OperationFacts;
import io.ringkeeper.operator.resources.Names;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which nodes are seeds, and that a seed that moves restarts nobody. */
class SeedsTest {
  private static final List<KnownNode> KNOWN = List.of(
      new KnownNode(new NodeId("demo", "dc1", "r1", 0), List.of(1L), true),
      new KnownNode(new NodeId("demo", "dc1", "r2", 0), List.of(2L), true),
      new KnownNode(new NodeId("demo", "dc1", "r3", 0), List.of(3L), true));

  private static CassandraCluster cluster(OperationType type, String node) {
    CassandraCluster cr = Serialization.unmarshal("""
        apiVersion: ringkeeper.io/v1alpha1
        kind: CassandraCluster
        metadata: {name: demo, namespace: ns}
        spec:
          cassandraVersion: "5.0.9"
          datacenters:
            - name: dc1
              replicationFactor: 3
              size: 3
              racks: [{name: r1}, {name: r2}, {name: r3}]
        """, CassandraCluster.class);
    if (type != null) {
      OperationStatus op = new OperationStatus();
      op.setType(type);
      op.setNode(node);
      CassandraClusterStatus status = new CassandraClusterStatus();
      status.setOperation(op);
      cr.setStatus(status);
    }
    return cr;
  }

  private static List<String> seeds(CassandraCluster cr) {
    return ClusterMapper.seeds(cr, KNOWN).stream().map(Names::node).toList();
  }

  @Test
  void aNodeBeingReplacedIsNoSeedWhileItsReplacementRuns() {
    List<String> normal = seeds(cluster(null, null));
    assertThat(normal).hasSize(2);
    String seed = normal.get(0);
    List<String> replacing = seeds(cluster(OperationType.Replace, seed));
    assertThat(replacing).hasSize(2).doesNotContain(seed);
    // Other operations leave the seeds alone.
    assertThat(seeds(cluster(OperationType.RollingRestart, seed))).isEqualTo(normal);
  }

  @Test
  void aSeedThatMovesRestartsNobody() {
    CassandraCluster before = cluster(null, null);
    CassandraCluster during = cluster(OperationType.Replace, seeds(before).get(0));
    assertThat(seeds(during)).isNotEqualTo(seeds(before));
    assertThat(OperationFacts.configHash(during)).isEqualTo(OperationFacts.configHash(before));
    // What a node runs still changes with its configuration.
    CassandraCluster changed = cluster(null, null);
    changed.getSpec().setConfig(Serialization.unmarshal("cassandraYaml: {concurrent_reads: 48}",
        io.ringkeeper.api.v1alpha1.ConfigSpec.class));
    assertThat(OperationFacts.configHash(changed)).isNotEqualTo(OperationFacts.configHash(before));
  }
}
