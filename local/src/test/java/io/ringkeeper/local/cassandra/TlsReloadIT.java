package io.ringkeeper.local.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * One real Cassandra 5.0 node (127.62.0.1) with client and internode TLS through PEMBasedSslContextFactory, as the
 * TLS contract renders cassandra.yaml, and the agent started with {@code tlsDir}: the agent answers over HTTPS with
 * the node certificate, CQL over TLS works, and a new certificate written into the directory is served by the agent
 * and by Cassandra's native port within the poll interval, with no restart (the agent asked Cassandra to reload).
 */
class TlsReloadIT {
  private static final String ADDRESS = "127.62.0.1";
  private static final int AGENT_PORT = 8778;
  private static final int POLL_SECONDS = 2;
  private static final List<String> NAMES = List.of("tls-dc1-0", "tls-dc1-0.tls-nodes.ns.svc", "tls-client");
  private static CassandraProcess process;

  @AfterAll
  static void stop() throws InterruptedException {
    if (process != null) {
      process.kill();
    }
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

  /** Status, body and the served certificate of one HTTPS request over a new client (a full handshake). */
  private static Object[] agent(X509Certificate ca, String path, String token) throws Exception {
    HttpsURLConnection c = (HttpsURLConnection) new URL("https://" + ADDRESS + ":" + AGENT_PORT + path).openConnection();
    c.setSSLSocketFactory(trusting(ca).getSocketFactory());
    c.setHostnameVerifier((host, session) -> true); // no IP SANs by the contract; the chain is checked
    c.setConnectTimeout(2000);
    c.setReadTimeout(10000);
    if (token != null) {
      c.setRequestProperty("Authorization", "Bearer " + token);
    }
    try {
      c.connect();
      X509Certificate served = (X509Certificate) c.getServerCertificates()[0];
      int status = c.getResponseCode();
      String body = "";
      if (status == 200 && !path.endsWith("z")) {
        body = new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      }
      return new Object[] {status, body, served};
    } finally {
      c.disconnect();
    }
  }

  /** The certificate Cassandra's native port serves to a new TLS client. */
  private static X509Certificate nativePort(X509Certificate ca) throws Exception {
    try (SSLSocket s = (SSLSocket) trusting(ca).getSocketFactory().createSocket()) {
      s.connect(new InetSocketAddress(ADDRESS, 9042), 2000);
      s.setSoTimeout(5000);
      s.startHandshake();
      return (X509Certificate) s.getSession().getPeerCertificates()[0];
    }
  }

  private interface Check {
    boolean ok() throws Exception;
  }

  private static long await(Duration timeout, Check check) throws Exception {
    long started = System.nanoTime();
    long deadline = started + timeout.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (check.ok()) {
          return (System.nanoTime() - started) / 1_000_000;
        }
      } catch (Exception e) {
        last = e;
      }
      assertThat(process.isAlive()).as("Cassandra died; see " + process.logFile()).isTrue();
      Thread.sleep(250);
    }
    throw new AssertionError("not within " + timeout + (last == null ? "" : ": " + last), last);
  }

  @Test
  void theAgentAndTheNativePortServeANewCertificateWithoutARestart() throws Exception {
    Path work = ItSupport.freshWorkDir("tls-reload");
    Path tls = work.resolve("tls");
    TestCerts.Issued ca = TestCerts.ca("ringkeeper-test-ca");
    TestCerts.Issued first = TestCerts.node(ca, "tls-dc1-0", NAMES, true, Duration.ofDays(2));
    TestCerts.writeDir(tls, ca, first);
    String token = "tls-it-token";
    Path tokenFile = work.resolve("agent-token");
    Files.writeString(tokenFile, token);

    CassandraDistribution distribution = CassandraDistribution.locate();
    List<String> options = new ArrayList<>(LocalTestCluster.smallNodeOptions());
    options.add("-javaagent:" + distribution.agentJar() + "=address=" + ADDRESS + ",port=" + AGENT_PORT
        + ",tokenFile=" + tokenFile + ",tlsDir=" + tls + ",tlsReloadSeconds=" + POLL_SECONDS);
    Path nodeDir = work.resolve("tls-dc1-0");
    CassandraNodeSpec spec = new CassandraNodeSpec("tls-dc1-0", ADDRESS, nodeDir.resolve("conf"),
        nodeDir.resolve("data"), nodeDir.resolve("logs"), options);
    CassandraConfig.write(spec.configDir(), new CassandraConfig.NodeConfig("tls", List.of(ADDRESS), ADDRESS,
        CassandraConfig.evenTokens(1, 4).get(0), 4, false, false), "dc1", "r1");
    Path yaml = spec.configDir().resolve("cassandra.yaml");
    Files.writeString(yaml, Files.readString(yaml)
        + CassandraConfig.tlsYaml(tls.resolve("keystore.pem"), tls.resolve("ca.crt"), false));
    process = new CassandraLauncher(distribution).start(spec);

    long readyMs = await(Duration.ofSeconds(240), () -> (int) agent(ca.certificate, "/readyz", null)[0] == 200);
    System.out.println("TlsReloadIT: ready over HTTPS after " + readyMs + " ms");

    Object[] node = agent(ca.certificate, "/v1/node", token);
    assertThat(node[0]).isEqualTo(200);
    assertThat(node[2]).as("the agent serves the node certificate").isEqualTo(first.certificate);
    assertThat((String) node[1]).contains("\"agentTls\":{\"enabled\":true")
        .contains("\"notAfter\":\"" + first.certificate.getNotAfter().toInstant() + "\"");
    assertThat(agent(ca.certificate, "/v1/node", null)[0]).as("no token over HTTPS").isEqualTo(401);
    assertThat(nativePort(ca.certificate)).as("Cassandra's native port").isEqualTo(first.certificate);
    // Internode: TLS only (with optional: false; without it 5.0.9 logs "optionally encrypted" and accepts plain text).
    assertThat(Files.readString(process.logFile())).contains("Listening on address: (/" + ADDRESS
        + ":7000), nic: null, encryption: encrypted");

    try (CqlSession cql = CqlSession.builder().addContactPoint(new InetSocketAddress(ADDRESS, 9042))
        .withLocalDatacenter("dc1").withSslContext(trusting(ca.certificate)).build()) {
      assertThat(cql.execute("SELECT release_version FROM system.local").one().getString(0)).startsWith("5.0");
    }
    // Plain-text CQL is refused (client TLS required).
    try (CqlSession plain = CqlSession.builder().addContactPoint(new InetSocketAddress(ADDRESS, 9042))
        .withLocalDatacenter("dc1").build()) {
      throw new AssertionError("a plain-text CQL session was opened");
    } catch (com.datastax.oss.driver.api.core.AllNodesFailedException refused) {
      // expected
    }

    // Renewal: a new key and certificate from the same CA, written as the kubelet would not (file by file),
    // keystore.pem first so Cassandra finds it when the agent asks.
    TestCerts.Issued second = TestCerts.node(ca, "tls-dc1-0", NAMES, true, Duration.ofDays(3));
    TestCerts.writeDir(tls, ca, second);
    long pid = process.pid();
    long agentMs = await(Duration.ofSeconds(POLL_SECONDS * 3L),
        () -> agent(ca.certificate, "/healthz", null)[2].equals(second.certificate));
    long nativeMs = await(Duration.ofSeconds(POLL_SECONDS * 3L), () -> nativePort(ca.certificate).equals(second.certificate));
    System.out.println("TlsReloadIT: new certificate served by the agent after " + agentMs + " ms, by the native port "
        + (agentMs + nativeMs) + " ms after it was written (poll every " + POLL_SECONDS + " s)");
    assertThat(process.isAlive()).isTrue();
    assertThat(process.pid()).isEqualTo(pid);
    String after = (String) agent(ca.certificate, "/v1/node", token)[1];
    System.out.println("TlsReloadIT: agentTls after the renewal: "
        + after.substring(after.indexOf("\"agentTls\"")));
    assertThat(after).contains("\"reloads\":1").contains("\"cassandraReloads\":1").contains("\"reloadFailures\":0")
        .contains("\"cassandraReloadFailures\":0")
        .contains("\"notAfter\":\"" + second.certificate.getNotAfter().toInstant() + "\"");
    try (CqlSession cql = CqlSession.builder().addContactPoint(new InetSocketAddress(ADDRESS, 9042))
        .withLocalDatacenter("dc1").withSslContext(trusting(ca.certificate)).build()) {
      assertThat(cql.execute("SELECT release_version FROM system.local").one().getString(0)).startsWith("5.0");
    }
  }
}
