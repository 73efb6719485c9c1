package io.ringkeeper.operator.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ringkeeper.operator.resources.BoundedMemo;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;

/**
 * {@link NodeClient} over the node agent's HTTP API (docs/agent.md), with {@code java.net.http}.
 *
 * <p>Every call is asynchronous and bounded: connecting may take {@code connectTimeout}, the answer must
 * arrive within {@code requestTimeout}, and the whole call (including time spent waiting for one of the
 * {@code maxConcurrentRequests} slots) completes within their sum. Failures complete the future with a
 * {@link NodeClientException}:
 *
 * <ul>
 *   <li>UNREACHABLE: connection refused, no route, unknown host, connect timeout, or the connection broke
 *       before an answer (the node is down, not started yet, or was killed);
 *   <li>TIMEOUT: connected but no complete answer in time (the node is alive but hung or overloaded);
 *   <li>NOT_FOUND: 404, e.g. a job id the node does not know (it restarted);
 *   <li>REFUSED: any other 4xx, with the agent's message (bad input, wrong token, conflicting job);
 *   <li>ERROR: 5xx (including 503 while Cassandra starts) or an answer that cannot be read.
 * </ul>
 *
 * The bearer token is sent in the Authorization header only; it is never part of a message.
 *
 * <p>An endpoint with {@link NodeEndpoint#tls()} is called over HTTPS and its agent verified by an
 * {@link AgentTrustManager}: the chain against that CA bundle only, the node's DNS name against the leaf (never the
 * pod IP the call goes to). Clients are reused: one {@link HttpClient} (and its connection pool) per CA bundle,
 * keyed by the bundle's SHA-256, at most {@value #MAX_TLS_CLIENTS} remembered. A refused certificate (another CA,
 * another node's name, expired) fails the call as UNREACHABLE with the reason, so the node counts as not
 * answering; a node without a CA bundle is not contacted at all.
 */
