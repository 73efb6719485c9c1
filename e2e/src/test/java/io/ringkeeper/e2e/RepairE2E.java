package io.ringkeeper.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.MaintenanceOperation;
import io.ringkeeper.api.v1alpha1.MaintenanceSpec;
import io.ringkeeper.api.v1alpha1.MaintenanceTask;
import io.ringkeeper.api.v1alpha1.MaintenanceTaskStatus;
import io.ringkeeper.api.v1alpha1.RepairSpec;
import io.ringkeeper.api.v1alpha1.RepairStatus;
import io.ringkeeper.local.LocalEnvironment;
import java.time.Duration;
import java.util.ArrayList;
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
 * Repair and a scheduled node task on one real 3-node cluster (3 racks, RF 3, 4 tokens per node) through local
 * mode, nodes on 127.4.0.x: a keyspace with RF 3 gets a scheduled repair that runs to completion with status
 * showing it, and a GarbageCollect task runs on each node in turn.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RepairE2E {
  static final String NAMESPACE = "default";
  static final String CLUSTER = "rep";
  static final String MANIFEST = """
      apiVersion: ringkeeper.io/v1alpha1
      kind: CassandraCluster
      metadata: {name: rep}
      spec:
        cassandraVersion: "5.0.9"
        tokens: {numTokens: 4}
        datacenters:
          - name: dc1
            replicationFactor: 3
            size: 3
            racks: [{name: r1}, {name: r2}, {name: r3}]
        storage: {size: 1Gi}
        jvm: {heapSize: 256Mi}
      """;
  static LocalEnvironment env;
  static final E2eSupport.Phases PHASES = new E2eSupport.Phases("RepairE2E");

  @BeforeAll
  static void start() throws Exception {
    env = LocalEnvironment.builder(E2eSupport.freshWorkDir("repair"))
        .addressBase("127.4.0.0")
        .apiPort(17484)
        .stopGrace(Duration.ofSeconds(20))
        .start();
    env.applyYaml(MANIFEST);
    CassandraCluster cr = env.awaitReady(NAMESPACE, CLUSTER, Duration.ofMinutes(5));
    PHASES.done("3 nodes on 127.4.0.x -> Ready");
    try (CqlSession session = E2eSupport.cql(env, NAMESPACE, CLUSTER, cr.getStatus().getNodes().get(0).getPodIP(), "dc1")) {
      session.execute(SimpleStatement.newInstance("CREATE KEYSPACE IF NOT EXISTS shop WITH replication ="
          + " {'class': 'NetworkTopologyStrategy', 'dc1': 3}"));
      session.execute(SimpleStatement.newInstance("CREATE TABLE IF NOT EXISTS shop.orders (id int PRIMARY KEY,"
          + " value text)"));
      PreparedStatement insert = session.prepare("INSERT INTO shop.orders (id, value) VALUES (?, ?)");
      // ONE with retries: this 2-core machine is shared, and nodes under load see each other down for
      // moments; the repair (the subject here) waits for its replicas, the writes need not.
      for (int id = 0; id < 500; id++) {
        write(session, insert.bind(id, "order-" + id));
      }
      PreparedStatement delete = session.prepare("DELETE FROM shop.orders WHERE id = ?");
      for (int id = 0; id < 100; id++) {
        write(session, delete.bind(id));
      }
    }
    PHASES.done("keyspace shop (RF 3), 500 rows, 100 deleted");
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  @Order(1)
  void aScheduledRepairOfAKeyspaceWithReplicationFactorThreeRunsToCompletionAndStatusShowsIt() throws Exception {
    RepairSpec repair = new RepairSpec();
    repair.setSchedule("* * * * *");
    repair.setKeyspaces(List.of("shop"));
    repair.setSegmentsPerNode(1);
    repair.setIntensity(1.0);
    env.client().resources(CassandraCluster.class).inNamespace(NAMESPACE).withName(CLUSTER).edit(c -> {
      c.getSpec().setRepair(repair);
      return c;
    });
    CassandraCluster scheduled = env.await(NAMESPACE, CLUSTER, c -> c.getStatus().getRepair() != null
        && c.getStatus().getRepair().getNext() != null, Duration.ofSeconds(60), "showing the next repair");
    PHASES.done("schedule '* * * * *' -> next run " + scheduled.getStatus().getRepair().getNext());

    Set<Integer> progress = new LinkedHashSet<>();
    CassandraCluster done = env.await(NAMESPACE, CLUSTER, c -> {
      RepairStatus r = c.getStatus().getRepair();
      if (r != null && r.getRunning() != null) {
        progress.add(r.getRunning().getSegmentsDone());
      }
      return r != null && r.getLastResult() != null;
    }, Duration.ofMinutes(6), "finishing a repair run");
    PHASES.done("scheduled run finished");

    RepairStatus r = done.getStatus().getRepair();
    assertThat(r.getLastResult()).as(r.getLastMessage()).isEqualTo("Succeeded");
    assertThat(r.getLastMessage()).contains("(Schedule) repaired 12 segments of shop");
    assertThat(r.getLastCompleted()).isNotNull();
    assertThat(r.getKeyspaces()).singleElement().satisfies(k -> {
      assertThat(k.getName()).isEqualTo("shop");
      assertThat(k.getLastCompleted()).isEqualTo(r.getLastCompleted());
      assertThat(k.getGcGraceSeconds()).isEqualTo(864000);
      assertThat(k.getOverdue()).isFalse();
    });
    assertThat(progress).as("progress seen in status while it ran").isNotEmpty();
    assertThat(new ArrayList<>(progress)).isSorted();
  }

  @Test
  @Order(2)
  void aGarbageCollectTaskRunsOnEachNodeInTurn() throws Exception {
    MaintenanceTask gc = new MaintenanceTask();
    gc.setName("gc");
    gc.setSchedule("* * * * *");
    gc.setOperation(MaintenanceOperation.GarbageCollect);
    gc.setKeyspaces(List.of("shop"));
    env.client().resources(CassandraCluster.class).inNamespace(NAMESPACE).withName(CLUSTER).edit(c -> {
      c.getSpec().getRepair().setSchedule("0 1 1 1 *"); // no more runs during this test
      c.getSpec().setMaintenance(new MaintenanceSpec());
      c.getSpec().getMaintenance().setTasks(List.of(gc));
      return c;
    });
    List<String> working = new ArrayList<>();
    CassandraCluster done = env.await(NAMESPACE, CLUSTER, c -> {
      MaintenanceTaskStatus t = task(c);
      if (t != null && t.getNode() != null && (working.isEmpty() || !working.get(working.size() - 1)
          .equals(t.getNode()))) {
        working.add(t.getNode());
      }
      return t != null && t.getLastResult() != null;
    }, Duration.ofMinutes(4), "finishing the GarbageCollect task");
    PHASES.done("GarbageCollect ran on every node");

    MaintenanceTaskStatus t = task(done);
    assertThat(t.getLastResult()).as(t.getMessage()).isEqualTo("Succeeded");
    assertThat(t.getDone()).containsExactly("rep-dc1-r1-0", "rep-dc1-r2-0", "rep-dc1-r3-0");
    assertThat(t.getFailed()).isEmpty();
    assertThat(working).as("nodes seen working, in turn").doesNotHaveDuplicates()
        .isSubsetOf("rep-dc1-r1-0", "rep-dc1-r2-0", "rep-dc1-r3-0");
  }

  private static void write(CqlSession session, com.datastax.oss.driver.api.core.cql.BoundStatement statement)
      throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        session.execute(statement.setConsistencyLevel(DefaultConsistencyLevel.ONE));
        return;
      } catch (com.datastax.oss.driver.api.core.DriverException e) {
        if (attempt == 10) {
          throw e;
        }
        Thread.sleep(2000);
      }
    }
  }

  private static MaintenanceTaskStatus task(CassandraCluster c) {
    return c.getStatus().getMaintenance() == null ? null : c.getStatus().getMaintenance().getTasks().stream()
        .filter(t -> t.getName().equals("gc")).findFirst().orElse(null);
  }
}
