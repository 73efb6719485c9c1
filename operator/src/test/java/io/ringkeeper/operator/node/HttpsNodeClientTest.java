package io.ringkeeper.operator.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ringkeeper.operator.testing.FakeHttpsAgent;
import io.ringkeeper.operator.testing.TestCertificates;
import io.ringkeeper.operator.testing.TestCertificates.Ca;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** HttpNodeClient against fake agents serving HTTPS: trusted, refused for each reason, and its clients reused. */
class HttpsNodeClientTest {
  private static final String TOKEN = "t0ken";
  private static final String NS = "prod";
  private static final Ca CA = TestCertificates.ca("db-ca");

  private final List<FakeHttpsAgent> agents = new ArrayList<>();
  private final HttpNodeClient client = new HttpNodeClient(Duration.ofSeconds(5), Duration.ofSeconds(5), 8);

  @AfterEach
  void stop() {
    agents.forEach(FakeHttpsAgent::close);
  }

  private static String nameOf(String node) {
    return node + ".db-nodes." + NS + ".svc";
  }

  private FakeHttpsAgent agent(TestCertificates.Issued certificate) throws Exception {
    FakeHttpsAgent agent = new FakeHttpsAgent("127.0.0.1", certificate.serverContext(), TOKEN);
    agents.add(agent);
    return agent;
  }

  private static NodeEndpoint endpoint(String node, FakeHttpsAgent agent, Ca trusted) {
    return new NodeEndpoint(node, "127.0.0.1", agent.port(), new AgentToken(TOKEN),
        new NodeTls(trusted.pem(), nameOf(node), "Secret " + node + "-tls key ca.crt"));
  }

