package io.ringkeeper.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.ClusterPhase;
import io.ringkeeper.operator.testing.OperatorHarness;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ClusterCreationIT {
  static OperatorHarness harness;

  @BeforeAll
  static void start() {
    harness = OperatorHarness.start();
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  @Test
  void aThreeNodeClusterReachesReady() {
    String ns = harness.kube().freshNamespace("three");
    harness.create(ns, """
        apiVersion: ringkeeper.io/v1alpha1
        kind: CassandraCluster
        metadata: {name: demo}
        spec:
          datacenters:
            - name: dc1
              replicationFactor: 3
              size: 3
              racks: [{name: r1}, {name: r2}, {name: r3}]
        """);
    CassandraCluster ready = harness.awaitPhase(ns, "demo", ClusterPhase.Ready);
    assertThat(ready.getStatus().getReady()).isEqualTo("3/3");
    List<Pod> pods = harness.admin().pods().inNamespace(ns).list().getItems();
    assertThat(pods).hasSize(3);
    System.out.println(io.fabric8.kubernetes.client.utils.Serialization.asYaml(ready.getStatus()));
    harness.events(ns).forEach(e -> System.out.println(e.getReason() + " " + e.getCount() + " " + e.getMessage()));
  }
}
