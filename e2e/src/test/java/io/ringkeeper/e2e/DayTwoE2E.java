package io.ringkeeper.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.ClusterPhase;
import io.ringkeeper.api.v1alpha1.NodeState;
import io.ringkeeper.api.v1alpha1.NodeStatus;
import io.ringkeeper.api.v1alpha1.OperationStatus;
import io.ringkeeper.local.LocalEnvironment;
import io.ringkeeper.operator.resources.Labels;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.ringkeeper.api.v1alpha1.ConfigSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Day-2 operations on one real 3-node cluster (3 racks, RF 3, 4 tokens per node, {@code reclaim: Delete})
 * through local mode, nodes on 127.3.0.x: rows written at the start, a scale 3 -> 4 (bootstrap, then cleanup on
 * the other nodes) and back 4 -> 3 (decommission, pod and volume gone), a rolling restart on a configuration
 * change (never two pods not Ready at once), the replacement of a node whose data directory was wiped, and every
 * row read back at ALL after each; last, storage.size grows and every volume expands without a restart.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DayTwoE2E {
  static final String NAMESPACE = "default";
  static final String CLUSTER = "day2";
  static final int ROWS = 2_000;
  static final String MANIFEST = """
      apiVersion: ringkeeper.io/v1alpha1
      kind: CassandraCluster
      metadata: {name: day2}
      spec:
        cassandraVersion: "5.0.9"
        tokens: {numTokens: 4}
        datacenters:
          - name: dc1
            replicationFactor: 3
            size: 3
            racks: [{name: r1}, {name: r2}, {name: r3}]
        storage: {size: 1Gi, reclaim: Delete}
        jvm: {heapSize: 256Mi}
        # No pause between repair segments: the replacement's repair is waited for, not its pacing.
        repair: {intensity: 1.0}
      """;
  static LocalEnvironment env;
  static final E2eSupport.Phases PHASES = new E2eSupport.Phases("DayTwoE2E");

  @BeforeAll
  static void start() throws Exception {
    env = LocalEnvironment.builder(E2eSupport.freshWorkDir("day2"))
        .addressBase("127.3.0.0")
        .apiPort(17483)
        .stopGrace(Duration.ofSeconds(20))
        .start();
    env.applyYaml(MANIFEST);
    env.awaitReady(NAMESPACE, CLUSTER, Duration.ofMinutes(5));
    PHASES.done("3 nodes on 127.3.0.x -> Ready");
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  @Order(1)
  void rowsWrittenToAKeyspaceWithReplicationFactorThree() throws Exception {
    CassandraCluster cr = env.get(NAMESPACE, CLUSTER);
    assertThat(cr.getStatus().getNodes()).hasSize(3)
        .allSatisfy(n -> assertThat(n.getPodIP()).startsWith("127.3.0."));
    try (CqlSession session = E2eSupport.cql(env, NAMESPACE, CLUSTER, firstNodeAddress(), "dc1")) {
      session.execute(SimpleStatement.newInstance("CREATE KEYSPACE IF NOT EXISTS day2 WITH replication ="
          + " {'class': 'NetworkTopologyStrategy', 'dc1': 3}"));
      session.execute(SimpleStatement.newInstance("CREATE TABLE IF NOT EXISTS day2.rows (id int PRIMARY KEY,"
          + " value text)"));
      PreparedStatement insert = session.prepare("INSERT INTO day2.rows (id, value) VALUES (?, ?)");
      for (int id = 0; id < ROWS; id++) {
        write(session, insert.bind(id, "row-" + id));
      }
    }
    PHASES.done("keyspace day2 (RF 3), " + ROWS + " rows written at QUORUM");
  }

  @Test
  @Order(2)
  void scalingUpToFourNodesBootstrapsTheNewNodeThenCleansUpTheOthers() throws Exception {
    edit(4);
    Set<String> cleaned = new LinkedHashSet<>();
    Set<String> steps = new LinkedHashSet<>();
    CassandraCluster cr = env.await(NAMESPACE, CLUSTER, c -> {
      OperationStatus op = c.getStatus() == null ? null : c.getStatus().getOperation();
      if (op != null) {
        steps.add(op.getType() + "/" + op.getStep());
        cleaned.addAll(op.getDone());
      }
      return op == null && c.getStatus().getNodes().size() == 4 && LocalEnvironment.isReady(c)
          && c.getStatus().getNodes().stream().allMatch(n -> n.getState() == NodeState.UN);
    }, Duration.ofMinutes(6), "4 nodes, scale-up and cleanup done");
    PHASES.done("scale 3 -> 4 (bootstrap + cleanup), steps " + steps);

    assertThat(cr.getStatus().getNodes()).hasSize(4)
        .allSatisfy(n -> assertThat(n.getState()).isEqualTo(NodeState.UN))
        .allSatisfy(n -> assertThat(n.getPodIP()).startsWith("127.3.0."));
    assertThat(pods()).hasSize(4);
    assertThat(eventCount("ScaleUpStarted")).isGreaterThanOrEqualTo(1);
    assertThat(eventCount("NodeCreated")).isEqualTo(4);
    assertThat(eventCount("CleanupStarted")).as("cleanup started").isGreaterThanOrEqualTo(1);
    assertThat(eventCount("CleanupCompleted")).as("cleanup completed").isGreaterThanOrEqualTo(1);
    assertThat(eventCount("CleaningUpFailed")).as("failed cleanups").isZero();
    System.out.println("[e2e] DayTwoE2E: cleaned up (status.operation.done): " + cleaned);
  }

  @Test
  @Order(3)
  void scalingDownToThreeNodesDecommissionsOneNodeThenDeletesItsPodAndVolume() throws Exception {
    List<String> before = env.get(NAMESPACE, CLUSTER).getStatus().getNodes().stream().map(NodeStatus::getName)
        .toList();
    edit(3);
    Set<String> steps = new LinkedHashSet<>();
    CassandraCluster cr = env.await(NAMESPACE, CLUSTER, c -> {
      OperationStatus op = c.getStatus().getOperation();
      if (op != null) {
        steps.add(op.getType() + "/" + op.getStep() + "/" + op.getNode());
      }
      return op == null && c.getStatus().getNodes().size() == 3 && LocalEnvironment.isReady(c);
    }, Duration.ofMinutes(6), "3 nodes, scale-down done");
    PHASES.done("scale 4 -> 3 (decommission, pod, volume), steps " + steps);

    List<String> after = cr.getStatus().getNodes().stream().map(NodeStatus::getName).toList();
    List<String> gone = new ArrayList<>(before);
    gone.removeAll(after);
    assertThat(gone).as("the node that left").hasSize(1);
    String left = gone.get(0);
    assertThat(cr.getStatus().getNodes()).extracting(NodeStatus::getRack)
        .containsExactlyInAnyOrder("r1", "r2", "r3");
    assertThat(pods()).extracting(p -> p.getMetadata().getName()).hasSize(3).doesNotContain(left);
    assertThat(pvcs()).extracting(p -> p.getMetadata().getName()).hasSize(3)
        .noneMatch(name -> name.endsWith(left));
    assertThat(eventCount("DecommissionStarted")).isGreaterThanOrEqualTo(1);
    assertThat(eventCount("PodDeleted")).isGreaterThanOrEqualTo(1);
    assertThat(eventCount("VolumeDeleted")).isGreaterThanOrEqualTo(1);
    assertThat(eventCount("ScaleDownCompleted")).isGreaterThanOrEqualTo(1);
    assertThat(eventCount("DecommissioningFailed")).isZero();
    assertThat(LocalEnvironment.phaseIs(cr, ClusterPhase.Ready)).isTrue();
  }

  @Test
  @Order(4)
  void everyRowReadsBackAtConsistencyAll() throws Exception {
    assertThat(missingRowsAtAll()).as("rows lost").isEmpty();
  }

  private static List<Integer> missingRowsAtAll() throws InterruptedException {
    List<Integer> missing = new ArrayList<>();
    try (CqlSession session = E2eSupport.cql(env, NAMESPACE, CLUSTER, firstNodeAddress(), "dc1")) {
      PreparedStatement select = session.prepare("SELECT value FROM day2.rows WHERE id = ?");
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

  @Test
  @Order(5)
  void aConfigurationChangeRestartsEveryNodeOnceAndNeverTwoPodsAreNotReadyAtOnce() throws Exception {
    Map<String, String> before = podUids();
    AtomicInteger worst = new AtomicInteger();
    List<String> worstSeen = new ArrayList<>();
    AtomicBoolean sampling = new AtomicBoolean(true);
    // Kubernetes' view, sampled every 200 ms: a node whose pod is missing or not Ready counts as not ready.
    Thread sampler = new Thread(() -> {
      while (sampling.get()) {
        try {
          List<Pod> pods = pods();
          long ready = pods.stream().filter(DayTwoE2E::podReady).count();
          int notReady = (int) (3 - ready);
          if (notReady > worst.get()) {
            worst.set(notReady);
            synchronized (worstSeen) {
              worstSeen.add(pods.stream().map(p -> p.getMetadata().getName() + "=" + podReady(p))
                  .sorted().collect(Collectors.joining(", ")));
            }
          }
          Thread.sleep(200);
        } catch (InterruptedException e) {
          return;
        } catch (RuntimeException e) {
          // the embedded API under load: sample again
        }
      }
    }, "ready-sampler");
    sampler.setDaemon(true);
    sampler.start();
    try {
      env.client().resources(CassandraCluster.class).inNamespace(NAMESPACE).withName(CLUSTER).edit(c -> {
        ConfigSpec config = new ConfigSpec();
        config.setCassandraYaml(JsonNodeFactory.instance.objectNode().put("concurrent_reads", 48));
        c.getSpec().setConfig(config);
        return c;
      });
      Set<String> steps = new LinkedHashSet<>();
      env.await(NAMESPACE, CLUSTER, c -> {
        OperationStatus op = c.getStatus().getOperation();
        if (op != null) {
          steps.add(op.getType() + "/" + op.getStep() + "/" + op.getNode());
        }
        Map<String, String> now = podUids();
        return op == null && LocalEnvironment.isReady(c) && now.size() == 3
            && now.entrySet().stream().allMatch(e -> !e.getValue().equals(before.get(e.getKey())));
      }, Duration.ofMinutes(8), "every node restarted, cluster Ready");
      PHASES.done("rolling restart on a config change, steps " + steps);
    } finally {
      sampling.set(false);
      sampler.join(5_000);
    }
    System.out.println("[e2e] DayTwoE2E: most pods not Ready at once during the restart: " + worst.get() + " "
        + worstSeen);
    assertThat(worst.get()).as("pods not Ready at once (" + worstSeen + ")").isLessThanOrEqualTo(1);
    assertThat(podUids().keySet()).isEqualTo(before.keySet());
    assertThat(eventCount("RollingRestartCompleted")).isGreaterThanOrEqualTo(1);
    for (Pod pod : pods()) {
      Path yaml = env.kubelet().podDir(NAMESPACE, pod.getMetadata().getName()).resolve("volumes/config/cassandra.yaml");
      assertThat(Files.readString(yaml)).as(pod.getMetadata().getName() + " runs the new configuration")
          .contains("concurrent_reads: 48");
    }
    assertThat(missingRowsAtAll()).as("rows lost by the restart").isEmpty();
  }

  @Test
  @Order(6)
  void aNodeWhoseDataDirectoryWasWipedIsReplacedWithItsTokensAndGetsItsDataBack() throws Exception {
    CassandraCluster cr = env.get(NAMESPACE, CLUSTER);
    // A seed, and not the node the test's CQL sessions start from: Cassandra never bootstraps a node that is
    // among its own seeds, so this also proves the operator moves the seed role away during the replacement.
    String contact = firstNodeAddress();
    String node = pods().stream().filter(p -> "true".equals(p.getMetadata().getLabels().get(Labels.SEED)))
        .filter(p -> !contact.equals(p.getStatus().getPodIP()))
        .map(p -> p.getMetadata().getName()).sorted().findFirst().orElseThrow();
    NodeStatus lost = cr.getStatus().getNodes().stream().filter(n -> n.getName().equals(node)).findFirst()
        .orElseThrow();
    List<Long> tokens = List.copyOf(lost.getTokens());
    String hostId = lost.getHostId();
    PersistentVolumeClaim claim = pvcs().stream().filter(c -> c.getMetadata().getName().endsWith(node))
        .findFirst().orElseThrow();
    Path data = env.kubelet().claimDir(NAMESPACE, claim.getMetadata().getName());
    // The disk is lost: its files vanish under the running node, which then crashes. Restarted on the empty
    // directory, Cassandra refuses to take over its own tokens as a new node (the address is in use).
    try (var files = Files.list(data)) {
      for (Path entry : files.toList()) {
        io.ringkeeper.local.kubelet.ProcessKubelet.deleteTree(entry);
      }
    }
    env.kubelet().kill(NAMESPACE, node);
    env.await(NAMESPACE, CLUSTER, c -> c.getStatus().getNodes().stream()
        .anyMatch(n -> n.getName().equals(node) && !Boolean.TRUE.equals(n.getReady())),
        Duration.ofMinutes(2), node + " not ready");
    PHASES.done("wiped " + node + "'s data directory and killed it");

    env.client().pods().inNamespace(NAMESPACE).withName(node).edit(p -> {
      p.getMetadata().getAnnotations().put(Labels.REPLACE, "disk lost");
      return p;
    });
    Set<String> steps = new LinkedHashSet<>();
    CassandraCluster replaced = env.await(NAMESPACE, CLUSTER, c -> {
      OperationStatus op = c.getStatus().getOperation();
      if (op != null) {
        steps.add(op.getType() + "/" + op.getStep());
      }
      return op == null && LocalEnvironment.isReady(c) && eventCount("ReplaceCompleted") >= 1;
    }, Duration.ofMinutes(8), node + " replaced, cluster Ready");
    PHASES.done("replace " + node + ", steps " + steps);

    NodeStatus now = replaced.getStatus().getNodes().stream().filter(n -> n.getName().equals(node)).findFirst()
        .orElseThrow();
    assertThat(now.getState()).isEqualTo(NodeState.UN);
    assertThat(now.getTokens()).as("the replacement holds the lost node's tokens")
        .containsExactlyInAnyOrderElementsOf(tokens);
    // Replacing a node at the same address, Cassandra keeps its host id; what proves the replacement is the data.
    System.out.println("[e2e] DayTwoE2E: host id before " + hostId + ", after " + now.getHostId());
    assertThat(steps).contains("Replace/Replacing");
    try (var files = Files.walk(data)) {
      assertThat(files.filter(f -> f.toString().contains("/day2/rows-") && f.toString().endsWith("-Data.db")))
          .as("the wiped volume holds day2.rows again, streamed from the other replicas").isNotEmpty();
    }
    assertThat(missingRowsAtAll()).as("rows lost by the replacement").isEmpty();

    // Then its ranges are repaired: it streamed each range from one replica, and a write only another held gets
    // its second copy so (ChaosE2E lost 768 acknowledged writes over 6 replacements without).
    CassandraCluster repaired = env.await(NAMESPACE, CLUSTER, c -> eventCount("ReplacementRepairPending") >= 1
        && c.getStatus().getRepair() != null && c.getStatus().getRepair().getRunning() == null
        && c.getStatus().getRepair().getPendingHintRepairs().isEmpty() && LocalEnvironment.isReady(c),
        Duration.ofMinutes(8), node + "'s ranges repaired after its replacement");
    assertThat(repaired.getStatus().getRepair().getLastResult()).isEqualTo("Succeeded");
    PHASES.done("repaired " + node + "'s ranges: " + repaired.getStatus().getRepair().getLastMessage());
  }

  @Test
  @Order(7)
  void growingStorageSizeExpandsEveryVolumeWithoutRestartingANode() throws Exception {
    Map<String, String> before = podUids();
    env.client().resources(CassandraCluster.class).inNamespace(NAMESPACE).withName(CLUSTER).edit(c -> {
      c.getSpec().getStorage().setSize("2Gi");
      return c;
    });
    env.await(NAMESPACE, CLUSTER, c -> pvcs().size() == 3 && pvcs().stream().allMatch(p -> "2Gi".equals(capacity(p)))
        && LocalEnvironment.isReady(c) && !"ResizingStorage".equals(progressingReason(c)),
        Duration.ofMinutes(3), "every volume 2Gi, cluster Ready");
    PHASES.done("storage 1Gi -> 2Gi");
    assertThat(pvcs()).allSatisfy(p -> assertThat(p.getSpec().getResources().getRequests().get("storage")
        .toString()).isEqualTo("2Gi"));
    assertThat(eventCount("VolumeResizing")).isGreaterThanOrEqualTo(3);
    assertThat(eventCount("VolumeResizeFailed")).isZero();
    assertThat(podUids()).as("no node restarted for a volume that grew").isEqualTo(before);
  }

  private static String capacity(PersistentVolumeClaim claim) {
    return claim.getStatus() == null || claim.getStatus().getCapacity() == null
        || claim.getStatus().getCapacity().get("storage") == null ? null
        : claim.getStatus().getCapacity().get("storage").toString();
  }

  private static String progressingReason(CassandraCluster cr) {
    return cr.getStatus().getConditions().stream().filter(c -> "Progressing".equals(c.getType()))
        .map(c -> c.getReason()).findFirst().orElse(null);
  }

  private static boolean podReady(Pod pod) {
    return pod.getStatus() != null && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static Map<String, String> podUids() {
    return pods().stream().collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p.getMetadata().getUid()));
  }

  private static void edit(int size) {
    env.client().resources(CassandraCluster.class).inNamespace(NAMESPACE).withName(CLUSTER).edit(c -> {
      c.getSpec().getDatacenters().get(0).setSize(size);
      return c;
    });
  }

  /** QUORUM, retried: on this shared 2-core machine nodes under load see each other down for moments. */
  private static void write(CqlSession session, BoundStatement statement) throws InterruptedException {
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

  /** ALL, retried on timeouts only (a missing row is an answer, not a retry). */
  private static Row read(CqlSession session, BoundStatement statement) throws InterruptedException {
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

  private static String firstNodeAddress() {
    return env.get(NAMESPACE, CLUSTER).getStatus().getNodes().get(0).getPodIP();
  }

  private static List<Pod> pods() {
    return env.client().pods().inNamespace(NAMESPACE).withLabel(Labels.CLUSTER, CLUSTER).list().getItems();
  }

  private static List<PersistentVolumeClaim> pvcs() {
    return env.client().persistentVolumeClaims().inNamespace(NAMESPACE).withLabel(Labels.CLUSTER, CLUSTER).list()
        .getItems();
  }

  private static int eventCount(String reason) {
    return env.client().v1().events().inNamespace(NAMESPACE).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()))
        .mapToInt(e -> e.getCount() == null ? 1 : e.getCount()).sum();
  }
}
