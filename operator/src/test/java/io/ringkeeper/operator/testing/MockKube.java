package io.ringkeeper.operator.testing;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The fabric8 mock API server in CRUD mode with the CassandraCluster CRD installed (so the status subresource
 * behaves as on a real server), recording every request with the User-Agent of the client that sent it. Tests
 * give the operator, the fake kubelet and themselves different user agents, so "the operator wrote nothing"
 * is a count over the operator's requests only.
 *
 * <p>Share one per test class (starting it costs a few hundred milliseconds) and use a fresh namespace per test.
 */
public final class MockKube implements AutoCloseable {
  public static final String OPERATOR_AGENT = "ringkeeper-operator";
  public static final String KUBELET_AGENT = "fake-kubelet";
  public static final String TEST_AGENT = "test";

  /** One request as the server saw it. */
  public record Request(String userAgent, String method, String path) {
    public boolean isWrite() {
      return !method.equals("GET");
    }

    /**
     * The Kubernetes verb: get, list, watch (GETs), create (POST), update (PUT), patch, delete. A GET is a list
     * when its path ends at a resource type ({@code .../namespaces/ns/pods}), a get when it names an object.
     */
    public String verb() {
      switch (method) {
        case "POST":
          return "create";
        case "PUT":
          return "update";
        case "PATCH":
          return "patch";
        case "DELETE":
          return "delete";
        default:
          break;
      }
      int query = path.indexOf('?');
      if (query >= 0 && path.substring(query).contains("watch=true")) {
        return "watch";
      }
      String[] parts = (query >= 0 ? path.substring(0, query) : path).replaceAll("^/+", "").split("/");
      int start = parts.length > 0 && parts[0].equals("apis") ? 3 : 2; // after api/v1 or apis/group/version
      if (parts.length > start + 1 && parts[start].equals("namespaces") && parts.length > start + 2) {
        start += 2;
      }
      return parts.length - start <= 1 ? "list" : "get";
    }

    @Override
    public String toString() {
      return userAgent + " " + method + " " + path;
    }
  }

  /** The mock server logs every request through java.util.logging at INFO; kept referenced so the level sticks. */
  private static final java.util.logging.Logger MOCK_LOG = quiet("io.fabric8.mockwebserver");

  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private volatile Predicate<Request> failing;
  private volatile Refusal refusing;
  private volatile java.util.function.Consumer<Request> observing;

  /** Requests the server refuses as the API server would, chosen by request and body. */
  private record Refusal(java.util.function.BiPredicate<Request, String> when, String message) {}
  private final KubernetesMockServer server;
  private final KubernetesClient admin;
  private final AtomicInteger namespaces = new AtomicInteger();

