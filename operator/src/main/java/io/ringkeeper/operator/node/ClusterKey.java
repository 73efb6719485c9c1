package io.ringkeeper.operator.node;

import java.util.Objects;

/** A CassandraCluster by namespace and name. */
public record ClusterKey(String namespace, String name) {
  public ClusterKey {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
  }

  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}
