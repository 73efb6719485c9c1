package io.ringkeeper.operator.domain.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;

class CertificatesTest {
  private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
  private static final List<String> NAMES = List.of("c1-dc1-r1-0", "c1-dc1-r1-0.c1-nodes.ns.svc",
      "c1-dc1-r1-0.c1-nodes.ns.svc.cluster.local", "c1-client", "c1-client.ns.svc", "c1-client.ns.svc.cluster.local");
  private static final CertificateAuthority CA = CertificateAuthority.generate("c1", NOW);

  @Test
  void theGeneratedCaIsASelfSignedCaForTenYearsNamedAfterTheCluster() throws Exception {
    X509Certificate ca = CA.certificate();
    assertThat(ca.getSubjectX500Principal().getName()).isEqualTo("CN=c1 Ringkeeper CA");
    assertThat(ca.getIssuerX500Principal()).isEqualTo(ca.getSubjectX500Principal());
    assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    ca.verify(ca.getPublicKey());
    assertThat(Duration.between(ca.getNotBefore().toInstant(), ca.getNotAfter().toInstant()))
        .isEqualTo(CertificateAuthority.CA_LIFETIME);
    assertThat(TlsChecks.keyMatches(ca, CA.key())).isTrue();
  }

  @Test
  void aNodeCertificateNamesTheNodeByDnsOnlyAndServesBothEndsOfTls() throws Exception {
    IssuedCertificate issued = CA.issue("c1-dc1-r1-0", NAMES, Duration.ofHours(2160), NOW);
    X509Certificate leaf = issued.leaf();
    assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=c1-dc1-r1-0");
    assertThat(TlsChecks.dnsNames(leaf)).containsExactlyElementsOf(NAMES);
    assertThat(leaf.getSubjectAlternativeNames()).allSatisfy(san -> assertThat(san.get(0)).isEqualTo(2));
    assertThat(leaf.getExtendedKeyUsage()).containsExactlyInAnyOrder("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
    leaf.verify(CA.certificate().getPublicKey());
    assertThat(leaf.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofHours(2160)));
    assertThat(issued.chain()).hasSize(1);
    assertThat(issued.bundle()).containsExactly(CA.certificate());
  }

  @Test
  void aNodeCertificateLivesAtLeastTenMinutes() {
    assertThatThrownBy(() -> CA.issue("n", NAMES, Duration.ofMinutes(9), NOW))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("under PT10M");
  }

  @Test
  void renewalIsDueAtTwoThirdsOfTheLifetime() {
    IssuedCertificate issued = CA.issue("n", NAMES, Duration.ofHours(3), NOW);
    Instant notBefore = issued.leaf().getNotBefore().toInstant();
    Instant notAfter = issued.notAfter();
    assertThat(issued.renewAt()).isEqualTo(notBefore.plus(Duration.between(notBefore, notAfter).multipliedBy(2)
        .dividedBy(3)));
    assertThat(Renewal.due(issued.leaf(), issued.renewAt().minusSeconds(1))).isFalse();
    assertThat(Renewal.due(issued.leaf(), issued.renewAt())).isTrue();
    assertThat(Renewal.dueAt(Instant.EPOCH, Instant.EPOCH.plusSeconds(300))).isEqualTo(Instant.EPOCH.plusSeconds(200));
  }

  @Test
  void pemRoundTripsAndTheKeystoreIsTheKeyThenTheCertificate() throws Exception {
    IssuedCertificate issued = CA.issue("n", NAMES, Duration.ofHours(1), NOW);
    assertThat(issued.keyPem()).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(issued.keystorePem()).isEqualTo(issued.keyPem() + issued.certificatePem());
    assertThat(Pem.certificates(issued.certificatePem(), "x")).containsExactly(issued.leaf());
    assertThat(Pem.privateKey(issued.keyPem(), "x")).isEqualTo(issued.key());
    IssuedCertificate back = TlsChecks.certificate("Secret s", issued.certificatePem(), issued.keyPem(),
        issued.bundlePem(), List.of("c1-dc1-r1-0.c1-nodes.ns.svc"), NOW);
    assertThat(back.leaf()).isEqualTo(issued.leaf());
  }

