package io.ringkeeper.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ringkeeper.api.v1alpha1.CassandraClusterStatus;
import io.ringkeeper.api.v1alpha1.ClusterPhase;
import io.ringkeeper.api.v1alpha1.DatacenterRingStatus;
import io.ringkeeper.api.v1alpha1.KeyspaceRepairStatus;
import io.ringkeeper.api.v1alpha1.NodeState;
import io.ringkeeper.api.v1alpha1.NodeStatus;
import io.ringkeeper.api.v1alpha1.OperationStatus;
import io.ringkeeper.api.v1alpha1.OperationType;
import io.ringkeeper.api.v1alpha1.RepairRunStatus;
import io.ringkeeper.api.v1alpha1.RepairStatus;
import io.ringkeeper.api.v1alpha1.RingStatus;
import io.ringkeeper.operator.node.AgentToken;
import io.ringkeeper.operator.node.ClusterKey;
import io.ringkeeper.operator.node.JobRequest;
import io.ringkeeper.operator.node.JobStatus;
import io.ringkeeper.operator.node.KeyspaceInfo;
import io.ringkeeper.operator.node.Latency;
import io.ringkeeper.operator.node.NodeClient;
import io.ringkeeper.operator.node.NodeClientException;
import io.ringkeeper.operator.node.NodeEndpoint;
import io.ringkeeper.operator.node.NodeInfo;
import io.ringkeeper.operator.node.NodeMetrics;
import io.ringkeeper.operator.node.NodePoller;
import io.ringkeeper.operator.node.OperationMode;
import io.ringkeeper.operator.testing.MetricsDoc;
import io.ringkeeper.operator.testing.PrometheusText;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ClusterMetricsTest {
  static final Instant NOW = Instant.parse("2026-01-10T12:00:00Z");
  static final ClusterKey CLUSTER = new ClusterKey("db", "orders");
  static final AgentToken TOKEN = new AgentToken("t");

  /** n1 answers with figures; n2's agent is unreachable. */
  static final class TwoNodes implements NodeClient {
    @Override
    public CompletableFuture<NodeInfo> nodeInfo(NodeEndpoint node) {
      if (node.node().endsWith("r2-0")) {
        return CompletableFuture.failedFuture(new NodeClientException(NodeClientException.Kind.UNREACHABLE,
            node.node(), "connection refused"));
      }
      return CompletableFuture.completedFuture(new NodeInfo(OperationMode.NORMAL, "h", node.address(), "dc1", "r1",
          "5.0.9", true, true, List.of(1L), 10, List.of(), List.of(), List.of(), List.of(), List.of(), Map.of(),
          Map.of(), Map.of(), Map.of(), 0, 1));
    }

    @Override
    public CompletableFuture<NodeMetrics> metrics(NodeEndpoint node) {
      return CompletableFuture.completedFuture(new NodeMetrics(new Latency(500, 1500, 4000, 10),
          new Latency(200, 600, 1000, 20), 3, 1, 0, 100, 1000, 64));
    }

    @Override
    public CompletableFuture<List<KeyspaceInfo>> keyspaces(NodeEndpoint node) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<JobStatus> startJob(NodeEndpoint node, JobRequest request) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<JobStatus> job(NodeEndpoint node, String jobId) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<Integer> setCompactionThroughput(NodeEndpoint node, int mibPerSecond) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<io.ringkeeper.operator.node.AccessResult> access(NodeEndpoint node,
        io.ringkeeper.operator.node.AccessRequest request) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<io.ringkeeper.operator.node.HibernationEnd> endHibernation(NodeEndpoint via,
        String endpoint) {
      throw new UnsupportedOperationException();
    }
  }

  private final NodePoller poller = new NodePoller(new TwoNodes(), Duration.ofHours(1), Duration.ofSeconds(1), 4,
      Clock.systemUTC());
  private final OperatorMetrics metrics = new OperatorMetrics(poller, Clock.fixed(NOW, ZoneOffset.UTC));

  @AfterEach
  void close() {
    poller.close();
    metrics.close();
  }

  static NodeStatus node(String name, String rack, NodeState state) {
    NodeStatus node = new NodeStatus();
    node.setName(name);
    node.setDatacenter("dc1");
    node.setRack(rack);
    node.setState(state);
    node.setOwnership(1.0);
    node.setLoadBytes(1234L);
    return node;
  }

  static CassandraClusterStatus busyStatus(List<NodeStatus> nodes) {
    CassandraClusterStatus status = new CassandraClusterStatus();
    status.setPhase(ClusterPhase.Repairing);
    status.setDesiredNodes(2);
    status.setReadyNodes(1);
    status.setNodes(nodes);
    DatacenterRingStatus dc = new DatacenterRingStatus();
    dc.setName("dc1");
    dc.setOwnershipSpread(1.02);
    RingStatus ring = new RingStatus();
    ring.setDatacenters(List.of(dc));
    status.setRing(ring);
    RepairRunStatus run = new RepairRunStatus();
    run.setSegmentsDone(12);
    run.setSegmentsTotal(48);
    KeyspaceRepairStatus keyspace = new KeyspaceRepairStatus();
    keyspace.setName("orders");
    keyspace.setLastCompleted(NOW.minus(Duration.ofHours(30)).toString());
    RepairStatus repair = new RepairStatus();
    repair.setRunning(run);
    repair.setKeyspaces(List.of(keyspace));
    status.setRepair(repair);
    OperationStatus operation = new OperationStatus();
    operation.setType(OperationType.ScaleUp);
    status.setOperation(operation);
    return status;
  }

  private void pollBothNodes() {
    poller.track(CLUSTER, List.of(new NodeEndpoint("orders-dc1-r1-0", "10.0.0.1", 8778, TOKEN),
        new NodeEndpoint("orders-dc1-r2-0", "10.0.0.2", 8778, TOKEN)));
    await().atMost(Duration.ofSeconds(5)).until(() -> poller.metrics(CLUSTER).size() == 1
        && poller.observations(CLUSTER).size() == 2);
  }

  private static List<NodeStatus> twoNodes() {
    return List.of(node("orders-dc1-r1-0", "r1", NodeState.UN), node("orders-dc1-r2-0", "r2", NodeState.DN));
  }

  @Test
  void everyRingkeeperSeriesIsDocumentedAndPresentWhenItsConditionHolds() {
    pollBothNodes();
    metrics.clusters().statusChanged(CLUSTER, busyStatus(twoNodes()));
    PrometheusText scrape = PrometheusText.parse(metrics.scrape());

    Set<String> documented = MetricsDoc.read().stream().map(MetricsDoc.Entry::series)
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(documented.stream().filter(s -> s.startsWith("ringkeeper_")))
        .allSatisfy(series -> assertThat(scrape.has(series)).as(series).isTrue());
    Set<String> exported = scrape.names().stream().filter(n -> n.startsWith("ringkeeper_")).collect(
        Collectors.toCollection(TreeSet::new));
    assertThat(exported).allSatisfy(name -> assertThat(documented.stream()
        .anyMatch(d -> name.equals(d) || name.matches(d + "_(bucket|count|sum|max)"))).as(name).isTrue());
  }

  @Test
  void secondsSinceTheLastRepairAreCountedFromTheOperatorsClock() {
    metrics.clusters().statusChanged(CLUSTER, busyStatus(twoNodes()));
    PrometheusText scrape = PrometheusText.parse(metrics.scrape());
    assertThat(scrape.samples("ringkeeper_cluster_repair_since_last_completed_seconds"))
        .singleElement().satisfies(s -> {
          assertThat(s.labels()).containsEntry("keyspace", "orders");
          assertThat(s.value()).isEqualTo(30 * 3600.0);
        });
    assertThat(scrape.samples("ringkeeper_cluster_repair_progress_ratio")).singleElement()
        .satisfies(s -> assertThat(s.value()).isEqualTo(0.25));
  }

  @Test
  void aNodeSeenDownHasUpZeroItsStateAndNoFigures() {
    pollBothNodes();
    metrics.clusters().statusChanged(CLUSTER, busyStatus(twoNodes()));
    PrometheusText scrape = PrometheusText.parse(metrics.scrape());
    assertThat(scrape.samples("ringkeeper_node_up")).extracting(s -> s.labels().get("node") + "=" + s.value())
        .containsExactlyInAnyOrder("orders-dc1-r1-0=1.0", "orders-dc1-r2-0=0.0");
    assertThat(scrape.samples("ringkeeper_node_state", l -> l.get("node").equals("orders-dc1-r2-0")
        && l.get("state").equals("DN"))).singleElement().satisfies(s -> assertThat(s.value()).isEqualTo(1.0));
    assertThat(scrape.samples("ringkeeper_node_read_latency_seconds")).extracting(s -> s.labels().get("node"))
        .containsOnly("orders-dc1-r1-0");
    // Load: the exact figure of the last answer, else the last one status recorded.
    assertThat(scrape.samples("ringkeeper_node_load_bytes")).extracting(s -> s.labels().get("node") + "=" + s.value())
        .containsExactlyInAnyOrder("orders-dc1-r1-0=10.0", "orders-dc1-r2-0=1234.0");
    assertThat(scrape.samples("ringkeeper_node_read_latency_seconds", l -> l.get("quantile").equals("0.99")))
        .singleElement().satisfies(s -> assertThat(s.value()).isEqualTo(0.004));
  }

  @Test
  void theSeriesOfARemovedNodeAndOfADeletedClusterDisappear() {
    pollBothNodes();
    metrics.clusters().statusChanged(CLUSTER, busyStatus(twoNodes()));
    assertThat(PrometheusText.parse(metrics.scrape()).samples("ringkeeper_node_up")).hasSize(2);

    metrics.clusters().statusChanged(CLUSTER, busyStatus(List.of(node("orders-dc1-r1-0", "r1", NodeState.UN))));
    PrometheusText scrape = PrometheusText.parse(metrics.scrape());
    assertThat(scrape.samples().stream().filter(s -> "orders-dc1-r2-0".equals(s.labels().get("node")))).isEmpty();
    assertThat(scrape.samples("ringkeeper_node_up")).hasSize(1);

    metrics.clusters().statusChanged(CLUSTER, null);
    scrape = PrometheusText.parse(metrics.scrape());
    assertThat(scrape.samples().stream().filter(s -> "orders".equals(s.labels().get("cluster")))).isEmpty();
  }
}
