package io.ringkeeper.local.cassandra;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One node to run: what a pod would be.
 *
 * @param name node name (the pod name), used in thread names, logs and messages
 * @param address the node's loopback address (127.x.y.z); listen, broadcast and native transport use it
 * @param configDir holds cassandra.yaml and cassandra-rackdc.properties, written by the caller; the launcher
 *     adds logback.xml when it is missing
 * @param dataDir Cassandra's storage directory (data, commitlog, hints, saved caches); it outlives the
 *     process, so a restarted node finds its data, like a pod finds its PVC
 * @param logDir where system.log and the process's stdout/stderr (stdout.log) go
 * @param jvmOptions the JVM options of the node, in order, after the launcher's own (so they win): heap,
 *     {@code -javaagent:...}, {@code -Dcassandra.initial_token=...},
 *     {@code -Dcassandra.config.allow_system_properties=true -Dcassandra.settings.<key>=<value>},
 *     {@code -Dcassandra.replace_address_first_boot=...}
 */
public record CassandraNodeSpec(
    String name, String address, Path configDir, Path dataDir, Path logDir, List<String> jvmOptions) {

  public CassandraNodeSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(configDir, "configDir");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(logDir, "logDir");
    jvmOptions = List.copyOf(jvmOptions);
    if (!address.startsWith("127.")) {
      // Local mode runs every node on this machine: only loopback addresses are safe to bind and to target.
      throw new IllegalArgumentException("a local node's address must be a 127.x loopback address, not " + address);
    }
  }
}
