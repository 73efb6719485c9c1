package io.ringkeeper.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random requests against the agent's HTTP layer (no Cassandra in this JVM): malformed and deeply nested
 * JSON, bodies over the limit, random bytes, bad paths and methods, with and without the token, and slow or
 * vanishing clients. Every answer is a status with a JSON error (never a stack trace), and the agent keeps
 * answering its probes. Rerun one sequence with {@code -Dringkeeper.fuzz.seed=N}.
 */
class HttpApiFuzzTest {
  private static final String TOKEN = "fuzz-token";
  private static final int REQUESTS = 600;
  private static final String[] PATHS = {"/v1/access", "/v1/ops/repair", "/v1/ops/cleanup", "/v1/ops/rebuild",
      "/v1/ops/drain", "/v1/node", "/v1/jobs", "/v1/jobs/x", "/v1/settings/compaction-throughput", "/v1/keyspaces",
      "/v1/metrics", "/v1", "/", "/v1/access/extra", "/v1/ops/", "/../../etc/passwd", "/v1/%00", "/v1/jobs/%2e%2e"};
  private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"};

  @TempDir Path dir;
  private Agent agent;
  private HttpClient http;
  private String base;

  @BeforeEach
  void start() throws IOException {
    Path token = dir.resolve("token");
    Files.writeString(token, TOKEN + "\n");
    agent = Agent.start(new AgentConfig("127.0.0.1", 0, token, 4096, 2));
    base = "http://127.0.0.1:" + agent.address().getPort();
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  @AfterEach
  void stop() {
    agent.stop();
  }

  private static String randomBody(Random random) {
    switch (random.nextInt(9)) {
      case 0:
        return "";
      case 1:
        return "{".repeat(1 + random.nextInt(200));
      case 2:
        return "[".repeat(40) + "]".repeat(40);
      case 3:
        return "{\"roles\":[{\"name\":\"" + "a".repeat(random.nextInt(300)) + "\",\"password\":\"p\"}]}";
      case 4:
        return "{\"roles\":[{\"name\":\"x\",\"password\":" + random.nextLong() + "}],\"as\":null}";
      case 5:
        return "x".repeat(5000 + random.nextInt(5000)); // over the 4096-byte limit
      case 6: {
        byte[] bytes = new byte[random.nextInt(512)];
        random.nextBytes(bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
      }
      case 7:
        return "{\"replication\":{\"keyspaces\":[\"system_auth\"],\"factors\":{\"dc1\":1e400}},\"as\":\"a\"}";
      default:
        return "{\"keyspace\":\"" + "\\u0000".repeat(random.nextInt(20)) + "\",\"tables\":[1,{},null]}";
    }
  }

  @Test
  void randomRequestsAlwaysGetAJsonErrorOrAnswerAndNeverStopTheAgent() throws Exception {
    long seed = Long.getLong("ringkeeper.fuzz.seed", System.nanoTime());
    System.out.println("HttpApiFuzzTest seed " + seed + " (rerun with -Dringkeeper.fuzz.seed=" + seed + ")");
    Random random = new Random(seed);
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < REQUESTS; i++) {
      String path = PATHS[random.nextInt(PATHS.length)];
      String method = METHODS[random.nextInt(METHODS.length)];
      String body = randomBody(random);
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
      if (random.nextInt(4) > 0) {
        request.header("Authorization", "Bearer " + (random.nextInt(5) == 0 ? "wrong" : TOKEN));
      }
      request.method(method, method.equals("GET") || method.equals("HEAD") ? HttpRequest.BodyPublishers.noBody()
          : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.ISO_8859_1));
      HttpResponse<String> response;
      try {
        response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      } catch (IOException closedEarly) {
        // The agent may close the connection on a body over its limit before reading it all: allowed.
        assertThat(body.length()).as("seed " + seed + ": " + method + " " + path).isGreaterThan(4096);
        continue;
      }
      statuses.add(response.statusCode());
      assertThat(response.statusCode()).as("seed " + seed + ": " + method + " " + path).isBetween(200, 599);
      assertThat(response.body()).as("seed " + seed + ": no stack trace").doesNotContain("\tat ", "Exception:");
      if (response.statusCode() >= 400 && !method.equals("HEAD") && !response.body().isEmpty()) {
        assertThat(response.body()).as("seed " + seed + ": " + method + " " + path).startsWith("{\"error\":");
      }
    }
    assertThat(statuses).contains(400, 401, 404, 405);
    assertThat(healthz()).isEqualTo(200);
  }

  @Test
  void slowAndVanishingClientsDoNotStopOthers() throws Exception {
    List<Socket> slow = new ArrayList<>();
    try {
      // More slow clients than the agent has threads: each sent headers announcing a body it never sends.
      for (int i = 0; i < 4; i++) {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", agent.address().getPort()), 2000);
        OutputStream out = s.getOutputStream();
        out.write(("POST /v1/access HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
            + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"ro").getBytes(
            StandardCharsets.US_ASCII));
        out.flush();
        slow.add(s);
      }
      // One that vanishes mid-request.
      try (Socket gone = new Socket("127.0.0.1", agent.address().getPort())) {
        gone.getOutputStream().write("GET /v1/no".getBytes(StandardCharsets.US_ASCII));
      }
      // Freed once the agent closes the slow connections (Agent.MAX_REQUEST_SECONDS).
      long started = System.nanoTime();
      assertThat(healthz()).isEqualTo(200);
      System.out.printf("healthz answered %.1f s after 4 slow clients took the agent's 2 threads%n",
          (System.nanoTime() - started) / 1e9);
      HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/access"))
          .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(40))
          .POST(HttpRequest.BodyPublishers.ofString("{\"roles\":1}")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).isEqualTo(400);
    } finally {
      for (Socket s : slow) {
        s.close();
      }
    }
  }

  private int healthz() throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).timeout(Duration.ofSeconds(40)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
