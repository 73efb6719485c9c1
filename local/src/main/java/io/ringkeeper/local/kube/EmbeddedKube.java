package io.ringkeeper.local.kube;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The Kubernetes API of local mode: the fabric8 mock API server in CRUD mode (plain HTTP, no authentication)
 * on a loopback port, with the CassandraCluster CRD registered so that its status subresource behaves as on a
 * real API server, and every CassandraCluster written through the door a real server has (schema, defaults,
 * CEL rules: {@link ValidatingWrites}).
 *
 * <p>kubectl works against it: {@link KubectlSupport} answers discovery and prints tables.
 *
 * <p>What it is not: there is no scheduler, controller manager or garbage collector (deleting a cluster does
 * not delete the pods it owns), and no server-side apply (the operator uses create + JSON patches anyway).
 * State lives in memory and is gone when the server stops; the nodes' data directories are not.
 */
public final class EmbeddedKube implements AutoCloseable {
  public static final String CRD_RESOURCE = "/META-INF/ringkeeper/cassandraclusters.ringkeeper.io-v1.yml";
  /**
   * The User-Agent of the client that restores the kept API state: what a real server keeps in etcd is not
   * validated again when it restarts, so these writes skip admission (an object stored before a rule tightened
   * stays, as it would on a real cluster).
   */
  public static final String RESTORE_AGENT = "ringkeeper-local-restore";
  private static final String RULES_REVIEW = "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews";
  /** The mock server logs every request at INFO through java.util.logging; held so the level sticks. */
  private static final Logger MOCK_LOG = quiet("io.fabric8.mockwebserver");

  private final KubernetesMockServer server;
  private final String host;
  private final int port;

  private EmbeddedKube(String host, int port) {
    KubectlSupport kubectl = new KubectlSupport(loadCrd(), Clock.systemUTC());
    ValidatingWrites writes = new ValidatingWrites(loadCrd());
    KubernetesCrudDispatcher dispatcher = new KubernetesCrudDispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        try {
          return route(request);
        } catch (RuntimeException e) {
          if (e.getClass().getName().endsWith("JsonPatchException")) {
            // A JSON patch whose "test" fails (the operator guards status writes with the resourceVersion): the
            // real API server answers 422 at once. The mock threw inside its handler and left the request
            // unanswered, so the writer waited for its client timeout (2 min): a reconcile that raced a
            // deletion held the cluster that long (ExamplesE2E, stop 26's first CI run).
            return status(422, "Invalid", "the server rejected our request due to an error in our request: "
                + e.getMessage());
          }
          throw e;
        }
      }

