package io.ringkeeper.bench.operator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ringkeeper.operator.node.NodeInfo;
import io.ringkeeper.operator.node.OperationMode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Node agents over real HTTP for the benchmarks: one JDK HttpServer per address (127.8.x.y, all on one port,
 * as every real agent listens on the same port of its own pod IP), answering {@code GET /v1/node} with the JSON
 * the real agent sends, after a per-address delay, or never (hanging: the request is accepted and not
 * answered). Handlers share two small pools, so hundreds of agents cost hundreds of selector threads only.
 */
final class FakeAgents implements AutoCloseable {
  static {
    // As the real agent does: without it the JDK server's header and body writes meet Nagle's algorithm.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private final List<HttpServer> servers = new ArrayList<>();
  private final Map<String, Duration> delays = new ConcurrentHashMap<>();
  private final Set<String> hanging = ConcurrentHashMap.newKeySet();
  private final Set<HttpExchange> held = ConcurrentHashMap.newKeySet();
  private final ExecutorService handlers = Executors.newFixedThreadPool(4, daemon("agent-handler"));
  private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, daemon("agent-delay"));
  private final Function<String, NodeInfo> info;
  private final int port;

  private FakeAgents(List<String> addresses, Function<String, NodeInfo> info) throws IOException {
    this.info = info;
    int chosen = 0;
    for (String address : addresses) {
      HttpServer server = HttpServer.create(new InetSocketAddress(address, chosen), 64);
      chosen = server.getAddress().getPort();
      server.setExecutor(handlers);
      server.createContext("/", this::handle);
      server.start();
      servers.add(server);
    }
    this.port = chosen;
  }

  /** Agents on these addresses (each must be a local address: any 127.x.y.z is). */
  static FakeAgents start(List<String> addresses, Function<String, NodeInfo> info) throws IOException {
    return new FakeAgents(addresses, info);
  }

  /** The i-th address of block b: 127.8.b.1 .. 127.8.b.250, then 127.8.(b+1).1 ... */
  static String address(int block, int i) {
    return "127.8." + (block + i / 250) + "." + (i % 250 + 1);
  }

  int port() {
    return port;
  }

  void delay(String address, Duration delay) {
    delays.put(address, delay);
  }

  void hang(String address, boolean value) {
    if (value) {
      hanging.add(address);
    } else {
      hanging.remove(address);
    }
  }

  private void handle(HttpExchange exchange) {
    String address = exchange.getLocalAddress().getAddress().getHostAddress();
    if (hanging.contains(address)) {
      held.add(exchange); // never answered; closed with the agents
      return;
    }
    Duration delay = delays.get(address);
    Runnable answer = () -> answer(exchange, address);
    if (delay == null || delay.isZero()) {
      answer.run();
    } else {
      timer.schedule(() -> handlers.execute(answer), delay.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void answer(HttpExchange exchange, String address) {
    try (exchange) {
      if (exchange.getRequestURI().getPath().equals("/v1/access") && "POST".equals(exchange.getRequestMethod())) {
        byte[] body = accessAnswer(exchange.getRequestBody().readAllBytes());
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
        return;
      }
      NodeInfo node = exchange.getRequestURI().getPath().equals("/v1/node") ? info.apply(address) : null;
      byte[] body = node == null ? "{\"error\":\"not found\"}".getBytes(StandardCharsets.UTF_8) : json(node);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(node == null ? 404 : 200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    } catch (IOException | RuntimeException e) {
      // The client gave up (timeout); nothing to answer.
    }
  }

  /**
   * The agent's answer to {@code POST /v1/access} (see HttpNodeClient.toAccess), as a cluster that accepts every
   * role: each requested role reported created, the default superuser as the request leaves it, no keyspace
   * changed. Clusters become Ready only once their roles are set (issue 15).
   */
  static byte[] accessAnswer(byte[] request) throws IOException {
    com.fasterxml.jackson.databind.JsonNode asked = JSON.readTree(request);
    ObjectNode o = JSON.createObjectNode();
    ArrayNode roles = o.putArray("roles");
    asked.path("roles").forEach(r -> roles.addObject().put("name", r.path("name").asText()).put("created", true));
    o.put("defaultSuperuser", asked.path("disableDefaultSuperuser").asBoolean() ? "disabled" : "enabled");
    ArrayNode keyspaces = o.putArray("keyspaces");
    asked.path("replication").path("keyspaces").forEach(k -> keyspaces.addObject().put("name", k.asText())
        .put("changed", false));
    return JSON.writeValueAsBytes(o);
  }

  /** The agent's JSON for a node (see HttpNodeClient.toNodeInfo): tokens and ring keys as strings. */
  static byte[] json(NodeInfo n) {
    ObjectNode o = JSON.createObjectNode();
    o.put("operationMode", n.operationMode().name());
    o.put("hostId", n.hostId());
    o.put("endpoint", n.endpoint());
    o.put("datacenter", n.datacenter());
    o.put("rack", n.rack());
    o.put("releaseVersion", n.releaseVersion());
    o.put("nativeTransportRunning", n.nativeTransportRunning());
    o.put("gossipRunning", n.gossipRunning());
    ArrayNode tokens = o.putArray("tokens");
    n.tokens().forEach(t -> tokens.add(String.valueOf(t)));
    o.put("loadBytes", n.loadBytes());
    strings(o.putArray("liveNodes"), n.liveNodes());
    strings(o.putArray("unreachableNodes"), n.unreachableNodes());
    strings(o.putArray("joiningNodes"), n.joiningNodes());
    strings(o.putArray("leavingNodes"), n.leavingNodes());
    strings(o.putArray("movingNodes"), n.movingNodes());
    ObjectNode ring = o.putObject("ring");
    n.ring().forEach((token, endpoint) -> ring.put(String.valueOf(token), endpoint));
    map(o.putObject("endpointDatacenters"), n.endpointDatacenters());
    map(o.putObject("endpointRacks"), n.endpointRacks());
    map(o.putObject("hostIds"), n.hostIds());
    o.put("maxHintWindowMs", n.maxHintWindowMs());
    o.put("uptimeSeconds", n.uptimeSeconds());
    try {
      return JSON.writeValueAsBytes(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A healthy single node's answer, for polling alone. */
  static NodeInfo sampleInfo(String address) {
    List<Long> tokens = List.of((long) address.hashCode() * 7919L);
    Map<Long, String> ring = new TreeMap<>();
    tokens.forEach(t -> ring.put(t, address));
    return new NodeInfo(OperationMode.NORMAL, "host-" + address, address, "dc1", "r1", "5.0.9", true, true, tokens,
        1_000_000L, List.of(address), List.of(), List.of(), List.of(), List.of(), ring, Map.of(address, "dc1"),
        Map.of(address, "r1"), Map.of(address, "host-" + address), 10_800_000L, 60);
  }

  private static void strings(ArrayNode array, List<String> values) {
    values.forEach(array::add);
  }

  private static void map(ObjectNode object, Map<String, String> values) {
    values.forEach(object::put);
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public void close() {
    held.forEach(HttpExchange::close);
    servers.forEach(s -> s.stop(0));
    handlers.shutdownNow();
    timer.shutdownNow();
  }
}
