package io.ringkeeper.local.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.ringkeeper.operator.node.HttpNodeClient;
import io.ringkeeper.operator.node.JobKind;
import io.ringkeeper.operator.node.JobRequest;
import io.ringkeeper.operator.node.JobState;
import io.ringkeeper.operator.node.JobStatus;
import io.ringkeeper.operator.node.NodeClientException;
import io.ringkeeper.operator.node.NodeEndpoint;
import io.ringkeeper.operator.node.NodeInfo;
import io.ringkeeper.operator.node.OperationMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Decommission of one node of four through the agent, on a real cluster (127.0.5.11-14): the node reports
 * LEAVING, then DECOMMISSIONED, the job succeeds, the ring loses exactly its tokens, and every row written
 * at RF 3 before is still readable at CL ALL.
 */
class AgentDecommissionIT {
  private static final int ROWS = 1000;

  private static LocalTestCluster cluster;
  private static final HttpNodeClient client = new HttpNodeClient(Duration.ofSeconds(1), Duration.ofSeconds(5), 8);

  @BeforeAll
  static void startCluster() throws Exception {
    long started = System.nanoTime();
    cluster = LocalTestCluster.builder("decom", ItSupport.freshWorkDir("decommission"))
        .addresses("127.0.5.11", "127.0.5.12", "127.0.5.13", "127.0.5.14")
        .racks("r1", "r2", "r3")
        .tokensPerNode(4)
        .build()
        .start(Duration.ofSeconds(240));
    System.out.printf("4-node cluster ready in %.1f s%n", (System.nanoTime() - started) / 1e9);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void decommissionIsReportedLeavingThenDecommissionedAndLosesNoData() throws Exception {
    try (CqlSession session = Cql.connect("127.0.5.11", "dc1")) {
      session.execute("CREATE KEYSPACE orders WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 3}");
      session.execute("CREATE TABLE orders.lines (id int PRIMARY KEY, payload text)");
      PreparedStatement insert = session.prepare("INSERT INTO orders.lines (id, payload) VALUES (?, ?)");
      List<CompletableFuture<?>> writes = new ArrayList<>();
      for (int i = 0; i < ROWS; i++) {
        writes.add(session.executeAsync(insert.bind(i, "payload-" + i)
            .setConsistencyLevel(ConsistencyLevel.QUORUM)).toCompletableFuture());
        if (writes.size() >= 32) {
          CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
          writes.clear();
        }
      }
      CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
    }

    NodeEndpoint leaving = cluster.endpoint(3);
    String leavingAddress = cluster.node(3).address();
    JobStatus job = client.startJob(leaving, JobRequest.of(JobKind.DECOMMISSION)).get(30, TimeUnit.SECONDS);
    assertThat(job.kind()).isEqualTo(JobKind.DECOMMISSION);

    Set<OperationMode> modesSeen = new LinkedHashSet<>();
    boolean peersSawLeaving = false;
    long started = System.nanoTime();
    while (!job.state().finished()) {
      assertThat(System.nanoTime() - started).as("decommission within 5 minutes")
          .isLessThan(TimeUnit.MINUTES.toNanos(5));
      modesSeen.add(client.nodeInfo(leaving).get(30, TimeUnit.SECONDS).operationMode());
      if (!peersSawLeaving) {
        NodeInfo peer = client.nodeInfo(cluster.endpoint(0)).get(30, TimeUnit.SECONDS);
        peersSawLeaving = peer.leavingNodes().contains(leavingAddress);
      }
      job = client.job(leaving, job.id()).get(30, TimeUnit.SECONDS);
      Thread.sleep(100);
    }
    NodeInfo after = client.nodeInfo(leaving).get(30, TimeUnit.SECONDS);
    modesSeen.add(after.operationMode());
    System.out.printf("decommission took %.1f s; modes seen: %s; a peer listed it as leaving: %s; job: %s%n",
        (System.nanoTime() - started) / 1e9, modesSeen, peersSawLeaving, job);

    assertThat(job.state()).as(job.message()).isEqualTo(JobState.SUCCEEDED);
    assertThat(modesSeen).contains(OperationMode.LEAVING);
    assertThat(after.operationMode()).isEqualTo(OperationMode.DECOMMISSIONED);
    assertThat(new ArrayList<>(modesSeen).get(modesSeen.size() - 1)).isEqualTo(OperationMode.DECOMMISSIONED);

    // Peers learn that the node left through gossip; allow them a moment to drop its tokens.
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      NodeInfo peer = client.nodeInfo(cluster.endpoint(0)).get(30, TimeUnit.SECONDS);
      assertThat(new HashSet<>(peer.ring().values()))
          .containsExactlyInAnyOrder("127.0.5.11", "127.0.5.12", "127.0.5.13");
      assertThat(peer.ring()).hasSize(12);
      assertThat(peer.ring().keySet()).doesNotContainAnyElementsOf(cluster.node(3).tokens());
    });
    cluster.kill(3); // a decommissioned JVM keeps running: stop it, as the operator deletes the pod

    try (CqlSession session = Cql.connect("127.0.5.11", "dc1")) {
      PreparedStatement select = session.prepare("SELECT id, payload FROM orders.lines WHERE id = ?");
      int found = 0;
      for (int i = 0; i < ROWS; i++) {
        Row row = session.execute(select.bind(i).setConsistencyLevel(ConsistencyLevel.ALL)).one();
        assertThat(row).as("row %d at CL ALL", i).isNotNull();
        assertThat(row.getString("payload")).isEqualTo("payload-" + i);
        found++;
      }
      assertThat(found).isEqualTo(ROWS);
    }

    try {
      client.nodeInfo(leaving).get(30, TimeUnit.SECONDS);
      throw new AssertionError("the stopped node still answered");
    } catch (ExecutionException e) {
      assertThat(((NodeClientException) e.getCause()).kind()).isEqualTo(NodeClientException.Kind.UNREACHABLE);
    }
  }
}
