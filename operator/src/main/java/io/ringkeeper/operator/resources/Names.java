package io.ringkeeper.operator.resources;

import io.ringkeeper.operator.domain.model.NodeId;

/**
 * Every name the operator gives an object, file or path, in one place. {@code cluster} is the
 * CassandraCluster's metadata.name (at most 24 characters, so every name below fits a 63-character DNS label).
 */
public final class Names {
  /** The finalizer that lets the operator honour storage.reclaim before the cluster disappears. */
  public static final String FINALIZER = "ringkeeper.io/cleanup";
  /** Field manager and event source component. */
  public static final String COMPONENT = "ringkeeper-operator";

  public static final String CASSANDRA_CONTAINER = "cassandra";
  public static final String AGENT_INIT_CONTAINER = "agent";
  public static final String DATA_VOLUME = "data";
  public static final String CONFIG_VOLUME = "config";
  public static final String AGENT_VOLUME = "agent";
  public static final String AGENT_TOKEN_VOLUME = "agent-token";

  /** Where the ConfigMap with cassandra.yaml and the rack files is mounted. */
  public static final String CONFIG_DIR = "/etc/ringkeeper/config";
  public static final String CASSANDRA_YAML = "cassandra.yaml";
  /** Cassandra's data, commit log, hints and caches: the node's PVC. */
  public static final String DATA_DIR = "/var/lib/cassandra";
  /** The emptyDir the init container copies the agent jar into. */
  public static final String AGENT_DIR = "/opt/ringkeeper-agent";
  public static final String AGENT_JAR = "ringkeeper-agent.jar";
  /** Where the agent jar sits in the operator image. */
  public static final String AGENT_JAR_IN_OPERATOR_IMAGE = "/opt/ringkeeper/ringkeeper-agent.jar";
  /** Where the agent-token Secret is mounted; the token is the file {@code token}. */
  public static final String AGENT_TOKEN_DIR = "/etc/ringkeeper/agent";
  public static final String AGENT_TOKEN_KEY = "token";
  /** Volume and mount of a node's TLS Secret ({@link #nodeTlsSecret}) in the Cassandra container. */
  public static final String TLS_VOLUME = "tls";
  public static final String TLS_DIR = "/etc/ringkeeper/tls";
  /** Keys of a TLS Secret (cert-manager layout, plus keystore.pem: tls.key then tls.crt, what Cassandra reads). */
  public static final String TLS_CERT_KEY = "tls.crt";
  public static final String TLS_PRIVATE_KEY = "tls.key";
  public static final String TLS_CA_KEY = "ca.crt";
  public static final String TLS_KEYSTORE_KEY = "keystore.pem";

  private Names() {}

  /** Pod, PVC and status entry of a node: {@code <cluster>-<dc>-<rack>-<n>}. */
  public static String node(NodeId id) {
    return id.name();
  }

  /** Headless Service giving every node a stable DNS name (pods set it as their subdomain). */
  public static String peerService(String cluster) {
    return cluster + "-nodes";
  }

  /** Headless Service selecting the seed nodes. */
  public static String seedService(String cluster) {
    return cluster + "-seeds";
  }

  /** ClusterIP Service for CQL clients (ready nodes only). */
  public static String clientService(String cluster) {
    return cluster + "-client";
  }

  /** ConfigMap with cassandra.yaml and one rack properties file per rack. */
  public static String configMap(String cluster) {
    return cluster + "-config";
  }

  /** Secret with the bearer token of the cluster's node agents. */
  public static String agentTokenSecret(String cluster) {
    return cluster + "-agent-token";
  }

  /** Secret with the per-cluster CA the operator generates (keys tls.crt, tls.key, ca.crt), unless spec.tls names one. */
  public static String caSecret(String cluster) {
    return cluster + "-ca";
  }

  /**
   * A node's TLS Secret, written by the operator whatever the certificate's source (keys tls.crt, tls.key, ca.crt,
   * keystore.pem), mounted at {@link #TLS_DIR}.
   */
  public static String nodeTlsSecret(NodeId id) {
    return id.name() + "-tls";
  }

  /** Secret with the superuser's credentials, generated when spec.auth.superuserSecretRef is empty. */
  public static String superuserSecret(String cluster) {
    return cluster + "-superuser";
  }

  /** PodDisruptionBudget of one datacenter. */
  public static String disruptionBudget(String cluster, String datacenter) {
    return cluster + "-" + datacenter;
  }

  /** The ConfigMap key (and file name) of a rack's cassandra-rackdc.properties. */
  public static String rackPropertiesFile(String datacenter, String rack) {
    return "rackdc-" + datacenter + "-" + rack + ".properties";
  }

  /** A node's stable DNS name through the peer Service, resolvable before the node is ready. */
  public static String nodeAddress(NodeId id, String namespace) {
    return id.name() + "." + peerService(id.cluster()) + "." + namespace + ".svc";
  }

  /** The superuser role the generated Secret names. */
  public static String superuserRole(String clusterName) {
    return clusterName + "-superuser";
  }
}
