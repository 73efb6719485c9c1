package io.ringkeeper.cli;

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
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The fabric8 mock API server in CRUD mode with the CassandraCluster CRD installed (status subresource as on a real
 * server), which also serves pods' logs ({@code /log}, which CRUD mode does not know) from {@link #logs()}.
 */
final class PluginKube implements AutoCloseable {
  private static final Logger MOCK_LOG = quiet();

  private final KubernetesMockServer server;
  /** "namespace/pod/container" (with "#previous" for the previous run) to log text. */
  private final Map<String, String> logs = new ConcurrentHashMap<>();

  PluginKube() {
    KubernetesCrudDispatcher dispatcher = new KubernetesCrudDispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        String path = request.getPath();
        int log = path.indexOf("/log");
        if ("GET".equalsIgnoreCase(request.getMethod()) && path.startsWith("/api/v1/namespaces/") && log > 0) {
          String[] parts = path.substring(0, log).split("/");
          String query = path.contains("?") ? path.substring(path.indexOf('?') + 1) : "";
          String container = "";
          Integer tail = null;
          boolean previous = false;
          for (String kv : query.split("&")) {
            if (kv.startsWith("container=")) {
              container = kv.substring("container=".length());
            } else if (kv.startsWith("tailLines=")) {
              tail = Integer.parseInt(kv.substring("tailLines=".length()));
            } else if (kv.equals("previous=true")) {
              previous = true;
            }
          }
          String text = logs.get(parts[4] + "/" + parts[6] + "/" + container + (previous ? "#previous" : ""));
          if (text == null) {
            return new MockResponse().setResponseCode(404).setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\","
                + "\"status\":\"Failure\",\"message\":\"pods \\\"" + parts[6] + "\\\" not found\",\"code\":404}");
          }
          if (tail != null) {
            var lines = text.lines().toList();
            text = String.join("\n", lines.subList(Math.max(0, lines.size() - tail), lines.size())) + "\n";
          }
          return new MockResponse().setResponseCode(200).setBody(text);
        }
        return super.dispatch(request);
      }
    };
    server = new KubernetesMockServer(new Context(Serialization.jsonMapper()), new MockWebServer(), new HashMap<>(),
        dispatcher, false);
    server.init();
    try (KubernetesClient admin = client()) {
      admin.resource(loadCrd()).create();
    }
  }

  KubernetesClient client() {
    return server.createClient(b -> b.editOrNewConfig().withRequestTimeout(10_000).withConnectionTimeout(5_000)
        .endConfig());
  }

  String url() {
    return "http://" + server.getHostName() + ":" + server.getPort();
  }

  Map<String, String> logs() {
    return logs;
  }

  @Override
  public void close() {
    server.destroy();
  }

  static CustomResourceDefinition loadCrd() {
    String path = "/META-INF/ringkeeper/cassandraclusters.ringkeeper.io-v1.yml";
    try (InputStream in = PluginKube.class.getResourceAsStream(path)) {
      return Serialization.unmarshal(in, CustomResourceDefinition.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Logger quiet() {
    Logger logger = Logger.getLogger("io.fabric8.mockwebserver");
    logger.setLevel(Level.WARNING);
    return logger;
  }
}
