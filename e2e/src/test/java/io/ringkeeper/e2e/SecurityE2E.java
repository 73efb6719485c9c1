package io.ringkeeper.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.servererrors.UnauthorizedException;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.NodeStatus;
import io.ringkeeper.local.LocalEnvironment;
import io.ringkeeper.operator.node.HttpNodeClient;
import io.ringkeeper.operator.node.KeyspaceInfo;
import io.ringkeeper.operator.node.NodeEndpoint;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Authentication on real nodes in local mode (3 nodes of examples/minimal.yaml on 127.8.0.x, plus one role of
 * {@code spec.auth.roles}): the cluster is Ready only with its generated superuser in place, cassandra/cassandra is
 * refused on every node, system_auth replicates to all three, and a role's changed Secret changes its password with
 * no node restarted. TLS runs in TlsE2E (docs/security.md).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecurityE2E {
  static final String NAMESPACE = "default";
  static final String CLUSTER = "demo";
  static LocalEnvironment env;
  static final E2eSupport.Phases PHASES = new E2eSupport.Phases("SecurityE2E");

  @BeforeAll
  static void start() throws Exception {
    env = LocalEnvironment.builder(E2eSupport.freshWorkDir("security"))
        .addressBase("127.8.0.0")
        .stopGrace(Duration.ofSeconds(20))
        .start();
    env.client().resource(secret("reporting-password", "first-password")).create();
    String manifest = java.nio.file.Files.readString(E2eSupport.example("minimal.yaml"))
        + "  auth:\n    roles:\n      - {name: reporting, secretRef: reporting-password}\n";
    env.applyYaml(manifest);
    env.awaitReady(NAMESPACE, CLUSTER, Duration.ofMinutes(6));
    PHASES.done("examples/minimal.yaml + one role -> Ready");
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  private static io.fabric8.kubernetes.api.model.Secret secret(String name, String password) {
    return new SecretBuilder().withNewMetadata().withName(name).withNamespace(NAMESPACE).endMetadata()
        .addToData("password", Base64.getEncoder().encodeToString(password.getBytes(StandardCharsets.UTF_8)))
        .build();
  }

  private static List<String> addresses() {
    return env.get(NAMESPACE, CLUSTER).getStatus().getNodes().stream().map(NodeStatus::getPodIP).toList();
  }

  private static CqlSession login(String address, String user, String password) {
    var builder = CqlSession.builder();
    javax.net.ssl.SSLContext ssl = E2eSupport.clientTls(env, NAMESPACE, CLUSTER);
    if (ssl != null) {
      builder.withSslContext(ssl); // refused for the credentials, not for the transport
    }
    return builder.addContactPoint(new InetSocketAddress(address, 9042)).withLocalDatacenter("dc1")
        .withAuthCredentials(user, password)
        .withConfigLoader(DriverConfigLoader.programmaticBuilder()
            .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(30))
            .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(10))
            .build())
        .build();
  }

  private static boolean canLogIn(String address, String user, String password) {
    try (CqlSession session = login(address, user, password)) {
      session.execute("SELECT release_version FROM system.local");
      return true;
    } catch (AllNodesFailedException refused) {
      return false;
    }
  }

  @Test
  @Order(1)
  void theStatusSaysTheSuperuserIsSetAndTheDefaultOneDisabled() {
    CassandraCluster cr = env.get(NAMESPACE, CLUSTER);
    assertThat(cr.getStatus().getAccess().getDefaultSuperuser()).isEqualTo("disabled");
    assertThat(cr.getStatus().getAccess().getSystemReplication()).isEqualTo(Map.of("dc1", 3));
    assertThat(cr.getStatus().getAccess().getRoles()).extracting(r -> r.getName())
        .containsExactly("demo-superuser", "reporting");
    List<String> reasons = env.client().v1().events().inNamespace(NAMESPACE).list().getItems().stream()
        .map(Event::getReason).toList();
    assertThat(reasons).contains("RoleCreated", "DefaultSuperuserDisabled", "SystemReplicationChanged");
  }

  @Test
  @Order(2)
  void theDefaultSuperuserIsRefusedOnEveryNodeAndTheGeneratedOneLogsIn() {
    Map.Entry<String, String> superuser = E2eSupport.superuser(env, NAMESPACE, CLUSTER);
    assertThat(superuser.getKey()).isEqualTo("demo-superuser");
    assertThat(superuser.getValue()).hasSizeGreaterThanOrEqualTo(32);
    for (String address : addresses()) {
      assertThat(canLogIn(address, "cassandra", "cassandra")).as("cassandra/cassandra on " + address).isFalse();
      assertThat(canLogIn(address, superuser.getKey(), superuser.getValue())).as("superuser on " + address).isTrue();
    }
    PHASES.done("cassandra/cassandra refused on 3 nodes; the generated superuser logs in");
    // examples/minimal.yaml names no spec.tls: it is encrypted all the same, and plain text is refused.
    assertThat(env.get(NAMESPACE, CLUSTER).getStatus().getTls()).as("status.tls of a cluster that named no tls")
        .isNotNull();
    try (CqlSession plain = CqlSession.builder().addContactPoint(new InetSocketAddress(addresses().get(0), 9042))
        .withLocalDatacenter("dc1").withAuthCredentials(superuser.getKey(), superuser.getValue())
        .withConfigLoader(DriverConfigLoader.programmaticBuilder()
            .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(10)).build())
        .build()) {
      throw new AssertionError("a plain-text CQL connection was accepted by " + addresses().get(0));
    } catch (AllNodesFailedException refused) {
      PHASES.done("plain-text CQL refused (TLS by default)");
    }
  }

  @Test
  @Order(3)
  void theKeyspacesHoldingRolesReplicateToEveryNodeAndTheRolesAreOnEveryReplica() throws Exception {
    HttpNodeClient client = new HttpNodeClient(Duration.ofSeconds(2), Duration.ofSeconds(30), 4);
    for (NodeEndpoint node : E2eSupport.agents(env, env.get(NAMESPACE, CLUSTER)).values()) {
      List<KeyspaceInfo> keyspaces = client.keyspaces(node).get(30, TimeUnit.SECONDS);
      for (String name : List.of("system_auth", "system_distributed", "system_traces")) {
        KeyspaceInfo ks = keyspaces.stream().filter(k -> k.name().equals(name)).findFirst().orElseThrow();
        assertThat(ks.replicationStrategy()).as(name + " on " + node.node()).isEqualTo("NetworkTopologyStrategy");
        assertThat(ks.replicationFactors()).as(name + " on " + node.node()).isEqualTo(Map.of("dc1", 3));
      }
    }
    try (CqlSession session = E2eSupport.cql(env, NAMESPACE, CLUSTER, addresses().get(0), "dc1")) {
      Map<String, String> roles = session.execute(SimpleStatement
              .newInstance("SELECT role, is_superuser, can_login FROM system_auth.roles")
              .setConsistencyLevel(DefaultConsistencyLevel.ALL)).all().stream()
          .collect(Collectors.toMap(r -> r.getString("role"),
              r -> r.getBoolean("is_superuser") + "/" + r.getBoolean("can_login")));
      assertThat(roles).containsEntry("demo-superuser", "true/true").containsEntry("reporting", "false/true")
          .containsEntry("cassandra", "false/false");
    }
    PHASES.done("system_auth, system_distributed, system_traces: NetworkTopologyStrategy dc1=3 on every node");
  }

  @Test
  @Order(4)
  void aRoleOfTheSpecLogsInButIsNotASuperuser() {
    String address = addresses().get(1);
    assertThat(canLogIn(address, "reporting", "first-password")).isTrue();
    try (CqlSession reporting = login(address, "reporting", "first-password")) {
      assertThatThrownBy(() -> reporting.execute("CREATE KEYSPACE nope WITH replication = {'class':"
          + " 'NetworkTopologyStrategy', 'dc1': 1}")).isInstanceOf(UnauthorizedException.class);
    }
  }

  @Test
  @Order(4)
  void theCliPrintsTheAddressAndTheSuperuserFromItsSecret() {
    Map.Entry<String, String> superuser = E2eSupport.superuser(env, NAMESPACE, CLUSTER);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.PrintStream before = System.out;
    int code;
    System.setOut(new java.io.PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      String port = env.apiUrl().substring(env.apiUrl().lastIndexOf(':') + 1);
      code = new picocli.CommandLine(new io.ringkeeper.local.cli.LocalCommand())
          .execute("--port", port, "--work-dir", E2eSupport.freshWorkDir("security-cli").toString(), "credentials",
              CLUSTER);
    } finally {
      System.setOut(before);
    }
    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(code).as(printed).isZero();
    assertThat(printed).contains("address:  " + addresses().get(0) + ":9042", "username: " + superuser.getKey(),
        "password: " + superuser.getValue(), "secret:   default/demo-superuser").doesNotContain("not created yet");
    // TLS is on by default: the CA is written out for CQL clients, the same certificate as the cluster's CA Secret.
    assertThat(printed).contains("tls:      required", "cqlsh --ssl");
    String caLine = printed.lines().filter(l -> l.startsWith("ca:")).findFirst().orElseThrow();
    java.nio.file.Path ca = java.nio.file.Paths.get(caLine.substring(3).trim().split(" ")[0]);
    String secretCa = io.ringkeeper.operator.resources.Secrets.value(env.client().secrets().inNamespace(NAMESPACE)
        .withName(io.ringkeeper.operator.resources.Names.caSecret(CLUSTER)).get(),
        io.ringkeeper.operator.resources.Names.TLS_CA_KEY);
    try {
      assertThat(java.nio.file.Files.readString(ca)).isEqualTo(secretCa);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  @Order(5)
  void aChangedSecretChangesThePasswordWithNoNodeRestarted() {
    Map<String, String> podUids = env.client().pods().inNamespace(NAMESPACE).list().getItems().stream()
        .collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p.getMetadata().getUid()));
    env.client().secrets().inNamespace(NAMESPACE).withName("reporting-password").edit(s -> {
      s.getData().put("password", Base64.getEncoder().encodeToString("second-password".getBytes(
          StandardCharsets.UTF_8)));
      return s;
    });
    long started = System.nanoTime();
    for (String address : addresses()) {
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
          .until(() -> canLogIn(address, "reporting", "second-password"));
      await().atMost(Duration.ofSeconds(20)).until(() -> !canLogIn(address, "reporting", "first-password"));
    }
    PHASES.done(String.format("new password holds on 3 nodes %.1f s after the Secret changed",
        (System.nanoTime() - started) / 1e9));
    List<Pod> pods = env.client().pods().inNamespace(NAMESPACE).list().getItems();
    assertThat(pods).hasSize(3).allSatisfy(p -> {
      assertThat(p.getMetadata().getUid()).isEqualTo(podUids.get(p.getMetadata().getName()));
      assertThat(p.getStatus().getContainerStatuses()).allSatisfy(c -> assertThat(c.getRestartCount()).isZero());
    });
    List<String> reasons = env.client().v1().events().inNamespace(NAMESPACE).list().getItems().stream()
        .map(Event::getReason).toList();
    assertThat(reasons).contains("PasswordChanged").doesNotContain("RollingRestartStarted");
  }
}