  @Test
  void aPkcs1KeyIsRefusedWithTheCertManagerFix() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    KeyPair pair = g.generateKeyPair();
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(pair.getPrivate()); // traditional OpenSSL form: BEGIN RSA PRIVATE KEY
    }
    assertThat(out.toString()).startsWith("-----BEGIN RSA PRIVATE KEY-----");
    assertThatThrownBy(() -> Pem.privateKey(out.toString(), "Secret s, key tls.key"))
        .isInstanceOf(TlsException.class)
        .hasMessageContaining("Secret s, key tls.key").hasMessageContaining("PKCS#1")
        .hasMessageContaining("spec.privateKey.encoding: PKCS8");
  }

  @Test
  void garbageIsRefusedNamingTheKey() {
    assertThatThrownBy(() -> Pem.certificates("hello", "Secret s, key tls.crt")).isInstanceOf(TlsException.class)
        .hasMessageContaining("Secret s, key tls.crt").hasMessageContaining("no PEM certificate");
    assertThatThrownBy(() -> Pem.certificates("-----BEGIN CERTIFICATE-----\nnotbase64!!\n-----END CERTIFICATE-----\n",
        "Secret s, key tls.crt")).isInstanceOf(TlsException.class).hasMessageContaining("not valid PEM");
    assertThatThrownBy(() -> Pem.privateKey("", "Secret s, key tls.key")).isInstanceOf(TlsException.class)
        .hasMessageContaining("missing or empty");
    IssuedCertificate issued = CA.issue("n", NAMES, Duration.ofHours(1), NOW);
    assertThatThrownBy(() -> Pem.privateKey(issued.certificatePem(), "Secret s, key tls.key"))
        .isInstanceOf(TlsException.class).hasMessageContaining("where a PEM private key");
  }

  @Test
  void aKeyOfAnotherCertificateIsRefused() {
    IssuedCertificate a = CA.issue("n", NAMES, Duration.ofHours(1), NOW);
    IssuedCertificate b = CA.issue("n", NAMES, Duration.ofHours(1), NOW);
    assertThatThrownBy(() -> TlsChecks.certificate("Secret s (spec.tls.secretRef)", a.certificatePem(), b.keyPem(),
        a.bundlePem(), List.of(), NOW)).isInstanceOf(TlsException.class)
        .hasMessageContaining("Secret s (spec.tls.secretRef): key tls.key is not the private key");
  }

  @Test
  void anExpiredCertificateIsRefused() {
    IssuedCertificate a = CA.issue("n", NAMES, Duration.ofHours(1), NOW);
    assertThatThrownBy(() -> TlsChecks.certificate("Secret s", a.certificatePem(), a.keyPem(), a.bundlePem(),
        List.of(), NOW.plus(Duration.ofHours(2)))).isInstanceOf(TlsException.class)
        .hasMessageContaining("key tls.crt").hasMessageContaining("expired at");
  }

  @Test
  void aCertificateFromAnotherCaIsRefused() {
    IssuedCertificate a = CertificateAuthority.generate("other", NOW).issue("n", NAMES, Duration.ofHours(1), NOW);
    assertThatThrownBy(() -> TlsChecks.certificate("Secret s", a.certificatePem(), a.keyPem(),
        Pem.write(List.of(CA.certificate())), List.of(), NOW)).isInstanceOf(TlsException.class)
        .hasMessageContaining("is not signed by the CA in key ca.crt");
  }

  @Test
  void theDnsNamesMustCoverEveryNodeExactlyOrByOneLabelWildcard() throws Exception {
    IssuedCertificate wildcard = CA.issue("n", List.of("*.c1-nodes.ns.svc"), Duration.ofHours(1), NOW);
    TlsChecks.certificate("Secret s", wildcard.certificatePem(), wildcard.keyPem(), wildcard.bundlePem(),
        List.of("a.c1-nodes.ns.svc", "b.c1-nodes.ns.svc"), NOW);
    assertThat(TlsChecks.covers(List.of("*.c1-nodes.ns.svc"), "a.b.c1-nodes.ns.svc")).isFalse();
    assertThat(TlsChecks.covers(List.of("*.c1-nodes.ns.svc"), "c1-nodes.ns.svc")).isFalse();
    assertThat(TlsChecks.covers(List.of("A.c1-nodes.ns.svc"), "a.c1-nodes.ns.svc")).isTrue();
    IssuedCertificate one = CA.issue("n", List.of("a.c1-nodes.ns.svc"), Duration.ofHours(1), NOW);
    assertThatThrownBy(() -> TlsChecks.certificate("Secret s", one.certificatePem(), one.keyPem(), one.bundlePem(),
        List.of("a.c1-nodes.ns.svc", "b.c1-nodes.ns.svc"), NOW)).isInstanceOf(TlsException.class)
        .hasMessageContaining("do not cover b.c1-nodes.ns.svc").hasMessageContaining("*.c1-nodes.ns.svc");
  }

  @Test
  void aCaSecretMustHoldACaCertificateAndItsKey() throws Exception {
    CertificateAuthority back = TlsChecks.authority("Secret ca", Pem.write(List.of(CA.certificate())),
        Pem.write(CA.key()), null, NOW);
    assertThat(back.certificate()).isEqualTo(CA.certificate());
    IssuedCertificate leaf = CA.issue("n", NAMES, Duration.ofHours(1), NOW);
    assertThatThrownBy(() -> TlsChecks.authority("Secret ca (spec.tls.caSecretRef)", leaf.certificatePem(),
        leaf.keyPem(), null, NOW)).isInstanceOf(TlsException.class)
        .hasMessageContaining("key tls.crt").hasMessageContaining("is not a CA certificate");
    assertThatThrownBy(() -> TlsChecks.authority("Secret ca (spec.tls.caSecretRef)",
        Pem.write(List.of(CA.certificate())), null, null, NOW)).isInstanceOf(TlsException.class)
        .hasMessageContaining("key tls.key is missing or empty");
  }

  @Test
  void anIntermediateUserCaTravelsWithTheNodeCertificate() throws Exception {
    CertificateAuthority root = CertificateAuthority.generate("root", NOW);
    // An intermediate: a CA certificate issued by the root, through the same builder as a node's.
    IssuedCertificate asLeaf = root.issue("n", NAMES, Duration.ofHours(1), NOW);
    CertificateAuthority notCa = new CertificateAuthority(asLeaf.leaf(), asLeaf.key(), root.bundle());
    IssuedCertificate node = notCa.issue("n", NAMES, Duration.ofHours(1), NOW);
    assertThat(node.chain()).containsExactly(node.leaf(), asLeaf.leaf());
    assertThat(node.bundle()).containsExactly(root.certificate());
  }
}
