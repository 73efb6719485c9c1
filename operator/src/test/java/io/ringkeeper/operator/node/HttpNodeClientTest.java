package io.ringkeeper.operator.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpConnectTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * HttpNodeClient against a local HTTP server that answers like the agent (or misbehaves on purpose):
 * every failure mapping, the request it sends, and its concurrency bound. No Cassandra here; the agent
 * itself is exercised against real nodes in local/.
 */
class HttpNodeClientTest {
  private static final AgentToken TOKEN = new AgentToken("t0ken");

  private HttpServer server;
  private final Map<String, Handler> routes = new ConcurrentHashMap<>();
  private final AtomicReference<Recorded> last = new AtomicReference<>();
  private HttpNodeClient client;
  private NodeEndpoint endpoint;

  interface Handler {
    void handle(HttpExchange exchange) throws Exception;
  }

  record Recorded(String method, String path, String authorization, String body) {}

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
    server.setExecutor(Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r);
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/", exchange -> {
      try (exchange) {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        last.set(new Recorded(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
            exchange.getRequestHeaders().getFirst("Authorization"), body));
        Handler handler = routes.get(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath());
        if (handler == null) {
          respond(exchange, 404, "{\"error\":\"no endpoint\"}");
        } else {
          handler.handle(exchange);
        }
      } catch (Exception e) {
        // the test's handler failed; the client sees the connection close
      }
    });
    server.start();
    endpoint = new NodeEndpoint("node-a", "127.0.0.1", server.getAddress().getPort(), TOKEN);
    client = new HttpNodeClient(Duration.ofMillis(500), Duration.ofMillis(800), 4);
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  static void respond(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private NodeClientException failure(CompletableFuture<?> future) {
    assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
    try {
      future.get();
      throw new AssertionError("expected a failure");
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(NodeClientException.class);
      return (NodeClientException) e.getCause();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void readsNodeInfoAndSendsTheBearerToken() throws Exception {
    routes.put("GET /v1/node", ex -> respond(ex, 200, """
        {"operationMode":"NORMAL","hostId":"h1","endpoint":"10.0.0.1","datacenter":"dc1","rack":"r1",
         "releaseVersion":"5.0.9","nativeTransportRunning":true,"gossipRunning":true,
         "tokens":["-9223372036854775808","42"],"loadBytes":1234,
         "liveNodes":["10.0.0.1","10.0.0.2"],"unreachableNodes":["10.0.0.3"],"joiningNodes":[],
         "leavingNodes":[],"movingNodes":[],
         "ring":{"-9223372036854775808":"10.0.0.1","0":"10.0.0.2","42":"10.0.0.1"},
         "endpointDatacenters":{"10.0.0.1":"dc1","10.0.0.2":"dc1"},"endpointRacks":{"10.0.0.1":"r1","10.0.0.2":"r2"},
         "hostIds":{"10.0.0.1":"h1","10.0.0.2":"h2"},"maxHintWindowMs":10800000,"uptimeSeconds":77}
        """));
    NodeInfo info = client.nodeInfo(endpoint).get(5, TimeUnit.SECONDS);
    assertThat(info.operationMode()).isEqualTo(OperationMode.NORMAL);
    assertThat(info.tokens()).containsExactly(Long.MIN_VALUE, 42L);
    assertThat(info.ring()).containsEntry(Long.MIN_VALUE, "10.0.0.1").containsEntry(0L, "10.0.0.2").hasSize(3);
    assertThat(info.unreachableNodes()).containsExactly("10.0.0.3");
    assertThat(info.endpointRacks()).containsEntry("10.0.0.2", "r2");
    assertThat(info.maxHintWindowMs()).isEqualTo(10_800_000L);
    assertThat(last.get().authorization()).isEqualTo("Bearer t0ken");
  }

  @Test
  void readsMetricsKeyspacesAndJobs() throws Exception {
    routes.put("GET /v1/metrics", ex -> respond(ex, 200, """
        {"read":{"p50Micros":100.5,"p95Micros":200.0,"p99Micros":300.0,"count":10},
         "write":{"p50Micros":50.0,"p95Micros":60.0,"p99Micros":70.0,"count":20},
         "pendingCompactions":1,"pendingHints":2,"droppedMessages":3,"heapUsedBytes":4,"heapMaxBytes":5,
         "compactionThroughputMibPerSec":64}
        """));
    routes.put("GET /v1/keyspaces", ex -> respond(ex, 200, """
        [{"name":"shop","system":false,"replicationStrategy":"NetworkTopologyStrategy",
          "replicationFactors":{"dc1":3},"tables":["orders"],"minGcGraceSeconds":864000}]
        """));
    routes.put("GET /v1/jobs/repair-1a", ex -> respond(ex, 200, """
        {"id":"repair-1a","kind":"REPAIR","state":"SUCCEEDED","progress":1.0,"message":"done",
         "startedAtMillis":1,"finishedAtMillis":2}
        """));
    NodeMetrics metrics = client.metrics(endpoint).get(5, TimeUnit.SECONDS);
    assertThat(metrics.read()).isEqualTo(new Latency(100.5, 200, 300, 10));
    assertThat(metrics.compactionThroughputMibPerSec()).isEqualTo(64);
    List<KeyspaceInfo> keyspaces = client.keyspaces(endpoint).get(5, TimeUnit.SECONDS);
    assertThat(keyspaces).containsExactly(new KeyspaceInfo("shop", false, "NetworkTopologyStrategy",
        Map.of("dc1", 3), List.of("orders"), 864000));
    JobStatus job = client.job(endpoint, "repair-1a").get(5, TimeUnit.SECONDS);
    assertThat(job.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(job.kind()).isEqualTo(JobKind.REPAIR);
  }

  @Test
  void startJobPostsTheRequestAsTheAgentExpectsIt() throws Exception {
    routes.put("POST /v1/ops/repair", ex -> respond(ex, 202, """
        {"id":"repair-2b","kind":"REPAIR","state":"RUNNING","progress":0.0,"message":"",
         "startedAtMillis":1,"finishedAtMillis":0}
        """));
    JobStatus job = client.startJob(endpoint, JobRequest.repair("shop",
        List.of(new TokenRange(Long.MIN_VALUE, -1), new TokenRange(10, 20)), "PARALLEL")).get(5, TimeUnit.SECONDS);
    assertThat(job.state()).isEqualTo(JobState.RUNNING);
    assertThat(last.get().body()).isEqualTo("{\"keyspace\":\"shop\",\"ranges\":[{\"start\":\"-9223372036854775808\","
        + "\"end\":\"-1\"},{\"start\":\"10\",\"end\":\"20\"}],\"parallelism\":\"PARALLEL\"}");
  }

  @Test
  void everyJobKindHasTheAgentsPath() {
    assertThat(HttpNodeClient.operationPath(JobKind.GARBAGE_COLLECT)).isEqualTo("garbagecollect");
    assertThat(HttpNodeClient.operationPath(JobKind.UPGRADE_SSTABLES)).isEqualTo("upgradesstables");
    assertThat(HttpNodeClient.jobBody(JobRequest.rebuild("dc2")).toString()).isEqualTo("{\"sourceDatacenter\":\"dc2\"}");
    assertThat(HttpNodeClient.jobBody(JobRequest.of(JobKind.DECOMMISSION)).toString()).isEqualTo("{}");
    assertThat(HttpNodeClient.jobBody(JobRequest.onKeyspace(JobKind.COMPACT, "shop", List.of("orders"))).toString())
        .isEqualTo("{\"keyspace\":\"shop\",\"tables\":[\"orders\"]}");
  }

  @Test
  void setCompactionThroughputReturnsThePreviousValue() throws Exception {
    routes.put("PUT /v1/settings/compaction-throughput",
        ex -> respond(ex, 200, "{\"mibPerSecond\":16,\"previousMibPerSecond\":64}"));
    assertThat(client.setCompactionThroughput(endpoint, 16).get(5, TimeUnit.SECONDS)).isEqualTo(64);
    assertThat(last.get().body()).isEqualTo("{\"mibPerSecond\":16}");
    assertThat(failure(client.setCompactionThroughput(endpoint, -1)).kind())
        .isEqualTo(NodeClientException.Kind.REFUSED);
  }

  @Test
  void connectionRefusedIsUnreachable() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      closedPort = socket.getLocalPort();
    }
    NodeEndpoint dead = new NodeEndpoint("node-dead", "127.0.0.1", closedPort, TOKEN);
    NodeClientException e = failure(client.nodeInfo(dead));
    assertThat(e.kind()).isEqualTo(NodeClientException.Kind.UNREACHABLE);
    assertThat(e.node()).isEqualTo("node-dead");
    assertThat(e.getMessage()).contains("cannot connect").doesNotContain("t0ken");
  }

  @Test
  void aConnectTimeoutIsUnreachable() {
    NodeClientException e = HttpNodeClient.classify(endpoint, "GET /v1/node",
        new java.util.concurrent.CompletionException(new HttpConnectTimeoutException("HTTP connect timed out")));
    assertThat(e.kind()).isEqualTo(NodeClientException.Kind.UNREACHABLE);
    assertThat(e.getMessage()).contains("connect timed out");
  }

  @Test
  void aServerThatNeverAnswersIsTimeoutWithinTheCallTimeout() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    routes.put("GET /v1/node", ex -> release.await(30, TimeUnit.SECONDS));
    try {
      long started = System.nanoTime();
      NodeClientException e = failure(client.nodeInfo(endpoint));
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertThat(e.kind()).isEqualTo(NodeClientException.Kind.TIMEOUT);
      // Not a timing assertion on performance: the contract is that the future completes by the deadline.
      assertThat(tookMillis).isLessThan(client.callTimeout().toMillis() + 2000);
    } finally {
      release.countDown();
    }
  }

  @Test
  void settingAccessMayTakeLongerThanAReadBecauseItChangesTheSchema() throws Exception {
    // Seen in CI (SecurityE2E): with the 3 s bound of a read, the access call timed out after doing its work.
    Handler slow = ex -> {
      Thread.sleep(2500); // past this client's read bound of 1.3 s
      respond(ex, 200, "{\"roles\":[{\"name\":\"admin\",\"created\":true}],\"defaultSuperuser\":\"disabled\","
          + "\"keyspaces\":[{\"name\":\"system_auth\",\"changed\":true}]}");
    };
    routes.put("POST /v1/access", slow);
    routes.put("GET /v1/node", slow);
    CompletableFuture<AccessResult> access = client.access(endpoint, new AccessRequest(
        List.of(new AccessRequest.Role("admin", "p", true, true)), true, "admin", List.of("system_auth"),
        Map.of("dc1", 3)));
    assertThat(failure(client.nodeInfo(endpoint)).kind()).isEqualTo(NodeClientException.Kind.TIMEOUT);
    AccessResult result = access.get(NodeClient.SLOW_CALL_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
    assertThat(result.created()).containsExactly("admin");
    assertThat(result.changedKeyspaces()).containsExactly("system_auth");
  }

  @Test
  void anAcceptedConnectionThatIsClosedWithoutAnswerIsUnreachable() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 5, java.net.InetAddress.getByName("127.0.0.1"))) {
      // Every connection is read from and closed without an answer (the client retries a GET once).
      Thread closer = new Thread(() -> {
        while (!socket.isClosed()) {
          try (Socket s = socket.accept(); InputStream in = s.getInputStream()) {
            in.read(new byte[256]);
          } catch (IOException ignored) {
            // the point is to close without an answer
          }
        }
      });
      closer.setDaemon(true);
      closer.start();
      NodeEndpoint crashing = new NodeEndpoint("node-c", "127.0.0.1", socket.getLocalPort(), TOKEN);
      assertThat(failure(client.metrics(crashing)).kind()).isEqualTo(NodeClientException.Kind.UNREACHABLE);
    }
  }

  @Test
  void notFoundIsNotFound() {
    NodeClientException e = failure(client.job(endpoint, "gone-1"));
    assertThat(e.kind()).isEqualTo(NodeClientException.Kind.NOT_FOUND);
    assertThat(e.httpStatus()).isEqualTo(404);
  }

  @Test
  void otherClientErrorsAreRefusedWithTheAgentsMessage() {
    routes.put("POST /v1/ops/cleanup", ex -> respond(ex, 400, "{\"error\":\"unknown keyspace 'nope'\"}"));
    routes.put("GET /v1/metrics", ex -> respond(ex, 401, "{\"error\":\"wrong bearer token\"}"));
    routes.put("POST /v1/ops/decommission", ex -> respond(ex, 409, "{\"error\":\"a DECOMMISSION job is running\"}"));
    NodeClientException bad = failure(client.startJob(endpoint,
        JobRequest.onKeyspace(JobKind.CLEANUP, "nope", List.of())));
    assertThat(bad.kind()).isEqualTo(NodeClientException.Kind.REFUSED);
    assertThat(bad.httpStatus()).isEqualTo(400);
    assertThat(bad.getMessage()).contains("unknown keyspace 'nope'");
    assertThat(failure(client.metrics(endpoint)).kind()).isEqualTo(NodeClientException.Kind.REFUSED);
    assertThat(failure(client.startJob(endpoint, JobRequest.of(JobKind.DECOMMISSION))).getMessage())
        .contains("a DECOMMISSION job is running");
  }

  @Test
  void serverErrorsAndUnreadableAnswersAreErrors() {
    routes.put("GET /v1/metrics", ex -> respond(ex, 500, "{\"error\":\"reading Load failed\"}"));
    routes.put("GET /v1/node", ex -> respond(ex, 503, "{\"error\":\"starting: StorageService\"}"));
    routes.put("GET /v1/keyspaces", ex -> respond(ex, 200, "<html>proxy</html>"));
    routes.put("GET /v1/jobs/x", ex -> respond(ex, 200, "{\"id\":\"x\"}"));
    NodeClientException e500 = failure(client.metrics(endpoint));
    assertThat(e500.kind()).isEqualTo(NodeClientException.Kind.ERROR);
    assertThat(e500.getMessage()).contains("reading Load failed");
    NodeClientException e503 = failure(client.nodeInfo(endpoint));
    assertThat(e503.kind()).isEqualTo(NodeClientException.Kind.ERROR);
    assertThat(e503.httpStatus()).isEqualTo(503);
    assertThat(failure(client.keyspaces(endpoint)).kind()).isEqualTo(NodeClientException.Kind.ERROR);
    NodeClientException missing = failure(client.job(endpoint, "x"));
    assertThat(missing.kind()).isEqualTo(NodeClientException.Kind.ERROR);
    assertThat(missing.getMessage()).contains("missing field");
  }

  @Test
  void aCallWhoseDeadlinePassedWhileWaitingForASlotIsNeverSent() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger hangingCalls = new AtomicInteger();
    AtomicInteger lateCalls = new AtomicInteger();
    Handler hang = ex -> {
      hangingCalls.incrementAndGet();
      release.await(30, TimeUnit.SECONDS);
    };
    routes.put("GET /v1/node", hang);
    routes.put("GET /v1/keyspaces", hang);
    routes.put("GET /v1/metrics", ex -> {
      lateCalls.incrementAndGet();
      respond(ex, 500, "{\"error\":\"should not be called\"}");
    });
    // One slot. The first call holds it until its request times out (600 ms), the second then holds it
    // for another 600 ms, while the third's whole-call deadline (900 ms) passes in the queue.
    HttpNodeClient single = new HttpNodeClient(Duration.ofMillis(300), Duration.ofMillis(600), 1);
    CompletableFuture<NodeInfo> first = single.nodeInfo(endpoint);
    CompletableFuture<List<KeyspaceInfo>> second = single.keyspaces(endpoint);
    CompletableFuture<NodeMetrics> third = single.metrics(endpoint);
    assertThat(failure(third).kind()).isEqualTo(NodeClientException.Kind.TIMEOUT);
    assertThat(failure(first).kind()).isEqualTo(NodeClientException.Kind.TIMEOUT);
    assertThat(failure(second).kind()).isEqualTo(NodeClientException.Kind.TIMEOUT);
    Thread.sleep(1000); // past the second call's request timeout, when the slot frees again
    release.countDown();
    assertThat(hangingCalls.get()).isEqualTo(2);
    assertThat(lateCalls.get()).as("the third call gave up before it got a slot").isZero();
  }

  @Test
  void noMoreThanTheLimitOfRequestsIsInFlight() throws Exception {
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger maxInFlight = new AtomicInteger();
    routes.put("GET /v1/metrics", ex -> {
      int now = inFlight.incrementAndGet();
      maxInFlight.accumulateAndGet(now, Math::max);
      Thread.sleep(50);
      inFlight.decrementAndGet();
      respond(ex, 200, """
          {"read":{"p50Micros":1,"p95Micros":1,"p99Micros":1,"count":1},
           "write":{"p50Micros":1,"p95Micros":1,"p99Micros":1,"count":1},"pendingCompactions":0,"pendingHints":0,
           "droppedMessages":0,"heapUsedBytes":1,"heapMaxBytes":2,"compactionThroughputMibPerSec":64}
          """);
    });
    HttpNodeClient limited = new HttpNodeClient(Duration.ofSeconds(2), Duration.ofSeconds(10), 2);
    List<CompletableFuture<NodeMetrics>> calls = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      calls.add(limited.metrics(endpoint));
    }
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    assertThat(maxInFlight.get()).isBetween(1, 2);
  }
}
