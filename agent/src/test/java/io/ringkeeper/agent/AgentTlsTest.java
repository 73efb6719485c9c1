package io.ringkeeper.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.MBeanServer;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent with {@code tlsDir}: HTTPS only, with the pair from the directory, the token still required, and a
 * changed pair served to new handshakes without a restart (a half-written pair is ignored until it is whole).
 */
class AgentTlsTest {
  private static final String TOKEN = "tls-token";

  @TempDir Path tmp;
  private Agent agent;

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.stop();
    }
  }

  private static final List<String> NAMES = List.of("n0", "n0.c-nodes.ns.svc");

  private Agent start(Path tlsDir) throws IOException {
    Path token = tmp.resolve("token");
    Files.writeString(token, TOKEN);
    agent = Agent.start(new AgentConfig("127.0.0.1", 0, token, 4096, 2, tlsDir, 1));
    return agent;
  }

  private SSLContext trusting(X509Certificate ca) throws Exception {
    SSLContext context = trustingCa(ca);
    cas.put(context, ca);
    return context;
  }

  static SSLContext trustingCa(X509Certificate ca) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }

  /** Status and the certificate the agent served, over a new connection (so a new handshake). */
  static Object[] get(SSLContext trust, int port, String path, String token) throws Exception {
    HttpsURLConnection c = (HttpsURLConnection) new URL("https://127.0.0.1:" + port + path).openConnection();
    c.setSSLSocketFactory(trust.getSocketFactory());
    // The certificate names the node (no IP SANs, by the contract): the chain is what is checked here.
    c.setHostnameVerifier((host, session) -> true);
    c.setUseCaches(false);
    c.setRequestProperty("Connection", "close");
    c.setConnectTimeout(5000);
    c.setReadTimeout(10000);
    if (token != null) {
      c.setRequestProperty("Authorization", "Bearer " + token);
    }
    try {
      c.connect();
      Certificate[] served = c.getServerCertificates();
      int status = c.getResponseCode();
      return new Object[] {status, served[0]};
    } finally {
      c.disconnect();
    }
  }

  /**
   * The certificate a new client (its own session cache, so a full handshake, not a resumption of a session made
   * with the previous pair) is served.
   */
  private X509Certificate served(SSLContext trust) throws Exception {
    return (X509Certificate) get(trusting(caOf(trust)), agent.address().getPort(), "/healthz", null)[1];
  }

  private final Map<SSLContext, X509Certificate> cas = new java.util.IdentityHashMap<>();

  private X509Certificate caOf(SSLContext trust) {
    return cas.get(trust);
  }

  @Test
  void servesHttpsOnlyWithTheCertificateOfTheDirectoryAndStillRequiresTheToken() throws Exception {
    TestCerts.Issued ca = TestCerts.ca("test-ca");
    TestCerts.Issued node = TestCerts.node(ca, "n0", NAMES, true, Duration.ofDays(2));
    Path dir = tmp.resolve("tls");
    TestCerts.writeDir(dir, ca, node);
    start(dir);
    SSLContext trust = trusting(ca.certificate);
    int port = agent.address().getPort();

    Object[] healthz = get(trust, port, "/healthz", null);
    assertThat(healthz[0]).isEqualTo(200);
    assertThat(healthz[1]).isEqualTo(node.certificate);
    assertThat(get(trust, port, "/v1/node", null)[0]).as("no token").isEqualTo(401);
    assertThat(get(trust, port, "/v1/node", "wrong")[0]).as("wrong token").isEqualTo(401);
    assertThat(get(trust, port, "/v1/jobs", TOKEN)[0]).as("right token").isEqualTo(200);

    // Only TLS 1.2 and 1.3 are offered.
    try (SSLSocket s = (SSLSocket) trust.getSocketFactory().createSocket("127.0.0.1", port)) {
      s.setEnabledProtocols(new String[] {"TLSv1.1"});
      s.setSoTimeout(5000);
      assertThatThrownBy(s::startHandshake).isInstanceOf(IOException.class);
    } catch (IllegalArgumentException tls11NotEvenSupportedByThisJdk) {
      // fine: then it cannot be negotiated either
    }
  }

  @Test
  void aPlainHttpRequestToTheHttpsPortGetsNoAnswer() throws Exception {
    TestCerts.Issued ca = TestCerts.ca("test-ca");
    Path dir = tmp.resolve("tls");
    TestCerts.writeDir(dir, ca, TestCerts.node(ca, "n0", NAMES, true, Duration.ofDays(2)));
    start(dir);
    int port = agent.address().getPort();
    for (String path : new String[] {"/healthz", "/v1/node"}) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        s.setSoTimeout(15000);
        OutputStream out = s.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        byte[] answer = readAll(s.getInputStream());
        assertThat(new String(answer, StandardCharsets.ISO_8859_1)).as(path).doesNotContain("HTTP/1.", "200", "error");
      }
    }
    // HttpURLConnection over plain HTTP fails too.
    HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + port + "/healthz").openConnection();
    c.setReadTimeout(15000);
    assertThatThrownBy(c::getResponseCode).isInstanceOf(IOException.class);
    // and HTTPS still works afterwards
    assertThat(get(trusting(ca.certificate), port, "/healthz", null)[0]).isEqualTo(200);
  }

  private static byte[] readAll(InputStream in) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    byte[] buffer = new byte[512];
    try {
      int n;
      while ((n = in.read(buffer)) > 0) {
        out.write(buffer, 0, n);
      }
    } catch (IOException resetOrTimeout) {
      // what a plain-text client may get
    }
    return out.toByteArray();
  }

  @Test
  void aChangedPairIsServedToNewHandshakesWithoutARestartAndAHalfWrittenOneIsIgnored() throws Exception {
    TestCerts.Issued ca = TestCerts.ca("test-ca");
    TestCerts.Issued first = TestCerts.node(ca, "n0", NAMES, true, Duration.ofDays(2));
    Path dir = tmp.resolve("tls");
    TestCerts.writeDir(dir, ca, first);
    start(dir);
    SSLContext trust = trusting(ca.certificate);
    assertThat(served(trust)).isEqualTo(first.certificate);

    // Half written: the new certificate, the old key. Ignored, counted, and the old pair is still served.
    TestCerts.Issued second = TestCerts.node(ca, "n0", NAMES, false, Duration.ofDays(3));
    Files.writeString(dir.resolve("tls.crt"), TestCerts.pem(second.certificate, ca.certificate));
    assertThat(agent.tls().check()).isFalse();
    assertThat(agent.tls().status()).containsEntry("reloadFailures", 1L).containsEntry("reloads", 0L);
    assertThat((String) agent.tls().status().get("lastReloadError")).contains("tls.key is not the key of");
    assertThat(served(trust)).isEqualTo(first.certificate);
    assertThat(agent.tls().check()).as("the same half-written pair is not tried again").isFalse();
    assertThat(agent.tls().status()).containsEntry("reloadFailures", 1L);

    // The key follows: now the pair is whole, and the poller (every second here) picks it up. RSA now, EC before.
    Files.writeString(dir.resolve("tls.key"), TestCerts.pem(second.keys.getPrivate()));
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!served(trust).equals(second.certificate) && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertThat(served(trust)).isEqualTo(second.certificate);
    Map<String, Object> status = agent.tls().status();
    assertThat(status).containsEntry("reloads", 1L).containsEntry("notAfter",
        second.certificate.getNotAfter().toInstant().toString());
    assertThat(status.get("lastReloadAt")).isNotNull();
    assertThat(status.get("lastReloadError")).isNull();
    assertThat(status).containsEntry("cassandraReloads", 0L).as("Cassandra has not started in this JVM");
  }

  @Test
  void aKubernetesSymlinkSwapWithTheSameModificationTimesIsSeen() throws Exception {
    TestCerts.Issued ca = TestCerts.ca("test-ca");
    TestCerts.Issued first = TestCerts.node(ca, "n0", NAMES, true, Duration.ofDays(2));
    TestCerts.Issued second = TestCerts.node(ca, "n0", NAMES, true, Duration.ofDays(3));
    // The kubelet's layout: tls.crt -> ..data/tls.crt, ..data -> ..<timestamp>/ (swapped atomically on an update).
    Path dir = tmp.resolve("secret");
    Path v1 = dir.resolve("..v1");
    Path v2 = dir.resolve("..v2");
    TestCerts.writeDir(v1, ca, first);
    TestCerts.writeDir(v2, ca, second);
    FileTime same = FileTime.fromMillis(1_700_000_000_000L);
    for (Path v : new Path[] {v1, v2}) {
      try (var files = Files.list(v)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          Files.setLastModifiedTime(f, same);
        }
      }
    }
    Files.createSymbolicLink(dir.resolve("..data"), v1.getFileName());
    for (String f : new String[] {"tls.crt", "tls.key", "ca.crt", "keystore.pem"}) {
      Files.createSymbolicLink(dir.resolve(f), Path.of("..data", f));
    }
    start(dir);
    SSLContext trust = trusting(ca.certificate);
    assertThat(served(trust)).isEqualTo(first.certificate);

    Path next = dir.resolve("..data_tmp");
    Files.createSymbolicLink(next, v2.getFileName());
    Files.move(next, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    assertThat(agent.tls().check()).isTrue();
    assertThat(served(trust)).isEqualTo(second.certificate);
  }

  // ---- Cassandra's reload, with stand-ins of StorageService (it says Cassandra started) and MessagingService (it has
  // reloadSslCertificates, as in Cassandra 5.0) registered on this JVM's MBean server ----

  public interface FakeStorageServiceMBean {
    String getOperationMode();
  }

  public static final class FakeStorageService implements FakeStorageServiceMBean {
    @Override
    public String getOperationMode() {
      return "NORMAL";
    }
  }

  public interface FakeMessagingServiceMBean {
    void reloadSslCertificates() throws IOException;
  }

  public static final class FakeMessagingService implements FakeMessagingServiceMBean {
    final AtomicInteger calls = new AtomicInteger();
    volatile boolean fail;

    @Override
    public void reloadSslCertificates() throws IOException {
      calls.incrementAndGet();
      if (fail) {
        throw new IOException("Failed to hot reload the SSL Certificates! Please check the certificate files.");
      }
    }
  }

  @Test
  void aChangedPairMakesCassandraReloadItsCertificatesOnceItRunsAndAFailureIsCounted() throws Exception {
    TestCerts.Issued ca = TestCerts.ca("test-ca");
    Path dir = tmp.resolve("tls");
    TestCerts.writeDir(dir, ca, TestCerts.node(ca, "n0", NAMES, true, Duration.ofDays(2)));
    start(dir);
    MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
    FakeMessagingService storage = new FakeMessagingService();
    mbeans.registerMBean(new FakeStorageService(), Cassandra.STORAGE_SERVICE);
    mbeans.registerMBean(storage, Cassandra.MESSAGING_SERVICE);
    try {
      TestCerts.writeDir(dir, ca, TestCerts.node(ca, "n0", NAMES, true, Duration.ofDays(3)));
      assertThat(agent.tls().check()).isTrue();
      assertThat(storage.calls).hasValue(1);
      assertThat(agent.tls().status()).containsEntry("cassandraReloads", 1L)
          .containsEntry("cassandraReloadFailures", 0L);
      assertThat(agent.tls().status().get("lastCassandraReloadAt")).isNotNull();

      storage.fail = true;
      TestCerts.writeDir(dir, ca, TestCerts.node(ca, "n0", NAMES, true, Duration.ofDays(4)));
      assertThat(agent.tls().check()).isTrue();
      assertThat(storage.calls).hasValue(2);
      assertThat(agent.tls().status()).containsEntry("cassandraReloads", 1L)
          .containsEntry("cassandraReloadFailures", 1L).containsEntry("reloads", 2L);
      assertThat((String) agent.tls().status().get("lastCassandraReloadError")).contains("hot reload");
      // The agent's own pair was still taken.
      assertThat(served(trusting(ca.certificate)).getNotAfter()).isEqualTo(
          agent.tls().certificate().getNotAfter());
    } finally {
      mbeans.unregisterMBean(Cassandra.STORAGE_SERVICE);
      mbeans.unregisterMBean(Cassandra.MESSAGING_SERVICE);
    }
  }

  @Test
  void aBadPairAtStartUpStopsTheAgentNamingTheFile() throws Exception {
    TestCerts.Issued ca = TestCerts.ca("test-ca");
    Path dir = tmp.resolve("tls");
    TestCerts.writeDir(dir, ca, TestCerts.node(ca, "n0", NAMES, true, Duration.ofDays(2)));
    Files.writeString(dir.resolve("tls.key"), TestCerts.pem(TestCerts.keys(true).getPrivate()));
    assertThatThrownBy(() -> start(dir)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tls.key is not the key of the first certificate in");
    agent = null;
  }
}
