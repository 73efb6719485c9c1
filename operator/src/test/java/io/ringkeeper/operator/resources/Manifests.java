package io.ringkeeper.operator.resources;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.ringkeeper.api.v1alpha1.CassandraCluster;

/** Clusters for builder tests, as users write them. */
final class Manifests {
  private Manifests() {}

  static CassandraCluster parse(String yaml) {
    CassandraCluster cr = Serialization.unmarshal(yaml, CassandraCluster.class);
    cr.getMetadata().setNamespace("db");
    cr.getMetadata().setUid("uid-1");
    return cr;
  }

  static CassandraCluster threeRacks() {
    return parse("""
        apiVersion: ringkeeper.io/v1alpha1
        kind: CassandraCluster
        metadata: {name: orders}
        spec:
          cassandraVersion: "5.0.9"
          datacenters:
            - name: eu
              replicationFactor: 3
              size: 3
              racks:
                - {name: r1, zone: eu-1a}
                - {name: r2, zone: eu-1b}
                - {name: r3, zone: eu-1c}
          storage: {size: 50Gi, storageClassName: fast}
          resources:
            requests: {cpu: "2", memory: 8Gi}
            limits: {memory: 8Gi}
          jvm: {extraOptions: ["-XX:+UseG1GC"]}
          config:
            cassandraYaml: {concurrent_reads: 64, commitlog_sync: batch}
          placement:
            podAntiAffinity: Preferred
            nodeSelector: {pool: cassandra}
        """);
  }
}
