package io.ringkeeper.agent;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpsExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Routes and answers every request. Each answer is JSON; every error is {@code {"error": "..."}} with a
 * 4xx or 5xx status and never a stack trace. See docs/agent.md for the endpoints.
 */
final class HttpApi implements HttpHandler {
  private final Cassandra cassandra;
  private final Jobs jobs;
  private final BearerToken token;
  private final int maxBodyBytes;
  private final Access access;
  private final Gossip gossip;
  private final TlsReloader tls;

  HttpApi(Cassandra cassandra, Jobs jobs, BearerToken token, int maxBodyBytes) {
    this(cassandra, jobs, token, maxBodyBytes, null);
  }

  /** @param tls the HTTPS state reported in GET /v1/node, or null for plain HTTP */
  HttpApi(Cassandra cassandra, Jobs jobs, BearerToken token, int maxBodyBytes, TlsReloader tls) {
    this.tls = tls;
    this.cassandra = cassandra;
    this.jobs = jobs;
    this.token = token;
    this.maxBodyBytes = maxBodyBytes;
    this.access = new Access(cassandra);
    this.gossip = new Gossip(cassandra);
  }

  @Override
  public void handle(HttpExchange exchange) {
    try {
      try {
        route(exchange);
      } catch (ApiException e) {
        sendError(exchange, e.status(), e.getMessage());
      } catch (Exception | LinkageError | StackOverflowError e) {
        // Never a stack trace to the client, and never an exception out of the handler: the HTTP server
        // would drop the connection without an answer. The class and message say enough to act on.
        Throwable cause = Cassandra.unwrap(e);
        sendError(exchange, 500, "internal error: " + cause.getClass().getSimpleName() + ": " + cause.getMessage());
      }
    } catch (IOException closedByClient) {
      // the client went away; nothing to answer
    } finally {
      exchange.close();
    }
  }

  private static final String BODY_READ = "ringkeeper.bodyRead";

  /**
   * An answer given before the request's body was read (wrong token, path or method, a body over the limit) closes
   * the connection after it. Over HTTPS the JDK server drains the rest of such a body after the answer and
   * can read the client's next request into its TLS buffer with it; that request then waited on the idle connection
   * until the server's idle timer closed it, about 40 s (found by HttpApiFuzzTest). Over HTTP it saves reading a body
   * nobody wants. Over HTTPS any request that carried a body closes the connection after its answer, read or not:
   * the next request on that connection was still stranded the same way now and then (12 of 400 fuzzed requests,
   * each a 40 s stall; the operator's POSTs are few, its polls are GETs and keep their connection).
   */
  private static void closeIfBodyUnread(HttpExchange exchange) {
    Headers request = exchange.getRequestHeaders();
    String length = request.getFirst("Content-Length");
    boolean hasBody = request.containsKey("Transfer-Encoding") || (length != null && !length.trim().equals("0"));
    if (hasBody && (exchange.getAttribute(BODY_READ) == null || exchange instanceof HttpsExchange)) {
      exchange.getResponseHeaders().set("Connection", "close");
    }
  }