  private static NodeClientException failure(CompletableFuture<?> call) {
    try {
      call.get(10, TimeUnit.SECONDS);
      throw new AssertionError("expected the call to fail");
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(NodeClientException.class);
      return (NodeClientException) e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void anAgentWithACertificateOfTheClusterCaNamingItsNodeAnswersOverHttps() throws Exception {
    FakeHttpsAgent agent = agent(CA.issue("db-dc1-r1-0", "db-dc1-r1-0", nameOf("db-dc1-r1-0")));
    NodeEndpoint node = endpoint("db-dc1-r1-0", agent, CA);
    assertThat(client.setCompactionThroughput(node, 16).get(10, TimeUnit.SECONDS)).isEqualTo(64);
    assertThat(client.nodeInfo(node).get(10, TimeUnit.SECONDS).operationMode()).isEqualTo(OperationMode.NORMAL);
    assertThat(agent.authorizations()).containsOnly("Bearer " + TOKEN);
  }

  @Test
  void anAgentOfAnotherCaIsNotAnsweringAndNeverGetsTheToken() throws Exception {
    FakeHttpsAgent agent = agent(TestCertificates.ca("db-ca").issue("db-dc1-r1-0", nameOf("db-dc1-r1-0")));
    NodeClientException e = failure(client.nodeInfo(endpoint("db-dc1-r1-0", agent, CA)));
    assertThat(e.kind()).isEqualTo(NodeClientException.Kind.UNREACHABLE);
    assertThat(e.node()).isEqualTo("db-dc1-r1-0");
    assertThat(e.getMessage()).startsWith("db-dc1-r1-0: ").contains("agent not trusted")
        .contains("not trusted by the CA of Secret db-dc1-r1-0-tls key ca.crt");
    assertThat(agent.authorizations()).isEmpty();
  }

  @Test
  void anAgentShowingAnotherNodesCertificateIsNotAnsweringAndNeverGetsTheToken() throws Exception {
    FakeHttpsAgent agent = agent(CA.issue("db-dc1-r1-1", nameOf("db-dc1-r1-1")));
    NodeClientException e = failure(client.nodeInfo(endpoint("db-dc1-r1-0", agent, CA)));
    assertThat(e.kind()).isEqualTo(NodeClientException.Kind.UNREACHABLE);
    assertThat(e.getMessage()).contains("does not name " + nameOf("db-dc1-r1-0"));
    assertThat(agent.authorizations()).isEmpty();
  }

  @Test
  void anAgentWithAnExpiredCertificateIsNotAnswering() throws Exception {
    Instant now = Instant.now();
    FakeHttpsAgent agent = agent(CA.issue("db-dc1-r1-0", now.minus(Duration.ofDays(3)), now.minus(Duration.ofDays(1)),
        nameOf("db-dc1-r1-0")));
    NodeClientException e = failure(client.nodeInfo(endpoint("db-dc1-r1-0", agent, CA)));
    assertThat(e.kind()).isEqualTo(NodeClientException.Kind.UNREACHABLE);
    assertThat(e.getMessage()).contains("expired on");
  }

  @Test
  void aPlainHttpClientIsRefusedByAnHttpsAgent() throws Exception {
    FakeHttpsAgent agent = agent(CA.issue("db-dc1-r1-0", nameOf("db-dc1-r1-0")));
    NodeEndpoint plain = new NodeEndpoint("db-dc1-r1-0", "127.0.0.1", agent.port(), new AgentToken(TOKEN));
    assertThat(failure(client.nodeInfo(plain)).kind()).isIn(NodeClientException.Kind.UNREACHABLE,
        NodeClientException.Kind.ERROR, NodeClientException.Kind.TIMEOUT);
    assertThat(agent.authorizations()).isEmpty();
  }

  @Test
  void anHttpsCallToAnAgentServingPlainHttpFailsSayingSo() throws Exception {
    com.sun.net.httpserver.HttpServer plain = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress("127.0.0.1", 0), 5);
    java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
    plain.createContext("/", exchange -> {
      requests.incrementAndGet();
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    plain.start();
    try {
      NodeEndpoint node = new NodeEndpoint("db-dc1-r1-0", "127.0.0.1", plain.getAddress().getPort(),
          new AgentToken(TOKEN), new NodeTls(CA.pem(), nameOf("db-dc1-r1-0"), "Secret db-dc1-r1-0-tls key ca.crt"));
      NodeClientException e = failure(client.nodeInfo(node));
      assertThat(e.kind()).isEqualTo(NodeClientException.Kind.UNREACHABLE);
      // the JDK's HttpServer waits for a request line that never comes: the handshake times out
      assertThat(e.getMessage()).contains("db-dc1-r1-0")
          .containsAnyOf("TLS failed", "connection lost", "connect timed out");
      assertThat(requests.get()).isZero();
    } finally {
      plain.stop(0);
    }
  }

  @Test
  void aNodeWithoutItsCaBundleIsNotContacted() throws Exception {
    FakeHttpsAgent agent = agent(CA.issue("db-dc1-r1-0", nameOf("db-dc1-r1-0")));
    NodeEndpoint missing = new NodeEndpoint("db-dc1-r1-0", "127.0.0.1", agent.port(), new AgentToken(TOKEN),
        NodeTls.missing(nameOf("db-dc1-r1-0"), "its TLS Secret db-dc1-r1-0-tls does not exist (yet)"));
    NodeClientException e = failure(client.nodeInfo(missing));
    assertThat(e.kind()).isEqualTo(NodeClientException.Kind.UNREACHABLE);
    assertThat(e.getMessage()).contains("not contacted").contains("db-dc1-r1-0-tls does not exist");
    NodeEndpoint garbage = new NodeEndpoint("db-dc1-r1-0", "127.0.0.1", agent.port(), new AgentToken(TOKEN),
        new NodeTls("not a certificate", nameOf("db-dc1-r1-0"), "Secret db-dc1-r1-0-tls key ca.crt"));
    assertThat(failure(client.nodeInfo(garbage)).getMessage()).contains("not contacted")
        .contains("Secret db-dc1-r1-0-tls key ca.crt");
    assertThat(agent.authorizations()).isEmpty();
  }

  @Test
  void oneHttpClientServesEveryNodeOfACaBundle() throws Exception {
    List<NodeEndpoint> nodes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String node = "db-dc1-r1-" + i;
      nodes.add(endpoint(node, agent(CA.issue(node, nameOf(node))), CA));
    }
    Ca other = TestCertificates.ca("other-ca");
    NodeEndpoint otherCluster = endpoint("other-dc1-r1-0", agent(other.issue("x", nameOf("other-dc1-r1-0"))), other);
    for (int round = 0; round < 3; round++) {
      for (NodeEndpoint node : nodes) {
        assertThat(client.nodeInfo(node).get(10, TimeUnit.SECONDS).hostId()).isEqualTo("h1");
      }
      assertThat(client.nodeInfo(otherCluster).get(10, TimeUnit.SECONDS).hostId()).isEqualTo("h1");
    }
    assertThat(client.tlsClientCount()).isEqualTo(2);
    assertThat(client.httpClientFor(nodes.get(0))).isSameAs(client.httpClientFor(nodes.get(2)))
        .isNotSameAs(client.httpClientFor(otherCluster));
    NodeEndpoint plain = new NodeEndpoint("p", "127.0.0.1", 1, new AgentToken(TOKEN));
    assertThat(client.httpClientFor(plain)).isNotSameAs(client.httpClientFor(nodes.get(0)));
  }

  @Test
  void aPollerSeesANodeWithAnUntrustedCertificateAsNotAnswering() throws Exception {
    FakeHttpsAgent good = agent(CA.issue("db-dc1-r1-0", nameOf("db-dc1-r1-0")));
    FakeHttpsAgent bad = agent(CA.issue("db-dc1-r1-9", nameOf("db-dc1-r1-9")));
    ClusterKey cluster = new ClusterKey(NS, "db");
    try (NodePoller poller = new NodePoller(client, Duration.ofHours(1), Duration.ofSeconds(8), 4,
        Clock.systemUTC())) {
      poller.track(cluster, List.of(endpoint("db-dc1-r1-0", good, CA), endpoint("db-dc1-r1-1", bad, CA)));
      await().atMost(Duration.ofSeconds(15)).until(() -> poller.observations(cluster).size() == 2);
      NodeObservation trusted = poller.observations(cluster).get("db-dc1-r1-0");
      NodeObservation refused = poller.observations(cluster).get("db-dc1-r1-1");
      assertThat(trusted.answeredNow()).isTrue();
      assertThat(refused.answeredNow()).isFalse();
      assertThat(refused.failure()).isEqualTo(NodeClientException.Kind.UNREACHABLE);
      assertThat(refused.failureMessage()).contains("does not name " + nameOf("db-dc1-r1-1"));
    }
  }

  @Test
  void theEndpointOfAnHttpsNodeNamesNoCaInItsText() {
    NodeTls tls = new NodeTls(CA.pem(), nameOf("a"), "Secret a-tls key ca.crt");
    assertThat(tls.toString()).doesNotContain("BEGIN").contains(nameOf("a"));
    assertThatThrownBy(() -> new NodeTls(null, " ", "x")).isInstanceOf(IllegalArgumentException.class);
  }
}
