package io.ringkeeper.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.NodeState;
import io.ringkeeper.api.v1alpha1.NodeStatus;
import io.ringkeeper.local.LocalEnvironment;
import io.ringkeeper.operator.node.HttpNodeClient;
import io.ringkeeper.operator.node.NodeEndpoint;
import io.ringkeeper.operator.node.NodeInfo;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The life of one real 3-node cluster (3 racks, RF 3: examples/minimal.yaml) through local mode: the operator,
 * the embedded API and the process kubelet in this JVM, Cassandra 5.0 nodes as local JVMs on 127.20.0.x. The
 * steps build on each other, in order, on one cluster.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterLifecycleE2E {
  static final String NAMESPACE = "default";
  static final String CLUSTER = "demo";
  static LocalEnvironment env;
  static final E2eSupport.Phases PHASES = new E2eSupport.Phases("ClusterLifecycleE2E");
  static final HttpNodeClient AGENTS = new HttpNodeClient(Duration.ofSeconds(2), Duration.ofSeconds(5), 4);

  @BeforeAll
  static void start() throws Exception {
    env = LocalEnvironment.builder(E2eSupport.freshWorkDir("lifecycle"))
        .addressBase("127.20.0.0")
        .stopGrace(Duration.ofSeconds(20))
        .start();
    PHASES.done("start the embedded API, kubelet and operator");
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  @Order(1)
  void aThreeRackClusterWithReplicationFactorThreeBecomesReady() throws Exception {
    env.apply(E2eSupport.example("minimal.yaml"));
    CassandraCluster cr = env.awaitReady(NAMESPACE, CLUSTER, Duration.ofMinutes(4));
    PHASES.done("apply examples/minimal.yaml -> Ready (3 nodes)");

    assertThat(cr.getStatus().getNodes()).hasSize(3)
        .allSatisfy(n -> assertThat(n.getState()).isEqualTo(NodeState.UN))
        .extracting(NodeStatus::getRack).containsExactlyInAnyOrder("r1", "r2", "r3");
    assertThat(cr.getStatus().getNodes()).extracting(NodeStatus::getPodIP)
        .allSatisfy(ip -> assertThat(ip).startsWith("127.20.0."));
  }

  @Test
  @Order(2)
  void everyNodeHoldsExactlyTheTokensTheOperatorAllocated() throws Exception {
    CassandraCluster cr = env.get(NAMESPACE, CLUSTER);
    Map<String, NodeEndpoint> agents = E2eSupport.agents(env, cr);
    for (NodeStatus node : cr.getStatus().getNodes()) {
      NodeInfo info = AGENTS.nodeInfo(agents.get(node.getName())).get(10, TimeUnit.SECONDS);
      List<Long> allocated = node.getTokens().stream().sorted().toList();
      assertThat(allocated).as("tokens recorded for %s", node.getName()).hasSize(16);
      assertThat(info.tokens()).as("tokens %s holds in Cassandra", node.getName()).isEqualTo(allocated);
    }
    PHASES.done("compare every node's tokens with the allocation");
  }
}