  private void route(HttpExchange exchange) throws Exception {
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getRawPath();
    if (path.length() > 1 && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }

    // Probes for the kubelet: no token, and nothing in the answer but its status code.
    if (path.equals("/healthz") || path.equals("/readyz")) {
      requireMethod(exchange, "GET");
      drain(exchange);
      int status = path.equals("/healthz") ? 200 : (ready() ? 200 : 503);
      sendEmpty(exchange, status);
      return;
    }

    authenticate(exchange);

    String[] parts = path.split("/");
    // parts[0] is "" because the path starts with '/'
    if (parts.length >= 3 && parts[1].equals("v1")) {
      String resource = parts[2];
      if (parts.length == 3) {
        switch (resource) {
          case "node":
            requireMethod(exchange, "GET");
            Map<String, Object> node = cassandra.nodeInfo();
            node.put("hibernatingNodes", gossip.hibernating());
            node.put("agentTls", tls == null ? Map.of("enabled", false) : tls.status());
            send(exchange, 200, node);
            return;
          case "metrics":
            requireMethod(exchange, "GET");
            send(exchange, 200, cassandra.metrics());
            return;
          case "keyspaces":
            requireMethod(exchange, "GET");
            send(exchange, 200, cassandra.keyspaces());
            return;
          case "threadpools":
            requireMethod(exchange, "GET");
            send(exchange, 200, cassandra.threadPools());
            return;
          case "compactions":
            requireMethod(exchange, "GET");
            send(exchange, 200, cassandra.compactions());
            return;
          case "access":
            requireMethod(exchange, "POST");
            send(exchange, 200, access.apply(bodyObject(exchange)));
            return;
          case "jobs":
            requireMethod(exchange, "GET");
            List<Object> all = new ArrayList<>();
            for (Job job : jobs.all()) {
              all.add(job.toJson());
            }
            send(exchange, 200, all);
            return;
          default:
            break;
        }
      } else if (parts.length == 4) {
        switch (resource) {
          case "jobs":
            requireMethod(exchange, "GET");
            Job job = jobs.get(parts[3]);
            if (job == null) {
              throw ApiException.notFound("no job '" + parts[3] + "' on this node (jobs do not survive a restart)");
            }
            send(exchange, 200, job.toJson());
            return;
          case "ops":
            requireMethod(exchange, "POST");
            if (!Jobs.KINDS.containsKey(parts[3])) {
              throw ApiException.notFound(
                  "unknown operation '" + parts[3] + "'; known: " + String.join(", ", Jobs.KINDS.keySet()));
            }
            Map<String, Object> body = bodyObject(exchange);
            send(exchange, 202, jobs.start(parts[3], body).toJson());
            return;
          case "gossip":
            if (parts[3].equals("end-hibernation")) {
              requireMethod(exchange, "POST");
              send(exchange, 200, gossip.endHibernation(bodyObject(exchange)));
              return;
            }
            break;
          case "settings":
            if (parts[3].equals("compaction-throughput")) {
              compactionThroughput(exchange);
              return;
            }
            break;
          default:
            break;
        }
      }
    }
    throw ApiException.notFound("no endpoint " + path + "; see docs/agent.md");
  }

  private boolean ready() {
    try {
      return cassandra.started() && "NORMAL".equals(cassandra.operationMode()) && cassandra.nativeTransportRunning();
    } catch (ApiException | RuntimeException e) {
      return false;
    }
  }

  private void compactionThroughput(HttpExchange exchange) throws Exception {
    String method = exchange.getRequestMethod();
    if (method.equals("GET")) {
      drain(exchange);
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("mibPerSecond", startedCassandra().compactionThroughput());
      send(exchange, 200, out);
      return;
    }
    if (!method.equals("PUT")) {
      methodNotAllowed(exchange, "GET, PUT");
    }
    Map<String, Object> body = bodyObject(exchange);
    for (String key : body.keySet()) {
      if (!key.equals("mibPerSecond")) {
        throw ApiException.badRequest("unknown field \"" + key + "\"; the body is {\"mibPerSecond\": n}");
      }
    }
    Object value = body.get("mibPerSecond");
    if (!(value instanceof Long) || (Long) value < 0 || (Long) value > Integer.MAX_VALUE) {
      throw ApiException.badRequest("\"mibPerSecond\" must be a whole number >= 0 (0 = unthrottled), not "
          + Json.write(value));
    }
    int previous = startedCassandra().compactionThroughput();
    cassandra.setCompactionThroughput(((Long) value).intValue());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("mibPerSecond", cassandra.compactionThroughput());
    out.put("previousMibPerSecond", previous);
    send(exchange, 200, out);
  }

  private Cassandra startedCassandra() throws ApiException {
    if (!cassandra.started()) {
      throw ApiException.starting("starting: Cassandra has not registered StorageService yet");
    }
    return cassandra;
  }

