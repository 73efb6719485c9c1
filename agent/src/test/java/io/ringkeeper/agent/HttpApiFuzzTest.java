package io.ringkeeper.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random requests against the agent's real HTTP server, over plain HTTP and over HTTPS (tlsDir), with no
 * Cassandra in this JVM (as every unit test of the agent: data endpoints answer 503 "starting"): random and malformed
 * JSON bodies to every POST and PUT route, bodies over maxBodyBytes, bad paths and methods, with and without the
 * token, malformed request lines and headers written on a raw socket, and slow or vanishing clients. Every answer is
 * a status with a JSON error (never a stack trace), and after every case the agent still answers a good request.
 * The default seed is fixed, so a run is repeatable; try others with {@code -Dringkeeper.fuzz.seed=N}.
 */
class HttpApiFuzzTest {
  private static final String TOKEN = "fuzz-token";
  private static final int MAX_BODY = 4096;
  private static final int REQUESTS = Integer.getInteger("ringkeeper.fuzz.requests", 400);
  private static final int RAW_CASES = Integer.getInteger("ringkeeper.fuzz.raw", 120);
  private static final long DEFAULT_SEED = 15;
  private static final String[] POST_PATHS = {"/v1/access", "/v1/ops/repair", "/v1/ops/cleanup", "/v1/ops/rebuild",
      "/v1/ops/drain", "/v1/ops/compact", "/v1/ops/nope", "/v1/settings/compaction-throughput"};
  private static final String[] PATHS = {"/v1/access", "/v1/ops/repair", "/v1/ops/cleanup", "/v1/ops/rebuild",
      "/v1/ops/drain", "/v1/node", "/v1/jobs", "/v1/jobs/x", "/v1/settings/compaction-throughput", "/v1/keyspaces",
      "/v1/metrics", "/v1", "/", "/v1/access/extra", "/v1/ops/", "/../../etc/passwd", "/v1/%00", "/v1/jobs/%2e%2e",
      "/healthz", "/readyz", "/v1//node", "/v1/node?x=" + "y".repeat(3000), "/%ff%fe", "/v1/jobs/" + "j".repeat(2000)};
  private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE",
      "PROPFIND", "X"};

  @TempDir Path dir;
  private Agent agent;
  private HttpClient http;
  private SSLContext clientTls;
  private String base;
  private final Map<String, AtomicLong> counts = new TreeMap<>();
  private final Map<Integer, AtomicLong> statuses = new TreeMap<>();
  private final Map<String, Long> slowest = new TreeMap<>();

  private void start(boolean tls) throws Exception {
    Path token = dir.resolve("token");
    Files.writeString(token, TOKEN + "\n");
    Path tlsDir = null;
    // Over HTTPS the connect timeout covers the TLS handshake, which waits for a free worker thread: as long as
    // slow clients hold both, that is up to Agent.MAX_REQUEST_SECONDS.
    HttpClient.Builder client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(Agent.MAX_REQUEST_SECONDS * 3));
    if (tls) {
      TestCerts.Issued ca = TestCerts.ca("fuzz-ca");
      tlsDir = dir.resolve("tls");
      TestCerts.writeDir(tlsDir, ca, TestCerts.node(ca, "n0", List.of("n0", "127.0.0.1"), true, Duration.ofDays(1)));
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", ca.certificate);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      clientTls = SSLContext.getInstance("TLS");
      clientTls.init(null, tmf.getTrustManagers(), null);
      client.sslContext(clientTls);
    }
    agent = Agent.start(new AgentConfig("127.0.0.1", 0, token, MAX_BODY, 2, tlsDir, 10));
    base = (tls ? "https" : "http") + "://127.0.0.1:" + agent.address().getPort();
    http = client.build();
  }

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.stop();
    }
  }

  private void count(String what) {
    counts.computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
  }

  private static String randomJson(Random random, int depth) {
    switch (depth > 4 ? random.nextInt(4) : random.nextInt(8)) {
      case 0:
        return Long.toString(random.nextLong());
      case 1:
        return random.nextBoolean() ? "null" : (random.nextBoolean() ? "true" : "1e" + random.nextInt(999));
      case 2:
        return "\"" + "\\u00" + Integer.toHexString(random.nextInt(256)) + "\"";
      case 3:
        return "\"" + "\\ud800".repeat(random.nextInt(3)) + "x\"";
      case 4:
      case 5: {
        StringBuilder out = new StringBuilder("{");
        int n = random.nextInt(4);
        String[] keys = {"roles", "as", "keyspace", "tables", "mibPerSecond", "name", "password", "superuser", "login",
            "replication", "keyspaces", "factors", "disableDefault", "", "\u0000"};
        for (int i = 0; i < n; i++) {
          out.append(i == 0 ? "" : ",").append('"').append(keys[random.nextInt(keys.length)]).append("\":")
              .append(randomJson(random, depth + 1));
        }
        return out.append('}').toString();
      }
      default: {
        StringBuilder out = new StringBuilder("[");
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
          out.append(i == 0 ? "" : ",").append(randomJson(random, depth + 1));
        }
        return out.append(']').toString();
      }
    }
  }

  /** A body and the name of its kind (for the counts). */
  private static String[] randomBody(Random random) {
    switch (random.nextInt(12)) {
      case 0:
        return new String[] {"empty", ""};
      case 1:
        return new String[] {"unclosed", "{".repeat(1 + random.nextInt(200))};
      case 2:
        return new String[] {"deep", "[".repeat(40 + random.nextInt(2000)) + "]".repeat(40)};
      case 3:
        return new String[] {"long-name",
            "{\"roles\":[{\"name\":\"" + "a".repeat(random.nextInt(300)) + "\",\"password\":\"p\"}]}"};
      case 4:
        return new String[] {"wrong-types", "{\"roles\":[{\"name\":\"x\",\"password\":" + random.nextLong()
            + "}],\"as\":null}"};
      case 5:
        return new String[] {"over-limit", "x".repeat(MAX_BODY + 1 + random.nextInt(3 * MAX_BODY))};
      case 6: {
        byte[] bytes = new byte[random.nextInt(512)];
        random.nextBytes(bytes);
        return new String[] {"random-bytes", new String(bytes, StandardCharsets.ISO_8859_1)};
      }
      case 7:
        return new String[] {"huge-number",
            "{\"replication\":{\"keyspaces\":[\"system_auth\"],\"factors\":{\"dc1\":1e400}},\"as\":\"a\"}"};
      case 8:
        return new String[] {"nul-escapes",
            "{\"keyspace\":\"" + "\\u0000".repeat(random.nextInt(20)) + "\",\"tables\":[1,{},null]}"};
      case 9: {
        String json = randomJson(random, 0);
        // cut it somewhere: mostly malformed
        return new String[] {"truncated-json", json.substring(0, random.nextInt(json.length() + 1))};
      }
      default:
        return new String[] {"random-json", randomJson(random, 0)};
    }
  }

  @ParameterizedTest(name = "tls={0}")
  @ValueSource(booleans = {false, true})
  void randomRequestsAlwaysGetAJsonErrorOrAnswerAndNeverStopTheAgent(boolean tls) throws Exception {
    start(tls);
    long seed = Long.getLong("ringkeeper.fuzz.seed", DEFAULT_SEED);
    Random random = new Random(seed);
    for (int i = 0; i < REQUESTS; i++) {
      boolean post = random.nextInt(3) > 0;
      String path = post ? POST_PATHS[random.nextInt(POST_PATHS.length)] : PATHS[random.nextInt(PATHS.length)];
      String method = post ? (path.contains("settings") && random.nextBoolean() ? "PUT" : "POST")
          : METHODS[random.nextInt(METHODS.length)];
      String[] body = randomBody(random);
      count("body:" + body[0]);
      String where = "seed " + seed + " case " + i + ": " + method + " " + path + " (" + body[0] + ")";
      HttpRequest.Builder request;
      try {
        request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
      } catch (IllegalArgumentException clientRefusesThePath) {
        count("path-refused-by-client");
        continue;
      }
      switch (random.nextInt(5)) {
        case 0:
          count("auth:none");
          break;
        case 1:
          count("auth:wrong");
          request.header("Authorization", random.nextBoolean() ? "Bearer wrong" : "Basic " + TOKEN);
          break;
        default:
          count("auth:ok");
          request.header("Authorization", "Bearer " + TOKEN);
      }
      if (random.nextInt(4) == 0) {
        request.header("Content-Type", random.nextBoolean() ? "text/plain; charset=\u00ff" : "application/json");
        request.header("X-" + random.nextInt(1000), "v".repeat(random.nextInt(4000)));
      }
      request.method(method, method.equals("GET") || method.equals("HEAD") ? HttpRequest.BodyPublishers.noBody()
          : HttpRequest.BodyPublishers.ofString(body[1], StandardCharsets.ISO_8859_1));
      HttpResponse<String> response;
      long sent = System.nanoTime();
      try {
        response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        long ms = (System.nanoTime() - sent) / 1_000_000;
        slowest.merge(body[0] + "/" + method + "/" + response.statusCode(), ms, Math::max);
      } catch (IOException closedEarly) {
        // The agent may close the connection on a body over its limit before reading it all: allowed.
        assertThat(body[1].length()).as(where + ": " + closedEarly).isGreaterThan(MAX_BODY);
        count("closed-on-big-body");
        assertGoodRequestAnswered(where);
        continue;
      }
      statuses.computeIfAbsent(response.statusCode(), k -> new AtomicLong()).incrementAndGet();
      assertThat(response.statusCode()).as(where).isBetween(200, 599);
      assertThat(response.body()).as(where + ": no stack trace").doesNotContain("\tat ", "Exception:");
      if (response.statusCode() >= 400 && !method.equals("HEAD") && !response.body().isEmpty()) {
        assertThat(response.body()).as(where).startsWith("{\"error\":");
      }
      if (body[0].equals("over-limit") && !method.equals("GET") && !method.equals("HEAD")
          && response.statusCode() != 401 && response.statusCode() != 404 && response.statusCode() != 405) {
        assertThat(response.statusCode()).as(where + ": a body over maxBodyBytes").isEqualTo(413);
      }
      assertGoodRequestAnswered(where);
    }
    assertThat(statuses).containsKeys(400, 401, 404, 405, 413);
    System.out.println("HttpApiFuzzTest tls=" + tls + " seed " + seed + ": " + REQUESTS + " requests, statuses "
        + statuses + ", kinds " + counts + ", slowest answer (ms) by body/method/status " + slowest);
  }

  /** Request lines and headers no well-behaved client sends, written on a raw (TLS) socket. */
  private static String rawRequest(Random random) {
    String auth = "Authorization: Bearer " + TOKEN + "\r\n";
    switch (random.nextInt(12)) {
      case 0:
        return "GARBAGE\r\n\r\n";
      case 1:
        return "GET /v1/node\r\n\r\n"; // HTTP/0.9 style
      case 2:
        return "GET /v1/node HTTP/1.1\r\nno colon here\r\n" + auth + "\r\n";
      case 3:
        return "GET /v1/node HTTP/1.1\r\nX-Big: " + "b".repeat(20_000 + random.nextInt(100_000)) + "\r\n" + auth
            + "\r\n";
      case 4:
        return "POST /v1/access HTTP/1.1\r\n" + auth + "Content-Length: abc\r\n\r\n{}";
      case 5:
        return "POST /v1/access HTTP/1.1\r\n" + auth + "Content-Length: -5\r\n\r\n{}";
      case 6:
        return "POST /v1/access HTTP/1.1\r\n" + auth + "Content-Length: 99999999999999999999\r\n\r\n{}";
      case 7:
        return "POST /v1/access HTTP/1.1\r\n" + auth + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n";
      case 8:
        return "POST /v1/access HTTP/1.1\r\n" + auth + "Transfer-Encoding: chunked\r\n\r\n"
            + "1000\r\n" + "x".repeat(4096) + "\r\n1000\r\n" + "x".repeat(4096) + "\r\n0\r\n\r\n";
      case 9:
        return "GET /v1/node HTTP/1.1\r\nAuthorization: Bearer " + TOKEN + "\u0000\u00ff\r\n\r\n";
      case 10: {
        StringBuilder many = new StringBuilder("GET /v1/node HTTP/1.1\r\n");
        for (int i = 0; i < 2000; i++) {
          many.append("X-").append(i).append(": ").append(i).append("\r\n");
        }
        return many.append(auth).append("\r\n").toString();
      }
      default:
        return "GET /" + "a/".repeat(5000 + random.nextInt(20000)) + " HTTP/1.1\r\n" + auth + "\r\n";
    }
  }

  private Socket connect() throws IOException {
    Socket plain = new Socket();
    plain.connect(new InetSocketAddress("127.0.0.1", agent.address().getPort()), 5000);
    if (clientTls == null) {
      return plain;
    }
    SSLSocket s = (SSLSocket) clientTls.getSocketFactory().createSocket(plain, "127.0.0.1",
        agent.address().getPort(), true);
    s.startHandshake();
    return s;
  }

  /** The answer's first line, or "" when the agent closed the connection without one. */
  private static String firstLine(Socket s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      s.setSoTimeout(20_000);
      InputStream in = s.getInputStream();
      int b;
      while ((b = in.read()) >= 0 && b != '\n' && out.size() < 200) {
        out.write(b);
      }
    } catch (IOException closed) {
      // reset or closed: no answer
    }
    return out.toString(StandardCharsets.ISO_8859_1).trim();
  }

  @ParameterizedTest(name = "tls={0}")
  @ValueSource(booleans = {false, true})
  void malformedRequestLinesAndHeadersGetAnErrorOrAClosedConnection(boolean tls) throws Exception {
    start(tls);
    long seed = Long.getLong("ringkeeper.fuzz.seed", DEFAULT_SEED);
    Random random = new Random(seed);
    for (int i = 0; i < RAW_CASES; i++) {
      String request = rawRequest(random);
      String where = "seed " + seed + " raw case " + i + ": " + request.substring(0, Math.min(60, request.length()));
      String line;
      try (Socket s = connect()) {
        OutputStream out = s.getOutputStream();
        try {
          out.write(request.getBytes(StandardCharsets.ISO_8859_1));
          out.flush();
        } catch (IOException closedWhileWriting) {
          // the agent gave up on a huge request line or header
        }
        line = firstLine(s);
      }
      if (line.isEmpty()) {
        count("raw:closed");
      } else {
        assertThat(line).as(where).matches("HTTP/1\\.1 [1-5][0-9][0-9].*");
        count("raw:" + line.substring(9, 12));
        assertThat(line).as(where + ": malformed input is the client's fault, never a 500").doesNotStartWith("HTTP/1.1 500");
      }
      assertGoodRequestAnswered(where);
    }
    System.out.println("HttpApiFuzzTest tls=" + tls + " seed " + seed + ": " + RAW_CASES + " raw requests, " + counts);
  }

  /**
   * A client the agent must cut off: it connects (over TLS: the handshake is done by a worker thread too, so it may
   * be the moment it is cut off) and then does something slow; the result is the milliseconds until the agent closed
   * the connection.
   */
  private Callable<Long> slowClient(String kind) {
    return () -> {
      long started = System.nanoTime();
      try {
        if (kind.equals("silent-tcp")) {
          try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", agent.address().getPort()), 2000);
            s.setSoTimeout((int) (Agent.MAX_REQUEST_SECONDS + 30) * 1000);
            assertThat(s.getInputStream().read()).as("the agent sends nothing to a silent client").isEqualTo(-1);
          }
        } else {
          try (Socket s = connect()) {
            if (kind.equals("partial-body")) {
              OutputStream out = s.getOutputStream();
              out.write(("POST /v1/access HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
                  + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"ro").getBytes(
                  StandardCharsets.US_ASCII));
              out.flush();
              s.setSoTimeout((int) (Agent.MAX_REQUEST_SECONDS + 30) * 1000);
              assertThat(s.getInputStream().read()).as("no answer to a request never completed").isEqualTo(-1);
            } else {
              drip(s, "GET /v1/jobs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN + "\r\nX-Pad: "
                  + "p".repeat(20) + "\r\n\r\n");
            }
          }
        }
      } catch (IOException cutOff) {
        // reset by the agent (also during the TLS handshake)
      }
      return (System.nanoTime() - started) / 1_000_000;
    };
  }

  @ParameterizedTest(name = "tls={0}")
  @ValueSource(booleans = {false, true})
  void slowAndVanishingClientsDoNotStopOthers(boolean tls) throws Exception {
    start(tls);
    ExecutorService clients = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "fuzz-slow-client");
      t.setDaemon(true);
      return t;
    });
    try {
      // More slow clients than the agent has threads: headers announcing a body never sent, a connection that sends
      // nothing at all (not even a TLS handshake), and requests sent one byte per second (they would take 60 s).
      List<String> kinds = List.of("partial-body", "partial-body", "silent-tcp", "one-byte-per-second",
          "one-byte-per-second");
      List<Future<Long>> slow = new ArrayList<>();
      for (String kind : kinds) {
        slow.add(clients.submit(slowClient(kind)));
      }
      Thread.sleep(500);
      // One that vanishes mid-request.
      clients.submit(() -> {
        try (Socket gone = connect()) {
          gone.getOutputStream().write("GET /v1/no".getBytes(StandardCharsets.US_ASCII));
        }
        return null;
      });
      // Answered once the agent closes the slow connections (Agent.MAX_REQUEST_SECONDS after they connected).
      // A probe that is cut off with them (over TLS a handshake waiting for a worker thread can be) is retried, as
      // the kubelet does on its next period.
      long started = System.nanoTime();
      int attempts = 0;
      int status = 0;
      while (status != 200 && System.nanoTime() - started < TimeUnit.SECONDS.toNanos(Agent.MAX_REQUEST_SECONDS * 4)) {
        attempts++;
        try {
          status = healthz();
        } catch (IOException cutOffWithTheSlowOnes) {
          Thread.sleep(100);
        }
      }
      assertThat(status).isEqualTo(200);
      double healthzSeconds = (System.nanoTime() - started) / 1e9;
      HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/access"))
          .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(40))
          .POST(HttpRequest.BodyPublishers.ofString("{\"roles\":1}")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).isEqualTo(400);
      StringBuilder cut = new StringBuilder();
      for (int i = 0; i < kinds.size(); i++) {
        long ms = slow.get(i).get(Agent.MAX_REQUEST_SECONDS * 4, TimeUnit.SECONDS);
        assertThat(ms).as(kinds.get(i) + " is disconnected by the agent")
            .isLessThan((Agent.MAX_REQUEST_SECONDS + 10) * 1000);
        cut.append(String.format(" %s %.1f s", kinds.get(i), ms / 1e3));
      }
      System.out.printf("HttpApiFuzzTest tls=%s: healthz answered after %.1f s (%d attempts) while %d slow clients held "
          + "the agent's 2 threads; they were cut off after:%s%n", tls, healthzSeconds, attempts, kinds.size(), cut);
      assertThat(healthzSeconds).isLessThan(Agent.MAX_REQUEST_SECONDS + 10);
      assertGoodRequestAnswered("the slow clients");
    } finally {
      clients.shutdownNow();
    }
  }

  /** Writes one byte per second until the agent closes the connection; the milliseconds that took. */
  private static long drip(Socket s, String request) throws Exception {
    long started = System.nanoTime();
    byte[] bytes = request.getBytes(StandardCharsets.US_ASCII);
    try {
      OutputStream out = s.getOutputStream();
      s.setSoTimeout(1000);
      InputStream in = s.getInputStream();
      for (byte b : bytes) {
        out.write(b);
        out.flush();
        try {
          if (in.read() < 0) {
            break; // closed by the agent
          }
          throw new AssertionError("the agent answered a request it had not fully received");
        } catch (java.net.SocketTimeoutException stillOpen) {
          // one second passed, the connection is still open: next byte
        }
      }
    } catch (IOException closed) {
      // reset by the agent
    }
    return (System.nanoTime() - started) / 1_000_000;
  }

  private void assertGoodRequestAnswered(String after) throws Exception {
    long sent = System.nanoTime();
    HttpResponse<String> ok = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/jobs"))
        .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(40)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(ok.statusCode()).as("a good request after " + after).isEqualTo(200);
    assertThat(ok.body()).isEqualTo("[]");
    long ms = (System.nanoTime() - sent) / 1_000_000;
    if (ms > 1000) {
      System.out.println("HttpApiFuzzTest: a good request took " + ms + " ms after " + after);
    }
  }

  private int healthz() throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).timeout(Duration.ofSeconds(40)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
