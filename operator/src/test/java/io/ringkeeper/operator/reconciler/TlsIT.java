package io.ringkeeper.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.TlsSpec;
import io.ringkeeper.api.v1alpha1.ClusterPhase;
import io.ringkeeper.api.v1alpha1.NodeStatus;
import io.ringkeeper.operator.domain.tls.CertificateAuthority;
import io.ringkeeper.operator.domain.tls.IssuedCertificate;
import io.ringkeeper.operator.domain.tls.Pem;
import io.ringkeeper.operator.domain.tls.TlsChecks;
import io.ringkeeper.operator.resources.Labels;
import io.ringkeeper.operator.resources.Names;
import io.ringkeeper.operator.resources.Secrets;
import io.ringkeeper.operator.testing.MockKube;
import io.ringkeeper.operator.testing.OperatorHarness;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * TLS certificates on the mock API server: the operator's CA and every node's Secret (written before its pod),
 * renewal without a restart, and every unusable Secret reported (Valid=False naming the Secret, the key and the
 * fix) while nothing in the cluster changes.
 */
class TlsIT {
  static OperatorHarness harness;

  static final String CLUSTER = """
      apiVersion: ringkeeper.io/v1alpha1
      kind: CassandraCluster
      metadata: {name: %s}
      spec:
        datacenters:
          - name: dc1
            replicationFactor: 3
            size: 3
            racks: [{name: r1}, {name: r2}, {name: r3}]
        storage: {size: 1Gi}
        tls:
      %s""";

