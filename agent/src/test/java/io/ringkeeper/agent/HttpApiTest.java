package io.ringkeeper.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP layer in a JVM without Cassandra: authentication, probes, errors and limits. Without Cassandra's
 * MBeans every data endpoint must answer 503 "starting" (the state of a node whose agent started first).
 * The real-Cassandra behaviour is tested in local/ against running nodes.
 */
class HttpApiTest {
  private static final String TOKEN = "s3cret-token";

  @TempDir Path dir;
  private Path tokenFile;
  private Agent agent;
  private HttpClient http;
  private String base;

  @BeforeEach
  void startAgent() throws IOException {
    tokenFile = dir.resolve("token");
    Files.writeString(tokenFile, TOKEN + "\n");
    agent = Agent.start(new AgentConfig("127.0.0.1", 0, tokenFile, 1024, 2));
    base = "http://127.0.0.1:" + agent.address().getPort();
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterEach
  void stopAgent() {
    agent.stop();
  }

  @Test
  void healthzAnswers200WithoutTokenAndWithoutBody() throws Exception {
    HttpResponse<String> response = send(get("/healthz").build());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEmpty();
  }

  @Test
  void readyzAnswers503WhileCassandraIsNotRunning() throws Exception {
    HttpResponse<String> response = send(get("/readyz").build());
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.body()).isEmpty();
  }

  @Test
  void dataEndpointsAnswer401WithoutTheToken() throws Exception {
    HttpResponse<String> response = send(get("/v1/node").build());
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    assertThat(error(response)).contains("missing bearer token");
  }

  @Test
  void aWrongTokenIs401AndIsNotEchoed() throws Exception {
    HttpResponse<String> response = send(get("/v1/node").header("Authorization", "Bearer guess").build());
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).doesNotContain("guess").doesNotContain(TOKEN);
  }

  @Test
  void theRightTokenPassesAndDataEndpointsSayStartingUntilCassandraRegistersItsMBeans() throws Exception {
    for (String path : new String[] {"/v1/node", "/v1/metrics", "/v1/keyspaces", "/v1/threadpools",
        "/v1/compactions", "/v1/settings/compaction-throughput"}) {
      HttpResponse<String> response = send(authed(get(path)).build());
      assertThat(response.statusCode()).as(path).isEqualTo(503);
      assertThat(error(response)).as(path).startsWith("starting");
    }
    HttpResponse<String> ops = send(authed(post("/v1/ops/compact", "{}")).build());
    assertThat(ops.statusCode()).isEqualTo(503);
  }

  @Test
  void aRotatedTokenFileTakesEffectWithoutRestart() throws Exception {
    Files.writeString(tokenFile, "new-token");
    // Make the change visible even on file systems with coarse modification times.
    Files.setLastModifiedTime(tokenFile, FileTime.from(Instant.now().plusSeconds(5)));
    assertThat(send(authed(get("/v1/jobs")).build()).statusCode()).isEqualTo(401);
    assertThat(send(get("/v1/jobs").header("Authorization", "Bearer new-token").build()).statusCode())
        .isEqualTo(200);
  }

  @Test
  void aMissingTokenFileIs503NotAnOpenDoor() throws Exception {
    Files.delete(tokenFile);
    agent.stop();
    agent = Agent.start(new AgentConfig("127.0.0.1", 0, tokenFile, 1024, 2));
    base = "http://127.0.0.1:" + agent.address().getPort();
    HttpResponse<String> response = send(get("/v1/jobs").header("Authorization", "Bearer ").build());
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(error(response)).contains("token file is missing or empty");
  }

  @Test
  void unknownPathsAre404AndUnknownJobsToo() throws Exception {
    assertThat(send(authed(get("/v2/node")).build()).statusCode()).isEqualTo(404);
    HttpResponse<String> job = send(authed(get("/v1/jobs/repair-123")).build());
    assertThat(job.statusCode()).isEqualTo(404);
    assertThat(error(job)).contains("no job 'repair-123'");
    HttpResponse<String> op = send(authed(post("/v1/ops/explode", "{}")).build());
    assertThat(op.statusCode()).isEqualTo(404);
    assertThat(error(op)).contains("unknown operation 'explode'").contains("decommission");
  }

  @Test
  void aWrongMethodIs405WithAllow() throws Exception {
    HttpResponse<String> response = send(authed(post("/v1/node", "{}")).build());
    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("Allow")).hasValue("GET");
    HttpResponse<String> op = send(authed(get("/v1/ops/repair")).build());
    assertThat(op.statusCode()).isEqualTo(405);
    assertThat(op.headers().firstValue("Allow")).hasValue("POST");
    HttpResponse<String> probe = send(post("/readyz", "").build());
    assertThat(probe.statusCode()).isEqualTo(405);
  }

  @Test
  void aBodyOverTheLimitIs413() throws Exception {
    String huge = "{\"keyspace\":\"" + "k".repeat(4096) + "\"}";
    HttpResponse<String> response = send(authed(post("/v1/ops/repair", huge)).build());
    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(error(response)).contains("larger than 1024 bytes");
  }

  @Test
  void aChunkedBodyOverTheLimitIs413Too() throws Exception {
    byte[] huge = ("{\"keyspace\":\"" + "k".repeat(4096) + "\"}").getBytes(StandardCharsets.UTF_8);
    HttpRequest request = authed(HttpRequest.newBuilder(URI.create(base + "/v1/ops/repair"))
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(huge)))).build();
    HttpResponse<String> response = send(request);
    assertThat(response.statusCode()).isEqualTo(413);
  }

  @Test
  void malformedJsonIs400WithWhere() throws Exception {
    HttpResponse<String> response = send(authed(post("/v1/ops/repair", "{\"keyspace\": ")).build());
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(error(response)).contains("not valid JSON").contains("at character");
    HttpResponse<String> array = send(authed(post("/v1/ops/repair", "[1]")).build());
    assertThat(array.statusCode()).isEqualTo(400);
    assertThat(error(array)).contains("must be a JSON object");
  }

  @Test
  void aNegativeCompactionThroughputIs400() throws Exception {
    HttpResponse<String> response = send(authed(HttpRequest.newBuilder(
        URI.create(base + "/v1/settings/compaction-throughput"))
        .PUT(HttpRequest.BodyPublishers.ofString("{\"mibPerSecond\": -1}"))).build());
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(error(response)).contains("mibPerSecond");
  }

  private HttpRequest.Builder get(String path) {
    return HttpRequest.newBuilder(URI.create(base + path)).GET();
  }

  private HttpRequest.Builder post(String path, String body) {
    return HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofString(body));
  }

  private static HttpRequest.Builder authed(HttpRequest.Builder builder) {
    return builder.header("Authorization", "Bearer " + TOKEN);
  }

  private HttpResponse<String> send(HttpRequest request) throws Exception {
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static String error(HttpResponse<String> response) throws Exception {
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    return (String) ((Map<?, ?>) Json.parse(response.body())).get("error");
  }
}
