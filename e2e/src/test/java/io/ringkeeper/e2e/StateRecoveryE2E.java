package io.ringkeeper.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.NodeState;
import io.ringkeeper.api.v1alpha1.NodeStatus;
import io.ringkeeper.api.v1alpha1.OperationStatus;
import io.ringkeeper.api.v1alpha1.OperationType;
import io.ringkeeper.local.LocalEnvironment;
import io.ringkeeper.operator.resources.Labels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Status is a cache, on one real cluster through local mode (nodes on 127.50.0.x, RF 3, 4 tokens per node,
 * {@code reclaim: Retain}): 2,000 rows written to 3 nodes, scaled to 4; then (a) local mode stopped and started
 * again (the API's objects kept in the work directory): Ready with the same tokens, every row at ALL; (b) the
 * resource deleted with Retain (its pods, services, config and secrets go with it, as Kubernetes' garbage
 * collector does) and applied again: its nodes adopted from their volumes, Ready, same tokens, rows intact;
 * (c) the status cleared by a patch while a scale-down decommissions a node: the decommission is finished, never
 * asked again, and the cluster converges to 3 nodes with every row at ALL.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StateRecoveryE2E {
  static final String NAMESPACE = "default";
  static final String CLUSTER = "recover";
  static final int ROWS = 2_000;
  static final String ADDRESS_BASE = "127.50.0.0";
  static final int API_PORT = 17551;
  static final String MANIFEST = """
      apiVersion: ringkeeper.io/v1alpha1
      kind: CassandraCluster
      metadata: {name: recover}
      spec:
        cassandraVersion: "5.0.9"
        tokens: {numTokens: 4}
        datacenters:
          - name: dc1
            replicationFactor: 3
            size: %d
            racks: [{name: r1}, {name: r2}, {name: r3}]
        storage: {size: 1Gi, reclaim: Retain}
        jvm: {heapSize: 256Mi}
      """;
  static final E2eSupport.Phases PHASES = new E2eSupport.Phases("StateRecoveryE2E");
  static Path work;
  static LocalEnvironment env;
  /** Every node's tokens once the cluster had 4 nodes; they must never change. */
  static Map<String, List<Long>> tokens;

  @BeforeAll
  static void start() throws Exception {
    work = E2eSupport.freshWorkDir("state-recovery");
    env = environment();
    env.applyYaml(MANIFEST.formatted(3));
    env.awaitReady(NAMESPACE, CLUSTER, Duration.ofMinutes(5));
    PHASES.done("3 nodes on 127.50.0.x -> Ready");
  }

  static LocalEnvironment environment() throws Exception {
    return LocalEnvironment.builder(work).addressBase(ADDRESS_BASE).apiPort(API_PORT).keepApiState(true)
        .stopGrace(Duration.ofSeconds(30)).start();
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  @Order(1)
  void rowsWrittenThenScaledToFourNodes() throws Exception {
    try (CqlSession session = E2eSupport.cql(env, NAMESPACE, CLUSTER, firstNodeAddress(), "dc1")) {
      session.execute(SimpleStatement.newInstance("CREATE KEYSPACE IF NOT EXISTS recover WITH replication ="
          + " {'class': 'NetworkTopologyStrategy', 'dc1': 3}"));
      session.execute(SimpleStatement.newInstance("CREATE TABLE IF NOT EXISTS recover.rows (id int PRIMARY KEY,"
          + " value text)"));
      PreparedStatement insert = session.prepare("INSERT INTO recover.rows (id, value) VALUES (?, ?)");
      for (int id = 0; id < ROWS; id++) {
        write(session, insert.bind(id, "row-" + id));
      }
    }
    PHASES.done(ROWS + " rows written at QUORUM");
    env.applyYaml(MANIFEST.formatted(4));
    CassandraCluster cr = awaitSettled(4, Duration.ofMinutes(6), "4 nodes, scale-up and cleanup done");
    tokens = tokens(cr);
    PHASES.done("scale 3 -> 4");
    assertThat(tokens).hasSize(4).allSatisfy((node, t) -> assertThat(t).hasSize(4));
  }

  @Test
  @Order(2)
  void afterLocalModeStopsAndStartsAgainTheSameClusterIsReadyWithTheSameTokens() throws Exception {
    env.close();
    env = null;
    PHASES.done("local mode down (nodes drained)");
    env = environment();
    CassandraCluster cr = awaitSettled(4, Duration.ofMinutes(5), "Ready again after up");
    PHASES.done("local mode up -> Ready");
    assertThat(tokens(cr)).isEqualTo(tokens);
    assertNodesHoldTheirRecordedTokens(cr);
    assertThat(missingRowsAtAll()).as("rows lost").isEmpty();
  }

  @Test
  @Order(3)
  void aResourceDeletedWithRetainAndAppliedAgainAdoptsItsNodesFromTheirVolumes() throws Exception {
    CassandraCluster before = env.get(NAMESPACE, CLUSTER);
    env.client().resource(before).delete();
    await().atMost(Duration.ofMinutes(1)).until(() -> env.get(NAMESPACE, CLUSTER) == null);
    deleteOwnedBy(before.getMetadata().getUid());
    await().atMost(Duration.ofMinutes(2)).until(() -> pods().isEmpty() && tokens.keySet().stream()
        .noneMatch(n -> env.kubelet().process(NAMESPACE, n).map(p -> p.isAlive()).orElse(false)));
    PHASES.done("deleted with Retain (owned objects garbage-collected)");

    env.applyYaml(MANIFEST.formatted(4));
    CassandraCluster cr = awaitSettled(4, Duration.ofMinutes(5), "Ready after the resource was applied again");
    PHASES.done("applied again -> Ready");
    assertThat(tokens(cr)).isEqualTo(tokens);
    assertNodesHoldTheirRecordedTokens(cr);
    assertThat(cr.getStatus().getNodes()).allSatisfy(n -> assertThat(n.getAdoptedFrom()).isEqualTo("Node"));
    assertThat(eventCount("Adopted")).isGreaterThanOrEqualTo(4);
    assertThat(eventCount("IdentityDisagreement")).isZero();
    assertThat(missingRowsAtAll()).as("rows lost").isEmpty();
  }

  @Test
  @Order(4)
  void aStatusClearedDuringAScaleDownHasItsDecommissionFinishedNotRepeated() throws Exception {
    env.applyYaml(MANIFEST.formatted(3));
    CassandraCluster leaving = env.await(NAMESPACE, CLUSTER, c -> {
      OperationStatus op = c.getStatus() == null ? null : c.getStatus().getOperation();
      return op != null && op.getType() == OperationType.ScaleDown && op.getJobId() != null;
    }, Duration.ofMinutes(3), "decommission started");
    String node = leaving.getStatus().getOperation().getNode();
    env.client().resources(CassandraCluster.class).inNamespace(NAMESPACE).withName(CLUSTER).subresource("status")
        .patch(PatchContext.of(PatchType.JSON), "[{\"op\":\"add\",\"path\":\"/status\",\"value\":{}}]");
    PHASES.done("status cleared while " + node + " decommissions");

    CassandraCluster cr = awaitSettled(3, Duration.ofMinutes(5), "3 nodes after the scale-down");
    PHASES.done("scale-down finished -> Ready");
    assertThat(cr.getStatus().getNodes()).extracting(NodeStatus::getName).doesNotContain(node);
    assertThat(pods()).extracting(p -> p.getMetadata().getName()).doesNotContain(node);
    Map<String, List<Long>> remaining = new TreeMap<>(tokens);
    remaining.remove(node);
    assertThat(tokens(cr)).isEqualTo(remaining);
    assertThat(eventCountOf("DecommissionStarted", node)).as("decommission asked of " + node).isEqualTo(1);
    assertThat(env.client().persistentVolumeClaims().inNamespace(NAMESPACE).withName(node).get()
        .getMetadata().getAnnotations()).containsKey(Labels.DECOMMISSIONED);
    assertThat(missingRowsAtAll()).as("rows lost").isEmpty();
  }

  // ---- helpers ----

  static CassandraCluster awaitSettled(int nodes, Duration timeout, String what) throws InterruptedException {
    return env.await(NAMESPACE, CLUSTER, c -> c.getStatus() != null && c.getStatus().getOperation() == null
        && c.getStatus().getNodes() != null && c.getStatus().getNodes().size() == nodes && LocalEnvironment.isReady(c)
        && c.getStatus().getNodes().stream().allMatch(n -> n.getState() == NodeState.UN
            && (n.getAdoptedFrom() == null || "Node".equals(n.getAdoptedFrom()))), timeout, what);
  }

  static Map<String, List<Long>> tokens(CassandraCluster cr) {
    return new TreeMap<>(cr.getStatus().getNodes().stream()
        .collect(Collectors.toMap(NodeStatus::getName, n -> n.getTokens().stream().sorted().toList())));
  }

  /** The operator reports any node whose own tokens differ from the record in its message; none may. */
  static void assertNodesHoldTheirRecordedTokens(CassandraCluster cr) {
    assertThat(cr.getStatus().getNodes()).allSatisfy(n -> assertThat(n.getMessage()).as(n.getName()).isNull());
  }

  /** What Kubernetes' garbage collector does after the cluster is deleted (local mode has none). */
  static void deleteOwnedBy(String uid) {
    List<HasMetadata> owned = new ArrayList<>();
    owned.addAll(env.client().pods().inNamespace(NAMESPACE).list().getItems());
    owned.addAll(env.client().services().inNamespace(NAMESPACE).list().getItems());
    owned.addAll(env.client().configMaps().inNamespace(NAMESPACE).list().getItems());
    owned.addAll(env.client().secrets().inNamespace(NAMESPACE).list().getItems());
    owned.addAll(env.client().policy().v1().podDisruptionBudget().inNamespace(NAMESPACE).list().getItems());
    for (HasMetadata object : owned) {
      if (object.getMetadata().getOwnerReferences() != null && object.getMetadata().getOwnerReferences().stream()
          .anyMatch(o -> uid.equals(o.getUid()))) {
        env.client().resource(object).delete();
      }
    }
  }

  static List<io.fabric8.kubernetes.api.model.Pod> pods() {
    return env.client().pods().inNamespace(NAMESPACE).withLabel(Labels.CLUSTER, CLUSTER).list().getItems();
  }

  static int eventCount(String reason) {
    return env.client().v1().events().inNamespace(NAMESPACE).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()))
        .mapToInt(e -> e.getCount() == null ? 1 : e.getCount()).sum();
  }

  static int eventCountOf(String reason, String node) {
    return env.client().v1().events().inNamespace(NAMESPACE).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()) && e.getMessage() != null && e.getMessage().contains(node))
        .mapToInt(e -> e.getCount() == null ? 1 : e.getCount()).sum();
  }

  static String firstNodeAddress() {
    return env.get(NAMESPACE, CLUSTER).getStatus().getNodes().get(0).getPodIP();
  }

  static List<Integer> missingRowsAtAll() throws InterruptedException {
    List<Integer> missing = new ArrayList<>();
    try (CqlSession session = E2eSupport.cql(env, NAMESPACE, CLUSTER, firstNodeAddress(), "dc1")) {
      PreparedStatement select = session.prepare("SELECT value FROM recover.rows WHERE id = ?");
      for (int id = 0; id < ROWS; id++) {
        Row row = read(session, select.bind(id));
        if (row == null || !("row-" + id).equals(row.getString("value"))) {
          missing.add(id);
        }
      }
    }
    PHASES.done("read " + ROWS + " rows at ALL");
    return missing;
  }

  /** QUORUM, retried: on this shared 2-core machine nodes under load see each other down for moments. */
  static void write(CqlSession session, BoundStatement statement) throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        session.execute(statement.setConsistencyLevel(DefaultConsistencyLevel.QUORUM));
        return;
      } catch (DriverException e) {
        if (attempt == 10) {
          throw e;
        }
        Thread.sleep(2000);
      }
    }
  }

  /** ALL, retried on errors only (a missing row is an answer, not a retry). */
  static Row read(CqlSession session, BoundStatement statement) throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        return session.execute(statement.setConsistencyLevel(DefaultConsistencyLevel.ALL)).one();
      } catch (DriverException e) {
        if (attempt == 10) {
          throw e;
        }
        Thread.sleep(2000);
      }
    }
  }
}
