package io.ringkeeper.operator.reconciler.act;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.operator.domain.model.NodeId;
import io.ringkeeper.operator.domain.tls.CertificateAuthority;
import io.ringkeeper.operator.domain.tls.IssuedCertificate;
import io.ringkeeper.operator.reconciler.validate.TlsSecrets;
import io.ringkeeper.operator.resources.Hashes;
import io.ringkeeper.operator.resources.Labels;
import io.ringkeeper.operator.resources.Secrets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** When a node's TLS Secret is written again, and when it is left alone. */
class TlsSyncTest {
  private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
  private static final NodeId ID = new NodeId("orders", "dc1", "r1", 0);
  private static final CassandraCluster CR = io.fabric8.kubernetes.client.utils.Serialization.unmarshal("""
      apiVersion: ringkeeper.io/v1alpha1
      kind: CassandraCluster
      metadata: {name: orders, namespace: db, uid: u1}
      spec:
        datacenters: [{name: dc1, replicationFactor: 1, size: 1}]
      """, CassandraCluster.class);

  private static Secret written(Duration lifetime) {
    CertificateAuthority ca = CertificateAuthority.generate("orders", NOW);
    IssuedCertificate cert = ca.issue(ID.name(), Secrets.nodeDnsNames(ID, "db"), lifetime, NOW);
    return Secrets.nodeTls(CR, ID, cert, "operator-ca:orders-ca@1", "names1");
  }

  @Test
  void aMissingSecretIsWritten() {
    assertThat(TlsSync.reissue(null, "s", "n", true, NOW)).isEqualTo("new");
  }

  @Test
  void aCurrentSecretIsLeftAloneUntilTwoThirdsOfItsLifetime() {
    Secret s = written(Duration.ofHours(3));
    assertThat(TlsSync.reissue(s, "operator-ca:orders-ca@1", "names1", true, NOW)).isNull();
    // Issued from NOW - 1 min (backdated) to NOW + 3 h: renewal at NOW - 1 min + 2/3 of 3 h 1 min.
    assertThat(TlsSync.reissue(s, "operator-ca:orders-ca@1", "names1", true, NOW.plus(Duration.ofMinutes(119))))
        .isNull();
    assertThat(TlsSync.reissue(s, "operator-ca:orders-ca@1", "names1", true, NOW.plus(Duration.ofMinutes(120))))
        .startsWith("due for renewal");
  }

  @Test
  void aUsersCertificateIsNeverRenewedByTheOperatorOnlyCopiedAgainWhenItChanges() {
    Secret s = written(Duration.ofHours(3));
    assertThat(TlsSync.reissue(s, "operator-ca:orders-ca@1", "names1", false, NOW.plus(Duration.ofHours(2))))
        .isNull();
    assertThat(TlsSync.reissue(s, "secret:mine@2", "names1", false, NOW)).isEqualTo("its source changed");
  }

  @Test
  void anotherCaOrOtherNamesReissue() {
    Secret s = written(Duration.ofHours(3));
    assertThat(TlsSync.reissue(s, "operator-ca:orders-ca@2", "names1", true, NOW)).isEqualTo("its source changed");
    assertThat(TlsSync.reissue(s, "operator-ca:orders-ca@1", "names2", true, NOW))
        .isEqualTo("the names it must carry changed");
  }

  @Test
  void aTamperedSecretIsWrittenAgain() {
    Secret noKey = written(Duration.ofHours(3));
    noKey.getData().remove("keystore.pem");
    assertThat(TlsSync.reissue(noKey, "operator-ca:orders-ca@1", "names1", true, NOW)).isEqualTo("a key is missing");
    Secret noDate = written(Duration.ofHours(3));
    noDate.getMetadata().getAnnotations().put(Labels.TLS_RENEW_AT, "soon");
    assertThat(TlsSync.reissue(noDate, "operator-ca:orders-ca@1", "names1", true, NOW))
        .isEqualTo("its annotations are missing");
  }

  @Test
  void theNamesANodeMustCarryAreRememberedPerNodeAndNamespaceNeverShared() {
    String db = TlsSync.namesHash(ID, "db");
    assertThat(db).isEqualTo(Hashes.of(String.join(",", Secrets.nodeDnsNames(ID, "db"))));
    assertThat(TlsSync.namesHash(ID, "db")).isEqualTo(db);
    assertThat(TlsSync.namesHash(ID, "other")).isNotEqualTo(db);
    assertThat(TlsSync.namesHash(new NodeId("orders", "dc1", "r1", 1), "db")).isNotEqualTo(db);
    // The same node name in another cluster (its client Service is among the names).
    NodeId a = new NodeId("a-b", "c", "d", 0);
    NodeId b = new NodeId("a", "b-c", "d", 0);
    assertThat(a.name()).isEqualTo(b.name());
    assertThat(TlsSync.namesHash(a, "db")).isNotEqualTo(TlsSync.namesHash(b, "db"));
  }

  @Test
  void anUnreadableDateAnnotationStaysUnreadableWhenReadAgain() {
    Secret s = written(Duration.ofHours(3));
    s.getMetadata().getAnnotations().put(Labels.TLS_RENEW_AT, "soon");
    assertThat(TlsSecrets.annotation(s, Labels.TLS_RENEW_AT)).isNull();
    assertThat(TlsSecrets.annotation(s, Labels.TLS_RENEW_AT)).isNull();
    s.getMetadata().getAnnotations().put(Labels.TLS_RENEW_AT, "2026-12-04T14:00:00Z");
    assertThat(TlsSecrets.annotation(s, Labels.TLS_RENEW_AT)).isEqualTo(Instant.parse("2026-12-04T14:00:00Z"));
  }

  @Test
  void aNodeCertificateTheClusterCaDidNotSignIsWrittenAgain() {
    CertificateAuthority ca = CertificateAuthority.generate("orders", NOW);
    Secret ours = Secrets.nodeTls(CR, ID, ca.issue(ID.name(), Secrets.nodeDnsNames(ID, "db"), Duration.ofHours(3),
        NOW), "operator-ca:orders-ca@1", "names1");
    assertThat(TlsSync.reissue(ours, "operator-ca:orders-ca@1", "names1", true, ca, NOW)).isNull();
    // The same Secret, annotations and all, with a certificate from another CA put in by hand.
    CertificateAuthority rogue = CertificateAuthority.generate("orders", NOW);
    Secret replaced = Secrets.nodeTls(CR, ID, rogue.issue(ID.name(), Secrets.nodeDnsNames(ID, "db"),
        Duration.ofHours(3), NOW), "operator-ca:orders-ca@1", "names1");
    assertThat(TlsSync.reissue(replaced, "operator-ca:orders-ca@1", "names1", true, ca, NOW))
        .isEqualTo("its certificate is not signed by the cluster's CA");
    assertThat(TlsSync.reissue(ours, "operator-ca:orders-ca@1", "names1", true, ca, NOW)).as("asked again").isNull();
    Secret garbage = Secrets.nodeTls(CR, ID, rogue.issue(ID.name(), Secrets.nodeDnsNames(ID, "db"),
        Duration.ofHours(3), NOW), "operator-ca:orders-ca@1", "names1");
    garbage.getData().put("tls.crt", java.util.Base64.getEncoder().encodeToString("not a PEM".getBytes()));
    assertThat(TlsSync.reissue(garbage, "operator-ca:orders-ca@1", "names1", true, ca, NOW))
        .isEqualTo("its certificate is not signed by the cluster's CA");
  }
}