  private void authenticate(HttpExchange exchange) throws ApiException {
    switch (token.check(exchange.getRequestHeaders().getFirst("Authorization"))) {
      case OK:
        return;
      case NO_TOKEN_CONFIGURED:
        // The node is fine; the agent cannot authenticate anyone. 503 makes the operator retry, not give up.
        throw new ApiException(503, "the agent's token file is missing or empty; see the tokenFile agent argument");
      case MISSING:
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
        throw new ApiException(401, "missing bearer token: send Authorization: Bearer <token>");
      default:
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer error=\"invalid_token\"");
        throw new ApiException(401, "wrong bearer token");
    }
  }

  private static void requireMethod(HttpExchange exchange, String method) throws ApiException {
    if (!exchange.getRequestMethod().equals(method)) {
      methodNotAllowed(exchange, method);
    }
  }

  private static void methodNotAllowed(HttpExchange exchange, String allowed) throws ApiException {
    exchange.getResponseHeaders().set("Allow", allowed);
    throw new ApiException(405, exchange.getRequestMethod() + " is not allowed here; use " + allowed);
  }

  /** The body as a JSON object; an empty body counts as {}. */
  private Map<String, Object> bodyObject(HttpExchange exchange) throws ApiException, IOException {
    String text = readBody(exchange);
    if (text.isBlank()) {
      return new LinkedHashMap<>();
    }
    Object parsed;
    try {
      parsed = Json.parse(text);
    } catch (Json.ParseException e) {
      throw ApiException.badRequest("the body is not valid JSON: " + e.getMessage());
    }
    if (!(parsed instanceof Map)) {
      throw ApiException.badRequest("the body must be a JSON object");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) parsed;
    return map;
  }

  private String readBody(HttpExchange exchange) throws ApiException, IOException {
    String declared = exchange.getRequestHeaders().getFirst("Content-Length");
    if (declared != null) {
      long length;
      try {
        length = Long.parseLong(declared.trim());
      } catch (NumberFormatException e) {
        throw ApiException.badRequest("bad Content-Length");
      }
      if (length < 0) {
        throw ApiException.badRequest("bad Content-Length");
      }
      if (length > maxBodyBytes) {
        throw new ApiException(413, "the body is larger than " + maxBodyBytes + " bytes");
      }
    }
    // Chunked bodies carry no length: read at most one byte past the limit to know it was exceeded.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try (InputStream in = exchange.getRequestBody()) {
      int n;
      while ((n = in.read(buffer, 0, (int) Math.min(buffer.length, maxBodyBytes + 1L - out.size()))) > 0) {
        out.write(buffer, 0, n);
        if (out.size() > maxBodyBytes) {
          throw new ApiException(413, "the body is larger than " + maxBodyBytes + " bytes");
        }
      }
    } catch (IOException e) {
      // A malformed chunked body (found by HttpApiFuzzTest: it was a 500). If the client went away instead, sending
      // this fails too and nothing is answered.
      throw ApiException.badRequest("the body could not be read: " + e.getMessage());
    }
    exchange.setAttribute(BODY_READ, Boolean.TRUE);
    return new String(out.toByteArray(), StandardCharsets.UTF_8);
  }

  /** Reads and discards a body a GET should not have, bounded, so the connection can be reused. */
  private void drain(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] buffer = new byte[1024];
      long left = maxBodyBytes;
      int n;
      while (left > 0 && (n = in.read(buffer)) > 0) {
        left -= n;
      }
      if (in.read() < 0) {
        exchange.setAttribute(BODY_READ, Boolean.TRUE);
      }
    }
  }

  static void send(HttpExchange exchange, int status, Object body) throws IOException {
    byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
    closeIfBodyUnread(exchange);
    Headers headers = exchange.getResponseHeaders();
    headers.set("Content-Type", "application/json");
    headers.set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  static void sendError(HttpExchange exchange, int status, String message) throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", message == null ? "error" : message);
    send(exchange, status, body);
  }

  private static void sendEmpty(HttpExchange exchange, int status) throws IOException {
    closeIfBodyUnread(exchange);
    exchange.sendResponseHeaders(status, -1);
  }
}