  @BeforeAll
  static void start() {
    harness = OperatorHarness.start();
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  private static String tls(String lines) {
    return lines.lines().map(l -> "    " + l).collect(Collectors.joining("\n")) + "\n";
  }

  private static Condition condition(CassandraCluster cr, String type) {
    return cr.getStatus().getConditions().stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
  }

  private static Secret secret(String ns, String name, Map<String, String> values) {
    return new SecretBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
        .withType("kubernetes.io/tls")
        .withData(values.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
            e -> Base64.getEncoder().encodeToString(e.getValue().getBytes(StandardCharsets.UTF_8)))))
        .build();
  }

  private static Map<String, String> layout(IssuedCertificate cert) {
    return Map.of("tls.crt", cert.certificatePem(), "tls.key", cert.keyPem(), "ca.crt", cert.bundlePem());
  }

  private static Map<String, String> caLayout(CertificateAuthority ca) {
    return Map.of("tls.crt", Pem.write(List.of(ca.certificate())), "tls.key", Pem.write(ca.key()));
  }

  private static List<String> wildcard(String cluster, String ns) {
    return List.of("*." + cluster + "-nodes." + ns + ".svc");
  }

  private static Secret nodeSecret(String ns, String node) {
    return harness.admin().secrets().inNamespace(ns).withName(node + "-tls").get();
  }

  private static List<String> nodeNames(String cluster) {
    return List.of(cluster + "-dc1-r1-0", cluster + "-dc1-r2-0", cluster + "-dc1-r3-0");
  }

  private static X509Certificate leaf(Secret secret) throws Exception {
    return Pem.certificates(Secrets.value(secret, "tls.crt"), "test").get(0);
  }

  private static List<Event> events(String ns, String reason) {
    return harness.events(ns).stream().filter(e -> e.getReason().equals(reason)).toList();
  }

  /** Every cluster's pods, Secrets and ConfigMaps with their resource versions. */
  private static Map<String, String> versions(String ns) {
    Map<String, String> all = new LinkedHashMap<>();
    Stream.of(harness.admin().pods().inNamespace(ns).list().getItems(),
        harness.admin().secrets().inNamespace(ns).list().getItems(),
        harness.admin().configMaps().inNamespace(ns).list().getItems())
        .flatMap(List::stream)
        .forEach(o -> all.put(o.getKind() + "/" + o.getMetadata().getName(), o.getMetadata().getResourceVersion()));
    return all;
  }

  @Test
  void everyNodesTlsSecretIsWrittenBeforeItsPodAndTheClusterCaSignsIt() throws Exception {
    String ns = harness.kube().freshNamespace("tls-gen");
    List<String> added = Collections.synchronizedList(new ArrayList<>());
    Watcher<HasMetadata> order = new Watcher<>() {
      @Override
      public void eventReceived(Action action, HasMetadata o) {
        if (action == Action.ADDED) {
          added.add(o.getKind() + "/" + o.getMetadata().getName());
        }
      }

      @Override
      public void onClose(WatcherException cause) {}
    };
    try (Watch pods = harness.admin().pods().inNamespace(ns).watch(cast(order));
        Watch secrets = harness.admin().secrets().inNamespace(ns).watch(cast(order))) {
      harness.create(ns, CLUSTER.formatted("gen", tls("enabled: true\ncertificateLifetime: 720h")));
      CassandraCluster ready = harness.awaitPhase(ns, "gen", ClusterPhase.Ready);

      Secret caSecret = harness.admin().secrets().inNamespace(ns).withName("gen-ca").get();
      X509Certificate ca = Pem.certificates(Secrets.value(caSecret, "tls.crt"), "ca").get(0);
      assertThat(ca.getSubjectX500Principal().getName()).isEqualTo("CN=gen Ringkeeper CA");
      assertThat(caSecret.getMetadata().getOwnerReferences()).singleElement()
          .satisfies(o -> assertThat(o.getName()).isEqualTo("gen"));
      for (String node : nodeNames("gen")) {
        Secret secret = nodeSecret(ns, node);
        assertThat(secret.getData()).containsOnlyKeys("tls.crt", "tls.key", "ca.crt", "keystore.pem");
        assertThat(secret.getMetadata().getOwnerReferences()).singleElement()
            .satisfies(o -> assertThat(o.getName()).isEqualTo("gen"));
        X509Certificate cert = leaf(secret);
        cert.verify(ca.getPublicKey());
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=" + node);
        assertThat(TlsChecks.dnsNames(cert)).contains(node + ".gen-nodes." + ns + ".svc", "gen-client");
        assertThat(Duration.between(cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant()))
            .isBetween(Duration.ofHours(720), Duration.ofHours(720).plusMinutes(2));
        assertThat(added.indexOf("Secret/" + node + "-tls")).as("Secret of " + node + " before its pod")
            .isNotNegative().isLessThan(added.indexOf("Pod/" + node));
        Pod pod = harness.admin().pods().inNamespace(ns).withName(node).get();
        assertThat(pod.getSpec().getVolumes()).anySatisfy(v -> assertThat(v.getSecret() == null ? null
            : v.getSecret().getSecretName()).isEqualTo(node + "-tls"));
        NodeStatus status = ready.getStatus().getNodes().stream().filter(n -> n.getName().equals(node)).findFirst()
            .orElseThrow();
        assertThat(Instant.parse(status.getCertificateNotAfter())).isEqualTo(cert.getNotAfter().toInstant());
      }
      assertThat(ready.getStatus().getTls().getSource()).isEqualTo("CA in Secret gen-ca");
      assertThat(ready.getStatus().getTls().getNextRenewal()).isNotNull();
      assertThat(events(ns, "CertificateIssued")).hasSize(3);
      String config = harness.admin().configMaps().inNamespace(ns).withName("gen-config").get().getData()
          .get("cassandra.yaml");
      assertThat(config).contains("server_encryption_options", "PEMBasedSslContextFactory",
          "/etc/ringkeeper/tls/keystore.pem");
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static <T> Watcher<T> cast(Watcher<HasMetadata> w) {
    return (Watcher) w;
  }

  @Test
  void aNodeAddedByAScaleUpGetsItsTlsSecretBeforeItsPod() throws Exception {
    String ns = harness.kube().freshNamespace("tls-scale");
    harness.create(ns, CLUSTER.formatted("grow", tls("enabled: true")));
    harness.awaitPhase(ns, "grow", ClusterPhase.Ready);
    List<String> added = Collections.synchronizedList(new ArrayList<>());
    Watcher<HasMetadata> order = new Watcher<>() {
      @Override
      public void eventReceived(Action action, HasMetadata o) {
        if (action == Action.ADDED) {
          added.add(o.getKind() + "/" + o.getMetadata().getName());
        }
      }

      @Override
      public void onClose(WatcherException cause) {}
    };
    try (Watch pods = harness.admin().pods().inNamespace(ns).watch(cast(order));
        Watch secrets = harness.admin().secrets().inNamespace(ns).watch(cast(order))) {
      harness.edit(harness.admin().resources(CassandraCluster.class).inNamespace(ns).withName("grow"), c -> {
        c.getSpec().getDatacenters().get(0).setSize(4);
        return c;
      });
      CassandraCluster grown = harness.awaitCluster(ns, "grow", Duration.ofSeconds(60), c -> c.getStatus() != null
          && c.getStatus().getOperation() == null && c.getStatus().getPhase() == ClusterPhase.Ready
          && c.getStatus().getNodes().size() == 4);
      String node = grown.getStatus().getNodes().stream().map(NodeStatus::getName)
          .filter(n -> !nodeNames("grow").contains(n)).findFirst().orElseThrow();
      await().atMost(Duration.ofSeconds(5)).until(() -> added.contains("Pod/" + node));
      assertThat(added.indexOf("Secret/" + node + "-tls")).as("Secret of " + node + " before its pod")
          .isNotNegative().isLessThan(added.indexOf("Pod/" + node));
      assertThat(TlsChecks.dnsNames(leaf(nodeSecret(ns, node)))).contains(node + ".grow-nodes." + ns + ".svc");
    }
  }

  @Test
  void aSteadyTlsClusterIsReconciledWithoutAnyRequest() {
    String ns = harness.kube().freshNamespace("tls-steady");
    CertificateAuthority userCa = CertificateAuthority.generate("steady", Instant.now());
    harness.admin().resource(secret(ns, "steady-user-ca", caLayout(userCa))).create();
    harness.create(ns, CLUSTER.formatted("steady", tls("enabled: true\ncaSecretRef: steady-user-ca")));
    harness.awaitPhase(ns, "steady", ClusterPhase.Ready);
    io.ringkeeper.operator.node.ClusterKey key = new io.ringkeeper.operator.node.ClusterKey(ns, "steady");
    Duration quiet = OperatorHarness.POLL_INTERVAL.multipliedBy(5);
    harness.kube().clearRequests();
    await().atMost(Duration.ofSeconds(60)).pollDelay(quiet).pollInterval(quiet).until(() -> {
      boolean none = harness.kube().requests(r -> r.userAgent().equals(MockKube.OPERATOR_AGENT)
          && ours(r.path(), ns) && !r.method().equals("GET")).isEmpty();
      harness.kube().clearRequests();
      return none;
    });
    for (int i = 0; i < 10; i++) {
      long before = harness.operator().reconciler().reconciliations();
      harness.operator().reconciler().requestReconcile(key);
      await().atMost(Duration.ofSeconds(30)).until(() -> harness.operator().reconciler().reconciliations() > before);
    }
    OperatorHarness.pause(OperatorHarness.POLL_INTERVAL);
    // No certificate is issued again, no Secret rewritten, no status written, and the user's CA is read from the
    // cache (it is labelled for the cluster), never from the API server.
    assertThat(harness.kube().requests(r -> r.userAgent().equals(MockKube.OPERATOR_AGENT) && ours(r.path(), ns)
        && !r.path().contains("watch=true"))).isEmpty();
  }

  /**
   * A request about this namespace, or about no namespace: the clusters other tests of the class left behind (an
   * Invalid one is looked at again every poll interval) share the operator and are not this test's concern.
   */
  private static boolean ours(String path, String ns) {
    return path.contains("/namespaces/" + ns + "/") || !path.contains("/namespaces/");
  }

  @Test
  void aCertificateDueForRenewalIsReissuedWithoutRestartingAnyNode() throws Exception {
    String ns = harness.kube().freshNamespace("tls-renew");
    harness.create(ns, CLUSTER.formatted("renew", tls("enabled: true")));
    harness.awaitPhase(ns, "renew", ClusterPhase.Ready);
    Map<String, String> uids = harness.pods(ns).stream()
        .collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p.getMetadata().getUid()));
    String node = "renew-dc1-r1-0";
    X509Certificate before = leaf(nodeSecret(ns, node));
    String otherBefore = Secrets.value(nodeSecret(ns, "renew-dc1-r2-0"), "tls.crt");

    // As if two thirds of its lifetime had passed.
    harness.edit(harness.admin().secrets().inNamespace(ns).withName(node + "-tls"), s -> {
      s.getMetadata().getAnnotations().put(Labels.TLS_RENEW_AT, Instant.now().minusSeconds(5).toString());
      return s;
    });
    await().atMost(Duration.ofSeconds(20)).until(() -> !leaf(nodeSecret(ns, node)).equals(before));
    assertThat(events(ns, "CertificateRenewed")).singleElement()
        .satisfies(e -> assertThat(e.getMessage()).contains(node, "due for renewal", "no node restarts"));
    assertThat(Secrets.value(nodeSecret(ns, "renew-dc1-r2-0"), "tls.crt")).isEqualTo(otherBefore);
    OperatorHarness.pause(Duration.ofSeconds(1));
    assertThat(harness.pods(ns)).extracting(Pod::getMetadata)
        .allSatisfy(m -> assertThat(m.getUid()).isEqualTo(uids.get(m.getName())));
    assertThat(harness.get(ns, "renew").getStatus().getPhase()).isEqualTo(ClusterPhase.Ready);
  }

  @Test
  void theOperatorsCaSecretGetsItsLabelsBackAndItsValuesAreNeverRewritten() {
    String ns = harness.kube().freshNamespace("tls-ca-labels");
    harness.create(ns, CLUSTER.formatted("calabels", tls("enabled: true")));
    harness.awaitPhase(ns, "calabels", ClusterPhase.Ready);
    var ca = harness.admin().secrets().inNamespace(ns).withName(Names.caSecret("calabels"));
    Map<String, String> labels = ca.get().getMetadata().getLabels();
    Map<String, String> values = ca.get().getData();
    assertThat(labels).isNotEmpty();

    harness.edit(ca, s -> {
      // The component label changed (the labels that select it for the cluster kept: without them the Secret is
      // not the cluster's any more, as for every object the operator owns).
      s.getMetadata().getLabels().put(Labels.COMPONENT, "edited");
      return s;
    });
    await().atMost(Duration.ofSeconds(20))
        .until(() -> ca.get().getMetadata().getLabels().entrySet().containsAll(labels.entrySet()));
    assertThat(ca.get().getData()).isEqualTo(values);
  }

  @Test
  void aNodeCertificateFromAnotherCaPutInItsSecretIsReplacedByOneTheClusterCaSignsWithoutARestart()
      throws Exception {
    String ns = harness.kube().freshNamespace("tls-rogue");
    harness.create(ns, CLUSTER.formatted("rogue", tls("enabled: true")));
    harness.awaitPhase(ns, "rogue", ClusterPhase.Ready);
    Map<String, String> uids = harness.pods(ns).stream()
        .collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p.getMetadata().getUid()));
    String node = "rogue-dc1-r1-0";
    X509Certificate ca = Pem.certificates(Secrets.value(harness.admin().secrets().inNamespace(ns)
        .withName(Names.caSecret("rogue")).get(), "ca.crt"), "ca").get(0);
    IssuedCertificate foreign = CertificateAuthority.generate("rogue", Instant.now())
        .issue(node, List.of(node + ".rogue-nodes." + ns + ".svc"), Duration.ofHours(1), Instant.now());

    // Its values replaced (annotations kept), as a hand edit or another tool would.
    harness.edit(harness.admin().secrets().inNamespace(ns).withName(node + "-tls"), s -> {
      s.getData().put("tls.crt", Base64.getEncoder().encodeToString(foreign.certificatePem()
          .getBytes(StandardCharsets.UTF_8)));
      s.getData().put("tls.key", Base64.getEncoder().encodeToString(foreign.keyPem()
          .getBytes(StandardCharsets.UTF_8)));
      return s;
    });
    await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
      leaf(nodeSecret(ns, node)).verify(ca.getPublicKey());
      return true;
    });
    assertThat(events(ns, "CertificateRenewed")).singleElement()
        .satisfies(e -> assertThat(e.getMessage()).contains(node, "not signed by the cluster's CA"));
    OperatorHarness.pause(Duration.ofSeconds(1));
    assertThat(harness.pods(ns)).extracting(Pod::getMetadata)
        .allSatisfy(m -> assertThat(m.getUid()).isEqualTo(uids.get(m.getName())));
  }

  @Test
  void aUsersCertificateIsCopiedToEveryNodeAndCopiedAgainWhenItChanges() throws Exception {
    String ns = harness.kube().freshNamespace("tls-user");
    CertificateAuthority userCa = CertificateAuthority.generate("user", Instant.now());
    IssuedCertificate first = userCa.issue("user", wildcard("mine", ns), Duration.ofHours(100), Instant.now());
    harness.admin().resource(secret(ns, "my-cert", layout(first))).create();
    harness.create(ns, CLUSTER.formatted("mine", tls("enabled: true\nsecretRef: my-cert")));
    CassandraCluster ready = harness.awaitPhase(ns, "mine", ClusterPhase.Ready);
    for (String node : nodeNames("mine")) {
      assertThat(leaf(nodeSecret(ns, node))).isEqualTo(first.leaf());
      assertThat(Secrets.value(nodeSecret(ns, node), "keystore.pem")).isEqualTo(first.keyPem() + first.certificatePem());
    }
    assertThat(harness.admin().secrets().inNamespace(ns).withName("mine-ca").get()).isNull();
    assertThat(ready.getStatus().getTls().getSource()).isEqualTo("Secret my-cert (spec.tls.secretRef)");
    assertThat(ready.getStatus().getTls().getNextRenewal()).isNull();
    Map<String, String> uids = harness.pods(ns).stream()
        .collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p.getMetadata().getUid()));

    IssuedCertificate second = userCa.issue("user", wildcard("mine", ns), Duration.ofHours(100), Instant.now());
    harness.edit(harness.admin().secrets().inNamespace(ns).withName("my-cert"), s -> {
      s.setData(secret(ns, "my-cert", layout(second)).getData());
      return s;
    });
    await().atMost(Duration.ofSeconds(20)).until(() -> nodeNames("mine").stream()
        .allMatch(n -> second.certificatePem().equals(Secrets.value(nodeSecret(ns, n), "tls.crt"))));
    assertThat(harness.pods(ns)).extracting(Pod::getMetadata)
        .allSatisfy(m -> assertThat(m.getUid()).isEqualTo(uids.get(m.getName())));
  }

  /** Named corp-ca, as the CA the operator would generate for cluster corp: still the user's, never owned. */
  @Test
  void aUsersCaIssuesTheNodeCertificates() throws Exception {
    String ns = harness.kube().freshNamespace("tls-userca");
    CertificateAuthority userCa = CertificateAuthority.generate("corp", Instant.now());
    harness.admin().resource(secret(ns, "corp-ca", caLayout(userCa))).create();
    harness.create(ns, CLUSTER.formatted("corp", tls("enabled: true\ncaSecretRef: corp-ca")));
    harness.awaitPhase(ns, "corp", ClusterPhase.Ready);
    for (String node : nodeNames("corp")) {
      leaf(nodeSecret(ns, node)).verify(userCa.certificate().getPublicKey());
    }
    assertThat(harness.admin().secrets().inNamespace(ns).withName("corp-ca").get().getMetadata().getLabels())
        .containsEntry(Labels.CLUSTER, "corp");
    assertThat(harness.admin().secrets().inNamespace(ns).withName("corp-ca").get().getMetadata()
        .getOwnerReferences()).isNullOrEmpty();
  }

  // ---- bad input ----

  static IssuedCertificate good(String cluster, String ns) {
    return CertificateAuthority.generate("u", Instant.now()).issue("u", wildcard(cluster, ns), Duration.ofHours(5),
        Instant.now());
  }

  static String pkcs1() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(g.generateKeyPair().getPrivate());
    }
    return out.toString();
  }

  /** A bad variant of the user's secretRef Secret, given the cluster and namespace, and what the condition says. */
  record Bad(String name, java.util.function.BiFunction<String, String, Map<String, String>> data,
      List<String> message) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> badCertificates() {
    return Stream.of(
        Arguments.of(new Bad("key does not match the certificate", (c, ns) -> {
          Map<String, String> m = new LinkedHashMap<>(layout(good(c, ns)));
          m.put("tls.key", good(c, ns).keyPem());
          return m;
        }, List.of("Secret user-cert (spec.tls.secretRef): key tls.key is not the private key", "matching pair"))),
        Arguments.of(new Bad("expired", (c, ns) -> layout(CertificateAuthority.generate("u", Instant.now())
            .issue("u", wildcard(c, ns), Duration.ofMinutes(10), Instant.now().minus(Duration.ofHours(1)))),
            List.of("Secret user-cert (spec.tls.secretRef), key tls.crt", "expired at", "renew it"))),
        Arguments.of(new Bad("not signed by its ca.crt", (c, ns) -> {
          Map<String, String> m = new LinkedHashMap<>(layout(good(c, ns)));
          m.put("ca.crt", Pem.write(List.of(CertificateAuthority.generate("other", Instant.now()).certificate())));
          return m;
        }, List.of("key tls.crt", "is not signed by the CA in key ca.crt", "issue the certificate from that CA"))),
        Arguments.of(new Bad("DNS names do not cover the nodes", (c, ns) -> layout(CertificateAuthority
            .generate("u", Instant.now()).issue("u", List.of("elsewhere.example"), Duration.ofHours(5),
                Instant.now())), List.of("key tls.crt", "do not cover", "-dc1-r1-0.", "dnsNames"))),
        Arguments.of(new Bad("PKCS#1 key", (c, ns) -> {
          Map<String, String> m = new LinkedHashMap<>(layout(good(c, ns)));
          try {
            m.put("tls.key", pkcs1());
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
          return m;
        }, List.of("key tls.key", "PKCS#1", "spec.privateKey.encoding: PKCS8"))),
        Arguments.of(new Bad("garbage PEM", (c, ns) -> {
          Map<String, String> m = new LinkedHashMap<>(layout(good(c, ns)));
          m.put("tls.crt", "this is not a certificate");
          return m;
        }, List.of("Secret user-cert (spec.tls.secretRef), key tls.crt", "holds no PEM certificate"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badCertificates")
  void aBadUserCertificateOnARunningClusterIsReportedAndChangesNothing(Bad bad) {
    String ns = harness.kube().freshNamespace("tls-bad");
    harness.admin().resource(secret(ns, "user-cert", layout(good("bad", ns)))).create();
    harness.create(ns, CLUSTER.formatted("bad", tls("enabled: true\nsecretRef: user-cert")));
    harness.awaitPhase(ns, "bad", ClusterPhase.Ready);
    Map<String, String> before = versions(ns);

    harness.kube().clearRequests();
    harness.edit(harness.admin().secrets().inNamespace(ns).withName("user-cert"), s -> {
      s.setData(secret(ns, "user-cert", bad.data().apply("bad", ns)).getData());
      return s;
    });
    CassandraCluster invalid = harness.awaitPhase(ns, "bad", ClusterPhase.Invalid);
    assertThat(condition(invalid, "Valid").getReason()).isEqualTo("TlsSecretInvalid");
    assertThat(condition(invalid, "Valid").getMessage()).contains(bad.message())
        .contains("nothing in the cluster is changed");
    await().atMost(Duration.ofSeconds(5)).until(() -> !events(ns, "TlsSecretInvalid").isEmpty());
    OperatorHarness.pause(OperatorHarness.POLL_INTERVAL.multipliedBy(3));

    // Only the status and the event were written: no pod, Secret or configuration.
    assertThat(harness.kube().writesBy(MockKube.OPERATOR_AGENT)).allSatisfy(r -> assertThat(
        r.path().endsWith("/cassandraclusters/bad/status") || r.path().contains("/events")).as(r.toString())
        .isTrue());
    Map<String, String> after = versions(ns);
    after.remove("Secret/user-cert");
    Map<String, String> expected = new LinkedHashMap<>(before);
    expected.remove("Secret/user-cert");
    assertThat(after).isEqualTo(expected);
  }

  static Stream<Arguments> badNewClusters() {
    return Stream.of(
        Arguments.of("caSecretRef missing", "enabled: true\ncaSecretRef: no-such-ca", Map.of(),
            "TlsSecretMissing", List.of("Secret no-such-ca (spec.tls.caSecretRef) not found", "keys tls.crt",
                "or clear the field")),
        Arguments.of("caSecretRef without tls.key", "enabled: true\ncaSecretRef: half-ca",
            Map.of("half-ca", (Function<CertificateAuthority, Map<String, String>>) ca -> Map.of("tls.crt",
                Pem.write(List.of(ca.certificate()))))
            , "TlsSecretInvalid", List.of("Secret half-ca (spec.tls.caSecretRef), key tls.key is missing or empty",
                "add the PEM private key")),
        Arguments.of("caSecretRef not a CA", "enabled: true\ncaSecretRef: leaf-ca",
            Map.of("leaf-ca", (Function<CertificateAuthority, Map<String, String>>) ca -> {
              IssuedCertificate leaf = ca.issue("x", List.of("x"), Duration.ofHours(1), Instant.now());
              return Map.of("tls.crt", leaf.certificatePem(), "tls.key", leaf.keyPem());
            }), "TlsSecretInvalid", List.of("Secret leaf-ca (spec.tls.caSecretRef), key tls.crt",
                "is not a CA certificate", "isCA: true")),
        Arguments.of("secretRef missing", "enabled: true\nsecretRef: no-such-cert", Map.of(), "TlsSecretMissing",
            List.of("Secret no-such-cert (spec.tls.secretRef) not found", "tls.crt, tls.key (PKCS#8) and ca.crt",
                "cert-manager")),
        Arguments.of("caSecretRef and secretRef both set", "enabled: true\ncaSecretRef: a\nsecretRef: b", Map.of(),
            "InvalidSpec", List.of("spec.tls: caSecretRef and secretRef are both set", "remove one")),
        Arguments.of("certificateLifetime under 10m", "enabled: true\ncertificateLifetime: 5m", Map.of(),
            "InvalidSpec", List.of("spec.tls.certificateLifetime: '5m' is under 10m", "at least 10m")),
        Arguments.of("certificateLifetime not a duration", "enabled: true\ncertificateLifetime: 90days", Map.of(),
            "InvalidSpec", List.of("spec.tls.certificateLifetime: '90days' is not a duration")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badNewClusters")
  void aNewClusterWithAnUnusableTlsSecretIsReportedAndGetsNoObjects(String rule, String tls,
      Map<String, Function<CertificateAuthority, Map<String, String>>> secrets, String reason, List<String> message) {
    String ns = harness.kube().freshNamespace("tls-new");
    CertificateAuthority ca = CertificateAuthority.generate("x", Instant.now());
    secrets.forEach((name, data) -> harness.admin().resource(secret(ns, name, data.apply(ca))).create());
    harness.kube().clearRequests();
    harness.create(ns, CLUSTER.formatted("fresh", tls(tls)));
    CassandraCluster invalid = harness.awaitPhase(ns, "fresh", ClusterPhase.Invalid);
    assertThat(condition(invalid, "Valid").getReason()).isEqualTo(reason);
    assertThat(condition(invalid, "Valid").getMessage()).contains(message);
    await().atMost(Duration.ofSeconds(5)).until(() -> !events(ns, reason).isEmpty());
    assertThat(events(ns, reason).get(0).getType()).isEqualTo("Warning");
    OperatorHarness.pause(OperatorHarness.POLL_INTERVAL.multipliedBy(3));
    assertThat(harness.admin().pods().inNamespace(ns).list().getItems()).isEmpty();
    assertThat(harness.admin().configMaps().inNamespace(ns).list().getItems()).isEmpty();
    assertThat(harness.admin().secrets().inNamespace(ns).list().getItems()).extracting(s -> s.getMetadata()
        .getName()).containsExactlyInAnyOrderElementsOf(secrets.keySet());
    // The user's Secret is labelled (so its changes are seen); nothing else but the cluster's finalizer, status and
    // events is written.
    assertThat(harness.kube().writesBy(MockKube.OPERATOR_AGENT)).allSatisfy(r -> assertThat(
        r.path().endsWith("/cassandraclusters/fresh/status") || r.path().contains("/events")
            // JOSDK's finalizer on the cluster itself
            || r.path().endsWith("/cassandraclusters/fresh")
            || secrets.keySet().stream().anyMatch(s -> r.path().endsWith("/secrets/" + s))).as(r.toString())
        .isTrue());
  }

  @Test
  void aMissingUserCaIsPickedUpOnceItIsCreated() {
    String ns = harness.kube().freshNamespace("tls-late");
    harness.create(ns, CLUSTER.formatted("late", tls("enabled: true\ncaSecretRef: late-ca")));
    harness.awaitPhase(ns, "late", ClusterPhase.Invalid);
    CertificateAuthority ca = CertificateAuthority.generate("late", Instant.now());
    harness.admin().resource(secret(ns, "late-ca", caLayout(ca))).create();
    CassandraCluster ready = harness.awaitPhase(ns, "late", ClusterPhase.Ready);
    assertThat(condition(ready, "Valid").getStatus()).isEqualTo("True");
  }

  // ---- a change of CA (CaChange) ----

  /** The CA Secret of a cluster as it was read, made creatable again (a restore from a backup). */
  private static Secret restorable(Secret saved) {
    Secret copy = new SecretBuilder(saved).build();
    copy.getMetadata().setResourceVersion(null);
    copy.getMetadata().setUid(null);
    copy.getMetadata().setCreationTimestamp(null);
    copy.getMetadata().setManagedFields(null);
    return copy;
  }

  /** Only the cluster's status and events were written since the requests were cleared. */
  private static void onlyStatusAndEventsWritten(String cluster) {
    assertThat(harness.kube().writesBy(MockKube.OPERATOR_AGENT)).allSatisfy(r -> assertThat(
        r.path().endsWith("/cassandraclusters/" + cluster + "/status") || r.path().contains("/events"))
        .as(r.toString()).isTrue());
  }

  @Test
  void aDeletedOperatorCaIsNotGeneratedAgainUnderRunningNodesAndRestoringItBringsTheClusterBackUnchanged() {
    String ns = harness.kube().freshNamespace("tls-ca-lost");
    harness.create(ns, CLUSTER.formatted("lost", tls("enabled: true")));
    harness.awaitPhase(ns, "lost", ClusterPhase.Ready);
    var caSecret = harness.admin().secrets().inNamespace(ns).withName(Names.caSecret("lost"));
    Secret saved = caSecret.get();
    Map<String, String> before = versions(ns);
    before.remove("Secret/" + Names.caSecret("lost"));

    harness.kube().clearRequests();
    caSecret.delete();
    CassandraCluster invalid = harness.awaitPhase(ns, "lost", ClusterPhase.Invalid);
    assertThat(condition(invalid, "Valid").getReason()).isEqualTo("CaChangeUnsafe");
    assertThat(condition(invalid, "Valid").getMessage()).contains("Secret lost-ca (the CA the operator generated)"
        + " is missing", "lost-dc1-r1-0, lost-dc1-r2-0, lost-dc1-r3-0", "refuse each other",
        "restore Secret lost-ca", "Changing the CA", "nothing in the cluster is changed");
    OperatorHarness.pause(OperatorHarness.POLL_INTERVAL.multipliedBy(3));
    assertThat(caSecret.get()).as("no new CA").isNull();
    onlyStatusAndEventsWritten("lost");
    assertThat(versions(ns)).isEqualTo(before);

    // The fix the message names: the same CA back, nothing rewritten, no node restarted.
    harness.admin().resource(restorable(saved)).create();
    harness.awaitPhase(ns, "lost", ClusterPhase.Ready);
    Map<String, String> after = versions(ns);
    after.remove("Secret/" + Names.caSecret("lost"));
    assertThat(after).isEqualTo(before);
  }

  /** The way out docs/security.md gives when the CA's key is lost: the CA and every node's Secret deleted. */
  @Test
  void aCaDeletedWithEveryNodesSecretIsGeneratedAgainAndTheNodesReissuedWithNoPodRecreated() throws Exception {
    String ns = harness.kube().freshNamespace("tls-ca-gone");
    harness.create(ns, CLUSTER.formatted("gone", tls("enabled: true")));
    harness.awaitPhase(ns, "gone", ClusterPhase.Ready);
    Map<String, String> uids = harness.pods(ns).stream()
        .collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p.getMetadata().getUid()));
    var caSecret = harness.admin().secrets().inNamespace(ns).withName(Names.caSecret("gone"));
    String oldCa = caSecret.get().getData().get("tls.crt");

    caSecret.delete();
    nodeNames("gone").forEach(n -> harness.admin().secrets().inNamespace(ns).withName(n + "-tls").delete());
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
      Secret ca = caSecret.get();
      assertThat(ca.getData().get("tls.crt")).isNotEqualTo(oldCa);
      X509Certificate issuer = Pem.certificates(Secrets.value(ca, "tls.crt"), "ca").get(0);
      for (String node : nodeNames("gone")) {
        leaf(nodeSecret(ns, node)).verify(issuer.getPublicKey());
      }
      return true;
    });
    harness.awaitPhase(ns, "gone", ClusterPhase.Ready);
    assertThat(harness.pods(ns)).extracting(Pod::getMetadata)
        .allSatisfy(m -> assertThat(m.getUid()).isEqualTo(uids.get(m.getName())));
  }

  private static Map<String, String> caLayout(CertificateAuthority signer, X509Certificate... trusted) {
    Map<String, String> m = new LinkedHashMap<>(caLayout(signer));
    m.put("ca.crt", Pem.write(List.of(trusted)));
    return m;
  }

  private static void editData(String ns, String name, Map<String, String> values) {
    harness.edit(harness.admin().secrets().inNamespace(ns).withName(name), s -> {
      s.setData(secret(ns, name, values).getData());
      return s;
    });
  }

  /** Every node's Secret has this ca.crt and a certificate the CA signed. */
  private static void awaitNodes(String ns, String cluster, CertificateAuthority signer, X509Certificate... trusted) {
    String bundle = Pem.write(List.of(trusted));
    await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
      for (String node : nodeNames(cluster)) {
        assertThat(Secrets.value(nodeSecret(ns, node), "ca.crt")).isEqualTo(bundle);
        leaf(nodeSecret(ns, node)).verify(signer.certificate().getPublicKey());
      }
      return true;
    });
  }

  @Test
  void aUsersCaIsReplacedOnlyThroughACaCrtHoldingBothCasAndNoNodeRestartsForIt() throws Exception {
    String ns = harness.kube().freshNamespace("tls-rotate");
    CertificateAuthority old = CertificateAuthority.generate("corp", Instant.now());
    CertificateAuthority next = CertificateAuthority.generate("corp", Instant.now());
    X509Certificate o = old.certificate();
    X509Certificate n = next.certificate();
    harness.admin().resource(secret(ns, "rot-ca", caLayout(old))).create();
    harness.create(ns, CLUSTER.formatted("rot", tls("enabled: true\ncaSecretRef: rot-ca")));
    harness.awaitPhase(ns, "rot", ClusterPhase.Ready);
    Map<String, String> uids = harness.pods(ns).stream()
        .collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p.getMetadata().getUid()));
    Map<String, String> before = versions(ns);
    before.remove("Secret/rot-ca");

    // In one step: refused, nothing written.
    harness.kube().clearRequests();
    editData(ns, "rot-ca", caLayout(next));
    CassandraCluster invalid = harness.awaitPhase(ns, "rot", ClusterPhase.Invalid);
    assertThat(condition(invalid, "Valid").getReason()).isEqualTo("CaChangeUnsafe");
    assertThat(condition(invalid, "Valid").getMessage()).contains("spec.tls.caSecretRef",
        "Secret rot-ca (spec.tls.caSecretRef) holds a CA that nodes rot-dc1-r1-0, rot-dc1-r2-0, rot-dc1-r3-0 do"
            + " not trust", "a ca.crt that holds both CAs");
    OperatorHarness.pause(OperatorHarness.POLL_INTERVAL.multipliedBy(3));
    onlyStatusAndEventsWritten("rot");
    Map<String, String> unchanged = versions(ns);
    unchanged.remove("Secret/rot-ca");
    assertThat(unchanged).isEqualTo(before);
    awaitNodes(ns, "rot", old, o);

    // The three steps of docs/security.md, "Changing the CA", each let through.
    editData(ns, "rot-ca", caLayout(old, o, n));
    awaitNodes(ns, "rot", old, o, n);
    assertThat(harness.awaitPhase(ns, "rot", ClusterPhase.Ready)).isNotNull();
    editData(ns, "rot-ca", caLayout(next, o, n));
    awaitNodes(ns, "rot", next, o, n);
    editData(ns, "rot-ca", caLayout(next, n));
    awaitNodes(ns, "rot", next, n);
    harness.awaitPhase(ns, "rot", ClusterPhase.Ready);
    assertThat(harness.pods(ns)).extracting(Pod::getMetadata)
        .allSatisfy(m -> assertThat(m.getUid()).isEqualTo(uids.get(m.getName())));
    assertThat(nodeNames("rot")).allSatisfy(node -> assertThat(events(ns, "CertificateRenewed"))
        .anySatisfy(e -> assertThat(e.getMessage()).contains(node, "its source changed", "no node restarts")));
  }

  @Test
  void tlsIsNotSwitchedOnUnderNodesRunningWithoutItNotEvenByTheDefaultAndTheStatusSaysHowToKeepThem() {
    String ns = harness.kube().freshNamespace("tls-switch");
    harness.create(ns, CLUSTER.formatted("plain", tls("enabled: false")));
    harness.awaitPhase(ns, "plain", ClusterPhase.Ready);
    assertThat(harness.pods(ns)).allSatisfy(p -> assertThat(p.getSpec().getVolumes())
        .noneMatch(v -> v.getName().equals("tls")));
    Map<String, String> before = versions(ns);

    harness.kube().clearRequests();
    // As a cluster created before TLS was the default: its spec names no tls (which now means on).
    harness.edit(harness.admin().resources(CassandraCluster.class).inNamespace(ns).withName("plain"), c -> {
      c.getSpec().setTls(null);
      return c;
    });
    CassandraCluster invalid = harness.awaitPhase(ns, "plain", ClusterPhase.Invalid);
    assertThat(condition(invalid, "Valid").getReason()).isEqualTo("TlsSwitchUnsupported");
    assertThat(condition(invalid, "Valid").getMessage()).contains("spec.tls.enabled", "is empty",
        "plain-dc1-r1-0, plain-dc1-r2-0, plain-dc1-r3-0", "set spec.tls.enabled: false",
        "nothing in the cluster is changed");
    OperatorHarness.pause(OperatorHarness.POLL_INTERVAL.multipliedBy(3));
    assertThat(harness.kube().writesBy(MockKube.OPERATOR_AGENT)).allSatisfy(r -> assertThat(
        r.path().endsWith("/cassandraclusters/plain/status") || r.path().contains("/events")).as(r.toString())
        .isTrue());
    assertThat(versions(ns)).isEqualTo(before);

    // The fix the message names brings it back, with no node restarted.
    harness.edit(harness.admin().resources(CassandraCluster.class).inNamespace(ns).withName("plain"), c -> {
      TlsSpec off = new TlsSpec();
      off.setEnabled(false);
      c.getSpec().setTls(off);
      return c;
    });
    harness.awaitPhase(ns, "plain", ClusterPhase.Ready);
    assertThat(versions(ns)).isEqualTo(before);
  }
}
