package io.ringkeeper.local.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.ringkeeper.operator.node.AgentToken;
import io.ringkeeper.operator.node.HttpNodeClient;
import io.ringkeeper.operator.node.JobKind;
import io.ringkeeper.operator.node.JobRequest;
import io.ringkeeper.operator.node.JobState;
import io.ringkeeper.operator.node.JobStatus;
import io.ringkeeper.operator.node.KeyspaceInfo;
import io.ringkeeper.operator.node.NodeClientException;
import io.ringkeeper.operator.node.NodeEndpoint;
import io.ringkeeper.operator.node.NodeInfo;
import io.ringkeeper.operator.node.NodeMetrics;
import io.ringkeeper.operator.node.OperationMode;
import io.ringkeeper.operator.node.TokenRange;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The agent inside a real 3-node Cassandra 5.0.9 cluster (127.0.5.1-3, one rack each), read through the
 * operator's HttpNodeClient. One cluster for the class; the last tests drain and then kill the third node.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentRingIT {
  private static final int NODES = 3;
  private static final int ROWS = 2000;
  private static final int READS = 500;

  private static LocalTestCluster cluster;
  private static final HttpNodeClient client = new HttpNodeClient(Duration.ofSeconds(1), Duration.ofSeconds(5), 8);
  private static final HttpClient raw = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void startCluster() throws Exception {
    long started = System.nanoTime();
    cluster = LocalTestCluster.builder("ring", ItSupport.freshWorkDir("ring"))
        .addresses("127.0.5.1", "127.0.5.2", "127.0.5.3")
        .racks("r1", "r2", "r3")
        .tokensPerNode(4)
        .build()
        .start(Duration.ofSeconds(180));
    System.out.printf("3-node cluster ready in %.1f s%n", (System.nanoTime() - started) / 1e9);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static <T> T get(CompletableFuture<T> future) throws Exception {
    return future.get(30, TimeUnit.SECONDS);
  }

  private static NodeClientException failure(CompletableFuture<?> future) throws Exception {
    try {
      future.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return (NodeClientException) e.getCause();
    }
    throw new AssertionError("expected the call to fail");
  }

  @Test
  @Order(1)
  void everyNodeReportsTheRingWithTheTokensAndRacksItWasGiven() throws Exception {
    Map<Long, String> expectedRing = new TreeMap<>();
    Map<String, String> expectedRacks = new TreeMap<>();
    for (LocalTestCluster.Node node : cluster.nodes()) {
      node.tokens().forEach(t -> expectedRing.put(t, node.address()));
      expectedRacks.put(node.address(), node.rack());
    }
    List<String> hostIds = new ArrayList<>();
    for (LocalTestCluster.Node node : cluster.nodes()) {
      NodeInfo info = get(client.nodeInfo(cluster.endpoint(node.index())));
      assertThat(info.operationMode()).isEqualTo(OperationMode.NORMAL);
      assertThat(info.endpoint()).isEqualTo(node.address());
      assertThat(info.datacenter()).isEqualTo("dc1");
      assertThat(info.rack()).isEqualTo(node.rack());
      assertThat(info.releaseVersion()).isEqualTo("5.0.9");
      assertThat(info.nativeTransportRunning()).isTrue();
      assertThat(info.gossipRunning()).isTrue();
      assertThat(info.tokens()).isEqualTo(node.tokens().stream().sorted().toList());
      assertThat(info.ring()).isEqualTo(expectedRing);
      assertThat(info.endpointRacks()).isEqualTo(expectedRacks);
      assertThat(info.endpointDatacenters()).containsOnlyKeys(expectedRacks.keySet()).containsValue("dc1");
      assertThat(info.liveNodes()).containsExactlyInAnyOrder("127.0.5.1", "127.0.5.2", "127.0.5.3");
      assertThat(info.unreachableNodes()).isEmpty();
      assertThat(info.joiningNodes()).isEmpty();
      assertThat(info.leavingNodes()).isEmpty();
      assertThat(info.hostIds()).hasSize(NODES).containsEntry(node.address(), info.hostId());
      assertThat(info.maxHintWindowMs()).isEqualTo(3 * 3600 * 1000L);
      assertThat(info.uptimeSeconds()).isPositive();
      hostIds.add(info.hostId());
    }
    assertThat(hostIds).doesNotHaveDuplicates();
  }

  @Test
  @Order(2)
  void probesAnswerWithoutTokenAndRevealNothing() throws Exception {
    for (String path : List.of("/healthz", "/readyz")) {
      HttpResponse<String> response = raw.send(HttpRequest.newBuilder(agentUri(0, path)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(path).isEqualTo(200);
      assertThat(response.body()).as(path).isEmpty();
    }
  }

  @Test
  @Order(3)
  void callsWithoutTheRightTokenAre401() throws Exception {
    HttpResponse<String> response = raw.send(HttpRequest.newBuilder(agentUri(0, "/v1/node")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).doesNotContain("operationMode");

    NodeEndpoint wrong = new NodeEndpoint("ring-dc1-0", "127.0.5.1", NodeEndpoint.DEFAULT_PORT,
        new AgentToken("not-the-token"));
    NodeClientException e = failure(client.nodeInfo(wrong));
    assertThat(e.kind()).isEqualTo(NodeClientException.Kind.REFUSED);
    assertThat(e.httpStatus()).isEqualTo(401);
  }

  @Test
  @Order(4)
  void coordinatorLatenciesRiseAfterACqlWorkload() throws Exception {
    List<NodeMetrics> before = allMetrics();
    try (CqlSession session = Cql.connect("127.0.5.1", "dc1")) {
      session.execute("CREATE KEYSPACE shop WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 3}");
      session.execute("CREATE TABLE shop.orders (id int PRIMARY KEY, item text, qty int)");
      PreparedStatement insert = session.prepare("INSERT INTO shop.orders (id, item, qty) VALUES (?, ?, ?)");
      PreparedStatement select = session.prepare("SELECT item FROM shop.orders WHERE id = ?");
      long started = System.nanoTime();
      runBounded(ROWS, i -> session.executeAsync(
          insert.bind(i, "item-" + i, i % 7).setConsistencyLevel(ConsistencyLevel.QUORUM)));
      runBounded(READS, i -> session.executeAsync(
          select.bind(i * 3).setConsistencyLevel(ConsistencyLevel.QUORUM)));
      System.out.printf("workload: %d writes + %d reads at QUORUM in %.1f s%n", ROWS, READS,
          (System.nanoTime() - started) / 1e9);
    }
    List<NodeMetrics> after = allMetrics();
    long writesBefore = before.stream().mapToLong(m -> m.write().count()).sum();
    long writesAfter = after.stream().mapToLong(m -> m.write().count()).sum();
    long readsBefore = before.stream().mapToLong(m -> m.read().count()).sum();
    long readsAfter = after.stream().mapToLong(m -> m.read().count()).sum();
    System.out.println("metrics before: " + before);
    System.out.println("metrics after:  " + after);
    assertThat(writesAfter - writesBefore).isGreaterThanOrEqualTo(ROWS);
    assertThat(readsAfter - readsBefore).isGreaterThanOrEqualTo(READS);
    // Percentiles come from Cassandra's decaying reservoirs, so they are compared for shape, not against the
    // start-up requests before; the counts prove the workload was measured.
    for (int i = 0; i < NODES; i++) {
      NodeMetrics m = after.get(i);
      assertThat(m.write().count()).as("node %d coordinated writes", i).isGreaterThan(before.get(i).write().count());
      assertThat(m.write().p50Micros()).isPositive().isLessThanOrEqualTo(m.write().p95Micros());
      assertThat(m.write().p95Micros()).isLessThanOrEqualTo(m.write().p99Micros());
      assertThat(m.read().p50Micros()).isPositive().isLessThanOrEqualTo(m.read().p99Micros());
    }
    for (NodeMetrics m : after) {
      assertThat(m.heapUsedBytes()).isPositive().isLessThanOrEqualTo(m.heapMaxBytes());
      assertThat(m.compactionThroughputMibPerSec()).isEqualTo(64);
      assertThat(m.pendingCompactions()).isGreaterThanOrEqualTo(0);
      assertThat(m.droppedMessages()).isGreaterThanOrEqualTo(0);
    }
  }

  @Test
  @Order(5)
  void keyspacesReportReplicationTablesAndGcGrace() throws Exception {
    List<KeyspaceInfo> keyspaces = get(client.keyspaces(cluster.endpoint(1)));
    KeyspaceInfo shop = keyspaces.stream().filter(k -> k.name().equals("shop")).findFirst().orElseThrow();
    assertThat(shop.system()).isFalse();
    assertThat(shop.replicationStrategy()).isEqualTo("NetworkTopologyStrategy");
    assertThat(shop.replicationFactors()).isEqualTo(Map.of("dc1", 3));
    assertThat(shop.tables()).containsExactly("orders");
    assertThat(shop.minGcGraceSeconds()).isEqualTo(864000);
    KeyspaceInfo distributed = keyspaces.stream().filter(k -> k.name().equals("system_distributed"))
        .findFirst().orElseThrow();
    assertThat(distributed.system()).isTrue();
    assertThat(distributed.replicationFactors()).containsEntry("*", 3);
  }

  @Test
  @Order(6)
  void compactionCleanupAndASubrangeRepairCompleteAsJobs() throws Exception {
    NodeEndpoint node1 = cluster.endpoint(0);
    JobStatus compact = awaitJob(node1, get(client.startJob(node1,
        JobRequest.onKeyspace(JobKind.COMPACT, "shop", List.of("orders")))));
    assertThat(compact.state()).as(compact.message()).isEqualTo(JobState.SUCCEEDED);
    assertThat(compact.progress()).isCloseTo(1.0, within(1e-9));

    JobStatus cleanup = awaitJob(node1, get(client.startJob(node1,
        JobRequest.onKeyspace(JobKind.CLEANUP, "shop", List.of()))));
    assertThat(cleanup.state()).as(cleanup.message()).isEqualTo(JobState.SUCCEEDED);

    // The subrange ending at node 1's first token: (previous token in the ring, that token].
    NodeInfo info = get(client.nodeInfo(node1));
    List<Long> ringTokens = new ArrayList<>(new TreeMap<>(info.ring()).keySet());
    long end = info.tokens().get(1);
    long start = ringTokens.get(ringTokens.indexOf(end) - 1);
    JobStatus repair = awaitJob(node1, get(client.startJob(node1,
        JobRequest.repair("shop", List.of(new TokenRange(start, end)), "SEQUENTIAL"))));
    System.out.println("repair job: " + repair);
    assertThat(repair.kind()).isEqualTo(JobKind.REPAIR);
    assertThat(repair.state()).as(repair.message()).isEqualTo(JobState.SUCCEEDED);
    assertThat(repair.message()).contains("completed");
    assertThat(repair.finishedAtMillis()).isGreaterThanOrEqualTo(repair.startedAtMillis());
  }

  @Test
  @Order(7)
  void badInputIsRefusedWithAMessage() throws Exception {
    NodeEndpoint node1 = cluster.endpoint(0);
    NodeClientException unknownKeyspace = failure(client.startJob(node1,
        JobRequest.onKeyspace(JobKind.CLEANUP, "no_such_keyspace", List.of())));
    assertThat(unknownKeyspace.kind()).isEqualTo(NodeClientException.Kind.REFUSED);
    assertThat(unknownKeyspace.httpStatus()).isEqualTo(400);
    assertThat(unknownKeyspace.getMessage()).contains("unknown keyspace 'no_such_keyspace'");

    NodeClientException unknownTable = failure(client.startJob(node1,
        JobRequest.onKeyspace(JobKind.COMPACT, "shop", List.of("nope"))));
    assertThat(unknownTable.getMessage()).contains("unknown table 'nope'");

    NodeClientException repairUnknown = failure(client.startJob(node1,
        JobRequest.repair("no_such_keyspace", List.of(), null)));
    assertThat(repairUnknown.httpStatus()).isEqualTo(400);

    HttpResponse<String> malformedRange = post(0, "/v1/ops/repair",
        "{\"keyspace\":\"shop\",\"ranges\":[{\"start\":\"one\",\"end\":\"2\"}]}");
    assertThat(malformedRange.statusCode()).isEqualTo(400);
    assertThat(malformedRange.body()).contains("ranges[0].start must be a Murmur3 token");

    HttpResponse<String> typo = post(0, "/v1/ops/cleanup", "{\"keyspaces\":\"shop\"}");
    assertThat(typo.statusCode()).isEqualTo(400);
    assertThat(typo.body()).contains("unknown field \\\"keyspaces\\\"");

    NodeClientException noJob = failure(client.job(node1, "repair-doesnotexist"));
    assertThat(noJob.kind()).isEqualTo(NodeClientException.Kind.NOT_FOUND);

    NodeClientException rebuildFromNowhere = failure(client.startJob(node1, JobRequest.rebuild("dc9")));
    assertThat(rebuildFromNowhere.getMessage()).contains("unknown source datacenter 'dc9'");
  }

  @Test
  @Order(8)
  void compactionThroughputCanBeSetAndIsReported() throws Exception {
    NodeEndpoint node2 = cluster.endpoint(1);
    assertThat(get(client.setCompactionThroughput(node2, 16))).isEqualTo(64);
    assertThat(get(client.metrics(node2)).compactionThroughputMibPerSec()).isEqualTo(16);
    assertThat(get(client.setCompactionThroughput(node2, 64))).isEqualTo(16);
  }

  @Test
  @Order(9)
  void garbageCollectAndUpgradeSstablesCompleteAsJobs() throws Exception {
    NodeEndpoint node2 = cluster.endpoint(1);
    for (JobKind kind : List.of(JobKind.GARBAGE_COLLECT, JobKind.UPGRADE_SSTABLES)) {
      JobStatus job = awaitJob(node2, get(client.startJob(node2, JobRequest.onKeyspace(kind, "shop", List.of()))));
      assertThat(job.kind()).isEqualTo(kind);
      assertThat(job.state()).as(kind + ": " + job.message()).isEqualTo(JobState.SUCCEEDED);
    }
  }

  @Test
  @Order(10)
  void aDrainedNodeReportsDrainedAndIsNotReady() throws Exception {
    NodeEndpoint node3 = cluster.endpoint(2);
    JobStatus drain = awaitJob(node3, get(client.startJob(node3, JobRequest.of(JobKind.DRAIN))));
    assertThat(drain.state()).as(drain.message()).isEqualTo(JobState.SUCCEEDED);
    NodeInfo info = get(client.nodeInfo(node3));
    assertThat(info.operationMode()).isEqualTo(OperationMode.DRAINED);
    assertThat(info.nativeTransportRunning()).isFalse();
    HttpResponse<String> readyz = raw.send(HttpRequest.newBuilder(agentUri(2, "/readyz")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(readyz.statusCode()).isEqualTo(503);
    HttpResponse<String> healthz = raw.send(HttpRequest.newBuilder(agentUri(2, "/healthz")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(healthz.statusCode()).as("the agent itself still runs").isEqualTo(200);
  }

  @Test
  @Order(99)
  void aKilledNodeIsUnreachableWithinTheClientTimeoutAndSeenDownByItsPeers() throws Exception {
    NodeEndpoint node3 = cluster.endpoint(2);
    assertThat(get(client.nodeInfo(node3)).operationMode()).isIn(OperationMode.NORMAL, OperationMode.DRAINED);
    cluster.kill(2);
    long started = System.nanoTime();
    NodeClientException e = failure(client.nodeInfo(node3));
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    System.out.println("killed node reported " + e.kind() + " after " + tookMillis + " ms");
    assertThat(e.kind()).isEqualTo(NodeClientException.Kind.UNREACHABLE);
    assertThat(tookMillis).isLessThanOrEqualTo(client.callTimeout().toMillis());

    long downStarted = System.nanoTime();
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
        assertThat(get(client.nodeInfo(cluster.endpoint(0))).unreachableNodes()).containsExactly("127.0.5.3"));
    System.out.printf("peers saw the killed node down after %.1f s%n", (System.nanoTime() - downStarted) / 1e9);
    HttpResponse<String> readyz = raw.send(HttpRequest.newBuilder(agentUri(0, "/readyz")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(readyz.statusCode()).as("a peer being down does not make a node unready").isEqualTo(200);
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private static List<NodeMetrics> allMetrics() throws Exception {
    List<NodeMetrics> out = new ArrayList<>();
    for (int i = 0; i < NODES; i++) {
      out.add(get(client.metrics(cluster.endpoint(i))));
    }
    return out;
  }

  static JobStatus awaitJob(NodeEndpoint node, JobStatus started) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    JobStatus status = started;
    while (!status.state().finished()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("job did not finish in 3 minutes: " + status);
      }
      Thread.sleep(250);
      status = get(client.job(node, started.id()));
    }
    return status;
  }

  private static void runBounded(int count, java.util.function.IntFunction<CompletionStage<?>> op)
      throws Exception {
    Semaphore inFlight = new Semaphore(32);
    List<CompletableFuture<?>> all = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      inFlight.acquire();
      CompletableFuture<?> f = op.apply(i).toCompletableFuture();
      f.whenComplete((r, t) -> inFlight.release());
      all.add(f);
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
  }

  private static URI agentUri(int node, String path) {
    return URI.create("http://" + cluster.node(node).address() + ":" + NodeEndpoint.DEFAULT_PORT + path);
  }

  private static HttpResponse<String> post(int node, String path, String body) throws Exception {
    return raw.send(HttpRequest.newBuilder(agentUri(node, path))
            .header("Authorization", "Bearer " + cluster.token().value())
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

}
