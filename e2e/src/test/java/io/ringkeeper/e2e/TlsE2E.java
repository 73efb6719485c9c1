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

  /** The certificate a TLS port of this address serves (trusting only the cluster CA). */
  private static X509Certificate served(SSLContext ssl, String address, int port) throws Exception {
    try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) ssl.getSocketFactory()
        .createSocket(address, port)) {
      socket.setSoTimeout(10_000);
      socket.startHandshake();
      return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }
  }

  /**
   * Connects to a node's storage port with this TLS context, sends a few bytes and reads: what failed, or null. Under
   * TLS 1.3 a refused client certificate shows only after the client's side of the handshake, at the first read.
   */
  private static Exception storagePortProbe(SSLContext context, String address) {
    return storagePortProbe(context, address, 10_000);
  }

  /**
   * @param readMillis how long the first read waits: a node that took the certificate may keep the connection open
   *     without a word (the probe's bytes are no message), so an accepted probe costs this long
   */
  private static Exception storagePortProbe(SSLContext context, String address, int readMillis) {
    try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) context.getSocketFactory()
        .createSocket(address, 7000)) {
      socket.setSoTimeout(10_000);
      socket.startHandshake();
      socket.getOutputStream().write(new byte[] {0, 0, 0, 0});
      socket.getOutputStream().flush();
      socket.setSoTimeout(readMillis);
      socket.getInputStream().read();
      return null;
    } catch (Exception e) {
      return e;
    }
  }

  /** A TLS context with this node's key and certificate (from its Secret), trusting the cluster CA. */
  private static SSLContext asPeer(String node) throws Exception {
    Secret secret = env.client().secrets().inNamespace(NAMESPACE).withName(node + "-tls").get();
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("node", Pem.privateKey(Secrets.value(secret, "tls.key"), node + "-tls"), new char[0],
        Pem.certificates(Secrets.value(secret, "tls.crt"), node + "-tls").toArray(new X509Certificate[0]));
    javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(
        javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, new char[0]);
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", clusterCa());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return context;
  }

  private static int restarts(io.fabric8.kubernetes.api.model.Pod pod) {
    return pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null ? 0
        : pod.getStatus().getContainerStatuses().stream().mapToInt(c -> c.getRestartCount() == null ? 0
            : c.getRestartCount()).sum();
  }

  private static X509Certificate secretCertificate(String node) throws Exception {
    Secret secret = env.client().secrets().inNamespace(NAMESPACE).withName(node + "-tls").get();
    return Pem.certificates(Secrets.value(secret, "tls.crt"), node + "-tls").get(0);
  }

  @Test
  @Order(5)
  void certificatesRenewedOnTheRunningClusterFailNoQuorumWriteAndRestartNoNode() throws Exception {
    SSLContext ssl = trusting(clusterCa());
    CassandraCluster cr = env.get(NAMESPACE, CLUSTER);
    Map<String, String> uids = new java.util.TreeMap<>();
    env.client().pods().inNamespace(NAMESPACE).list().getItems().stream()
        .filter(p -> p.getMetadata().getName().startsWith(CLUSTER + "-"))
        .forEach(p -> uids.put(p.getMetadata().getName(), p.getMetadata().getUid() + " restarts " + restarts(p)));
    QuorumWriter writer;
    try (CqlSession session = session(addresses().get(0), ssl)) {
      writer = QuorumWriter.start(session, 1000, "r", "tls-renewal-writer");
      for (NodeStatus node : cr.getStatus().getNodes()) {
        X509Certificate before = secretCertificate(node.getName());
        // As if two thirds of its lifetime had passed: the operator reissues it (TlsIT covers the date itself).
        env.client().secrets().inNamespace(NAMESPACE).withName(node.getName() + "-tls").edit(secret -> {
          secret.getMetadata().getAnnotations().put(io.ringkeeper.operator.resources.Labels.TLS_RENEW_AT,
              java.time.Instant.now().minusSeconds(5).toString());
          return secret;
        });
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
            .until(() -> !secretCertificate(node.getName()).equals(before));
        X509Certificate renewed = secretCertificate(node.getName());
        // The pod's files follow the Secret, the agent serves the new certificate and Cassandra reloads it for
        // clients and peers, all without a restart.
        SSLContext peer = asPeer(cr.getStatus().getNodes().stream().map(NodeStatus::getName)
            .filter(n -> !n.equals(node.getName())).findFirst().orElseThrow());
        for (int port : new int[] {8778, 9042, 7000}) {
          // The storage port asks for a client certificate: it is reached as another node of the cluster.
          SSLContext as = port == 7000 ? peer : ssl;
          org.awaitility.Awaitility.await(node.getName() + " serves its renewed certificate on port " + port)
              .atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
              .until(() -> served(as, node.getPodIP(), port).getSerialNumber().equals(renewed.getSerialNumber()));
        }
      }
      Thread.sleep(2000);
      writer.stop();
    }
    assertThat(writer.failed).as("QUORUM writes that failed while the 3 certificates were renewed").isEmpty();
    assertThat(writer.ok.get()).isPositive();
    Map<String, String> after = new java.util.TreeMap<>();
    env.client().pods().inNamespace(NAMESPACE).list().getItems().stream()
        .filter(p -> p.getMetadata().getName().startsWith(CLUSTER + "-"))
        .forEach(p -> after.put(p.getMetadata().getName(), p.getMetadata().getUid() + " restarts " + restarts(p)));
    assertThat(after).as("no pod re-created, no container restarted").isEqualTo(uids);
    PHASES.done("3 certificates renewed under " + writer.ok.get() + " QUORUM writes, " + writer.failed.size()
        + " failed, no restart");
  }

  @Test
  @Order(6)
  void aPeerWithACertificateFromAnotherCaCannotReachTheStoragePortAndTheOperatorRewritesSuchASecret()
      throws Exception {
    CassandraCluster cr = env.get(NAMESPACE, CLUSTER);
    NodeStatus target = cr.getStatus().getNodes().get(0);
    String peerName = cr.getStatus().getNodes().get(1).getName();
    // A would-be node with the names of a real one, its certificate from another CA with the same name.
    io.ringkeeper.operator.domain.tls.CertificateAuthority rogue =
        io.ringkeeper.operator.domain.tls.CertificateAuthority.generate(CLUSTER, java.time.Instant.now());
    io.ringkeeper.operator.domain.tls.IssuedCertificate foreign = rogue.issue(peerName,
        List.of(peerName + "." + CLUSTER + "-nodes." + NAMESPACE + ".svc"), Duration.ofHours(1),
        java.time.Instant.now());
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("node", Pem.privateKey(foreign.keyPem(), "rogue key"), new char[0],
        Pem.certificates(foreign.certificatePem(), "rogue cert").toArray(new X509Certificate[0]));
    javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(
        javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, new char[0]);
    // It trusts the cluster's CA, so only the node's check of the client certificate can stop it.
    SSLContext rogueContext = SSLContext.getInstance("TLS");
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", clusterCa());
    tmf.init(trust);
    rogueContext.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    assertThat(storagePortProbe(rogueContext, target.getPodIP()))
        .as("a certificate from another CA on the storage port of " + target.getName())
        .isInstanceOf(javax.net.ssl.SSLException.class);
    // The same probe with the peer's real certificate passes TLS (Cassandra may then close the connection on the
    // probe's bytes, which are no internode message: that is no TLS failure).
    assertThat(storagePortProbe(asPeer(peerName), target.getPodIP())).as("the real peer's certificate")
        .isNotInstanceOf(javax.net.ssl.SSLException.class);

    // Such a certificate put in a node's Secret is replaced by one the cluster CA signs (nodes never run with it).
    X509Certificate ca = clusterCa();
    env.client().secrets().inNamespace(NAMESPACE).withName(peerName + "-tls").edit(secret -> {
      secret.getData().put("tls.crt", java.util.Base64.getEncoder().encodeToString(
          foreign.certificatePem().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      secret.getData().put("tls.key", java.util.Base64.getEncoder().encodeToString(
          foreign.keyPem().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      return secret;
    });
    org.awaitility.Awaitility.await("the Secret of " + peerName + " signed by the cluster CA again")
        .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
          secretCertificate(peerName).verify(ca.getPublicKey());
          return true;
        });
    assertThat(env.client().v1().events().inNamespace(NAMESPACE).list().getItems())
        .anySatisfy(e -> assertThat(e.getMessage()).contains(peerName, "not signed by the cluster's CA"));
    env.awaitReady(NAMESPACE, CLUSTER, Duration.ofMinutes(2));
    PHASES.done("a certificate from another CA refused on the storage port; put in a Secret, replaced");
  }

  private static SSLContext trustingAll(List<X509Certificate> cas, javax.net.ssl.KeyManager[] keys) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    for (int i = 0; i < cas.size(); i++) {
      trust.setCertificateEntry("ca" + i, cas.get(i));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys, tmf.getTrustManagers(), null);
    return context;
  }

  /** A would-be peer holding a certificate of this CA with a real node's name, trusting these CAs. */
  private static SSLContext peerOf(io.ringkeeper.operator.domain.tls.CertificateAuthority ca, String node,
      List<X509Certificate> trusted) throws Exception {
    io.ringkeeper.operator.domain.tls.IssuedCertificate cert = ca.issue(node,
        List.of(node + "." + CLUSTER + "-nodes." + NAMESPACE + ".svc"), Duration.ofHours(1), java.time.Instant.now());
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("node", cert.key(), new char[0], cert.chain().toArray(new X509Certificate[0]));
    javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(
        javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, new char[0]);
    return trustingAll(trusted, kmf.getKeyManagers());
  }

  private static void editCa(Map<String, String> values) {
    env.client().secrets().inNamespace(NAMESPACE).withName(Names.caSecret(CLUSTER)).edit(secret -> {
      values.forEach((k, v) -> secret.getData().put(k, java.util.Base64.getEncoder().encodeToString(
          v.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
      return secret;
    });
  }

  private static Map<String, String> podsAndRestarts() {
    Map<String, String> all = new java.util.TreeMap<>();
    env.client().pods().inNamespace(NAMESPACE).list().getItems().stream()
        .filter(p -> p.getMetadata().getName().startsWith(CLUSTER + "-"))
        .forEach(p -> all.put(p.getMetadata().getName(), p.getMetadata().getUid() + " restarts " + restarts(p)));
    return all;
  }

  /**
   * One step of docs/security.md "Changing the CA": every node's Secret rewritten with this signer and ca.crt, then
   * every node serving its new certificate on its CQL, storage and agent ports, and trusting a peer whose
   * certificate is from {@code peerCa} (proof that it loaded its new ca.crt, not only its certificate).
   */
  private static void awaitStep(String step, io.ringkeeper.operator.domain.tls.CertificateAuthority signer,
      List<X509Certificate> bundle, io.ringkeeper.operator.domain.tls.CertificateAuthority peerCa,
      List<X509Certificate> clientTrust) throws Exception {
    CassandraCluster cr = env.get(NAMESPACE, CLUSTER);
    String pem = Pem.write(bundle);
    for (NodeStatus node : cr.getStatus().getNodes()) {
      org.awaitility.Awaitility.await(step + ": Secret of " + node.getName()).atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
            Secret secret = env.client().secrets().inNamespace(NAMESPACE).withName(node.getName() + "-tls").get();
            secretCertificate(node.getName()).verify(signer.certificate().getPublicKey());
            return pem.equals(Secrets.value(secret, "ca.crt"));
          });
    }
    SSLContext client = trustingAll(clientTrust, null);
    for (NodeStatus node : cr.getStatus().getNodes()) {
      X509Certificate expected = secretCertificate(node.getName());
      String other = cr.getStatus().getNodes().stream().map(NodeStatus::getName)
          .filter(n -> !n.equals(node.getName())).findFirst().orElseThrow();
      SSLContext peer = peerOf(peerCa, other, clientTrust);
      for (int port : new int[] {8778, 9042, 7000}) {
        SSLContext as = port == 7000 ? peer : client;
        org.awaitility.Awaitility.await(step + ": " + node.getName() + " serves its new certificate on " + port)
            .atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
            .until(() -> served(as, node.getPodIP(), port).getSerialNumber().equals(expected.getSerialNumber()));
      }
      org.awaitility.Awaitility.await(step + ": " + node.getName() + " trusts a peer of the " + (peerCa == signer
          ? "signing" : "other") + " CA").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
          .until(() -> !(storagePortProbe(peer, node.getPodIP(), 3000) instanceof javax.net.ssl.SSLException));
    }
  }

  /** After the old CA is dropped, no node lets a peer of the old CA in. */
  private static void awaitRefused(io.ringkeeper.operator.domain.tls.CertificateAuthority dropped,
      List<X509Certificate> clientTrust) throws Exception {
    CassandraCluster cr = env.get(NAMESPACE, CLUSTER);
    for (NodeStatus node : cr.getStatus().getNodes()) {
      String other = cr.getStatus().getNodes().stream().map(NodeStatus::getName)
          .filter(n -> !n.equals(node.getName())).findFirst().orElseThrow();
      SSLContext peer = peerOf(dropped, other, clientTrust);
      org.awaitility.Awaitility.await(node.getName() + " refuses a peer of the dropped CA")
          .atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
          .until(() -> storagePortProbe(peer, node.getPodIP(), 3000) instanceof javax.net.ssl.SSLException);
    }
  }

  @Test
  @Order(7)
  void theClusterCaIsChangedInThreeStepsUnderAQuorumWriterWithNoFailedWriteAndNoRestartAndInOneStepIsRefused()
      throws Exception {
    Secret caSecret = env.client().secrets().inNamespace(NAMESPACE).withName(Names.caSecret(CLUSTER)).get();
    Map<String, String> original = new java.util.LinkedHashMap<>(caSecret.getData());
    String oldCrt = Secrets.value(caSecret, "tls.crt");
    String oldKey = Secrets.value(caSecret, "tls.key");
    io.ringkeeper.operator.domain.tls.CertificateAuthority old = TlsChecks.authority("old", oldCrt, oldKey, null,
        java.time.Instant.now());
    io.ringkeeper.operator.domain.tls.CertificateAuthority next =
        io.ringkeeper.operator.domain.tls.CertificateAuthority.generate(CLUSTER, java.time.Instant.now());
    X509Certificate o = old.certificate();
    X509Certificate n = next.certificate();
    String newCrt = Pem.write(List.of(n));
    String newKey = Pem.write(next.key());
    Map<String, String> uids = podsAndRestarts();

    // In one step: refused on the running cluster, no node Secret rewritten.
    Map<String, String> nodeSecrets = new java.util.TreeMap<>();
    env.get(NAMESPACE, CLUSTER).getStatus().getNodes().forEach(node -> nodeSecrets.put(node.getName(),
        env.client().secrets().inNamespace(NAMESPACE).withName(node.getName() + "-tls").get().getMetadata()
            .getResourceVersion()));
    editCa(Map.of("tls.crt", newCrt, "tls.key", newKey, "ca.crt", newCrt));
    org.awaitility.Awaitility.await("CaChangeUnsafe").atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500)).until(() -> env.get(NAMESPACE, CLUSTER).getStatus().getConditions()
            .stream().anyMatch(c -> c.getType().equals("Valid") && "CaChangeUnsafe".equals(c.getReason())));
    Thread.sleep(3000);
    Map<String, String> still = new java.util.TreeMap<>();
    nodeSecrets.keySet().forEach(node -> still.put(node, env.client().secrets().inNamespace(NAMESPACE)
        .withName(node + "-tls").get().getMetadata().getResourceVersion()));
    assertThat(still).as("no node Secret written for a one-step CA change").isEqualTo(nodeSecrets);
    // Its values put back as they were: the nodes' Secrets are then what they were written from.
    env.client().secrets().inNamespace(NAMESPACE).withName(Names.caSecret(CLUSTER)).edit(secret -> {
      secret.setData(original);
      return secret;
    });
    env.awaitReady(NAMESPACE, CLUSTER, Duration.ofMinutes(1));

    // A client given the new ca.crt before the old CA is dropped, as the steps say.
    QuorumWriter writer;
    try (CqlSession session = session(addresses().get(0), trustingAll(List.of(o, n), null))) {
      writer = QuorumWriter.start(session, 5000, "c", "tls-ca-writer");
      editCa(Map.of("tls.crt", oldCrt, "tls.key", oldKey, "ca.crt", Pem.write(List.of(o, n))));
      awaitStep("1 (old CA signs, both trusted)", old, List.of(o, n), next, List.of(o, n));
      editCa(Map.of("tls.crt", newCrt, "tls.key", newKey, "ca.crt", Pem.write(List.of(o, n))));
      awaitStep("2 (new CA signs, both trusted)", next, List.of(o, n), old, List.of(o, n));
      editCa(Map.of("tls.crt", newCrt, "tls.key", newKey, "ca.crt", newCrt));
      awaitStep("3 (old CA dropped)", next, List.of(n), next, List.of(n));
      awaitRefused(old, List.of(n));
      Thread.sleep(2000);
      writer.stop();
    }
    assertThat(writer.failed).as("QUORUM writes that failed while the CA was changed").isEmpty();
    assertThat(writer.ok.get()).isPositive();
    // A client trusting only the new CA reads every row back.
    try (CqlSession session = session(addresses().get(1), trustingAll(List.of(n), null))) {
      long rows = session.execute(SimpleStatement.newInstance("SELECT count(*) FROM tls_e2e.kv")
          .setConsistencyLevel(DefaultConsistencyLevel.QUORUM)).one().getLong(0);
      assertThat(rows).isGreaterThanOrEqualTo(writer.ok.get());
    }
    assertThat(podsAndRestarts()).as("no pod re-created, no container restarted").isEqualTo(uids);
    env.awaitReady(NAMESPACE, CLUSTER, Duration.ofMinutes(1));
    PHASES.done("CA changed in 3 steps under " + writer.ok.get() + " QUORUM writes, " + writer.failed.size()
        + " failed, no restart; in one step refused");
  }

  /** One row at a time at QUORUM every 20 ms on its own thread; what was acknowledged and what failed. */
  static final class QuorumWriter {
    final java.util.concurrent.atomic.AtomicInteger ok = new java.util.concurrent.atomic.AtomicInteger();
    final List<String> failed = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicBoolean writing =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    private Thread thread;

    static QuorumWriter start(CqlSession session, int firstKey, String prefix, String name) {
      QuorumWriter w = new QuorumWriter();
      w.thread = new Thread(() -> {
        for (int k = firstKey; w.writing.get(); k++) {
          try {
            session.execute(SimpleStatement.newInstance("INSERT INTO tls_e2e.kv (k, v) VALUES (?, ?)", k, prefix + k)
                .setConsistencyLevel(DefaultConsistencyLevel.QUORUM));
            w.ok.incrementAndGet();
          } catch (RuntimeException e) {
            w.failed.add(k + ": " + e);
          }
          try {
            Thread.sleep(20);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, name);
      w.thread.setDaemon(true);
      w.thread.start();
      return w;
    }

    void stop() throws InterruptedException {
      writing.set(false);
      thread.join(60_000);
    }
  }
}
