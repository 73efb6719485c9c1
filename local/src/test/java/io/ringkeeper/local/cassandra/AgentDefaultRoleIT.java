package io.ringkeeper.local.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.ringkeeper.operator.node.AccessRequest;
import io.ringkeeper.operator.node.AccessResult;
import io.ringkeeper.operator.node.HttpNodeClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The agent's {@code POST /v1/access} on a real Cassandra 5.0.9 node (127.0.8.11) that has not created its default
 * cassandra role yet: Cassandra creates it late on a node that cannot see the roles already written (seen in CI: a
 * node whose schema still gave system_auth one replica made cassandra/cassandra a working superuser after the
 * operator had found it absent and moved on). The node here delays its own default-role setup for an hour, and the
 * test writes the row that setup writes (USING TIMESTAMP 0) itself, after the agent has answered.
 */
class AgentDefaultRoleIT {
  private static LocalTestCluster cluster;
  private static final HttpNodeClient client = new HttpNodeClient(Duration.ofSeconds(1), Duration.ofSeconds(30), 4);

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = LocalTestCluster.builder("defaultrole", ItSupport.freshWorkDir("defaultrole"))
        .addresses("127.0.8.11")
        .racks("r1")
        .passwordAuth(true)
        .extraJvmOptions("-Dcassandra.superuser_setup_delay_ms=3600000")
        .build()
        .start(Duration.ofSeconds(180));
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static boolean canLogIn(String user, String password) {
    try (CqlSession session = Cql.connect(cluster.node(0).address(), "dc1", user, password)) {
      session.execute("SELECT release_version FROM system.local");
      return true;
    } catch (AllNodesFailedException refused) {
      return false;
    }
  }

  @Test
  void aDefaultSuperuserAbsentWhenAccessIsSetIsCreatedDisabledSoThatCassandrasLateDefaultRoleCannotLogIn()
      throws Exception {
    AccessRequest request = new AccessRequest(List.of(new AccessRequest.Role("admin", "admin-password", true, true)),
        true, "admin", List.of("system_auth", "system_distributed", "system_traces"), Map.of("dc1", 1));
    AccessResult result = client.access(cluster.endpoint(0), request).get(60, TimeUnit.SECONDS);
    assertThat(result.created()).containsExactly("admin");
    assertThat(result.defaultSuperuser()).as("the default role of a node that had not created it yet")
        .isEqualTo("disabled");

    await().atMost(Duration.ofSeconds(20)).until(() -> canLogIn("admin", "admin-password"));
    try (CqlSession admin = Cql.connect(cluster.node(0).address(), "dc1", "admin", "admin-password")) {
      // What CassandraRoleManager.setupDefaultRole writes when it finds no role, with a password the test knows.
      String hash = admin.execute("SELECT salted_hash FROM system_auth.roles WHERE role = 'admin'").one()
          .getString("salted_hash");
      admin.execute(SimpleStatement.newInstance("INSERT INTO system_auth.roles (role, is_superuser, can_login,"
          + " salted_hash) VALUES ('cassandra', true, true, ?) USING TIMESTAMP 0", hash));
      Row row = admin.execute(SimpleStatement.newInstance(
              "SELECT is_superuser, can_login FROM system_auth.roles WHERE role = 'cassandra'")
          .setConsistencyLevel(DefaultConsistencyLevel.ALL)).one();
      assertThat(row).isNotNull();
      assertThat(row.getBoolean("is_superuser") + "/" + row.getBoolean("can_login")).isEqualTo("false/false");
    }
    // Credentials are cached for up to 2 s (credentials_validity): a refusal is checked past that.
    Thread.sleep(2500);
    assertThat(canLogIn("cassandra", "admin-password")).as("the late default role logs in").isFalse();
    assertThat(canLogIn("cassandra", "cassandra")).isFalse();

    AccessResult again = client.access(cluster.endpoint(0), request).get(60, TimeUnit.SECONDS);
    assertThat(again.created()).isEmpty();
    assertThat(again.defaultSuperuser()).isEqualTo("disabled");
  }
}
