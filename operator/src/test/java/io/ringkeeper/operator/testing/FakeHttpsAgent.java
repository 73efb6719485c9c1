package io.ringkeeper.operator.testing;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;

/**
 * A node agent over HTTPS (the JDK's HttpsServer) presenting a chosen certificate: it answers
 * {@code PUT /v1/settings/compaction-throughput}, {@code GET /v1/node} and {@code GET /v1/metrics} like the agent
 * (the node answers NORMAL),
 * records the Authorization header of each request, and requires the bearer token given.
 */
public final class FakeHttpsAgent implements AutoCloseable {
  public static final String NODE_JSON = """
      {"operationMode":"NORMAL","hostId":"h1","endpoint":"10.0.0.1","datacenter":"dc1","rack":"r1",
       "releaseVersion":"5.0.9","nativeTransportRunning":true,"gossipRunning":true,
       "tokens":["42"],"loadBytes":1,"liveNodes":["10.0.0.1"],"unreachableNodes":[],"joiningNodes":[],
       "leavingNodes":[],"movingNodes":[],"ring":{"42":"10.0.0.1"},"endpointDatacenters":{"10.0.0.1":"dc1"},
       "endpointRacks":{"10.0.0.1":"r1"},"hostIds":{"10.0.0.1":"h1"},"maxHintWindowMs":1,"uptimeSeconds":1}
      """;

  public static final String METRICS_JSON = """
      {"read":{"p50Micros":1.0,"p95Micros":2.0,"p99Micros":3.0,"count":1},
       "write":{"p50Micros":1.0,"p95Micros":2.0,"p99Micros":3.0,"count":1},"pendingCompactions":0,
       "pendingHints":0,"droppedMessages":0,"heapUsedBytes":1,"heapMaxBytes":2,"compactionThroughputMibPerSec":64}
      """;

  private final HttpsServer server;
  private final List<String> authorizations = new CopyOnWriteArrayList<>();

  public FakeHttpsAgent(String address, SSLContext context, String token) throws IOException {
    server = HttpsServer.create(new InetSocketAddress(address, 0), 20);
    server.setHttpsConfigurator(new HttpsConfigurator(context));
    server.setExecutor(Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "fake-https-agent");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/", exchange -> {
      try (exchange) {
        exchange.getRequestBody().readAllBytes();
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        authorizations.add(String.valueOf(authorization));
        String path = exchange.getRequestURI().getPath();
        int status = 200;
        String body;
        if (!("Bearer " + token).equals(authorization)) {
          status = 401;
          body = "{\"error\":\"wrong bearer token\"}";
        } else if (path.equals("/v1/node")) {
          body = NODE_JSON;
        } else if (path.equals("/v1/metrics")) {
          body = METRICS_JSON;
        } else if (path.equals("/v1/settings/compaction-throughput")) {
          body = "{\"previousMibPerSecond\":64}";
        } else {
          status = 404;
          body = "{\"error\":\"no endpoint\"}";
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    });
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** The Authorization header of every request that reached the agent (after a successful handshake). */
  public List<String> authorizations() {
    return List.copyOf(authorizations);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
