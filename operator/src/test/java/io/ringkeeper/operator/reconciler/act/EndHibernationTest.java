package io.ringkeeper.operator.reconciler.act;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.operator.config.OperatorConfig;
import io.ringkeeper.operator.domain.model.NodeId;
import io.ringkeeper.operator.domain.plan.Operation;
import io.ringkeeper.operator.domain.plan.OperationKind;
import io.ringkeeper.operator.domain.plan.OperationStep;
import io.ringkeeper.operator.domain.plan.Step;
import io.ringkeeper.operator.node.AccessRequest;
import io.ringkeeper.operator.node.AccessResult;
import io.ringkeeper.operator.node.AgentToken;
import io.ringkeeper.operator.node.Agents;
import io.ringkeeper.operator.node.ClusterKey;
import io.ringkeeper.operator.node.HibernationEnd;
import io.ringkeeper.operator.node.JobRequest;
import io.ringkeeper.operator.node.JobStatus;
import io.ringkeeper.operator.node.KeyspaceInfo;
import io.ringkeeper.operator.node.NodeEndpoint;
import io.ringkeeper.operator.node.NodeInfo;
import io.ringkeeper.operator.node.NodeMetrics;
import io.ringkeeper.operator.node.NodeObservation;
import io.ringkeeper.operator.node.OperationMode;
import io.ringkeeper.operator.reconciler.events.ClusterEvent;
import io.ringkeeper.operator.reconciler.observe.ObservedState;
import io.ringkeeper.operator.testing.FakeJobs;
import io.ringkeeper.operator.testing.ImmediateAgents;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Ending a replacement's hibernation on a peer (CASSANDRA-19580), as the poller's kept answers and stale reports
 * make it happen: a reconcile may run on a peer report from before the answer, and on the kept answer many times.
 */
class EndHibernationTest {
  private static final Instant REPORTED = Instant.parse("2026-12-03T12:00:58Z");
  private static final NodeId PEER = new NodeId("demo", "dc1", "r1", 0);
  private static final String LOST = "demo-dc1-r3-0";
  private static final String ADDRESS = "10.0.0.3";
  private static final List<NodeEndpoint> ENDPOINTS = List.of(new NodeEndpoint(PEER.name(), "10.0.0.1", 8778,
      new AgentToken("t")));
  private static final Operation REPLACING = new Operation(OperationKind.Replace, "dc1", LOST,
      OperationStep.Replacing, null, 0, List.of(LOST), List.of(), "asked by annotation", ADDRESS,
      Instant.parse("2026-12-03T11:50:00Z"));

  private final MutableClock clock = new MutableClock(REPORTED);
  private final FakeJobs fleet = new FakeJobs(Clock.fixed(REPORTED, ZoneOffset.UTC));
  private final KeptAnswers agents = new KeptAnswers(new ImmediateAgents(fleet));
  private final KubernetesClient client = new KubernetesClientBuilder().build();
  private final NodeOperations operations = new NodeOperations(client, new KubeWriter(client),
      OperatorConfig.defaults(), clock);
  private final CassandraCluster cr = new CassandraCluster();

  EndHibernationTest() {
    cr.getMetadata().setName("demo");
    cr.getMetadata().setNamespace("ns");
  }

  @AfterEach
  void close() {
    client.close();
  }