      private MockResponse route(RecordedRequest request) {
        if ("POST".equalsIgnoreCase(request.getMethod()) && request.getPath().startsWith(RULES_REVIEW)) {
          return allowEverything();
        }
        MockResponse log = podLog(request);
        if (log != null) {
          return log;
        }
        MockResponse discovery = kubectl.discovery(request);
        if (discovery != null) {
          return discovery;
        }
        if (kubectl.isMergePatch(request)) {
          return kubectl.mergePatch(request, r -> writes.handles(r) ? writes.dispatch(r, super::dispatch)
              : super.dispatch(r));
        }
        if (writes.handles(request)) {
          return writes.dispatch(request, super::dispatch);
        }
        if (kubectl.wantsTable(request)) {
          return kubectl.table(request, super.dispatch(request));
        }
        return super.dispatch(request);
      }
    };
    server = new KubernetesMockServer(new Context(Serialization.jsonMapper()), new MockWebServer(), new HashMap<>(),
        dispatcher, false);
    try {
      server.init(InetAddress.getByName(host), port);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot resolve " + host, e);
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot start the embedded Kubernetes API on " + host + ":" + port
          + " (is another local environment running? `./ringkeeper local down` stops it): " + e.getMessage(), e);
    }
    this.host = host;
    this.port = server.getPort();
    try (KubernetesClient admin = client("ringkeeper-local")) {
      admin.resource(loadCrd()).create();
    }
  }

  /**
   * Starts the server on {@code host:port} (port 0 picks a free one) and registers the CRD.
   *
   * @throws IllegalStateException when the port is taken
   */
  public static EmbeddedKube start(String host, int port) {
    return new EmbeddedKube(host, port);
  }

  public String url() {
    return "http://" + host + ":" + port;
  }

  /**
   * Serves {@code GET .../pods/NAME/log} (kubectl logs, {@code kubectl ringkeeper logs}) from the process kubelet's
   * files: {@code podsDir/<namespace>/<pod>/logs/stdout.log}, what the node's JVM printed (else Cassandra's
   * system.log), honouring {@code tailLines}. Without it (or for a pod without files) the answer is 404, as CRUD
   * mode alone would otherwise answer a list of everything.
   */
  public void servePodLogs(Path podsDir) {
    this.podLogs = podsDir;
  }

  private volatile Path podLogs;

  private static final java.util.regex.Pattern LOG_PATH =
      java.util.regex.Pattern.compile("^/api/v1/namespaces/([^/]+)/pods/([^/?]+)/log(\\?(.*))?$");

  MockResponse podLog(RecordedRequest request) {
    if (!"GET".equalsIgnoreCase(request.getMethod())) {
      return null;
    }
    java.util.regex.Matcher m = LOG_PATH.matcher(request.getPath());
    if (!m.matches()) {
      return null;
    }
    String namespace = m.group(1);
    String pod = m.group(2);
    Integer tail = null;
    boolean previous = false;
    String container = null;
    for (String kv : (m.group(4) == null ? "" : m.group(4)).split("&")) {
      if (kv.startsWith("tailLines=")) {
        tail = Integer.parseInt(kv.substring("tailLines=".length()));
      } else if (kv.equals("previous=true")) {
        previous = true;
      } else if (kv.startsWith("container=")) {
        container = kv.substring("container=".length());
      }
    }
    Path root = podLogs;
    Path dir = root == null ? null : root.resolve(namespace).resolve(pod).resolve("logs");
    if (dir == null || !Files.isDirectory(dir)) {
      return status(404, "NotFound", "pods \"" + pod + "\" not found");
    }
    if (previous) {
      return status(400, "BadRequest", "previous terminated container in pod \"" + pod + "\" not found (local mode"
          + " keeps one log per pod: " + dir + ")");
    }
    if (container != null && !container.equals("cassandra")) {
      return new MockResponse().setResponseCode(200).setBody(""); // local mode runs no init container
    }
    try {
      Path file = dir.resolve("stdout.log");
      if (!Files.isRegularFile(file) || Files.size(file) == 0) {
        file = dir.resolve("system.log");
      }
      java.util.List<String> lines = Files.isRegularFile(file) ? Files.readAllLines(file, StandardCharsets.UTF_8)
          : java.util.List.of();
      if (tail != null) {
        lines = lines.subList(Math.max(0, lines.size() - tail), lines.size());
      }
      return new MockResponse().setResponseCode(200).setBody(lines.isEmpty() ? "" : String.join("\n", lines) + "\n");
    } catch (IOException e) {
      return status(500, "InternalError", "cannot read the log of " + pod + ": " + e.getMessage());
    }
  }

  private static MockResponse status(int code, String reason, String message) {
    return new MockResponse().setResponseCode(code).setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\","
        + "\"status\":\"Failure\",\"message\":" + Serialization.asJson(message) + ",\"reason\":\"" + reason
        + "\",\"code\":" + code + "}");
  }

  public int port() {
    return port;
  }

  /** A new client of this server; its requests carry the given User-Agent (visible in nothing but logs). */
  public KubernetesClient client(String userAgent) {
    return new KubernetesClientBuilder().withConfig(config(url(), userAgent)).build();
  }

  /** The client configuration of a server at that URL (also used by commands that attach to a running one). */
  public static Config config(String url, String userAgent) {
    Config config = Config.empty();
    config.setMasterUrl(url);
    config.setNamespace("default");
    config.setTrustCerts(true);
    config.setUserAgent(userAgent);
    config.setRequestTimeout(10_000);
    config.setConnectionTimeout(5_000);
    // HTTP/1.1 only: the JDK client's h2c upgrade against the Vert.x mock server now and then leaves a request
    // unanswered for good (seen as EmbeddedKube.<init> hanging on its first create; fabric8 #7662).
    config.setHttp2Disable(true);
    return config;
  }

  /** Writes a kubeconfig for this server (context {@code ringkeeper-local}) and returns its path. */
  public Path writeKubeconfig(Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, kubeconfig(url()), StandardCharsets.UTF_8);
    return file;
  }

  static String kubeconfig(String url) {
    return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: ringkeeper-local
          cluster:
            server: %s
        users:
        - name: ringkeeper-local
          user: {}
        contexts:
        - name: ringkeeper-local
          context:
            cluster: ringkeeper-local
            user: ringkeeper-local
            namespace: default
        current-context: ringkeeper-local
        """.formatted(url);
  }

  @Override
  public void close() {
    server.destroy();
  }

  /** The CassandraCluster CRD as generated in crds/ (shipped in the ringkeeper-crds jar). */
  public static CustomResourceDefinition loadCrd() {
    try (InputStream in = EmbeddedKube.class.getResourceAsStream(CRD_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(CRD_RESOURCE + " is not on the classpath (it ships in ringkeeper-crds)");
      }
      return Serialization.unmarshal(in, CustomResourceDefinition.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The CRUD mock cannot evaluate a SelfSubjectRulesReview (sent by JOSDK's leader election): answer as a server
   * does for a client that may do everything. Local mode has a single user.
   */
  private static MockResponse allowEverything() {
    return new MockResponse().setResponseCode(201).setBody("{\"apiVersion\":\"authorization.k8s.io/v1\","
        + "\"kind\":\"SelfSubjectRulesReview\",\"metadata\":{},\"spec\":{},\"status\":{\"resourceRules\":"
        + "[{\"verbs\":[\"*\"],\"apiGroups\":[\"*\"],\"resources\":[\"*\"]}],\"nonResourceRules\":[],"
        + "\"incomplete\":false}}");
  }

  private static Logger quiet(String name) {
    Logger logger = Logger.getLogger(name);
    logger.setLevel(Level.WARNING);
    return logger;
  }
}