public final class HttpNodeClient implements NodeClient {
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);
  public static final int DEFAULT_MAX_CONCURRENT_REQUESTS = 32;
  /** CA bundles whose HTTPS client is kept; one per cluster in practice (its nodes share the cluster CA). */
  static final int MAX_TLS_CLIENTS = 32;
  /** Addresses remembered per CA bundle with the node name expected there. */
  private static final int MAX_PEERS = 4096;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final Duration requestTimeout;
  private final Duration callTimeout;
  private final AsyncLimiter limiter;
  private final Duration connectTimeout;
  private final Clock clock;
  private final BoundedMemo<String, TlsClient> tlsClients = new BoundedMemo<>(MAX_TLS_CLIENTS);

  /**
   * The HTTPS client of one CA bundle, or why there is none (the bundle cannot be read).
   *
   * @param expected the node name each peer ({@code host:port}) must show, registered before each call
   */
  private record TlsClient(HttpClient http, Map<String, String> expected, String problem) {}

  public HttpNodeClient() {
    this(DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, DEFAULT_MAX_CONCURRENT_REQUESTS);
  }

  public HttpNodeClient(Duration connectTimeout, Duration requestTimeout, int maxConcurrentRequests) {
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    if (connectTimeout.isNegative() || connectTimeout.isZero() || requestTimeout.isNegative()
        || requestTimeout.isZero()) {
      throw new IllegalArgumentException("timeouts must be positive");
    }
    this.requestTimeout = requestTimeout;
    this.connectTimeout = connectTimeout;
    this.clock = Clock.systemUTC();
    this.callTimeout = connectTimeout.plus(requestTimeout);
    this.limiter = new AsyncLimiter(maxConcurrentRequests);
    // HTTP/1.1: the agent's server does not speak HTTP/2, and the upgrade attempt would cost a round trip.
    this.http = builder().build();
  }

  private HttpClient.Builder builder() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER);
  }

  /** The HTTPS client of a CA bundle: made once per bundle (by its hash), then reused for every node it serves. */
  private TlsClient tlsClient(NodeTls tls) {
    return tlsClients.get(sha256(tls.caBundle()), hash -> {
      List<X509Certificate> authorities;
      try {
        authorities = AgentTrustManager.parseBundle(tls.caBundle(), tls.source());
      } catch (IllegalArgumentException e) {
        return new TlsClient(null, Map.of(), e.getMessage());
      }
      Map<String, String> expected = java.util.Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
          return size() > MAX_PEERS; // pod IPs change on every restart: old ones go
        }
      });
      AgentTrustManager trust = new AgentTrustManager(authorities, tls.source(), expected::get, clock);
      try {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {trust}, null);
        SSLParameters parameters = context.getDefaultSSLParameters();
        parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        return new TlsClient(builder().sslContext(context).sslParameters(parameters).build(), expected, null);
      } catch (GeneralSecurityException e) {
        return new TlsClient(null, Map.of(), "cannot set up TLS: " + e.getMessage());
      }
    });
  }

  /** The client an endpoint is called with (for tests: one per CA bundle); null when it is not contacted. */
  HttpClient httpClientFor(NodeEndpoint node) {
    return node.tls() == null ? http : node.tls().hasCaBundle() ? tlsClient(node.tls()).http() : null;
  }

  /** How many CA bundles have a client (for tests). */
  int tlsClientCount() {
    return tlsClients.size();
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from the JDK", e);
    }
  }

  /** The longest any call of this client takes before its future completes. */
  public Duration callTimeout() {
    return callTimeout;
  }

  @Override
  public CompletableFuture<NodeInfo> nodeInfo(NodeEndpoint node) {
    return call(node, "GET", "/v1/node", null, HttpNodeClient::toNodeInfo);
  }

  /**
   * {@code GET path} of a read-only endpoint this client has no typed call for, its JSON answer as it is; over
   * HTTPS when the endpoint says so, checked like every other call (the kubectl plugin's tpstats and compactionstats).
   */
  public CompletableFuture<JsonNode> get(NodeEndpoint node, String path) {
    return call(node, "GET", path, null, json -> json);
  }

  @Override
  public CompletableFuture<NodeMetrics> metrics(NodeEndpoint node) {
    return call(node, "GET", "/v1/metrics", null, HttpNodeClient::toMetrics);
  }

  @Override
  public CompletableFuture<List<KeyspaceInfo>> keyspaces(NodeEndpoint node) {
    return call(node, "GET", "/v1/keyspaces", null, json -> {
      List<KeyspaceInfo> out = new ArrayList<>();
      for (JsonNode ks : array(json)) {
        out.add(toKeyspace(ks));
      }
      return out;
    });
  }

  @Override
  public CompletableFuture<JobStatus> startJob(NodeEndpoint node, JobRequest request) {
    Objects.requireNonNull(request, "request");
    return call(node, "POST", "/v1/ops/" + operationPath(request.kind()), jobBody(request), HttpNodeClient::toJob);
  }

  @Override
  public CompletableFuture<JobStatus> job(NodeEndpoint node, String jobId) {
    Objects.requireNonNull(jobId, "jobId");
    return call(node, "GET", "/v1/jobs/" + URLEncoder.encode(jobId, StandardCharsets.UTF_8), null,
        HttpNodeClient::toJob);
  }

  @Override
  public CompletableFuture<Integer> setCompactionThroughput(NodeEndpoint node, int mibPerSecond) {
    if (mibPerSecond < 0) {
      return CompletableFuture.failedFuture(new NodeClientException(NodeClientException.Kind.REFUSED, node.node(),
          "compaction throughput must be >= 0 MiB/s (0 = unthrottled), not " + mibPerSecond));
    }
    ObjectNode body = JSON.createObjectNode().put("mibPerSecond", mibPerSecond);
    return call(node, "PUT", "/v1/settings/compaction-throughput", body,
        json -> required(json, "previousMibPerSecond").asInt());
  }

  @Override
  public CompletableFuture<AccessResult> access(NodeEndpoint node, AccessRequest request) {
    Objects.requireNonNull(request, "request");
    Duration accessWithin = requestTimeout.compareTo(SLOW_CALL_TIMEOUT) > 0 ? requestTimeout : SLOW_CALL_TIMEOUT;
    return call(node, "POST", "/v1/access", accessBody(request), HttpNodeClient::toAccess, accessWithin);
  }

  @Override
  public CompletableFuture<HibernationEnd> endHibernation(NodeEndpoint via, String endpoint) {
    Objects.requireNonNull(endpoint, "endpoint");
    ObjectNode body = JSON.createObjectNode().put("endpoint", endpoint);
    Duration within = requestTimeout.compareTo(SLOW_CALL_TIMEOUT) > 0 ? requestTimeout : SLOW_CALL_TIMEOUT;
    return call(via, "POST", "/v1/gossip/end-hibernation", body,
        json -> new HibernationEnd(required(json, "endpoint").asText(), required(json, "status").asText(),
            required(json, "changed").asBoolean()), within);
  }

  static ObjectNode accessBody(AccessRequest request) {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode roles = body.putArray("roles");
    for (AccessRequest.Role role : request.roles()) {
      roles.addObject().put("name", role.name()).put("password", role.password()).put("superuser", role.superuser())
          .put("login", role.login());
    }
    body.put("disableDefaultSuperuser", request.disableDefaultSuperuser());
    if (request.as() != null) {
      body.put("as", request.as());
    }
    if (!request.keyspaces().isEmpty()) {
      ObjectNode replication = body.putObject("replication");
      ArrayNode keyspaces = replication.putArray("keyspaces");
      request.keyspaces().forEach(keyspaces::add);
      ObjectNode factors = replication.putObject("factors");
      new java.util.TreeMap<>(request.factors()).forEach(factors::put);
    }
    return body;
  }

  static AccessResult toAccess(JsonNode json) {
    List<String> created = new ArrayList<>();
    for (JsonNode role : array(required(json, "roles"))) {
      if (required(role, "created").asBoolean()) {
        created.add(required(role, "name").asText());
      }
    }
    List<String> changed = new ArrayList<>();
    for (JsonNode ks : array(required(json, "keyspaces"))) {
      if (required(ks, "changed").asBoolean()) {
        changed.add(required(ks, "name").asText());
      }
    }
    return new AccessResult(created, required(json, "defaultSuperuser").asText(), changed);
  }

  /** The agent's URL segment of a job kind: the kind's name in lower case without underscores. */
  static String operationPath(JobKind kind) {
    return kind.name().toLowerCase(java.util.Locale.ROOT).replace("_", "");
  }

  static ObjectNode jobBody(JobRequest request) {
    ObjectNode body = JSON.createObjectNode();
    switch (request.kind()) {
      case DECOMMISSION, DRAIN -> {
        // these take no parameters
      }
      case REBUILD -> {
        if (request.sourceDatacenter() != null) {
          body.put("sourceDatacenter", request.sourceDatacenter());
        }
        if (request.keyspace() != null) {
          body.put("keyspace", request.keyspace());
        }
      }
      default -> {
        if (request.keyspace() != null) {
          body.put("keyspace", request.keyspace());
        }
        if (!request.tables().isEmpty()) {
          ArrayNode tables = body.putArray("tables");
          request.tables().forEach(tables::add);
        }
        if (request.kind() == JobKind.REPAIR) {
          if (!request.ranges().isEmpty()) {
            ArrayNode ranges = body.putArray("ranges");
            for (TokenRange range : request.ranges()) {
              // tokens as strings: a 64-bit integer is not safe in every JSON reader
              ranges.addObject().put("start", Long.toString(range.start())).put("end", Long.toString(range.end()));
            }
          }
          if (request.parallelism() != null) {
            body.put("parallelism", request.parallelism());
          }
        }
      }
    }
    return body;
  }

  // ---- the call --------------------------------------------------------------------------------

  private <T> CompletableFuture<T> call(
      NodeEndpoint node, String method, String path, JsonNode body, Function<JsonNode, T> reader) {
    return call(node, method, path, body, reader, requestTimeout);
  }

  private <T> CompletableFuture<T> call(NodeEndpoint node, String method, String path, JsonNode body,
      Function<JsonNode, T> reader, Duration answerWithin) {
    Objects.requireNonNull(node, "node");
    HttpClient via = http;
    if (node.tls() != null) {
      NodeTls tls = node.tls();
      if (!tls.hasCaBundle()) {
        return CompletableFuture.failedFuture(new NodeClientException(NodeClientException.Kind.UNREACHABLE,
            node.node(), 0, "not contacted over HTTPS: " + tls.source(), null));
      }
      TlsClient tlsClient = tlsClient(tls);
      if (tlsClient.problem() != null) {
        return CompletableFuture.failedFuture(new NodeClientException(NodeClientException.Kind.UNREACHABLE,
            node.node(), 0, "not contacted over HTTPS: " + tlsClient.problem(), null));
      }
      // The agent at this address must show this node's name (checked during the handshake).
      tlsClient.expected().put(AgentTrustManager.peer(node.address(), node.port()), tls.serverName());
      via = tlsClient.http();
    }
    HttpClient client = via;
    HttpRequest request;
    try {
      HttpRequest.Builder builder = HttpRequest.newBuilder(uri(node, path))
          .timeout(answerWithin)
          .header("Authorization", "Bearer " + node.token().value())
          .header("Accept", "application/json");
      if (body == null) {
        builder.method(method, HttpRequest.BodyPublishers.noBody());
      } else {
        builder.header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
      }
      request = builder.build();
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(new NodeClientException(NodeClientException.Kind.UNREACHABLE,
          node.node(), 0, "bad agent address " + node.address() + ":" + node.port() + ": " + e.getMessage(), e));
    }
    // The deadline is set on the limiter's own future, so a call whose time ran out while it waited for a
    // slot is skipped by the limiter instead of being sent late.
    return limiter
        .submit(() -> client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()))
        .orTimeout(connectTimeout.plus(answerWithin).toMillis(), TimeUnit.MILLISECONDS)
        .thenApply(response -> read(node, method, path, verified(node, response), reader))
        .handle((value, failure) -> {
          if (failure == null) {
            return value;
          }
          throw classify(node, method + " " + path, failure);
        });
  }

  private static URI uri(NodeEndpoint node, String path) {
    String host = node.address().contains(":") && !node.address().startsWith("[")
        ? "[" + node.address() + "]" // IPv6 literal
        : node.address();
    return URI.create((node.https() ? "https://" : "http://") + host + ":" + node.port() + path);
  }

  /**
   * An HTTPS answer came from this node's agent: the session's certificate names the node. The handshake checked
   * that already; this covers a pooled connection opened for another node that once had this address.
   */
  private static HttpResponse<byte[]> verified(NodeEndpoint node, HttpResponse<byte[]> response) {
    if (node.tls() == null) {
      return response;
    }
    SSLSession session = response.sslSession().orElse(null);
    String problem;
    try {
      Certificate[] chain = session == null ? null : session.getPeerCertificates();
      if (chain == null || chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
        problem = "the answer came without the agent's certificate";
      } else if (AgentTrustManager.dnsNames(leaf).stream()
          .anyMatch(n -> AgentTrustManager.matches(n, node.tls().serverName()))) {
        return response;
      } else {
        problem = "the answer came from an agent whose certificate does not name " + node.tls().serverName();
      }
    } catch (SSLPeerUnverifiedException | CertificateException e) {
      problem = "the agent's certificate cannot be read: " + e.getMessage();
    }
    throw new NodeClientException(NodeClientException.Kind.UNREACHABLE, node.node(), 0,
        "agent not trusted (" + node.address() + ":" + node.port() + "): " + problem, null);
  }

  private static <T> T read(
      NodeEndpoint node, String method, String path, HttpResponse<byte[]> response, Function<JsonNode, T> reader) {
    int status = response.statusCode();
    String what = method + " " + path;
    if (status >= 200 && status < 300) {
      try {
        return reader.apply(JSON.readTree(response.body()));
      } catch (IOException | RuntimeException e) {
        throw new NodeClientException(NodeClientException.Kind.ERROR, node.node(), status,
            what + ": unreadable answer: " + e.getMessage(), e);
      }
    }
    String message = errorMessage(response.body());
    NodeClientException.Kind kind;
    if (status == 404) {
      kind = NodeClientException.Kind.NOT_FOUND;
    } else if (status >= 400 && status < 500) {
      kind = NodeClientException.Kind.REFUSED;
    } else {
      kind = NodeClientException.Kind.ERROR;
    }
    throw new NodeClientException(kind, node.node(), status, what + " -> " + status + ": " + message, null);
  }

  /** The agent's {"error": "..."} message, or a short excerpt of whatever else came back. */
  private static String errorMessage(byte[] body) {
    if (body == null || body.length == 0) {
      return "(no message)";
    }
    try {
      JsonNode json = JSON.readTree(body);
      if (json != null && json.hasNonNull("error")) {
        return json.get("error").asText();
      }
    } catch (IOException notJson) {
      // fall through: report the raw text
    }
    String text = new String(body, StandardCharsets.UTF_8);
    return text.length() > 200 ? text.substring(0, 200) + "..." : text;
  }

  /** Maps whatever the call failed with to a {@link NodeClientException}. */
  static NodeClientException classify(NodeEndpoint node, String what, Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof NodeClientException e) {
      return e;
    }
    String name = node.node();
    String where = " (" + node.address() + ":" + node.port() + ")";
    if (t instanceof HttpConnectTimeoutException) {
      return new NodeClientException(NodeClientException.Kind.UNREACHABLE, name, 0,
          what + ": connect timed out" + where, t);
    }
    if (t instanceof HttpTimeoutException || t instanceof TimeoutException) {
      return new NodeClientException(NodeClientException.Kind.TIMEOUT, name, 0,
          what + ": no answer within the timeout" + where, t);
    }
    if (hasCause(t, ConnectException.class) || hasCause(t, NoRouteToHostException.class)
        || hasCause(t, UnknownHostException.class) || hasCause(t, UnresolvedAddressException.class)) {
      return new NodeClientException(NodeClientException.Kind.UNREACHABLE, name, 0,
          what + ": cannot connect" + where + ": " + describe(t), t);
    }
    CertificateException refused = cause(t, CertificateException.class);
    if (refused != null || t instanceof SSLException || cause(t, SSLException.class) != null) {
      // The agent answered TLS, but its certificate is not this node's under the cluster CA (or TLS failed).
      if (refused != null) {
        return new NodeClientException(NodeClientException.Kind.UNREACHABLE, name, 0,
            what + ": agent not trusted" + where + ": " + refused.getMessage(), t);
      }
      SSLException tls = cause(t, SSLException.class);
      return new NodeClientException(NodeClientException.Kind.UNREACHABLE, name, 0,
          what + ": TLS failed" + where + " (does the agent serve HTTPS?): " + describe(tls != null ? tls : t), t);
    }
    if (t instanceof IOException) {
      return new NodeClientException(NodeClientException.Kind.UNREACHABLE, name, 0,
          what + ": connection lost before an answer" + where + ": " + describe(t), t);
    }
    return new NodeClientException(NodeClientException.Kind.ERROR, name, 0, what + ": " + describe(t), t);
  }

  private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return false;
  }

  /** The outermost cause of a type (the one that says why, e.g. the trust manager's), or null. */
  private static <E extends Throwable> E cause(Throwable t, Class<E> type) {
    E found = null;
    for (Throwable c = t; c != null && found == null; c = c.getCause()) {
      if (type.isInstance(c)) {
        found = type.cast(c);
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return found;
  }

  private static String describe(Throwable t) {
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + t.getMessage();
  }

  // ---- JSON to records -------------------------------------------------------------------------

  static NodeInfo toNodeInfo(JsonNode json) {
    Map<Long, String> ring = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = object(json, "ring").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      ring.put(Long.parseLong(e.getKey()), e.getValue().asText());
    }
    List<Long> tokens = new ArrayList<>();
    for (JsonNode t : array(required(json, "tokens"))) {
      tokens.add(token(t));
    }
    return new NodeInfo(
        OperationMode.parse(text(json, "operationMode")),
        text(json, "hostId"),
        text(json, "endpoint"),
        text(json, "datacenter"),
        text(json, "rack"),
        text(json, "releaseVersion"),
        required(json, "nativeTransportRunning").asBoolean(),
        required(json, "gossipRunning").asBoolean(),
        tokens,
        required(json, "loadBytes").asLong(),
        strings(json, "liveNodes"),
        strings(json, "unreachableNodes"),
        strings(json, "joiningNodes"),
        strings(json, "leavingNodes"),
        strings(json, "movingNodes"),
        ring,
        stringMap(json, "endpointDatacenters"),
        stringMap(json, "endpointRacks"),
        stringMap(json, "hostIds"),
        required(json, "maxHintWindowMs").asLong(),
        required(json, "uptimeSeconds").asLong(),
        // Optional: an agent older than the field reports no hibernating peer.
        json.hasNonNull("hibernatingNodes") ? strings(json, "hibernatingNodes") : List.of());
  }

  static NodeMetrics toMetrics(JsonNode json) {
    return new NodeMetrics(
        latency(object(json, "read")),
        latency(object(json, "write")),
        required(json, "pendingCompactions").asLong(),
        required(json, "pendingHints").asLong(),
        required(json, "droppedMessages").asLong(),
        required(json, "heapUsedBytes").asLong(),
        required(json, "heapMaxBytes").asLong(),
        required(json, "compactionThroughputMibPerSec").asInt());
  }

  private static Latency latency(JsonNode json) {
    return new Latency(required(json, "p50Micros").asDouble(), required(json, "p95Micros").asDouble(),
        required(json, "p99Micros").asDouble(), required(json, "count").asLong());
  }

  static KeyspaceInfo toKeyspace(JsonNode json) {
    Map<String, Integer> factors = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = object(json, "replicationFactors").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      factors.put(e.getKey(), e.getValue().asInt());
    }
    return new KeyspaceInfo(text(json, "name"), required(json, "system").asBoolean(),
        text(json, "replicationStrategy"), factors, strings(json, "tables"),
        required(json, "minGcGraceSeconds").asInt());
  }

  static JobStatus toJob(JsonNode json) {
    return new JobStatus(
        text(json, "id"),
        JobKind.valueOf(text(json, "kind")),
        JobState.valueOf(text(json, "state")),
        required(json, "progress").asDouble(),
        text(json, "message"),
        required(json, "startedAtMillis").asLong(),
        required(json, "finishedAtMillis").asLong());
  }

  private static JsonNode required(JsonNode json, String field) {
    JsonNode value = json == null ? null : json.get(field);
    if (value == null) {
      throw new IllegalArgumentException("missing field \"" + field + "\"");
    }
    return value;
  }

  private static String text(JsonNode json, String field) {
    JsonNode value = required(json, field);
    return value.isNull() ? null : value.asText();
  }

  private static JsonNode object(JsonNode json, String field) {
    JsonNode value = required(json, field);
    if (!value.isObject()) {
      throw new IllegalArgumentException("field \"" + field + "\" is not an object");
    }
    return value;
  }

  private static JsonNode array(JsonNode json) {
    if (json == null || !json.isArray()) {
      throw new IllegalArgumentException("expected a JSON array");
    }
    return json;
  }

  private static List<String> strings(JsonNode json, String field) {
    List<String> out = new ArrayList<>();
    for (JsonNode v : array(required(json, field))) {
      out.add(v.asText());
    }
    return out;
  }

  private static Map<String, String> stringMap(JsonNode json, String field) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = object(json, field).fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  private static long token(JsonNode value) {
    if (value.isIntegralNumber()) {
      return value.asLong();
    }
    return Long.parseLong(value.asText());
  }
}