  private static ObservedState peerReports(Instant at, String... hibernating) {
    NodeInfo info = new NodeInfo(OperationMode.NORMAL, "h", "10.0.0.1", "dc1", "r1", "5.0.9", true, true, List.of(),
        0, List.of(), List.of(), List.of(), List.of(), List.of(), Map.of(), Map.of(), Map.of(), Map.of(), 0, 0,
        List.of(hibernating));
    return new ObservedState(Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), Map.of(),
        Map.of(PEER.name(), NodeObservation.answered(PEER.name(), "10.0.0.1", at, info)));
  }

  private NodeOperations.Result reconcile(ObservedState observed, Operation before) {
    Step step = new Step.EndHibernation(REPLACING.withMessage("left hibernating; asking " + PEER.name()), PEER,
        ADDRESS);
    return operations.carryOut(cr, observed, List.of(), step, before, ENDPOINTS, agents, null, null);
  }

  private static long ended(NodeOperations.Result result) {
    return result.events().stream().map(ClusterEvent::reason).filter("HibernationEnded"::equals).count();
  }

  @Test
  void aReconcileOnThePeersReportFromBeforeTheAnswerDoesNotAskAgainEvenOnceTheMinuteHasTurned() {
    fleet.hibernate(ADDRESS);
    ObservedState stale = peerReports(REPORTED, ADDRESS);
    NodeOperations.Result first = reconcile(stale, REPLACING);
    assertThat(fleet.endedHibernations()).containsExactly(ADDRESS);
    assertThat(first.operation().message()).contains("holds " + LOST + " at " + ADDRESS + " shutdown");
    // 12:01:03: the answer's reconcile and the ones after it still see the report of 12:00:58.
    clock.advance(Duration.ofSeconds(5));
    NodeOperations.Result second = reconcile(stale, first.operation());
    assertThat(fleet.endedHibernations()).as("asked once").containsExactly(ADDRESS);
    assertThat(second.operation().message()).isEqualTo(first.operation().message());
  }

  @Test
  void theHibernationEndedEventIsRecordedOncePerAnswerNotOnEveryReconcileThatReadsTheKeptAnswer() {
    fleet.hibernate(ADDRESS);
    ObservedState stale = peerReports(REPORTED, ADDRESS);
    NodeOperations.Result first = reconcile(stale, REPLACING);
    assertThat(ended(first)).isEqualTo(1);
    assertThat(first.events()).filteredOn(e -> e.reason().equals("HibernationEnded")).singleElement()
        .satisfies(e -> assertThat(e.message()).contains(LOST).contains(ADDRESS).contains("CASSANDRA-19580"));
    Operation recorded = first.operation();
    for (int i = 0; i < 3; i++) {
      NodeOperations.Result again = reconcile(stale, recorded);
      assertThat(ended(again)).isZero();
      recorded = again.operation();
    }
  }

  @Test
  void aReplacementReportedHibernatingAgainAMinuteLaterIsAskedForAgainAndReportedAgain() {
    fleet.hibernate(ADDRESS);
    NodeOperations.Result first = reconcile(peerReports(REPORTED, ADDRESS), REPLACING);
    assertThat(ended(first)).isEqualTo(1);
    // Its next start failed too (it started before the peer marked it): a fresh report, a minute later.
    fleet.hibernate(ADDRESS);
    clock.advance(Duration.ofSeconds(70));
    Operation waiting = first.operation().withMessage("waiting for " + LOST + " to join");
    NodeOperations.Result second = reconcile(peerReports(REPORTED.plusSeconds(70), ADDRESS), waiting);
    assertThat(fleet.endedHibernations()).containsExactly(ADDRESS, ADDRESS);
    assertThat(ended(second)).isEqualTo(1);
    assertThat(fleet.hibernating()).isEmpty();
  }

  @Test
  void aFreshReportWithinTheSameMinuteTakesTheKeptAnswerSoAPeerIsAskedAtMostOnceAMinute() {
    fleet.hibernate(ADDRESS);
    NodeOperations.Result first = reconcile(peerReports(REPORTED.minusSeconds(50), ADDRESS), REPLACING);
    fleet.hibernate(ADDRESS);
    reconcile(peerReports(REPORTED, ADDRESS), first.operation());
    assertThat(fleet.endedHibernations()).containsExactly(ADDRESS);
  }

  @Test
  void aSecondPeerWhoseReportIsOlderThanTheFirstPeersAnswerIsNotAskedToo() {
    fleet.hibernate(ADDRESS);
    NodeOperations.Result first = reconcile(peerReports(REPORTED, ADDRESS), REPLACING);
    // The first peer's next report no longer holds it; the second's report is from before the answer.
    clock.advance(Duration.ofSeconds(5));
    NodeId second = new NodeId("demo", "dc1", "r2", 0);
    NodeInfo info = new NodeInfo(OperationMode.NORMAL, "h", "10.0.0.2", "dc1", "r2", "5.0.9", true, true, List.of(),
        0, List.of(), List.of(), List.of(), List.of(), List.of(), Map.of(), Map.of(), Map.of(), Map.of(), 0, 0,
        List.of(ADDRESS));
    ObservedState observed = new ObservedState(Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), Map.of(),
        Map.of(second.name(), NodeObservation.answered(second.name(), "10.0.0.2", REPORTED.plusSeconds(1), info)));
    NodeOperations.Result again = operations.carryOut(cr, observed, List.of(), new Step.EndHibernation(
        REPLACING.withMessage("left hibernating; asking " + second.name()), second, ADDRESS), first.operation(),
        List.of(ENDPOINTS.get(0), new NodeEndpoint(second.name(), "10.0.0.2", 8778, new AgentToken("t"))), agents,
        null, null);
    assertThat(fleet.endedHibernations()).containsExactly(ADDRESS);
    assertThat(ended(again)).isZero();
  }

  /** Keeps each command's answer by its attempt, as {@code PolledAgents} does. */
  private static final class KeptAnswers implements Agents {
    private final Agents delegate;
    private final Map<String, HibernationEnd> ended = new HashMap<>();

    KeptAnswers(Agents delegate) {
      this.delegate = delegate;
    }

    @Override
    public JobStatus job(NodeEndpoint node, String jobId) {
      return delegate.job(node, jobId);
    }

    @Override
    public List<KeyspaceInfo> keyspaces(NodeEndpoint node) {
      return delegate.keyspaces(node);
    }

    @Override
    public Optional<List<KeyspaceInfo>> keyspaces(ClusterKey cluster) {
      return delegate.keyspaces(cluster);
    }

    @Override
    public Optional<List<KeyspaceInfo>> keyspacesSince(ClusterKey cluster, Instant since) {
      return delegate.keyspacesSince(cluster, since);
    }

    @Override
    public NodeMetrics metrics(NodeEndpoint node) {
      return delegate.metrics(node);
    }

    @Override
    public JobStatus startJob(NodeEndpoint node, JobRequest request, String attempt) {
      return delegate.startJob(node, request, attempt);
    }

    @Override
    public int setCompactionThroughput(NodeEndpoint node, int mibPerSecond, String attempt) {
      return delegate.setCompactionThroughput(node, mibPerSecond, attempt);
    }

    @Override
    public AccessResult access(NodeEndpoint node, AccessRequest request, String attempt) {
      return delegate.access(node, request, attempt);
    }

    @Override
    public HibernationEnd endHibernation(NodeEndpoint via, String endpoint, String attempt) {
      return ended.computeIfAbsent(endpoint + "/" + attempt, // whichever peer is asked
          k -> delegate.endHibernation(via, endpoint, attempt));
    }
  }

  private static final class MutableClock extends Clock {
    private Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