  private MockKube() {
    KubernetesCrudDispatcher dispatcher = new KubernetesCrudDispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        String agent = request.getHeader("User-Agent");
        Request seen = new Request(agent == null ? "" : agent, request.getMethod().toUpperCase(Locale.ROOT),
            request.getPath());
        requests.add(seen);
        java.util.function.Consumer<Request> observer = observing;
        if (observer != null) {
          observer.accept(seen);
        }
        Refusal refusal = refusing;
        if (refusal != null && refusal.when().test(seen, request.getBody() == null ? ""
            : new String(request.getBody().getBytes(), java.nio.charset.StandardCharsets.UTF_8))) {
          return new MockResponse().setResponseCode(403).setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\","
              + "\"status\":\"Failure\",\"message\":" + Serialization.asJson(refusal.message())
              + ",\"reason\":\"Forbidden\",\"code\":403}");
        }
        Predicate<Request> fail = failing;
        if (fail != null && fail.test(seen)) {
          return new MockResponse().setResponseCode(403).setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\","
              + "\"status\":\"Failure\",\"message\":\"injected: exceeded quota\",\"reason\":\"Forbidden\","
              + "\"code\":403}");
        }
        if (seen.method().equals("POST") && seen.path().startsWith(RULES_REVIEW)) {
          return allowEverything();
        }
        try {
          return super.dispatch(request);
        } catch (RuntimeException e) {
          if (e.getClass().getName().endsWith("JsonPatchException")) {
            // A failed JSON patch "test" (the resourceVersion guard): the real API server answers at once; the
            // mock would leave the request unanswered until the client times out.
            return new MockResponse().setResponseCode(409).setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\","
                + "\"status\":\"Failure\",\"message\":" + Serialization.asJson(e.getMessage())
                + ",\"reason\":\"Conflict\",\"code\":409}");
          }
          throw e;
        }
      }
    };
    server = new KubernetesMockServer(new Context(Serialization.jsonMapper()), new MockWebServer(),
        new HashMap<>(), dispatcher, false);
    server.init();
    admin = client(TEST_AGENT);
    admin.resource(loadCrd()).create();
  }

  public static MockKube start() {
    return new MockKube();
  }

  /** A new client of this server whose requests carry the given User-Agent. */
  public KubernetesClient client(String userAgent) {
    return server.createClient(b -> b.editOrNewConfig()
        .withUserAgent(userAgent)
        .withRequestTimeout(10_000)
        .withConnectionTimeout(5_000)
        .endConfig());
  }

  /** The tests' own client (user agent {@value #TEST_AGENT}). */
  public KubernetesClient admin() {
    return admin;
  }

  /** A namespace name no other test of this server used. The mock server needs no Namespace object. */
  public String freshNamespace(String prefix) {
    return prefix + "-" + namespaces.incrementAndGet();
  }

  /** Every request since the server started or since {@link #clearRequests()}. */
  public List<Request> requests() {
    return new ArrayList<>(requests);
  }

  public List<Request> requests(Predicate<Request> filter) {
    return requests.stream().filter(filter).toList();
  }

  /** Requests of clients with the given user agent, counted by {@link Request#verb() verb}. */
  public java.util.SortedMap<String, Long> countByVerb(String userAgent) {
    return requests.stream().filter(r -> r.userAgent().equals(userAgent))
        .collect(java.util.stream.Collectors.groupingBy(Request::verb, java.util.TreeMap::new,
            java.util.stream.Collectors.counting()));
  }

  /** Writes (anything but GET) sent by clients with the given user agent. */
  public List<Request> writesBy(String userAgent) {
    return requests(r -> r.userAgent().equals(userAgent) && r.isWrite());
  }

  /**
   * Refuses every request matching the predicate (null: none) with 403, as an API server does when a quota is
   * exhausted; used to stop an operator in the middle of a step. (A 5xx would be retried by the client for
   * seconds before the reconcile fails.)
   */
  public void failRequests(Predicate<Request> when) {
    this.failing = when;
  }

  /**
   * Refuses every request for which {@code when} holds, given the request and its body, with 403 Forbidden and
   * this message, as an API server refuses a change it does not allow (e.g. growing a PVC whose storage class does
   * not allow volume expansion) while it accepts others to the same object. Null: none.
   */
  public void refuseRequests(java.util.function.BiPredicate<Request, String> when, String message) {
    this.refusing = when == null ? null : new Refusal(when, message);
  }

  /**
   * Tells {@code observer} of each request as it arrives, before it is answered (null: nobody): a client that
   * waits for the answer is still inside the call that sent it.
   */
  public void observeRequests(java.util.function.Consumer<Request> observer) {
    this.observing = observer;
  }

  public void clearRequests() {
    requests.clear();
  }

  @Override
  public void close() {
    admin.close();
    server.destroy();
  }

  private static final String RULES_REVIEW = "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews";

  /**
   * The CRUD mock cannot evaluate a SelfSubjectRulesReview, which JOSDK's leader election sends to check it may
   * use Leases. Answer as an API server does for a client allowed everything (the operator's RBAC is the Helm
   * chart's concern and is tested there).
   */
  private static MockResponse allowEverything() {
    return new MockResponse().setResponseCode(201).setBody("{\"apiVersion\":\"authorization.k8s.io/v1\","
        + "\"kind\":\"SelfSubjectRulesReview\",\"metadata\":{},\"spec\":{},\"status\":{\"resourceRules\":"
        + "[{\"verbs\":[\"*\"],\"apiGroups\":[\"*\"],\"resources\":[\"*\"]}],\"nonResourceRules\":[],"
        + "\"incomplete\":false}}");
  }

  private static java.util.logging.Logger quiet(String name) {
    java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
    logger.setLevel(java.util.logging.Level.WARNING);
    return logger;
  }

  static CustomResourceDefinition loadCrd() {
    String path = "/META-INF/ringkeeper/cassandraclusters.ringkeeper.io-v1.yml";
    try (InputStream in = MockKube.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException(path + " is not on the test classpath (it ships in ringkeeper-crds)");
      }
      return Serialization.unmarshal(in, CustomResourceDefinition.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
