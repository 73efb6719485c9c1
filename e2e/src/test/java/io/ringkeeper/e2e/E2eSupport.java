package io.ringkeeper.e2e;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.loadbalancing.NodeDistance;
import io.fabric8.kubernetes.api.model.Secret;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.NodeStatus;
import io.ringkeeper.local.LocalEnvironment;
import io.ringkeeper.operator.domain.model.NodeId;
import io.ringkeeper.operator.domain.tls.Pem;
import io.ringkeeper.operator.node.AgentToken;
import io.ringkeeper.operator.node.NodeEndpoint;
import io.ringkeeper.operator.node.NodeTls;
import io.ringkeeper.operator.resources.AgentTls;
import io.ringkeeper.operator.resources.Names;
import io.ringkeeper.operator.resources.Secrets;
import io.ringkeeper.operator.resources.SpecDefaults;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Shared bits of the real-node end-to-end tests: work directories, phase timing, CQL sessions, agent access. */
final class E2eSupport {
  private E2eSupport() {}

  /** An empty directory for one test class, under e2e/target/e2e-work (left in place for post-mortems). */
  static Path freshWorkDir(String name) {
    Path dir = Paths.get(System.getProperty("ringkeeper.work.dir", "target/e2e-work")).resolve(name).toAbsolutePath();
    try {
      if (Files.exists(dir)) {
        try (Stream<Path> walk = Files.walk(dir)) {
          walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }

  /** The repository's examples/ directory (the tests run from e2e/). */
  static Path example(String file) {
    for (Path candidate : List.of(Paths.get("../examples", file), Paths.get("examples", file))) {
      if (Files.isRegularFile(candidate)) {
        return candidate.toAbsolutePath().normalize();
      }
    }
    throw new IllegalStateException("examples/" + file + " not found from " + Paths.get("").toAbsolutePath());
  }

  /**
   * CQL as the cluster's superuser, with the credentials of its Secret (spec.auth.superuserSecretRef or the
   * generated {@code <cluster>-superuser}), as a user would connect; with the long timeouts DDL needs on a 2-core
   * machine (FACTS.md). The default cassandra/cassandra no longer logs in once the operator set the roles.
   */
  static CqlSession cql(LocalEnvironment env, String namespace, String cluster, String address, String datacenter) {
    return builder(env, namespace, cluster, address, datacenter).build();
  }

  /** As {@link #cql}, but requests go to the nodes of {@code datacenter} only: the others are IGNORED. */
  static CqlSession cqlOnly(LocalEnvironment env, String namespace, String cluster, String address,
      String datacenter) {
    return builder(env, namespace, cluster, address, datacenter)
        .withNodeDistanceEvaluator((node, local) -> datacenter.equals(node.getDatacenter()) ? null
            : NodeDistance.IGNORED)
        .build();
  }

  /** The superuser's name and password, from the Secret the cluster's spec names (or the generated one). */
  static Map.Entry<String, String> superuser(LocalEnvironment env, String namespace, String cluster) {
    CassandraCluster cr = env.get(namespace, cluster);
    Secret secret = env.client().secrets().inNamespace(namespace)
        .withName(io.ringkeeper.operator.reconciler.observe.AccessFacts.superuserSecret(cr)).get();
    if (secret == null) {
      throw new IllegalStateException("cluster " + cluster + " has no superuser Secret yet");
    }
    return Map.entry(Secrets.value(secret, "username"), Secrets.value(secret, "password"));
  }

  private static CqlSessionBuilder builder(LocalEnvironment env, String namespace, String cluster, String address,
      String datacenter) {
    Map.Entry<String, String> superuser = superuser(env, namespace, cluster);
    CqlSessionBuilder builder = CqlSession.builder();
    SSLContext ssl = clientTls(env, namespace, cluster);
    if (ssl != null) {
      builder.withSslContext(ssl);
    }
    return builder
        .addContactPoint(new InetSocketAddress(address, 9042))
        .withLocalDatacenter(datacenter)
        .withAuthCredentials(superuser.getKey(), superuser.getValue())
        .withConfigLoader(DriverConfigLoader.programmaticBuilder()
            .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(30))
            .withDuration(DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, Duration.ofSeconds(30))
            .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(10))
            .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, Duration.ofSeconds(30))
            .build());
  }

