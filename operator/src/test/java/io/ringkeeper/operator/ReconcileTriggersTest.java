package io.ringkeeper.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.CassandraClusterStatus;
import io.ringkeeper.api.v1alpha1.NodeStatus;
import io.ringkeeper.operator.resources.Labels;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which updates of a cluster make the operator reconcile it. */
class ReconcileTriggersTest {
  private static CassandraCluster cluster(long generation) {
    CassandraCluster cr = new CassandraCluster();
    cr.getMetadata().setName("c");
    cr.getMetadata().setGeneration(generation);
    cr.getMetadata().setAnnotations(new HashMap<>());
    cr.getMetadata().setFinalizers(List.of("ringkeeper.io/cleanup"));
    return cr;
  }

  @Test
  void aSpecChangeANewRepairOrRestartRequestOrALostStatusTriggersAReconcileAStatusWriteDoesNot() {
    CassandraCluster before = cluster(1);
    CassandraCluster statusOnly = cluster(1);
    statusOnly.setStatus(new CassandraClusterStatus());
    assertThat(RingkeeperOperator.worthReconciling(statusOnly, before)).isFalse();

    assertThat(RingkeeperOperator.worthReconciling(cluster(2), before)).isTrue();

    CassandraCluster requested = cluster(1);
    requested.getMetadata().getAnnotations().put(Labels.REPAIR_REQUEST, "2026-01-01T00:00:00Z");
    assertThat(RingkeeperOperator.worthReconciling(requested, before)).isTrue();

    CassandraCluster otherAnnotation = cluster(1);
    otherAnnotation.getMetadata().getAnnotations().put("team", "db");
    assertThat(RingkeeperOperator.worthReconciling(otherAnnotation, before)).isFalse();

    CassandraCluster restart = cluster(1);
    restart.getMetadata().getAnnotations().put(Labels.RESTART, "2026-01-01T00:00:00Z");
    assertThat(RingkeeperOperator.worthReconciling(restart, before)).isTrue();

    CassandraCluster fenced = cluster(1);
    fenced.getMetadata().getAnnotations().put(Labels.FENCED, "demo-dc1-r1-0");
    assertThat(RingkeeperOperator.worthReconciling(fenced, before)).isTrue();

    CassandraCluster recorded = cluster(1);
    recorded.setStatus(new CassandraClusterStatus());
    recorded.getStatus().setNodes(List.of(new NodeStatus()));
    assertThat(RingkeeperOperator.worthReconciling(statusOnly, recorded)).as("a status that lost its nodes").isTrue();

    CassandraCluster finalizerAdded = cluster(1);
    before.getMetadata().setFinalizers(List.of());
    assertThat(RingkeeperOperator.worthReconciling(finalizerAdded, before)).isTrue();
  }
}
