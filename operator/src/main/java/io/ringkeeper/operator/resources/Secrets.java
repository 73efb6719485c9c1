package io.ringkeeper.operator.resources;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.operator.domain.model.NodeId;
import io.ringkeeper.operator.domain.tls.CertificateAuthority;
import io.ringkeeper.operator.domain.tls.IssuedCertificate;
import io.ringkeeper.operator.domain.tls.Pem;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Secrets the operator generates. Their values are created once and never rewritten (the reconciler only
 * creates them when missing); values never appear in logs, events or status.
 */
public final class Secrets {
  private Secrets() {}

  /** The bearer token every node agent of the cluster requires; mounted into the pods, read by the operator. */
  public static Secret agentToken(CassandraCluster cr, String token) {
    String cluster = cr.getMetadata().getName();
    return new SecretBuilder()
        .withNewMetadata()
        .withName(Names.agentTokenSecret(cluster))
        .withNamespace(cr.getMetadata().getNamespace())
        .withLabels(Labels.component(cluster, "agent"))
        .withOwnerReferences(Owners.controller(cr))
        .endMetadata()
        .withType("Opaque")
        .withData(Map.of(Names.AGENT_TOKEN_KEY, encode(token)))
        .build();
  }

  /** Superuser credentials, generated when spec.auth.superuserSecretRef is empty. */
  public static Secret superuser(CassandraCluster cr, String password) {
    String cluster = cr.getMetadata().getName();
    return new SecretBuilder()
        .withNewMetadata()
        .withName(Names.superuserSecret(cluster))
        .withNamespace(cr.getMetadata().getNamespace())
        .withLabels(Labels.component(cluster, "auth"))
        .withOwnerReferences(Owners.controller(cr))
        .endMetadata()
        .withType("kubernetes.io/basic-auth")
        .withData(superuserData(Names.superuserRole(SpecDefaults.clusterName(cr)), password))
        .build();
  }

  /** The per-cluster CA the operator generates ({@link Names#caSecret}): tls.crt, tls.key, ca.crt. */
  public static Secret certificateAuthority(CassandraCluster cr, CertificateAuthority ca) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put(Names.TLS_CERT_KEY, encode(Pem.write(List.of(ca.certificate()))));
    data.put(Names.TLS_PRIVATE_KEY, encode(Pem.write(ca.key())));
    data.put(Names.TLS_CA_KEY, encode(Pem.write(ca.bundle())));
    return new SecretBuilder(certificateAuthorityMetadata(cr))
        .withType("kubernetes.io/tls")
        .withData(data)
        .build();
  }

  /**
   * The operator's CA Secret without its values (name, namespace, labels, owner): what is kept in step on every
   * reconcile, built without encoding the CA's key again each time.
   */
  public static Secret certificateAuthorityMetadata(CassandraCluster cr) {
    String cluster = cr.getMetadata().getName();
    return new SecretBuilder()
        .withNewMetadata()
        .withName(Names.caSecret(cluster))
        .withNamespace(cr.getMetadata().getNamespace())
        .withLabels(Labels.component(cluster, "tls"))
        .withOwnerReferences(Owners.controller(cr))
        .endMetadata()
        .build();
  }

  /**
   * A node's TLS Secret ({@link Names#nodeTlsSecret}), whatever the certificate's source: tls.crt, tls.key
   * (PKCS#8), ca.crt and keystore.pem (tls.key then tls.crt), annotated with the certificate's notAfter, its
   * renewal time, its source and the names it must carry.
   *
   * @param source see {@link Labels#TLS_SOURCE}
   * @param names see {@link Labels#TLS_NAMES}
   */
  public static Secret nodeTls(CassandraCluster cr, NodeId id, IssuedCertificate cert, String source, String names) {
    String cluster = cr.getMetadata().getName();
    Map<String, String> data = new LinkedHashMap<>();
    data.put(Names.TLS_CERT_KEY, encode(cert.certificatePem()));
    data.put(Names.TLS_PRIVATE_KEY, encode(cert.keyPem()));
    data.put(Names.TLS_CA_KEY, encode(cert.bundlePem()));
    data.put(Names.TLS_KEYSTORE_KEY, encode(cert.keystorePem()));
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(Labels.TLS_NOT_AFTER, cert.notAfter().toString());
    annotations.put(Labels.TLS_RENEW_AT, cert.renewAt().toString());
    annotations.put(Labels.TLS_SOURCE, source);
    annotations.put(Labels.TLS_NAMES, names);
    return new SecretBuilder()
        .withNewMetadata()
        .withName(Names.nodeTlsSecret(id))
        .withNamespace(cr.getMetadata().getNamespace())
        .withLabels(Labels.component(cluster, "tls"))
        .withAnnotations(annotations)
        .withOwnerReferences(Owners.controller(cr))
        .endMetadata()
        .withType("kubernetes.io/tls")
        .withData(data)
        .build();
  }

  /** The DNS names of a node's certificate (the TLS contract): its pod names and the client Service's. */
  public static List<String> nodeDnsNames(NodeId id, String namespace) {
    String node = Names.node(id);
    String client = Names.clientService(id.cluster());
    String pod = Names.nodeAddress(id, namespace);
    return List.of(node, pod, pod + ".cluster.local", client, client + "." + namespace + ".svc",
        client + "." + namespace + ".svc.cluster.local");
  }

  /** Reads a value of a Secret's data (base64), or null when absent. */
  public static String value(Secret secret, String key) {
    if (secret == null || secret.getData() == null || secret.getData().get(key) == null) {
      return null;
    }
    return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
  }

  // Written as data (base64) rather than stringData: what the API server stores, so reads see one form.
  private static String encode(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

  private static Map<String, String> superuserData(String username, String password) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put("username", encode(username));
    data.put("password", encode(password));
    return data;
  }
}
