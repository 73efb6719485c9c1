package io.ringkeeper.operator.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringkeeper.operator.testing.TestCertificates;
import io.ringkeeper.operator.testing.TestCertificates.Ca;
import io.ringkeeper.operator.testing.TestCertificates.Issued;
import java.security.cert.CertificateException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The operator's check of an agent's certificate: the cluster CA only, and the node's DNS name, never an IP. */
class AgentTrustManagerTest {
  private static final String NODE = "db-dc1-r1-0.db-nodes.prod.svc";
  private static final Ca CA = TestCertificates.ca("db-ca");

  private static AgentTrustManager trusting(Ca ca) {
    return new AgentTrustManager(List.of(ca.certificate()), "Secret db-dc1-r1-0-tls key ca.crt",
        Map.of("10.0.0.1:8778", NODE)::get, Clock.systemUTC());
  }

  private static Issued nodeCertificate(Ca ca, String... names) {
    return ca.issue("db-dc1-r1-0", names);
  }

  @Test
  void aCertificateOfTheClusterCaNamingTheNodeIsTrusted() {
    Issued cert = nodeCertificate(CA, "db-dc1-r1-0", NODE, NODE + ".cluster.local");
    assertThatCode(() -> trusting(CA).check(cert.chainArray(), NODE)).doesNotThrowAnyException();
    // the chain without the CA (what some servers send) is as good
    assertThatCode(() -> trusting(CA).check(new java.security.cert.X509Certificate[] {cert.leaf()}, NODE))
        .doesNotThrowAnyException();
  }

  @Test
  void aCertificateOfAnotherCaIsRefusedEvenWhenItNamesTheNode() {
    Ca other = TestCertificates.ca("db-ca"); // same name, another key: what an attacker's CA would look like
    Issued cert = nodeCertificate(other, NODE);
    assertThatThrownBy(() -> trusting(CA).check(cert.chainArray(), NODE))
        .isInstanceOf(CertificateException.class)
        .hasMessageContaining("not trusted by the CA of Secret db-dc1-r1-0-tls key ca.crt");
  }

  @Test
  void aCertificateOfTheClusterCaForAnotherNodeIsRefused() {
    Issued cert = nodeCertificate(CA, "db-dc1-r1-1", "db-dc1-r1-1.db-nodes.prod.svc");
    assertThatThrownBy(() -> trusting(CA).check(cert.chainArray(), NODE))
        .isInstanceOf(CertificateException.class)
        .hasMessageContaining("does not name " + NODE)
        .hasMessageContaining("db-dc1-r1-1.db-nodes.prod.svc");
  }

  @Test
  void aWildcardOfOneLabelOverTheNodesDomainIsTrusted() {
    Issued cert = nodeCertificate(CA, "*.db-nodes.prod.svc");
    assertThatCode(() -> trusting(CA).check(cert.chainArray(), NODE)).doesNotThrowAnyException();
  }

  @Test
  void aWildcardNeverCoversTwoLabels() {
    Issued cert = nodeCertificate(CA, "*.prod.svc", "*.svc");
    assertThatThrownBy(() -> trusting(CA).check(cert.chainArray(), NODE))
        .isInstanceOf(CertificateException.class).hasMessageContaining("does not name " + NODE);
    assertThat(AgentTrustManager.matches("*.db-nodes.prod.svc", "a.b.db-nodes.prod.svc")).isFalse();
    assertThat(AgentTrustManager.matches("*.db-nodes.prod.svc", ".db-nodes.prod.svc")).isFalse();
    assertThat(AgentTrustManager.matches("db-*.db-nodes.prod.svc", NODE)).isFalse();
    assertThat(AgentTrustManager.matches("*", NODE)).isFalse();
    assertThat(AgentTrustManager.matches("DB-dc1-r1-0.db-nodes.prod.svc.", NODE)).isTrue();
  }

