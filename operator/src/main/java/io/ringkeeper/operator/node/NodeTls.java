package io.ringkeeper.operator.node;

import io.fabric8.kubernetes.api.model.Secret;
import io.ringkeeper.operator.domain.model.NodeId;
import io.ringkeeper.operator.resources.Names;
import io.ringkeeper.operator.resources.Secrets;
import java.util.Objects;

/**
 * How an agent that serves HTTPS is verified: its certificate chain must lead to {@code caBundle} (and to nothing
 * else, not the JDK's default trust store), and one of its DNS names must be {@code serverName}, the node's stable
 * name ({@code <node>.<cluster>-nodes.<ns>.svc}), never the pod IP the call goes to (pod IPs change on every
 * restart; the certificates name the node, not an address).
 *
 * @param caBundle the PEM CA bundle (one or more certificates); null when it could not be read, in which case the
 *     node is not contacted and {@code source} says what is missing
 * @param serverName the DNS name the agent's certificate must carry (exact, or a one-label wildcard)
 * @param source where the CA bundle comes from (e.g. "Secret db-dc1-r1-0-tls key ca.crt"), for messages
 */
public record NodeTls(String caBundle, String serverName, String source) {
  public NodeTls {
    Objects.requireNonNull(serverName, "serverName");
    Objects.requireNonNull(source, "source");
    if (serverName.isBlank()) {
      throw new IllegalArgumentException("serverName must not be blank");
    }
  }

  /** A node whose trust material could not be read: it is not contacted, and {@code why} says so. */
  public static NodeTls missing(String serverName, String why) {
    return new NodeTls(null, serverName, why);
  }

  /**
   * The trust material of a node from its TLS Secret ({@link Names#nodeTlsSecret}, key {@link Names#TLS_CA_KEY}):
   * the CA bundle and the name {@link Names#nodeAddress} its agent's certificate must carry. A missing Secret or key
   * gives a {@link #missing} one: the node is then not contacted, and reported as not answering with the reason.
   *
   * @param secret the node's TLS Secret as the informer cache (or the API) has it; null when there is none
   */
  public static NodeTls fromSecret(Secret secret, NodeId id, String namespace) {
    String secretName = Names.nodeTlsSecret(id);
    String serverName = Names.nodeAddress(id, namespace);
    if (secret == null) {
      return missing(serverName, "its TLS Secret " + secretName + " does not exist (yet): the operator writes it");
    }
    String ca;
    try {
      ca = Secrets.value(secret, Names.TLS_CA_KEY);
    } catch (IllegalArgumentException e) {
      return missing(serverName, "key " + Names.TLS_CA_KEY + " of its TLS Secret " + secretName
          + " is not base64: " + e.getMessage());
    }
    if (ca == null || ca.isBlank()) {
      return missing(serverName, "its TLS Secret " + secretName + " has no key " + Names.TLS_CA_KEY);
    }
    return new NodeTls(ca, serverName, "Secret " + secretName + " key " + Names.TLS_CA_KEY);
  }

  /** Whether the CA bundle is there (a node without one is not contacted). */
  public boolean hasCaBundle() {
    return caBundle != null && !caBundle.isBlank();
  }

  @Override
  public String toString() {
    return "NodeTls[serverName=" + serverName + ", source=" + source + (hasCaBundle() ? "" : ", no CA bundle") + "]";
  }
}
