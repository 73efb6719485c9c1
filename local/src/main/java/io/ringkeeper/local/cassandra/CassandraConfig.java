package io.ringkeeper.local.cassandra;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Renders the configuration files of a small local node: a minimal cassandra.yaml (everything else at
 * Cassandra's defaults) and cassandra-rackdc.properties for GossipingPropertyFileSnitch.
 */
public final class CassandraConfig {
  private CassandraConfig() {}

  /**
   * @param clusterName cluster_name
   * @param seeds seed addresses
   * @param address listen, broadcast and native transport address
   * @param tokens the node's initial tokens (their count is num_tokens); empty lets Cassandra choose
   * @param numTokens num_tokens when {@code tokens} is empty
   * @param autoBootstrap false for the nodes of a brand-new cluster started together with pre-set tokens
   * @param passwordAuth PasswordAuthenticator + CassandraAuthorizer instead of allowing everyone
   */
  public record NodeConfig(
      String clusterName, List<String> seeds, String address, List<Long> tokens, int numTokens,
      boolean autoBootstrap, boolean passwordAuth) {}

  public static String cassandraYaml(NodeConfig node) {
    StringBuilder y = new StringBuilder();
    y.append("cluster_name: '").append(node.clusterName().replace("'", "''")).append("'\n");
    if (node.tokens().isEmpty()) {
      y.append("num_tokens: ").append(node.numTokens()).append('\n');
    } else {
      y.append("num_tokens: ").append(node.tokens().size()).append('\n');
      y.append("initial_token: ")
          .append(node.tokens().stream().map(String::valueOf).collect(Collectors.joining(","))).append('\n');
    }
    y.append("auto_bootstrap: ").append(node.autoBootstrap()).append('\n');
    y.append("partitioner: org.apache.cassandra.dht.Murmur3Partitioner\n");
    y.append("endpoint_snitch: GossipingPropertyFileSnitch\n");
    y.append("seed_provider:\n");
    y.append("  - class_name: org.apache.cassandra.locator.SimpleSeedProvider\n");
    y.append("    parameters:\n");
    y.append("      - seeds: \"").append(String.join(",", node.seeds())).append("\"\n");
    y.append("listen_address: ").append(node.address()).append('\n');
    y.append("rpc_address: ").append(node.address()).append('\n');
    y.append("start_native_transport: true\n");
    y.append("commitlog_sync: periodic\n");
    y.append("commitlog_sync_period: 10000ms\n");
    // Small local nodes: a short commit log segment keeps the disk footprint of a test cluster low.
    y.append("commitlog_segment_size: 8MiB\n");
    if (node.passwordAuth()) {
      y.append("authenticator: PasswordAuthenticator\n");
      y.append("authorizer: CassandraAuthorizer\n");
    } else {
      y.append("authenticator: AllowAllAuthenticator\n");
      y.append("authorizer: AllowAllAuthorizer\n");
    }
    return y.toString();
  }

  /**
   * The TLS part of cassandra.yaml the operator renders from the TLS contract (docs/security.md), to append to
   * {@link #cassandraYaml}: internode TLS (mutual) and client TLS with Cassandra 5.0's PEMBasedSslContextFactory,
   * reading {@code keystore} (PKCS#8 key, then certificate chain) and {@code truststore} (CA bundle) as PEM.
   * No passwords: the key is unencrypted (checked on Cassandra 5.0.9 by TlsReloadIT). {@code optional: false} on
   * the server side is needed: without it Cassandra 5.0.9 derives {@code optional: true} (the keystore file exists
   * and {@code enabled} is not set) and its storage port also accepts unencrypted internode connections (logged as
   * "encryption: optionally encrypted").
   */
  public static String tlsYaml(Path keystore, Path truststore, boolean clientOptional) {
    String factory = "  ssl_context_factory:\n"
        + "    class_name: org.apache.cassandra.security.PEMBasedSslContextFactory\n"
        + "  keystore: " + keystore + "\n"
        + "  truststore: " + truststore + "\n";
    return "server_encryption_options:\n"
        + "  internode_encryption: all\n"
        + "  optional: false\n"
        + factory
        + "  require_client_auth: true\n"
        + "  require_endpoint_verification: false\n"
        + "client_encryption_options:\n"
        + "  enabled: true\n"
        + "  optional: " + clientOptional + "\n"
        + factory
        + "  require_client_auth: false\n";
  }

  public static String rackdcProperties(String datacenter, String rack) {
    return "dc=" + datacenter + "\nrack=" + rack + "\n";
  }

  /** Writes cassandra.yaml and cassandra-rackdc.properties into {@code configDir}. */
  public static void write(Path configDir, NodeConfig node, String datacenter, String rack) throws IOException {
    Files.createDirectories(configDir);
    Files.writeString(configDir.resolve("cassandra.yaml"), cassandraYaml(node), StandardCharsets.UTF_8);
    Files.writeString(configDir.resolve("cassandra-rackdc.properties"), rackdcProperties(datacenter, rack),
        StandardCharsets.UTF_8);
  }

  /**
   * Evenly spaced Murmur3 tokens for {@code nodes} nodes with {@code perNode} tokens each, interleaved so
   * every node owns the same share: node i gets tokens i, i + nodes, i + 2*nodes, ... of the ring.
   */
  public static List<List<Long>> evenTokens(int nodes, int perNode) {
    BigInteger ringSize = BigInteger.ONE.shiftLeft(64);
    BigInteger min = BigInteger.valueOf(Long.MIN_VALUE);
    int total = nodes * perNode;
    List<List<Long>> out = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      List<Long> tokens = new ArrayList<>();
      for (int j = 0; j < perNode; j++) {
        int index = i + j * nodes;
        tokens.add(min.add(ringSize.multiply(BigInteger.valueOf(index)).divide(BigInteger.valueOf(total)))
            .longValueExact());
      }
      out.add(List.copyOf(tokens));
    }
    return out;
  }
}
