package io.ringkeeper.e2e.apiserver;

import static io.ringkeeper.e2e.apiserver.Manifests.remove;
import static io.ringkeeper.e2e.apiserver.Manifests.set;
import static io.ringkeeper.e2e.apiserver.Manifests.yaml;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Manifests a real API server refuses, each as a change to examples/minimal.yaml (or, for the immutable fields,
 * to a stored two-datacenter cluster) with the field and the words the refusal must name. Shared by the test of
 * the real server and the test that requires local mode's embedded API to give the same verdicts.
 */
final class ValidationCases {
  private ValidationCases() {}

  static Stream<Arguments> refused() {
    return Stream.of(
        refused("a negative datacenter size", "spec.datacenters[0].size", "greater than or equal to 1",
            t -> set(t, "/spec/datacenters/0/size", -1)),
        refused("a size of zero", "spec.datacenters[0].size", "greater than or equal to 1",
            t -> set(t, "/spec/datacenters/0/size", 0)),
        refused("a size over 999", "spec.datacenters[0].size", "less than or equal to 999",
            t -> set(t, "/spec/datacenters/0/size", 1000)),
        refused("a size written as text", "spec.datacenters[0].size", "integer",
            t -> set(t, "/spec/datacenters/0/size", "three")),
        refused("a replicationFactor of 5 on 3 nodes", "spec.datacenters[0].replicationFactor",
            "every replica needs its own node", t -> set(t, "/spec/datacenters/0/replicationFactor", 5)),
        refused("a size below the default replicationFactor 3", "spec.datacenters[0].replicationFactor",
            "every replica needs its own node",
            t -> remove(remove(set(t, "/spec/datacenters/0/size", 2), "/spec/datacenters/0/racks"),
                "/spec/datacenters/0/replicationFactor")),
        refused("fewer nodes than racks", "spec.datacenters[0].size", "every rack needs at least one node",
            t -> set(set(t, "/spec/datacenters/0/size", 2), "/spec/datacenters/0/replicationFactor", 2)),
        refused("a heapSize of 'lots'", "spec.jvm.heapSize", "should match",
            t -> set(t, "/spec/jvm/heapSize", "lots")),
        refused("a negative storage size", "spec.storage.size", "should match",
            t -> set(t, "/spec/storage/size", "-1Gi")),
        refused("a zero storage size", "spec.storage.size", "should match",
            t -> set(t, "/spec/storage/size", "0")),
        refused("a rack named R_3!", "spec.datacenters[0].racks[2].name", "should match",
            t -> set(t, "/spec/datacenters/0/racks/2/name", "R_3!")),
        refused("a 17-character rack name", "spec.datacenters[0].racks[2].name", "may not be more than 16",
            t -> set(t, "/spec/datacenters/0/racks/2/name", "r".repeat(17))),
        refused("a 10000-character rack name", "spec.datacenters[0].racks[2].name", "may not be more than 16",
            t -> set(t, "/spec/datacenters/0/racks/2/name", "r".repeat(10_000))),
        refused("a datacenter named dc_1", "spec.datacenters[0].name", "should match",
            t -> set(t, "/spec/datacenters/0/name", "dc_1")),
        refused("a rack listed twice", "spec.datacenters[0].racks", "rack names must be unique",
            t -> set(t, "/spec/datacenters/0/racks/2/name", "r1")),
        refused("a datacenter listed twice", "spec.datacenters", "datacenter names must be unique",
            t -> set(t, "/spec/datacenters/-", yaml("{name: dc1, size: 3, replicationFactor: 3}"))),
        refused("zones on some racks only", "spec.datacenters[0].racks", "on every rack of the datacenter or on none",
            t -> set(t, "/spec/datacenters/0/racks/0/zone", "zone-a")),
        refused("no datacenters", "spec.datacenters", "Required value",
            t -> remove(t, "/spec/datacenters")),
        refused("an empty datacenter list", "spec.datacenters", "should have at least 1 items",
            t -> set(t, "/spec/datacenters", List.of())),
        refused("a datacenter without a size", "spec.datacenters[0].size", "Required value",
            t -> remove(t, "/spec/datacenters/0/size")),
        refused("an unknown imagePullPolicy", "spec.imagePullPolicy", "supported values",
            t -> set(t, "/spec/imagePullPolicy", "Sometimes")),
        refused("an unknown storage reclaim policy", "spec.storage.reclaim", "supported values",
            t -> set(t, "/spec/storage/reclaim", "Keep")),
        refused("numTokens 0", "spec.tokens.numTokens", "greater than or equal to 1",
            t -> set(t, "/spec/tokens", yaml("{numTokens: 0}"))),
        refused("numTokens 257", "spec.tokens.numTokens", "less than or equal to 256",
            t -> set(t, "/spec/tokens", yaml("{numTokens: 257}"))),
        refused("cassandraVersion latest", "spec.cassandraVersion", "should match",
            t -> set(t, "/spec/cassandraVersion", "latest")),
        refused("a cluster name starting with a digit", "metadata.name", "should match",
            t -> set(t, "/metadata/name", "1demo")),
        refused("a 25-character cluster name", "metadata.name", "may not be more than 24",
            t -> set(t, "/metadata/name", "c" + "x".repeat(24))),
        refused("a clusterName with upper case", "spec.clusterName", "should match",
            t -> set(t, "/spec/clusterName", "Demo")),
        refused("a sidecar port written as text", "spec.podTemplate.containers[0].ports[0].containerPort", "integer",
            t -> set(t, "/spec/podTemplate", yaml("{containers: [{name: s, image: busybox,"
                + " ports: [{containerPort: twenty}]}]}"))),
        refused("a sidecar named cassandra", "spec.podTemplate.containers",
            "the containers cassandra and agent are the operator's",
            t -> set(t, "/spec/podTemplate", yaml("{containers: [{name: cassandra, image: busybox}]}"))),
        refused("an init container named agent", "spec.podTemplate.initContainers",
            "the containers cassandra and agent are the operator's",
            t -> set(t, "/spec/podTemplate", yaml("{initContainers: [{name: agent, image: busybox}]}"))),
        refused("a volume named data", "spec.podTemplate.volumes", "the volumes data, config, agent, agent-token and tls",
            t -> set(t, "/spec/podTemplate",
                yaml("{volumes: [{name: logs, emptyDir: {}}, {name: data, emptyDir: {}}]}"))),
        refused("17 sidecars", "spec.podTemplate.containers", "must have at most 16 items",
            t -> set(t, "/spec/podTemplate",
                yaml("{containers: [" + "{name: s, image: busybox},".repeat(17) + "]}"))),
        refused("a spec that is a string", "spec", "object",
            t -> set(t, "/spec", "datacenters: 3")));
  }

  static Arguments refused(String what, String field, String reason, UnaryOperator<ObjectNode> change) {
    return Arguments.of(what, field, reason, change);
  }

  static Stream<Arguments> immutable() {
    return Stream.of(
        refused("a changed clusterName", "spec.clusterName", "is immutable",
            t -> set(t, "/spec/clusterName", "other")),
        refused("a changed numTokens", "spec.tokens.numTokens", "is immutable",
            t -> set(t, "/spec/tokens/numTokens", 32)),
        refused("a renamed datacenter", "spec.datacenters", "datacenter names are immutable",
            t -> set(t, "/spec/datacenters/0/name", "dc9")),
        refused("a removed datacenter", "spec.datacenters", "a datacenter cannot be removed",
            t -> remove(t, "/spec/datacenters/1")));
  }

}
