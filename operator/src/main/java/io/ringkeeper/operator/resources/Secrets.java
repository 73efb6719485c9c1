package io.ringkeeper.operator.resources;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
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
