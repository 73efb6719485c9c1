package io.ringkeeper.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.fabric8.kubernetes.api.model.Pod;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.ClusterPhase;
import io.ringkeeper.api.v1alpha1.NodeState;
import io.ringkeeper.api.v1alpha1.NodeStatus;
import io.ringkeeper.local.LocalEnvironment;
import io.ringkeeper.operator.node.HttpNodeClient;
import io.ringkeeper.operator.node.NodeEndpoint;
import io.ringkeeper.operator.node.NodeInfo;
import io.ringkeeper.operator.resources.Labels;
import io.ringkeeper.operator.resources.NodePods;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
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
 * steps build on each other, in order, on one cluster: create (with an operator restart in the middle), check the
 * tokens, write 10,000 rows at QUORUM, kill a node and see Degraded then Ready, delete a pod (it drains; the
 * operator recreates it and it finds its data again), read every row back at ALL. Zero
 * lost rows is the pass mark. CQL logs in as the superuser of the generated Secret (see E2eSupport#cql).
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
  void aThreeRackClusterWithReplicationFactorThreeBecomesReadyAcrossAnOperatorRestart() throws Exception {
    env.apply(E2eSupport.example("minimal.yaml"));
    // Restart the operator in the middle of creation: tokens recorded, pods created, ring not formed yet.
    CassandraCluster creating = env.await(NAMESPACE, CLUSTER, c -> c.getStatus() != null
        && c.getStatus().getNodes().size() == 3 && pods().size() == 3, Duration.ofMinutes(2), "creating its pods");
    Map<String, List<Long>> tokensBefore = tokens(creating);
    Map<String, String> podUidsBefore = podUids();
    PHASES.done("apply examples/minimal.yaml -> tokens recorded, 3 pods");
    env.restartOperator();
    PHASES.done("restart the operator while the nodes start");

    CassandraCluster cr = env.awaitReady(NAMESPACE, CLUSTER, Duration.ofMinutes(4));
    PHASES.done("-> Ready (3 nodes UN)");

    assertThat(cr.getStatus().getNodes()).hasSize(3)
        .allSatisfy(n -> assertThat(n.getState()).isEqualTo(NodeState.UN))
        .extracting(NodeStatus::getRack).containsExactlyInAnyOrder("r1", "r2", "r3");
    assertThat(cr.getStatus().getNodes()).extracting(NodeStatus::getPodIP)
        .allSatisfy(ip -> assertThat(ip).startsWith("127.20.0."));
    // The restarted operator resumed: same tokens, same pods, each milestone once.
    assertThat(tokens(cr)).isEqualTo(tokensBefore);
    assertThat(podUids()).isEqualTo(podUidsBefore);
    assertThat(eventCount("TokensAssigned")).isEqualTo(1);
    assertThat(eventCount("NodeCreated")).isEqualTo(3);
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

  @Test
  @Order(3)
  void tenThousandRowsAreWrittenAtQuorum() throws Exception {
    try (CqlSession session = E2eSupport.cql(env, NAMESPACE, CLUSTER, firstNodeAddress(), "dc1")) {
      session.execute(SimpleStatement.newInstance("CREATE KEYSPACE IF NOT EXISTS e2e WITH replication ="
          + " {'class': 'NetworkTopologyStrategy', 'dc1': 3}"));
      session.execute(SimpleStatement.newInstance("CREATE TABLE IF NOT EXISTS e2e.rows (id int PRIMARY KEY,"
          + " value text)"));
      PHASES.done("create keyspace e2e (RF 3) and table");
      PreparedStatement insert = session.prepare("INSERT INTO e2e.rows (id, value) VALUES (?, ?)");
      Semaphore inFlight = new Semaphore(64);
      List<CompletableFuture<?>> writes = new ArrayList<>();
      for (int id = 0; id < ROWS; id++) {
        inFlight.acquire();
        writes.add(session.executeAsync(insert.bind(id, "row-" + id).setConsistencyLevel(DefaultConsistencyLevel.QUORUM))
            .toCompletableFuture().whenComplete((r, e) -> inFlight.release()));
      }
      CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
    }
    PHASES.done("write " + ROWS + " rows at QUORUM");
  }

  @Test
  @Order(4)
  void aKilledNodeTurnsTheClusterDegradedWithinSixtySecondsAndReadyAgainAfterItsRestart() throws Exception {
    String victim = CLUSTER + "-dc1-r2-0";
    env.kubelet().kill(NAMESPACE, victim);
    CassandraCluster degraded = env.await(NAMESPACE, CLUSTER, c -> LocalEnvironment.phaseIs(c, ClusterPhase.Degraded)
        && c.getStatus().getNodes().stream().anyMatch(n -> n.getName().equals(victim) && n.getState() == NodeState.DN),
        Duration.ofSeconds(60), "Degraded, " + victim + " DN");
    long toDegraded = PHASES.done("kill " + victim + " (SIGKILL) -> Degraded, node DN");
    assertThat(toDegraded).isLessThan(60_000);
    assertThat(degraded.getStatus().getNodes()).filteredOn(n -> n.getName().equals(victim))
        .singleElement().satisfies(n -> assertThat(n.getState()).isEqualTo(NodeState.DN));

    env.awaitReady(NAMESPACE, CLUSTER, Duration.ofMinutes(3));
    PHASES.done("kubelet restarts it -> Ready");
    Pod pod = env.client().pods().inNamespace(NAMESPACE).withName(victim).get();
    assertThat(pod.getStatus().getContainerStatuses().get(0).getRestartCount()).isEqualTo(1);
    assertThat(pod.getStatus().getContainerStatuses().get(0).getLastState().getTerminated().getExitCode())
        .isEqualTo(137);
  }

  @Test
  @Order(5)
  void aDeletedPodDrainsAndItsRecreatedPodFindsItsDataAgain() throws Exception {
    String victim = CLUSTER + "-dc1-r3-0";
    Pod before = env.client().pods().inNamespace(NAMESPACE).withName(victim).get();
    String hostId = env.get(NAMESPACE, CLUSTER).getStatus().getNodes().stream()
        .filter(n -> n.getName().equals(victim)).findFirst().orElseThrow().getHostId();
    env.client().resource(before).delete();
    env.await(NAMESPACE, CLUSTER, c -> env.kubelet().lastStopExitCode(NAMESPACE, victim).isPresent(),
        Duration.ofMinutes(2), "drained");
    long drained = PHASES.done("delete pod " + victim + " -> SIGTERM, drained");
    assertThat(env.kubelet().lastStopExitCode(NAMESPACE, victim)).as("exit code after SIGTERM").contains(143);
    assertThat(drained).isLessThan(Duration.ofSeconds(NodePods.TERMINATION_GRACE_SECONDS).toMillis());

    CassandraCluster cr = env.awaitReady(NAMESPACE, CLUSTER, Duration.ofMinutes(3));
    PHASES.done("operator recreates the pod -> Ready");
    Pod after = env.client().pods().inNamespace(NAMESPACE).withName(victim).get();
    assertThat(after.getMetadata().getUid()).isNotEqualTo(before.getMetadata().getUid());
    // Same volume directory, same data: Cassandra comes back as the same host with the same tokens.
    assertThat(cr.getStatus().getNodes()).filteredOn(n -> n.getName().equals(victim)).singleElement()
        .satisfies(n -> assertThat(n.getHostId()).isEqualTo(hostId));
  }

  @Test
  @Order(6)
  void everyRowReadsBackAtConsistencyAll() throws Exception {
    int found = 0;
    List<Integer> missing = new ArrayList<>();
    try (CqlSession session = E2eSupport.cql(env, NAMESPACE, CLUSTER, firstNodeAddress(), "dc1")) {
      PreparedStatement select = session.prepare("SELECT value FROM e2e.rows WHERE id = ?");
      Semaphore inFlight = new Semaphore(64);
      List<CompletableFuture<Void>> reads = new ArrayList<>();
      int[] counts = new int[1];
      for (int id = 0; id < ROWS; id++) {
        int row = id;
        inFlight.acquire();
        reads.add(session.executeAsync(select.bind(row).setConsistencyLevel(DefaultConsistencyLevel.ALL))
            .toCompletableFuture().thenAccept(rs -> {
              Row r = rs.one();
              synchronized (counts) {
                if (r != null && ("row-" + row).equals(r.getString("value"))) {
                  counts[0]++;
                } else {
                  missing.add(row);
                }
              }
            }).whenComplete((v, e) -> inFlight.release()));
      }
      CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
      found = counts[0];
    }
    PHASES.done("read " + ROWS + " rows at ALL");
    assertThat(missing).as("rows lost").isEmpty();
    assertThat(found).isEqualTo(ROWS);
  }

  static final int ROWS = 10_000;

  private static String firstNodeAddress() {
    return env.get(NAMESPACE, CLUSTER).getStatus().getNodes().get(0).getPodIP();
  }

  private static Map<String, List<Long>> tokens(CassandraCluster cr) {
    Map<String, List<Long>> tokens = new TreeMap<>();
    cr.getStatus().getNodes().forEach(n -> tokens.put(n.getName(), n.getTokens().stream().sorted().toList()));
    return tokens;
  }

  private static List<Pod> pods() {
    return env.client().pods().inNamespace(NAMESPACE).withLabel(Labels.CLUSTER, CLUSTER).list().getItems();
  }

  private static Map<String, String> podUids() {
    Map<String, String> uids = new TreeMap<>();
    pods().forEach(p -> uids.put(p.getMetadata().getName(), p.getMetadata().getUid()));
    return uids;
  }

  /** How many times the operator recorded an event of that reason on the cluster (counting repeats). */
  private static int eventCount(String reason) {
    return env.client().v1().events().inNamespace(NAMESPACE).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()))
        .mapToInt(e -> e.getCount() == null ? 1 : e.getCount()).sum();
  }
}
