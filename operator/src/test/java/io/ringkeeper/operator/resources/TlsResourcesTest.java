package io.ringkeeper.operator.resources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.ClientTls;
import io.ringkeeper.api.v1alpha1.TlsSpec;
import io.ringkeeper.operator.config.OperatorConfig;
import io.ringkeeper.operator.domain.model.NodeId;
import io.ringkeeper.operator.domain.tls.CertificateAuthority;
import io.ringkeeper.operator.domain.tls.IssuedCertificate;
import io.ringkeeper.operator.domain.tls.Pem;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What TLS changes in the pods, cassandra.yaml and the Secrets the operator writes. */
class TlsResourcesTest {
  private static final OperatorConfig CONFIG = OperatorConfig.defaults();
  private static final NodeId ID = new NodeId("orders", "eu", "r2", 0);
  private static final DesiredNode NODE = new DesiredNode(ID, List.of(-9000L, 42L), true, false);

  private static CassandraCluster cluster(Boolean tls, ClientTls client) {
    CassandraCluster cr = Manifests.threeRacks();
    if (tls != null) {
      TlsSpec spec = new TlsSpec();
      spec.setEnabled(tls);
      spec.setClient(client);
      cr.getSpec().setTls(spec);
    }
    return cr;
  }

  private static Container cassandra(Pod pod) {
    return pod.getSpec().getContainers().stream().filter(c -> c.getName().equals("cassandra")).findFirst()
        .orElseThrow();
  }

  private static String agentOption(Pod pod) {
    String opts = cassandra(pod).getEnv().stream().filter(e -> e.getName().equals("JVM_EXTRA_OPTS")).findFirst()
        .orElseThrow().getValue();
    return JvmOptions.split(opts).stream().filter(o -> o.startsWith("-javaagent")).findFirst().orElseThrow();
  }

  @Test
  void withTlsTheNodesSecretIsMountedReadOnlyAtTheTlsDirGroupReadable() {
    Pod pod = NodePods.desired(cluster(true, null), NODE, "cfg", CONFIG);
    Volume tls = pod.getSpec().getVolumes().stream().filter(v -> v.getName().equals("tls")).findFirst().orElseThrow();
    assertThat(tls.getSecret().getSecretName()).isEqualTo("orders-eu-r2-0-tls");
    assertThat(tls.getSecret().getDefaultMode()).isEqualTo(0440);
    VolumeMount mount = cassandra(pod).getVolumeMounts().stream().filter(m -> m.getName().equals("tls")).findFirst()
        .orElseThrow();
    assertThat(mount.getMountPath()).isEqualTo("/etc/ringkeeper/tls");
    assertThat(mount.getReadOnly()).isTrue();
  }

  @Test
  void withoutTlsThereIsNoTlsVolumeNoEncryptionOptionsAndThePodIsUnchanged() {
    Pod off = NodePods.desired(cluster(false, null), NODE, "cfg", CONFIG);
    assertThat(off.getSpec().getVolumes()).noneMatch(v -> v.getName().equals("tls"));
    assertThat(cassandra(off).getVolumeMounts()).noneMatch(m -> m.getName().equals("tls"));
    assertThat(agentOption(off)).doesNotContain("tlsDir");
    // A cluster that never named spec.tls runs TLS (the default), exactly as one that asked for it.
    assertThat(NodePods.runsHash(cluster(null, null), NODE, "cfg", CONFIG))
        .isEqualTo(NodePods.runsHash(cluster(true, null), NODE, "cfg", CONFIG))
        .isNotEqualTo(NodePods.runsHash(cluster(false, null), NODE, "cfg", CONFIG));
    assertThat(SpecDefaults.clientTlsRequired(cluster(null, null).getSpec())).isTrue();
    JsonNode yaml = CassandraYaml.tree(cluster(false, null), List.of("a"));
    assertThat(yaml.has("server_encryption_options")).isFalse();
    assertThat(yaml.has("client_encryption_options")).isFalse();
  }

  @Test
  void turningTlsOnChangesWhatTheNodeRunsSoTheNodesRestartOneAtATime() {
    String off = NodePods.runsHash(cluster(false, null), NODE, "cfg", CONFIG);
    String on = NodePods.runsHash(cluster(true, null), NODE, "cfg", CONFIG);
    assertThat(on).isNotEqualTo(off);
    assertThat(CassandraYaml.render(cluster(true, null), List.of("a")))
        .isNotEqualTo(CassandraYaml.render(cluster(false, null), List.of("a")));
  }

  @Test
  void aRenewedCertificateRestartsNoNode() {
    // The Secret's content is in no part of the pod or the configuration: the runs-hash names the Secret only.
    CassandraCluster cr = cluster(true, null);
    CertificateAuthority ca = CertificateAuthority.generate("orders", Instant.now());
    Secret first = Secrets.nodeTls(cr, ID, issue(ca), "ca:orders-ca@1", "n");
    Secret renewed = Secrets.nodeTls(cr, ID, issue(ca), "ca:orders-ca@1", "n");
    assertThat(first.getData()).isNotEqualTo(renewed.getData());
    Pod pod = NodePods.desired(cr, NODE, "cfg", CONFIG);
    assertThat(io.fabric8.kubernetes.client.utils.Serialization.asJson(pod))
        .doesNotContain(first.getData().get("tls.crt")).doesNotContain(renewed.getData().get("tls.crt"));
    assertThat(NodePods.runsHash(cr, NODE, "cfg", CONFIG)).isEqualTo(NodePods.runsHash(cr, NODE, "cfg", CONFIG));
  }

