package io.ringkeeper.local.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.servererrors.UnauthorizedException;
import io.ringkeeper.operator.node.AccessRequest;
import io.ringkeeper.operator.node.AccessResult;
import io.ringkeeper.operator.node.HttpNodeClient;
import io.ringkeeper.operator.node.KeyspaceInfo;
import io.ringkeeper.operator.node.NodeClientException;
import io.ringkeeper.operator.node.NodeEndpoint;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The agent's {@code POST /v1/access} on a real 3-node Cassandra 5.0.9 cluster with PasswordAuthenticator and
 * CassandraAuthorizer (127.0.8.1-3): the first superuser is created without any login, the default cassandra role
 * stops working, system_auth replicates to every node, a password change takes effect with no restart, and bad
 * requests change nothing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentAccessIT {
  private static final List<String> SYSTEM = List.of("system_auth", "system_distributed", "system_traces");
  private static LocalTestCluster cluster;
  private static final HttpNodeClient client = new HttpNodeClient(Duration.ofSeconds(1), Duration.ofSeconds(30), 4);
  private static final HttpClient raw = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = LocalTestCluster.builder("access", ItSupport.freshWorkDir("access"))
        .addresses("127.0.8.1", "127.0.8.2", "127.0.8.3")
        .racks("r1", "r2", "r3")
        .passwordAuth(true)
        .build()
        .start(Duration.ofSeconds(180));
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static NodeEndpoint node(int i) {
    return cluster.endpoint(i);
  }

  private static AccessRequest request(String adminPassword) {
    return new AccessRequest(List.of(new AccessRequest.Role("admin", adminPassword, true, true),
        new AccessRequest.Role("app", "app-secret", false, true)), true, "admin", SYSTEM, Map.of("dc1", 3));
  }

  private static boolean canLogIn(int node, String user, String password) {
    try (CqlSession session = Cql.connect(cluster.node(node).address(), "dc1", user, password)) {
      session.execute("SELECT release_version FROM system.local");
      return true;
    } catch (AllNodesFailedException refused) {
      return false;
    }
  }

  @Test
  @Order(1)
  void theDefaultSuperuserWorksBeforeAccessIsSet() {
    await().atMost(Duration.ofSeconds(60)).until(() -> canLogIn(0, "cassandra", "cassandra"));
  }

  @Test
  @Order(2)
  void theFirstSuperuserIsCreatedWithoutALoginAndTheDefaultOneIsDisabled() throws Exception {
    AccessResult result = client.access(node(1), request("first-password")).get(60, TimeUnit.SECONDS);
    assertThat(result.created()).containsExactly("admin", "app");
    assertThat(result.defaultSuperuser()).isEqualTo("disabled");
    assertThat(result.changedKeyspaces()).containsExactlyElementsOf(SYSTEM);

    // Credentials are cached for up to 2 s (credentials_validity): waited for, on every node.
    for (int i = 0; i < 3; i++) {
      int n = i;
      await().atMost(Duration.ofSeconds(20)).until(() -> canLogIn(n, "admin", "first-password"));
      await().atMost(Duration.ofSeconds(20)).until(() -> !canLogIn(n, "cassandra", "cassandra"));
    }
    assertThat(canLogIn(2, "app", "app-secret")).isTrue();
    try (CqlSession app = Cql.connect(cluster.node(2).address(), "dc1", "app", "app-secret")) {
      assertThatThrownBy(() -> app.execute("CREATE KEYSPACE nope WITH replication = {'class':"
          + " 'NetworkTopologyStrategy', 'dc1': 1}")).isInstanceOf(UnauthorizedException.class);
    }
  }

  @Test
  @Order(3)
  void theKeyspacesHoldingRolesReplicateToEveryNode() throws Exception {
    for (int i = 0; i < 3; i++) {
      List<KeyspaceInfo> keyspaces = client.keyspaces(node(i)).get(30, TimeUnit.SECONDS);
      for (String name : SYSTEM) {
        KeyspaceInfo ks = keyspaces.stream().filter(k -> k.name().equals(name)).findFirst().orElseThrow();
        assertThat(ks.replicationStrategy()).as(name).isEqualTo("NetworkTopologyStrategy");
        assertThat(ks.replicationFactors()).as(name).isEqualTo(Map.of("dc1", 3));
      }
    }
    // Every replica has the role rows (the replication was set before they were written): a read at ALL finds them.
    try (CqlSession admin = Cql.connect(cluster.node(0).address(), "dc1", "admin", "first-password")) {
      var rows = admin.execute(com.datastax.oss.driver.api.core.cql.SimpleStatement
          .newInstance("SELECT role, is_superuser, can_login FROM system_auth.roles")
          .setConsistencyLevel(com.datastax.oss.driver.api.core.DefaultConsistencyLevel.ALL)).all();
      Map<String, String> roles = new java.util.TreeMap<>();
      rows.forEach(r -> roles.put(r.getString("role"), r.getBoolean("is_superuser") + "/" + r.getBoolean("can_login")));
      assertThat(roles).containsEntry("admin", "true/true").containsEntry("app", "false/true")
          .containsEntry("cassandra", "false/false");
    }
  }

  @Test
  @Order(4)
  void askingAgainChangesNothing() throws Exception {
    AccessResult again = client.access(node(0), request("first-password")).get(60, TimeUnit.SECONDS);
    assertThat(again.created()).isEmpty();
    assertThat(again.changedKeyspaces()).isEmpty();
    assertThat(again.defaultSuperuser()).isEqualTo("disabled");
    assertThat(canLogIn(0, "admin", "first-password")).isTrue();
  }

  @Test
  @Order(5)
  void aNewPasswordTakesEffectWithoutARestart() throws Exception {
    long pid = cluster.process(0).pid();
    client.access(node(0), request("second-password")).get(60, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(20)).until(() -> canLogIn(0, "admin", "second-password")
        && !canLogIn(0, "admin", "first-password"));
    assertThat(cluster.process(0).pid()).isEqualTo(pid);
    assertThat(cluster.process(0).isAlive()).isTrue();
  }

  @Test
  @Order(6)
  void badRequestsAreRefusedWithTheFieldAndChangeNothing() throws Exception {
    Map<String, String> bad = new java.util.LinkedHashMap<>();
    bad.put("{\"roles\":[{\"name\":\"x'; DROP KEYSPACE system_auth; --\",\"password\":\"p\"}]}", "roles[].name");
    bad.put("{\"roles\":[{\"name\":\"admin\",\"password\":\"\"}]}", "password");
    bad.put("{\"roles\":[{\"name\":\"admin\",\"password\":\"p\",\"superuser\":\"yes\"}]}", "superuser");
    bad.put("{\"roles\":[{\"name\":\"admin\",\"password\":\"p\",\"colour\":1}]}", "colour");
    bad.put("{\"replication\":{\"keyspaces\":[\"orders\"],\"factors\":{\"dc1\":3}},\"as\":\"admin\"}",
        "replication.keyspaces");
    bad.put("{\"replication\":{\"keyspaces\":[\"system_auth\"],\"factors\":{\"dc1\":0}},\"as\":\"admin\"}",
        "replication.factors.dc1");
    bad.put("{\"replication\":{\"keyspaces\":[\"system_auth\"],\"factors\":{\"dc1'}\":3}},\"as\":\"admin\"}",
        "not a datacenter name");
    bad.put("{\"replication\":{\"keyspaces\":[\"system_auth\"],\"factors\":{\"dc1\":3}}}", "needs \\\"as\\\"");
    bad.put("{\"roles\":\"admin\"}", "\\\"roles\\\" must be a list");
    bad.put("{\"wat\":true}", "unknown field");
    bad.put("[1,2]", "");
    for (Map.Entry<String, String> e : bad.entrySet()) {
      HttpResponse<String> response = post(e.getKey(), cluster.token().value());
      assertThat(response.statusCode()).as(e.getKey()).isEqualTo(400);
      assertThat(response.body()).as(e.getKey()).contains(e.getValue());
    }
    assertThat(post("{}", "wrong-token").statusCode()).isEqualTo(401);
    assertThat(canLogIn(1, "admin", "second-password")).isTrue();
    List<KeyspaceInfo> keyspaces = client.keyspaces(node(1)).get(30, TimeUnit.SECONDS);
    assertThat(keyspaces.stream().filter(k -> k.name().equals("system_auth")).findFirst().orElseThrow()
        .replicationFactors()).isEqualTo(Map.of("dc1", 3));
  }

  @Test
  @Order(7)
  void theOperatorsClientReportsARefusalAsRefused() {
    AccessRequest unknownDc = new AccessRequest(List.of(new AccessRequest.Role("admin", "second-password", true,
        true)), true, "admin", SYSTEM, Map.of("dc1", 3, "nowhere", 3));
    assertThatThrownBy(() -> client.access(node(2), unknownDc).get(60, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).cause().isInstanceOf(NodeClientException.class)
        .hasMessageContaining("nowhere");
  }

  private static HttpResponse<String> post(String body, String token) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + cluster.node(0).address() + ":"
            + node(0).port() + "/v1/access"))
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(30)).build();
    return raw.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
