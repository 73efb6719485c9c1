package io.ringkeeper.operator.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NodePollerTest {
  private static final AgentToken TOKEN = new AgentToken("t");
  private static final ClusterKey CLUSTER = new ClusterKey("ns", "demo");

  /** Answers per node from a map; never completes for nodes listed as hanging. */
  static final class ScriptedClient implements NodeClient {
    final Map<String, NodeInfo> answers = new ConcurrentHashMap<>();
    final Map<String, CompletableFuture<NodeInfo>> hanging = new ConcurrentHashMap<>();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger throughputCalls = new AtomicInteger();

    @Override
    public CompletableFuture<NodeInfo> nodeInfo(NodeEndpoint node) {
      calls.incrementAndGet();
      maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      CompletableFuture<NodeInfo> result;
      if (hanging.containsKey(node.node())) {
        result = hanging.get(node.node());
      } else if (answers.containsKey(node.node())) {
        result = CompletableFuture.supplyAsync(() -> answers.get(node.node()),
            CompletableFuture.delayedExecutor(20, java.util.concurrent.TimeUnit.MILLISECONDS));
      } else {
        result = CompletableFuture.failedFuture(new NodeClientException(NodeClientException.Kind.UNREACHABLE,
            node.node(), "connection refused"));
      }
      return result.whenComplete((v, e) -> inFlight.decrementAndGet());
    }

    @Override
    public CompletableFuture<NodeMetrics> metrics(NodeEndpoint node) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<List<KeyspaceInfo>> keyspaces(NodeEndpoint node) {
      List<KeyspaceInfo> now = List.copyOf(schema);
      return CompletableFuture.supplyAsync(() -> now,
          CompletableFuture.delayedExecutor(20, java.util.concurrent.TimeUnit.MILLISECONDS));
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
      throughputCalls.incrementAndGet();
      return CompletableFuture.supplyAsync(() -> 64,
          CompletableFuture.delayedExecutor(50, java.util.concurrent.TimeUnit.MILLISECONDS));
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

  private final ScriptedClient client = new ScriptedClient();
  /** The keyspaces the scripted nodes report. */
  private static final List<KeyspaceInfo> schema = new CopyOnWriteArrayList<>();
  private final List<ClusterKey> changes = new CopyOnWriteArrayList<>();
  private NodePoller poller;

  private NodePoller poller(int concurrency, Duration timeout) {
    poller = new NodePoller(client, Duration.ofHours(1), timeout, concurrency, Clock.systemUTC());
    poller.setListener(changes::add);
    return poller;
  }

  @AfterEach
  void close() {
    if (poller != null) {
      poller.close();
    }
  }

  static NodeInfo info(OperationMode mode, long load) {
    return new NodeInfo(mode, "h", "10.0.0.1", "dc1", "r1", "5.0.9", true, true, List.of(1L), load, List.of(),
        List.of(), List.of(), List.of(), List.of(), Map.of(), Map.of(), Map.of(), Map.of(), 0, 1);
  }

  private static List<NodeEndpoint> endpoints(int n) {
    return java.util.stream.IntStream.range(0, n)
        .mapToObj(i -> new NodeEndpoint("n" + i, "10.0.0." + i, 8778, TOKEN)).toList();
  }

  @Test
  void aCommandIsNotSentAgainWhenOnlyTheNodesCaBundleChanged() {
    NodeEndpoint before = new NodeEndpoint("n0", "10.0.0.0", 8778, TOKEN,
        new NodeTls("ca one", "n0.c-nodes.ns.svc", "Secret n0-tls key ca.crt"));
    NodeEndpoint after = new NodeEndpoint("n0", "10.0.0.0", 8778, TOKEN,
        new NodeTls("ca one and two", "n0.c-nodes.ns.svc", "Secret n0-tls key ca.crt"));
    poller(4, Duration.ofSeconds(1)).track(CLUSTER, List.of(before));
    Agents agents = poller.agents();
    assertThatThrownBy(() -> agents.setCompactionThroughput(before, 8, "attempt-1"))
        .isInstanceOf(NoAnswerYet.class);
    poller.track(CLUSTER, List.of(after)); // the CA bundle was rewritten (a rotation) while the command was out
    await().atMost(Duration.ofSeconds(5)).ignoreExceptions()
        .until(() -> agents.setCompactionThroughput(after, 8, "attempt-1") == 64);
    assertThat(client.throughputCalls.get()).isEqualTo(1);
  }

  @Test
  void newlyTrackedNodesAreAskedAtOnceAndTheirAnswersKept() {
    client.answers.put("n0", info(OperationMode.NORMAL, 100));
    poller(4, Duration.ofSeconds(1)).track(CLUSTER, endpoints(2));
    await().atMost(Duration.ofSeconds(5)).until(() -> poller.observations(CLUSTER).size() == 2);
    assertThat(poller.observations(CLUSTER).get("n0").info().operationMode()).isEqualTo(OperationMode.NORMAL);
    assertThat(poller.observations(CLUSTER).get("n1").failure()).isEqualTo(NodeClientException.Kind.UNREACHABLE);
    assertThat(changes).containsOnly(CLUSTER);
  }

  @Test
  void aRepairRequestedJustAfterAKeyspaceWasCreatedIsPlannedFromASchemaThatHasIt() {
    schema.clear();
    NodeEndpoint node = endpoints(1).get(0);
    poller(4, Duration.ofSeconds(1)).track(CLUSTER, List.of(node));
    Agents agents = poller.agents();
    await().atMost(Duration.ofSeconds(5)).until(() -> agents.keyspaces(CLUSTER).orElse(List.of(KS)).isEmpty());
    schema.add(KS);
    Instant requested = Instant.now();

    assertThat(agents.keyspaces(CLUSTER)).as("the last round, from before the keyspace").contains(List.of());
    assertThat(agents.keyspacesSince(CLUSTER, requested)).as("asked again, not waited for").isEmpty();
    await().atMost(Duration.ofSeconds(5))
        .until(() -> agents.keyspacesSince(CLUSTER, requested).map(List::size).orElse(0) == 1);
  }

  private static final KeyspaceInfo KS = new KeyspaceInfo("orders", false, "NetworkTopologyStrategy",
      Map.of("dc1", 3), List.of("o"), 864000);

  @Test
  void everyPolledClusterHasItsKeyspacesFetchedEachRoundWithoutAReconcileAskingForANode() {
    schema.clear();
    schema.add(KS);
    client.answers.put("n0", info(OperationMode.NORMAL, 1));
    poller(4, Duration.ofSeconds(1)).track(CLUSTER, endpoints(2));
    poller.pollOnce();
    await().atMost(Duration.ofSeconds(5)).until(() -> poller.agents().keyspaces(CLUSTER).isPresent());
    assertThat(poller.agents().keyspaces(CLUSTER)).contains(List.of(KS));
    schema.clear();
    await().atMost(Duration.ofSeconds(5)).alias("a later round sees the keyspace dropped").until(() -> {
      poller.pollOnce();
      return poller.agents().keyspaces(CLUSTER).orElseThrow().isEmpty();
    });
    assertThat(changes).as("a changed schema triggers a reconcile").contains(CLUSTER);
    poller.forget(CLUSTER);
    poller.pollOnce();
    assertThat(poller.agents().keyspaces(CLUSTER)).as("a forgotten cluster's keyspaces go with it").isEmpty();
  }

  @Test
  void noMoreCallsThanTheConcurrencyLimitAreInFlight() {
    for (int i = 0; i < 20; i++) {
      client.answers.put("n" + i, info(OperationMode.NORMAL, 1));
    }
    poller(3, Duration.ofSeconds(2)).track(CLUSTER, endpoints(20));
    await().atMost(Duration.ofSeconds(5)).until(() -> poller.observations(CLUSTER).size() == 20);
    assertThat(client.maxInFlight.get()).isEqualTo(3);
  }

  @Test
  void aHangingNodeTimesOutWithoutHoldingUpTheOthers() {
    client.answers.put("n1", info(OperationMode.NORMAL, 1));
    client.hanging.put("n0", new CompletableFuture<>());
    poller(1, Duration.ofMillis(200)).track(CLUSTER, endpoints(2));
    await().atMost(Duration.ofSeconds(5)).until(() -> poller.observations(CLUSTER).size() == 2);
    assertThat(poller.observations(CLUSTER).get("n0").failure()).isEqualTo(NodeClientException.Kind.TIMEOUT);
  }

  @Test
  void aRoundThatSeesNothingNewTriggersNoReconcile() {
    client.answers.put("n0", info(OperationMode.NORMAL, 1_000_000));
    poller(4, Duration.ofSeconds(1)).track(CLUSTER, endpoints(1));
    await().atMost(Duration.ofSeconds(5)).until(() -> changes.size() == 1);
    client.answers.put("n0", info(OperationMode.NORMAL, 1_001_000)); // within the load's rounding
    int before = client.calls.get();
    poller.pollOnce();
    await().atMost(Duration.ofSeconds(5)).until(() -> client.calls.get() > before && client.inFlight.get() == 0);
    assertThat(changes).hasSize(1);
    client.answers.put("n0", info(OperationMode.LEAVING, 1_001_000));
    poller.pollOnce();
    await().atMost(Duration.ofSeconds(5)).until(() -> changes.size() == 2);
  }

  @Test
  void aFailureRemembersWhenTheNodeLastAnswered() {
    client.answers.put("n0", info(OperationMode.NORMAL, 1));
    poller(4, Duration.ofSeconds(1)).track(CLUSTER, endpoints(1));
    await().atMost(Duration.ofSeconds(5)).until(() -> !poller.observations(CLUSTER).isEmpty());
    var answeredAt = poller.observations(CLUSTER).get("n0").lastAnswer();
    client.answers.remove("n0");
    poller.pollOnce();
    await().atMost(Duration.ofSeconds(5)).until(() -> !poller.observations(CLUSTER).get("n0").answeredNow());
    assertThat(poller.observations(CLUSTER).get("n0").lastAnswer()).isEqualTo(answeredAt);
  }

  @Test
  void aNodeThatAnsweredIsReportedFailedOnlyAfterTwoTimeoutsInARow() {
    client.answers.put("n0", info(OperationMode.NORMAL, 1));
    java.util.concurrent.atomic.AtomicInteger timeouts = new java.util.concurrent.atomic.AtomicInteger();
    poller(4, Duration.ofMillis(200)).setCallObserver((kind, took, failure) -> {
      if (failure == NodeClientException.Kind.TIMEOUT) {
        timeouts.incrementAndGet();
      }
    });
    poller.track(CLUSTER, endpoints(1));
    await().atMost(Duration.ofSeconds(5)).until(() -> changes.size() == 1);
    client.hanging.put("n0", new CompletableFuture<>());
    // A round skips a node whose previous call has not released its slot yet: ask until the call happened.
    await().atMost(Duration.ofSeconds(5)).until(() -> pollUntil(timeouts, 1));
    assertThat(poller.observations(CLUSTER).get("n0").answeredNow()).as("one timeout: the answer stands").isTrue();
    assertThat(changes).hasSize(1);
    await().atMost(Duration.ofSeconds(5)).until(() -> pollUntil(timeouts, 2));
    await().atMost(Duration.ofSeconds(5)).until(() -> !poller.observations(CLUSTER).get("n0").answeredNow());
    assertThat(poller.observations(CLUSTER).get("n0").failure()).isEqualTo(NodeClientException.Kind.TIMEOUT);
    assertThat(changes).hasSize(2);
    // An answer in between starts the count again.
    client.hanging.remove("n0");
    await().atMost(Duration.ofSeconds(5)).until(() -> {
      poller.pollOnce();
      return poller.observations(CLUSTER).get("n0").answeredNow();
    });
    client.hanging.put("n0", new CompletableFuture<>());
    await().atMost(Duration.ofSeconds(5)).until(() -> pollUntil(timeouts, 3));
    assertThat(poller.observations(CLUSTER).get("n0").answeredNow()).isTrue();
  }

  /** Starts a round unless {@code count} already reached {@code target}; whether it did. */
  private boolean pollUntil(java.util.concurrent.atomic.AtomicInteger count, int target) {
    if (count.get() < target) {
      poller.pollOnce();
    }
    return count.get() >= target;
  }

  @Test
  void aNodeWhoseAgentRefusesConnectionsAfterAnsweringIsReportedAtOnce() {
    client.answers.put("n0", info(OperationMode.NORMAL, 1));
    poller(4, Duration.ofMillis(200)).track(CLUSTER, endpoints(1));
    await().atMost(Duration.ofSeconds(5)).until(() -> changes.size() == 1);
    client.answers.remove("n0");
    poller.pollOnce();
    await().atMost(Duration.ofSeconds(5)).until(() -> !poller.observations(CLUSTER).get("n0").answeredNow());
    assertThat(poller.observations(CLUSTER).get("n0").failure()).isEqualTo(NodeClientException.Kind.UNREACHABLE);
  }

  @Test
  void aNodeAtANewAddressStartsWithoutItsOldObservation() {
    client.answers.put("n0", info(OperationMode.NORMAL, 1));
    poller(4, Duration.ofSeconds(1)).track(CLUSTER, endpoints(1));
    await().atMost(Duration.ofSeconds(5)).until(() -> !poller.observations(CLUSTER).isEmpty());
    client.hanging.put("n0", new CompletableFuture<>());
    poller.track(CLUSTER, List.of(new NodeEndpoint("n0", "10.9.9.9", 8778, TOKEN)));
    assertThat(poller.observations(CLUSTER)).isEmpty();
    poller.forget(CLUSTER);
    assertThat(poller.endpoints(CLUSTER)).isEmpty();
  }

  @Test
  void loadsAreRoundedToTwoSignificantDigits() {
    assertThat(NodeObservation.roundLoad(1_234_567)).isEqualTo(1_200_000);
    assertThat(NodeObservation.roundLoad(1_250_000)).isEqualTo(1_300_000);
    assertThat(NodeObservation.roundLoad(99)).isEqualTo(99);
    assertThat(NodeObservation.roundLoad(0)).isEqualTo(0);
  }
}