  @Test
  void anIpAddressIsNeverMatchedEvenWhenItIsTheAddressCalled() throws Exception {
    Issued cert = nodeCertificate(CA, "ip:10.0.0.1");
    assertThat(cert.leaf().getSubjectAlternativeNames()).hasSize(1);
    assertThatThrownBy(() -> trusting(CA).checkServerTrusted(cert.chainArray(), "ECDHE_ECDSA",
        javax.net.ssl.SSLContext.getDefault().createSSLEngine("10.0.0.1", 8778)))
        .isInstanceOf(CertificateException.class).hasMessageContaining("does not name " + NODE)
        .hasMessageContaining("its DNS names: none");
  }

  @Test
  void anExpiredCertificateIsRefused() {
    Instant now = Instant.now();
    Issued cert = CA.issue("db-dc1-r1-0", now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(1)), NODE);
    assertThatThrownBy(() -> trusting(CA).check(cert.chainArray(), NODE))
        .isInstanceOf(CertificateException.class).hasMessageContaining("expired on");
  }

  @Test
  void aCertificateNotYetValidIsRefused() {
    Instant now = Instant.now();
    Issued cert = CA.issue("db-dc1-r1-0", now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(2)), NODE);
    assertThatThrownBy(() -> trusting(CA).check(cert.chainArray(), NODE))
        .isInstanceOf(CertificateException.class).hasMessageContaining("not valid before");
  }

  @Test
  void aSelfSignedCertificateNamingTheNodeIsRefused() {
    Issued cert = TestCertificates.selfSigned("db-dc1-r1-0", NODE);
    assertThatThrownBy(() -> trusting(CA).check(cert.chainArray(), NODE))
        .isInstanceOf(CertificateException.class).hasMessageContaining("not trusted by the CA");
  }

  @Test
  void theCaCertificateItselfIsNotANodeCertificate() {
    assertThatThrownBy(() -> trusting(CA).check(CA.self().chainArray(), NODE))
        .isInstanceOf(CertificateException.class).hasMessageContaining("CA certificate");
  }

  @Test
  void noCertificateIsRefused() {
    assertThatThrownBy(() -> trusting(CA).check(new java.security.cert.X509Certificate[0], NODE))
        .isInstanceOf(CertificateException.class).hasMessageContaining("no certificate");
  }

  @Test
  void aBundleOfSeveralCasTrustsEachOfThem() {
    Ca second = TestCertificates.ca("db-ca-next"); // a CA rotation: old and new in one bundle
    String bundle = CA.pem() + second.pem();
    AgentTrustManager trust = new AgentTrustManager(AgentTrustManager.parseBundle(bundle, "bundle"), "bundle",
        n -> NODE, Clock.systemUTC());
    assertThatCode(() -> trust.check(nodeCertificate(CA, NODE).chainArray(), NODE)).doesNotThrowAnyException();
    assertThatCode(() -> trust.check(nodeCertificate(second, NODE).chainArray(), NODE)).doesNotThrowAnyException();
  }

  @Test
  void aBundleThatIsNoCertificateSaysWhichAndWhy() {
    assertThatThrownBy(() -> AgentTrustManager.parseBundle("", "Secret x-tls key ca.crt"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Secret x-tls key ca.crt is empty");
    assertThatThrownBy(() -> AgentTrustManager.parseBundle("-----BEGIN CERTIFICATE-----\nnot base64\n"
        + "-----END CERTIFICATE-----\n", "Secret x-tls key ca.crt"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Secret x-tls key ca.crt");
  }

  @Test
  void aConnectionToAPeerNoNodeIsExpectedAtIsRefused() {
    Issued cert = nodeCertificate(CA, NODE);
    AgentTrustManager trust = trusting(CA);
    assertThatThrownBy(() -> trust.checkServerTrusted(cert.chainArray(), "ECDHE_ECDSA"))
        .isInstanceOf(CertificateException.class);
    assertThat(AgentTrustManager.peer("[FD00::1]", 8778)).isEqualTo("fd00::1:8778");
  }
}
