package io.ringkeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.CassandraClusterStatus;
import io.ringkeeper.api.v1alpha1.ClusterPhase;
import io.ringkeeper.api.v1alpha1.ContainerTermination;
import io.ringkeeper.api.v1alpha1.NodeState;
import io.ringkeeper.api.v1alpha1.NodeStatus;
import io.ringkeeper.operator.node.Latency;
import io.ringkeeper.operator.node.NodeMetrics;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class StatusTableTest {
  static NodeStatus node(String name, String rack, String ip, NodeState state, String message) {
    NodeStatus node = new NodeStatus();
    node.setName(name);
    node.setDatacenter("dc1");
    node.setRack(rack);
    node.setPodIP(ip);
    node.setState(state);
    node.setLoadBytes(150_000L);
    node.setOwnership(1.0);
    node.setTokens(List.of(1L, 2L, 3L));
    node.setMessage(message);
    return node;
  }

  @Test
  void showsOneRowPerNodeInRackOrderWithLatenciesFromTheAgentsThatAnswered() {
    CassandraCluster cr = new CassandraCluster();
    cr.setMetadata(new ObjectMetaBuilder().withName("demo").withNamespace("default").build());
    CassandraClusterStatus status = new CassandraClusterStatus();
    status.setPhase(ClusterPhase.Degraded);
    status.setReady("1/2");
    status.setNodes(List.of(node("demo-dc1-r2-0", "r2", "127.10.0.2", NodeState.DN, "agent unreachable"),
        node("demo-dc1-r1-0", "r1", "127.10.0.1", NodeState.UN, null)));
    cr.setStatus(status);
    NodeMetrics metrics = new NodeMetrics(new Latency(100, 200, 2500, 10), new Latency(50, 60, 700, 5), 0, 0, 0,
        0, 0, 64);

    String table = StatusTable.render(cr, Map.of("demo-dc1-r1-0", metrics));

    List<String> lines = table.lines().toList();
    assertThat(lines.get(0)).contains("default/demo", "phase Degraded", "ready 1/2");
    assertThat(lines.get(1)).startsWith("DC").contains("READ p99", "WRITE p99");
    assertThat(lines.get(2)).contains("demo-dc1-r1-0", "127.10.0.1", "UN", "146.5 KiB", "100.0%", "2.5 ms",
        "700 us");
    assertThat(lines.get(3)).contains("demo-dc1-r2-0", "DN").endsWith("-");
    assertThat(lines.get(4)).isEqualTo("  demo-dc1-r2-0: agent unreachable");
  }

  @Test
  void aCrashedNodesLastExitAndTheEndOfItsOutputShowUnderTheTable() {
    CassandraCluster cr = new CassandraCluster();
    cr.setMetadata(new ObjectMetaBuilder().withName("demo").withNamespace("default").build());
    CassandraClusterStatus status = new CassandraClusterStatus();
    status.setPhase(ClusterPhase.Degraded);
    NodeStatus crashed = node("demo-dc1-r1-0", "r1", "127.10.0.1", NodeState.DN,
        "container cassandra is waiting to restart (CrashLoopBackOff, restarts 2)");
    ContainerTermination last = new ContainerTermination();
    last.setExitCode(1);
    last.setReason("Error");
    last.setRestartCount(2);
    last.setMessage(IntStream.rangeClosed(1, 15).mapToObj(i -> "out " + i).collect(Collectors.joining("\n"))
        + "\nMultiple garbage collectors selected");
    crashed.setLastTermination(last);
    status.setNodes(List.of(crashed));
    cr.setStatus(status);

    List<String> lines = StatusTable.render(cr, Map.of()).lines().toList();
    int at = lines.indexOf("  demo-dc1-r1-0: last exit 1 (Error), restarts 2; the end of its output:");
    assertThat(at).isPositive();
    assertThat(lines.subList(at + 1, lines.size())).hasSize(StatusTable.OUTPUT_LINES)
        .endsWith("    | Multiple garbage collectors selected").startsWith("    | out 7");
  }

  @Test
  void aClusterWithoutStatusSaysSo() {
    CassandraCluster cr = new CassandraCluster();
    cr.setMetadata(new ObjectMetaBuilder().withName("demo").withNamespace("default").build());
    assertThat(StatusTable.render(cr, Map.of())).contains("no status yet");
  }
}
