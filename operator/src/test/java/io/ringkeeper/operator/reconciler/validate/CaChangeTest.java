package io.ringkeeper.operator.reconciler.validate;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.CassandraClusterSpec;
import io.ringkeeper.operator.domain.tls.CertificateAuthority;
import io.ringkeeper.operator.domain.tls.IssuedCertificate;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/**
 * The rule: a CA change never leaves running nodes that do not trust each other. Real certificates (BouncyCastle, as
 * the operator issues them); each node as its pod (with the TLS volume) and its {@code <node>-tls} Secret.
 */
class CaChangeTest {
  static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
  static final List<String> NODES = List.of("db-dc1-r1-0", "db-dc1-r2-0", "db-dc1-r3-0");
  static final CassandraCluster CR = cluster();

  private static CassandraCluster cluster() {
    CassandraCluster cr = new CassandraCluster();
    cr.getMetadata().setName("db");
    cr.getMetadata().setNamespace("ns");
    cr.setSpec(new CassandraClusterSpec());
    return cr;
  }

  private static List<Pod> pods() {
    return NODES.stream().map(n -> TlsSwitchTest.pod(n, true, false)).toList();
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  /** A node's Secret as TlsSync writes it: tls.crt, tls.key, ca.crt, and the source it was written from. */
  private static Secret nodeSecret(String node, IssuedCertificate cert, String source) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put("tls.crt", b64(cert.certificatePem()));
    data.put("tls.key", b64(cert.keyPem()));
    data.put("ca.crt", b64(cert.bundlePem()));
    data.put("keystore.pem", b64(cert.keystorePem()));
    return new SecretBuilder().withNewMetadata().withName(node + "-tls").withNamespace("ns")
        .addToAnnotations("ringkeeper.io/tls-source", source).endMetadata().withData(data).build();
  }

  /** Every node's Secret, issued by the CA (with its bundle) and recorded with this source. */
  private static Map<String, Secret> issuedBy(CertificateAuthority ca, String source) {
    Map<String, Secret> secrets = new LinkedHashMap<>();
    for (String node : NODES) {
      secrets.put(node + "-tls", nodeSecret(node, ca.issue(node, List.of(node + ".db-nodes.ns.svc"),
          Duration.ofHours(10), NOW), source));
    }
    return secrets;
  }

  private static TlsSecrets.Certificates operatorCa(CertificateAuthority ca, String source) {
    return new TlsSecrets.Certificates(ca, null, false, "db-ca", "operator-ca:db-ca@" + source, Duration.ofHours(10),
        List.of());
  }

  private static TlsSecrets.Certificates usersCa(CertificateAuthority ca, String source) {
    return new TlsSecrets.Certificates(ca, null, false, "corp-ca", "ca:corp-ca@" + source, Duration.ofHours(10),
        List.of());
  }

  private static TlsSecrets.Certificates shared(IssuedCertificate cert, String source) {
    return new TlsSecrets.Certificates(null, cert, false, "my-cert", "secret:my-cert@" + source,
        Duration.ofHours(10), List.of());
  }

  private static CertificateAuthority withBundle(CertificateAuthority ca, X509Certificate... bundle) {
    return new CertificateAuthority(ca.certificate(), ca.key(), List.of(bundle));
  }

  @Test
  void certificatesWrittenFromTheCurrentSourceAreNotCheckedAgain() {
    CertificateAuthority ca = CertificateAuthority.generate("db", NOW);
    assertThat(CaChange.check(CR, operatorCa(ca, "1"), pods(), issuedBy(ca, "operator-ca:db-ca@1"))).isEmpty();
  }

