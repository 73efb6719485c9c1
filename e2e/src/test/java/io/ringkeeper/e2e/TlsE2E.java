package io.ringkeeper.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.fabric8.kubernetes.api.model.Secret;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.NodeStatus;
import io.ringkeeper.local.LocalEnvironment;
import io.ringkeeper.operator.domain.tls.Pem;
import io.ringkeeper.operator.domain.tls.TlsChecks;
import io.ringkeeper.operator.resources.Names;
import io.ringkeeper.operator.resources.Secrets;
import java.net.InetSocketAddress;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * TLS on real nodes in local mode (3 nodes of examples/minimal.yaml with spec.tls.enabled on 127.61.15.x): the ring
 * forms with internode encryption on, a CQL client trusting the cluster's CA (read from {@code <cluster>-ca})
 * writes and reads at QUORUM as the superuser, and with client TLS Required a plain-text connection is refused.
 * The agents serve HTTPS with their node's certificate (the operator reached them to set the roles, so Ready
 * proves its verified HTTPS calls), and refuse plain HTTP.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TlsE2E {
  static final String NAMESPACE = "default";
  static final String CLUSTER = "demo";
  static LocalEnvironment env;
  static java.nio.file.Path workDir;
  static final E2eSupport.Phases PHASES = new E2eSupport.Phases("TlsE2E");

  @BeforeAll
  static void start() throws Exception {
    workDir = E2eSupport.freshWorkDir("tls");
    env = LocalEnvironment.builder(workDir)
        .addressBase("127.61.15.0")
        .stopGrace(Duration.ofSeconds(20))
        .start();
    String manifest = java.nio.file.Files.readString(E2eSupport.example("minimal.yaml"))
        + "  tls:\n    enabled: true\n    client: Required\n";
    env.applyYaml(manifest);
    env.awaitReady(NAMESPACE, CLUSTER, Duration.ofMinutes(6));
    PHASES.done("examples/minimal.yaml + spec.tls.enabled -> Ready");
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  private static List<String> addresses() {
    return env.get(NAMESPACE, CLUSTER).getStatus().getNodes().stream().map(NodeStatus::getPodIP).toList();
  }

  private static X509Certificate clusterCa() throws Exception {
    Secret ca = env.client().secrets().inNamespace(NAMESPACE).withName(Names.caSecret(CLUSTER)).get();
    return Pem.certificates(Secrets.value(ca, Names.TLS_CA_KEY), "Secret demo-ca, key ca.crt").get(0);
  }

  private static SSLContext trusting(X509Certificate ca) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }

  private static CqlSession session(String address, SSLContext ssl) {
    Map.Entry<String, String> superuser = E2eSupport.superuser(env, NAMESPACE, CLUSTER);
    var builder = CqlSession.builder()
        .addContactPoint(new InetSocketAddress(address, 9042))
        .withLocalDatacenter("dc1")
        .withAuthCredentials(superuser.getKey(), superuser.getValue())
        .withConfigLoader(DriverConfigLoader.programmaticBuilder()
            .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(30))
            .withDuration(DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, Duration.ofSeconds(30))
            .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(10))
            .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, Duration.ofSeconds(30))
            .build());
    if (ssl != null) {
      builder.withSslContext(ssl);
    }
    return builder.build();
  }

  @Test
  @Order(1)
  void theRingFormsWithInternodeEncryptionAndEveryNodeHasItsCertificate() throws Exception {
    CassandraCluster cr = env.get(NAMESPACE, CLUSTER);
    assertThat(cr.getStatus().getRingFormed()).isTrue();
    assertThat(cr.getStatus().getTls().getSource()).isEqualTo("CA in Secret demo-ca");
    X509Certificate ca = clusterCa();
    assertThat(ca.getSubjectX500Principal().getName()).isEqualTo("CN=demo Ringkeeper CA");
    for (NodeStatus node : cr.getStatus().getNodes()) {
      assertThat(node.getCertificateNotAfter()).as(node.getName()).isNotNull();
      Secret secret = env.client().secrets().inNamespace(NAMESPACE).withName(node.getName() + "-tls").get();
      X509Certificate cert = Pem.certificates(Secrets.value(secret, "tls.crt"), "tls.crt").get(0);
      cert.verify(ca.getPublicKey());
      assertThat(TlsChecks.dnsNames(cert)).contains(node.getName() + ".demo-nodes.default.svc");
    }
    String yaml = env.client().configMaps().inNamespace(NAMESPACE).withName(Names.configMap(CLUSTER)).get()
        .getData().get(Names.CASSANDRA_YAML);
    assertThat(yaml).contains("internode_encryption: all");
    // What Cassandra says it does: every node listens for peers encrypted only (not "optionally encrypted").
    for (NodeStatus node : cr.getStatus().getNodes()) {
      java.nio.file.Path log = workDir.resolve("pods").resolve(NAMESPACE).resolve(node.getName())
          .resolve("logs").resolve("system.log");
      String text = java.nio.file.Files.readString(log);
      assertThat(text).as(node.getName()).contains("encryption: encrypted(")
          .doesNotContain("encryption: optionally encrypted").doesNotContain("encryption: unencrypted");
    }
    // Every node sees the two others up: gossip and the ring run over TLS only.
    try (CqlSession session = session(addresses().get(0), trusting(ca))) {
      List<Row> peers = session.execute("SELECT peer FROM system.peers_v2").all();
      assertThat(peers).hasSize(2);
    }
    PHASES.done("ring of 3 with internode_encryption: all");
  }

  @Test
  @Order(2)
  void aClientTrustingTheClusterCaWritesAndReadsAtQuorum() throws Exception {
    try (CqlSession session = session(addresses().get(1), trusting(clusterCa()))) {
      session.execute(SimpleStatement.newInstance("CREATE KEYSPACE IF NOT EXISTS tls_e2e WITH replication ="
          + " {'class': 'NetworkTopologyStrategy', 'dc1': 3}").setTimeout(Duration.ofSeconds(60)));
      session.execute(SimpleStatement.newInstance("CREATE TABLE IF NOT EXISTS tls_e2e.kv (k int PRIMARY KEY,"
          + " v text)").setTimeout(Duration.ofSeconds(60)));
      for (int i = 0; i < 20; i++) {
        session.execute(SimpleStatement.newInstance("INSERT INTO tls_e2e.kv (k, v) VALUES (?, ?)", i, "v" + i)
            .setConsistencyLevel(DefaultConsistencyLevel.QUORUM));
      }
      for (int i = 0; i < 20; i++) {
        Row row = session.execute(SimpleStatement.newInstance("SELECT v FROM tls_e2e.kv WHERE k = ?", i)
            .setConsistencyLevel(DefaultConsistencyLevel.QUORUM)).one();
        assertThat(row).isNotNull();
        assertThat(row.getString("v")).isEqualTo("v" + i);
      }
    }
    PHASES.done("20 writes + 20 reads at QUORUM over TLS");
  }

  @Test
  @Order(3)
  void aPlainTextClientIsRefusedWhenClientTlsIsRequired() {
    for (String address : addresses()) {
      assertThatThrownBy(() -> {
        try (CqlSession session = session(address, null)) {
          session.execute("SELECT release_version FROM system.local");
        }
      }).as("plain text on " + address).isInstanceOf(AllNodesFailedException.class);
    }
    PHASES.done("plain-text CQL refused on 3 nodes");
  }

  @Test
  @Order(4)
  void theAgentsServeHttpsWithTheirNodesCertificateAndRefusePlainHttp() throws Exception {
    X509Certificate ca = clusterCa();
    SSLContext ssl = trusting(ca);
    for (NodeStatus node : env.get(NAMESPACE, CLUSTER).getStatus().getNodes()) {
      try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) ssl.getSocketFactory()
          .createSocket(node.getPodIP(), 8778)) {
        socket.setSoTimeout(10_000);
        socket.startHandshake(); // fails unless the chain leads to the cluster CA
        X509Certificate served = (X509Certificate) socket.getSession().getPeerCertificates()[0];
        assertThat(served.getSubjectX500Principal().getName()).as(node.getName())
            .isEqualTo("CN=" + node.getName());
        assertThat(TlsChecks.dnsNames(served)).contains(node.getName() + ".demo-nodes.default.svc");
      }
      java.net.http.HttpClient plain = java.net.http.HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(5)).build();
      assertThatThrownBy(() -> plain.send(java.net.http.HttpRequest.newBuilder(
              java.net.URI.create("http://" + node.getPodIP() + ":8778/readyz")).timeout(Duration.ofSeconds(10))
              .build(), java.net.http.HttpResponse.BodyHandlers.ofString()))
          .as("plain HTTP to the agent of " + node.getName()).isInstanceOf(java.io.IOException.class);
    }
    PHASES.done("3 agents serve HTTPS with their node certificate, plain HTTP refused");
  }
}