  /**
   * What a CQL client of the cluster trusts, as a user's would: the cluster CA's certificate ({@code ca.crt} of
   * spec.tls.caSecretRef, else of the operator's {@code <cluster>-ca}); null when the cluster runs without TLS.
   */
  static SSLContext clientTls(LocalEnvironment env, String namespace, String cluster) {
    CassandraCluster cr = env.get(namespace, cluster);
    if (!SpecDefaults.tlsEnabled(cr.getSpec())) {
      return null;
    }
    String name = cr.getSpec().getTls() != null && cr.getSpec().getTls().getCaSecretRef() != null
        ? cr.getSpec().getTls().getCaSecretRef() : Names.caSecret(cluster);
    Secret ca = env.client().secrets().inNamespace(namespace).withName(name).get();
    if (ca == null) {
      throw new IllegalStateException("cluster " + cluster + " runs TLS but has no CA Secret " + name + " yet");
    }
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      int i = 0;
      for (X509Certificate cert : Pem.certificates(Secrets.value(ca, Names.TLS_CA_KEY), "Secret " + name + ", key "
          + Names.TLS_CA_KEY)) {
        trust.setCertificateEntry("ca-" + i++, cert);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException | io.ringkeeper.operator.domain.tls.TlsException e) {
      throw new IllegalStateException("the CA of cluster " + cluster + " cannot be trusted: " + e, e);
    }
  }

  /**
   * The agent endpoints of a cluster's nodes, from its status and its agent-token Secret; over HTTPS, each checked
   * against the CA bundle and name in the node's TLS Secret, as the operator does.
   */
  static Map<String, NodeEndpoint> agents(LocalEnvironment env, CassandraCluster cr) {
    String namespace = cr.getMetadata().getNamespace();
    String cluster = cr.getMetadata().getName();
    Secret secret = env.client().secrets().inNamespace(namespace)
        .withName(Names.agentTokenSecret(cluster)).get();
    AgentToken token = new AgentToken(Secrets.value(secret, Names.AGENT_TOKEN_KEY));
    boolean https = AgentTls.enabled(cr.getSpec());
    Map<String, NodeEndpoint> endpoints = new LinkedHashMap<>();
    for (NodeStatus node : cr.getStatus().getNodes()) {
      NodeTls tls = null;
      if (https) {
        String name = node.getName();
        NodeId id = new NodeId(cluster, node.getDatacenter(), node.getRack(),
            Integer.parseInt(name.substring(name.lastIndexOf('-') + 1)));
        tls = NodeTls.fromSecret(env.client().secrets().inNamespace(namespace).withName(Names.nodeTlsSecret(id))
            .get(), id, namespace);
      }
      endpoints.put(node.getName(), new NodeEndpoint(node.getName(), node.getPodIP(), NodeEndpoint.DEFAULT_PORT,
          token, tls));
    }
    return endpoints;
  }

  /** Prints how long each phase of a test took, as it ends (the e2e suite's timing record). */
  static final class Phases {
    private final String test;
    private long start = System.nanoTime();
    private final Map<String, Long> millis = new LinkedHashMap<>();

    Phases(String test) {
      this.test = test;
    }

    /** Ends the current phase under this name and starts the next. */
    long done(String phase) {
      long now = System.nanoTime();
      long took = (now - start) / 1_000_000;
      millis.put(phase, took);
      start = now;
      System.out.printf("[e2e] %s: %-55s %7.1f s%n", test, phase, took / 1000.0);
      return took;
    }

    Map<String, Long> millis() {
      return millis;
    }
  }
}