  @Test
  void aDeletedOperatorCaIsNotGeneratedAgainUnderNodesRunningWithTheCertificatesItIssued() {
    Map<String, Secret> secrets = issuedBy(CertificateAuthority.generate("db", NOW), "operator-ca:db-ca@1");
    TlsSecrets.Certificates regenerate = new TlsSecrets.Certificates(null, null, true, "db-ca", null,
        Duration.ofHours(10), List.of());
    assertThat(CaChange.check(CR, regenerate, pods(), secrets)).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("spec.tls");
      assertThat(p.reason()).isEqualTo(CaChange.REASON);
      assertThat(p.message()).contains("Secret db-ca (the CA the operator generated) is missing",
          "nodes db-dc1-r1-0, db-dc1-r2-0, db-dc1-r3-0 run with certificates it issued",
          "refuse each other", "restore Secret db-ca (keys tls.crt, tls.key, ca.crt) from a backup",
          "docs/security.md, \"Changing the CA\"", "nothing in the cluster is changed");
    });
  }

  @Test
  void aNewUsersCaTheRunningNodesDoNotTrustIsRefused() {
    CertificateAuthority old = CertificateAuthority.generate("corp", NOW);
    // The same name, another key: only the signature tells them apart.
    CertificateAuthority other = CertificateAuthority.generate("corp", NOW);
    assertThat(CaChange.check(CR, usersCa(other, "2"), pods(), issuedBy(old, "ca:corp-ca@1")))
        .singleElement().satisfies(p -> {
          assertThat(p.field()).isEqualTo("spec.tls.caSecretRef");
          assertThat(p.message()).contains("Secret corp-ca (spec.tls.caSecretRef) holds a CA that nodes"
              + " db-dc1-r1-0, db-dc1-r2-0, db-dc1-r3-0 do not trust", "put the previous value back",
              "a ca.crt that holds both CAs");
        });
  }

  @Test
  void aNewCaWhoseCaCrtLeavesOutTheOldOneIsRefusedEvenWhenTheNodesAlreadyTrustIt() {
    CertificateAuthority old = CertificateAuthority.generate("corp", NOW);
    CertificateAuthority next = CertificateAuthority.generate("corp", NOW);
    // Nodes trusting both, certificates from the old one; the new CA signs and trusts only itself.
    Map<String, Secret> secrets = issuedBy(withBundle(old, old.certificate(), next.certificate()), "ca:corp-ca@1");
    assertThat(CaChange.check(CR, usersCa(next, "2"), pods(), secrets)).singleElement()
        .satisfies(p -> assertThat(p.message()).contains("their current certificates lead to no CA of its ca.crt"));
  }

  @Test
  void aRotationThroughABundleOfBothCasIsLetThroughStepByStepAndNoStepMaySkipTheOneBefore() {
    CertificateAuthority old = CertificateAuthority.generate("corp", NOW);
    CertificateAuthority next = CertificateAuthority.generate("corp", NOW);
    X509Certificate o = old.certificate();
    X509Certificate n = next.certificate();
    Map<String, Secret> start = issuedBy(old, "ca:corp-ca@0");
    // 1. The old CA still signs, both are trusted.
    TlsSecrets.Certificates step1 = usersCa(withBundle(old, o, n), "1");
    TlsSecrets.Certificates step2 = usersCa(withBundle(next, o, n), "2");
    TlsSecrets.Certificates step3 = usersCa(next, "3");
    assertThat(CaChange.check(CR, step1, pods(), start)).isEmpty();
    assertThat(CaChange.check(CR, step2, pods(), start)).as("step 2 before step 1").hasSize(1);
    assertThat(CaChange.check(CR, step3, pods(), start)).as("step 3 before step 1").hasSize(1);
    // 2. The new CA signs, both are still trusted.
    Map<String, Secret> afterStep1 = issuedBy(withBundle(old, o, n), "ca:corp-ca@1");
    assertThat(CaChange.check(CR, step2, pods(), afterStep1)).isEmpty();
    assertThat(CaChange.check(CR, step3, pods(), afterStep1)).as("step 3 before step 2").hasSize(1);
    // 3. The old CA is dropped.
    Map<String, Secret> afterStep2 = issuedBy(withBundle(next, o, n), "ca:corp-ca@2");
    assertThat(CaChange.check(CR, step3, pods(), afterStep2)).isEmpty();
    // And back: the old CA again once it is no longer trusted is refused.
    Map<String, Secret> afterStep3 = issuedBy(next, "ca:corp-ca@3");
    assertThat(CaChange.check(CR, usersCa(old, "4"), pods(), afterStep3)).hasSize(1);
  }

  @Test
  void aCaCertificateRenewedWithTheSameKeyIsTheSameCa() throws Exception {
    CertificateAuthority old = CertificateAuthority.generate("db", NOW);
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(old.certificate().getSubjectX500Principal(),
        BigInteger.valueOf(42), Date.from(NOW), Date.from(NOW.plus(Duration.ofDays(7300))),
        old.certificate().getSubjectX500Principal(), old.certificate().getPublicKey())
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
    X509Certificate renewed = new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(old.key())));
    assertThat(renewed).isNotEqualTo(old.certificate());
    CertificateAuthority same = new CertificateAuthority(renewed, old.key(), List.of(renewed));
    assertThat(CaChange.check(CR, operatorCa(same, "2"), pods(), issuedBy(old, "operator-ca:db-ca@1"))).isEmpty();
  }

  @Test
  void aUsersCertificateRenewedByItsCaIsCopiedButOneFromAnotherCaIsRefused() {
    CertificateAuthority ca = CertificateAuthority.generate("u", NOW);
    List<String> names = List.of("*.db-nodes.ns.svc");
    IssuedCertificate first = ca.issue("u", names, Duration.ofHours(10), NOW);
    Map<String, Secret> secrets = new LinkedHashMap<>();
    NODES.forEach(node -> secrets.put(node + "-tls", nodeSecret(node, first, "secret:my-cert@1")));
    assertThat(CaChange.check(CR, shared(ca.issue("u", names, Duration.ofHours(10), NOW), "2"), pods(), secrets))
        .isEmpty();
    IssuedCertificate foreign = CertificateAuthority.generate("u", NOW).issue("u", names, Duration.ofHours(10), NOW);
    assertThat(CaChange.check(CR, shared(foreign, "3"), pods(), secrets)).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("spec.tls.secretRef");
      assertThat(p.message()).contains("Secret my-cert (spec.tls.secretRef) holds a certificate that nodes");
    });
  }

  @Test
  void onlyRunningTlsNodesWithAReadableSecretCount() {
    Map<String, Secret> secrets = new LinkedHashMap<>(issuedBy(CertificateAuthority.generate("db", NOW),
        "operator-ca:db-ca@1"));
    TlsSecrets.Certificates regenerate = new TlsSecrets.Certificates(null, null, true, "db-ca", null,
        Duration.ofHours(10), List.of());
    // Being deleted, running in plain text (refused by TlsSwitch instead), and a node with no Secret yet.
    List<Pod> pods = List.of(TlsSwitchTest.pod("db-dc1-r1-0", true, true),
        TlsSwitchTest.pod("db-dc1-r2-0", false, false), TlsSwitchTest.pod("db-dc1-r4-0", true, false));
    assertThat(CaChange.check(CR, regenerate, pods, secrets)).isEmpty();
    // A Secret whose values are garbage (as a hand edit could leave it): nothing to keep trusting, it is rewritten.
    Secret garbage = new SecretBuilder(secrets.get("db-dc1-r3-0-tls")).addToData("ca.crt", b64("not a PEM"))
        .build();
    secrets.put("db-dc1-r3-0-tls", garbage);
    assertThat(CaChange.check(CR, regenerate, List.of(TlsSwitchTest.pod("db-dc1-r3-0", true, false)), secrets))
        .isEmpty();
    // Nor is anything refused when TLS Secrets are already refused for their own problems.
    TlsSecrets.Certificates broken = new TlsSecrets.Certificates(null, null, false, "db-ca", null,
        Duration.ofHours(10), List.of(new Problem("spec.tls", "bad", "TlsSecretInvalid")));
    assertThat(CaChange.check(CR, broken, pods(), secrets)).isEmpty();
    assertThat(CaChange.check(CR, null, pods(), secrets)).isEmpty();
  }

  @Test
  void oneNodeLeftOnTheOldCaIsEnoughToRefuse() {
    CertificateAuthority old = CertificateAuthority.generate("db", NOW);
    CertificateAuthority next = CertificateAuthority.generate("db", NOW);
    Map<String, Secret> secrets = new LinkedHashMap<>(issuedBy(next, "operator-ca:db-ca@2"));
    secrets.put("db-dc1-r2-0-tls", nodeSecret("db-dc1-r2-0", old.issue("db-dc1-r2-0",
        List.of("db-dc1-r2-0.db-nodes.ns.svc"), Duration.ofHours(10), NOW), "operator-ca:db-ca@1"));
    List<Problem> problems = new ArrayList<>(CaChange.check(CR, operatorCa(next, "2"), pods(), secrets));
    assertThat(problems).singleElement().satisfies(p -> assertThat(p.message())
        .contains("(the CA the operator generated) holds a CA that nodes db-dc1-r2-0 do not trust"));
  }

  @Test
  void aCertificateLeadsToTheCaThatSignedItAndToNoOtherCaOfTheSameName() {
    CertificateAuthority root = CertificateAuthority.generate("root", NOW);
    IssuedCertificate leaf = root.issue("x", List.of("x"), Duration.ofHours(1), NOW);
    X509Certificate other = CertificateAuthority.generate("root", NOW).certificate();
    assertThat(CaChange.leadsTo(leaf.chain(), List.of(root.certificate()))).isTrue();
    assertThat(CaChange.leadsTo(leaf.chain(), List.of(other))).isFalse();
    assertThat(CaChange.leadsTo(leaf.chain(), List.of(other, root.certificate()))).isTrue();
  }
}
