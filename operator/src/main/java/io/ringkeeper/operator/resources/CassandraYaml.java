package io.ringkeeper.operator.resources;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Renders the cluster-wide cassandra.yaml: the operator's settings first, then the user's
 * {@code spec.config.cassandraYaml} keys (top-level keys replace the operator's defaults, except the keys the
 * operator owns, which validation refuses). Everything that differs per node (addresses, tokens, auto_bootstrap)
 * is passed as {@code -Dcassandra.settings.*} system properties instead, so all nodes share one file.
 */
public final class CassandraYaml {
  /**
   * Keys the operator sets itself or per node: overriding them would break identity (cluster_name, tokens),
   * discovery (seeds, addresses, snitch, ports the Services use) or where data lives on the volume.
   */
  public static final Set<String> OPERATOR_OWNED_KEYS = Set.copyOf(new TreeSet<>(List.of(
      "cluster_name", "num_tokens", "initial_token", "allocate_tokens_for_keyspace",
      "allocate_tokens_for_local_replication_factor", "partitioner", "seed_provider", "endpoint_snitch",
      "listen_address", "listen_interface", "listen_interface_prefer_ipv6", "listen_on_broadcast_address",
      "broadcast_address", "rpc_address", "rpc_interface", "rpc_interface_prefer_ipv6", "broadcast_rpc_address",
      "storage_port", "native_transport_port", "auto_bootstrap", "data_file_directories", "commitlog_directory",
      "saved_caches_directory", "hints_directory", "cdc_raw_directory", "local_system_data_file_directory")));

  public static final int STORAGE_PORT = 7000;
  public static final int NATIVE_TRANSPORT_PORT = 9042;

  private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .build());

  private CassandraYaml() {}

  /**
   * The rendered file.
   *
   * @param cr the cluster (cluster name, token count, user overrides)
   * @param seeds seed addresses of every datacenter, in order
   */
  public static String render(CassandraCluster cr, List<String> seeds) {
    try {
      return YAML.writeValueAsString(tree(cr, seeds));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ObjectNode tree(CassandraCluster cr, List<String> seeds) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode yaml = f.objectNode();
    yaml.put("cluster_name", SpecDefaults.clusterName(cr));
    yaml.put("num_tokens", SpecDefaults.numTokens(cr));
    yaml.put("partitioner", "org.apache.cassandra.dht.Murmur3Partitioner");
    yaml.put("endpoint_snitch", "GossipingPropertyFileSnitch");
    ObjectNode provider = f.objectNode();
    provider.put("class_name", "org.apache.cassandra.locator.SimpleSeedProvider");
    provider.set("parameters", f.arrayNode().add(f.objectNode().put("seeds", String.join(",", seeds))));
    yaml.set("seed_provider", f.arrayNode().add(provider));
    yaml.put("storage_port", STORAGE_PORT);
    yaml.put("native_transport_port", NATIVE_TRANSPORT_PORT);
    yaml.put("start_native_transport", true);
    ArrayNode dataDirs = f.arrayNode().add(Names.DATA_DIR + "/data");
    yaml.set("data_file_directories", dataDirs);
    yaml.put("commitlog_directory", Names.DATA_DIR + "/commitlog");
    yaml.put("saved_caches_directory", Names.DATA_DIR + "/saved_caches");
    yaml.put("hints_directory", Names.DATA_DIR + "/hints");
    yaml.put("cdc_raw_directory", Names.DATA_DIR + "/cdc_raw");
    // Defaults a user may override:
    yaml.put("commitlog_sync", "periodic");
    yaml.put("commitlog_sync_period", "10000ms");
    yaml.put("authenticator", "PasswordAuthenticator");
    yaml.put("authorizer", "CassandraAuthorizer");
    yaml.put("role_manager", "CassandraRoleManager");
    if (SpecDefaults.tlsEnabled(cr.getSpec())) {
      yaml.set("server_encryption_options", serverEncryption());
      yaml.set("client_encryption_options", clientEncryption(!SpecDefaults.clientTlsRequired(cr.getSpec())));
    }

    JsonNode overrides = cr.getSpec().getConfig() == null ? null : cr.getSpec().getConfig().getCassandraYaml();
    if (overrides != null && overrides.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = overrides.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        if (!OPERATOR_OWNED_KEYS.contains(field.getKey())) {
          yaml.set(field.getKey(), field.getValue().deepCopy());
        }
      }
    }
    return yaml;
  }

  /** The PEM files of a node's TLS Secret, as Cassandra 5.0's PEMBasedSslContextFactory reads them. */
  public static final String PEM_FACTORY = "org.apache.cassandra.security.PEMBasedSslContextFactory";
  public static final String KEYSTORE = Names.TLS_DIR + "/" + Names.TLS_KEYSTORE_KEY;
  public static final String TRUSTSTORE = Names.TLS_DIR + "/" + Names.TLS_CA_KEY;

  /** Internode TLS, mutual: every node presents its certificate and checks its peer's against the CA. */
  private static ObjectNode serverEncryption() {
    ObjectNode o = pemFactory();
    o.put("internode_encryption", "all");
    // Cassandra 5.0 otherwise listens "optionally encrypted" on the storage port (its log says so) and would
    // accept a plain-text peer: refused here, every internode connection is TLS.
    o.put("optional", false);
    o.put("require_client_auth", true);
    // The peers' certificates name them by DNS; gossip knows them by IP: the CA check is the identity check.
    o.put("require_endpoint_verification", false);
    return o;
  }

  private static ObjectNode clientEncryption(boolean optional) {
    ObjectNode o = pemFactory();
    o.put("enabled", true);
    o.put("optional", optional);
    o.put("require_client_auth", false);
    return o;
  }

  private static ObjectNode pemFactory() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode o = f.objectNode();
    o.set("ssl_context_factory", f.objectNode().put("class_name", PEM_FACTORY));
    o.put("keystore", KEYSTORE);
    o.put("truststore", TRUSTSTORE);
    return o;
  }

  /** Reads a rendered file back into a tree (for tests and local mode). */
  public static JsonNode parse(String yaml) {
    try {
      return YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The contents of a rack's cassandra-rackdc.properties. */
  public static String rackProperties(String datacenter, String rack) {
    return "dc=" + datacenter + "\nrack=" + rack + "\nprefer_local=true\n";
  }
}