  @Test
  void theAgentsHttpsArgumentAndTheProbeSchemeFollowTheClustersTls() {
    assertThat(AgentTls.enabled(cluster(true, null).getSpec())).isTrue();
    assertThat(AgentTls.enabled(cluster(false, null).getSpec())).isFalse();
    assertThat(JvmOptions.agentOption(8778, true)).endsWith(",tlsDir=/etc/ringkeeper/tls");
    assertThat(JvmOptions.agentOption(8778, false)).doesNotContain("tlsDir");
    Pod on = NodePods.desired(cluster(true, null), NODE, "cfg", CONFIG);
    assertThat(cassandra(on).getReadinessProbe().getHttpGet().getScheme()).isEqualTo("HTTPS");
    assertThat(agentOption(on)).endsWith(",tlsDir=/etc/ringkeeper/tls");
    Pod off = NodePods.desired(cluster(false, null), NODE, "cfg", CONFIG);
    assertThat(cassandra(off).getReadinessProbe().getHttpGet().getScheme()).isNull();
    assertThat(agentOption(off)).doesNotContain("tlsDir");
  }

  @Test
  void cassandraReadsThePemFilesOfTheMountedSecret() {
    JsonNode yaml = CassandraYaml.tree(cluster(true, null), List.of("a"));
    JsonNode server = yaml.get("server_encryption_options");
    assertThat(server.get("internode_encryption").asText()).isEqualTo("all");
    assertThat(server.get("ssl_context_factory").get("class_name").asText())
        .isEqualTo("org.apache.cassandra.security.PEMBasedSslContextFactory");
    assertThat(server.get("keystore").asText()).isEqualTo("/etc/ringkeeper/tls/keystore.pem");
    assertThat(server.get("truststore").asText()).isEqualTo("/etc/ringkeeper/tls/ca.crt");
    assertThat(server.get("require_client_auth").asBoolean()).isTrue();
    assertThat(server.get("require_endpoint_verification").asBoolean()).isFalse();
    assertThat(server.get("optional").asBoolean(true)).as("plain-text peers refused").isFalse();
    JsonNode client = yaml.get("client_encryption_options");
    assertThat(client.get("enabled").asBoolean()).isTrue();
    assertThat(client.get("optional").asBoolean()).isFalse();
    assertThat(client.get("require_client_auth").asBoolean()).isFalse();
    assertThat(CassandraYaml.tree(cluster(true, ClientTls.Optional), List.of("a"))
        .get("client_encryption_options").get("optional").asBoolean()).isTrue();
  }

  @Test
  void theNodeSecretHoldsTheContractsKeysAndSaysWhenItExpires() throws Exception {
    CassandraCluster cr = cluster(true, null);
    CertificateAuthority ca = CertificateAuthority.generate("orders", Instant.now());
    IssuedCertificate cert = issue(ca);
    Secret secret = Secrets.nodeTls(cr, ID, cert, "ca:orders-ca@abc", "names1");
    assertThat(secret.getMetadata().getName()).isEqualTo("orders-eu-r2-0-tls");
    assertThat(secret.getMetadata().getOwnerReferences()).hasSize(1);
    assertThat(secret.getMetadata().getLabels()).containsEntry(Labels.CLUSTER, "orders");
    assertThat(secret.getData()).containsOnlyKeys("tls.crt", "tls.key", "ca.crt", "keystore.pem");
    assertThat(Secrets.value(secret, "keystore.pem"))
        .isEqualTo(Secrets.value(secret, "tls.key") + Secrets.value(secret, "tls.crt"));
    assertThat(Secrets.value(secret, "tls.key")).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(Pem.certificates(Secrets.value(secret, "ca.crt"), "x")).containsExactly(ca.certificate());
    assertThat(secret.getMetadata().getAnnotations()).containsEntry(Labels.TLS_NOT_AFTER, cert.notAfter().toString())
        .containsEntry(Labels.TLS_RENEW_AT, cert.renewAt().toString())
        .containsEntry(Labels.TLS_SOURCE, "ca:orders-ca@abc").containsEntry(Labels.TLS_NAMES, "names1");
    Secret caSecret = Secrets.certificateAuthority(cr, ca);
    assertThat(caSecret.getMetadata().getName()).isEqualTo("orders-ca");
    assertThat(caSecret.getData()).containsOnlyKeys("tls.crt", "tls.key", "ca.crt");
  }

  @Test
  void theNodeNamesAreItsPodNamesAndTheClientServicesNeverAnIp() {
    assertThat(Secrets.nodeDnsNames(ID, "db")).containsExactly("orders-eu-r2-0",
        "orders-eu-r2-0.orders-nodes.db.svc", "orders-eu-r2-0.orders-nodes.db.svc.cluster.local", "orders-client",
        "orders-client.db.svc", "orders-client.db.svc.cluster.local");
    assertThat(Secrets.nodeDnsNames(ID, "db")).contains(Names.nodeAddress(ID, "db"));
  }

  private static IssuedCertificate issue(CertificateAuthority ca) {
    return ca.issue(ID.name(), Secrets.nodeDnsNames(ID, "db"), Duration.ofHours(1), Instant.now());
  }
}
