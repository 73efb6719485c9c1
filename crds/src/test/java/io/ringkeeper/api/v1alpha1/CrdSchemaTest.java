package io.ringkeeper.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** What the API server refuses at the door, checked against the generated schema. */
class CrdSchemaTest {

  private static final String BASE = """
      apiVersion: ringkeeper.io/v1alpha1
      kind: CassandraCluster
      metadata: {name: demo}
      spec:
        datacenters:
          - name: dc1
            size: 3
            racks: [{name: r1, zone: z1}, {name: r2, zone: z2}, {name: r3, zone: z3}]
        storage: {size: 10Gi}
        jvm: {heapSize: 1Gi}
        repair: {schedule: "0 1 * * 0", parallelism: Sequential, intensity: 0.5, segmentTimeout: 30m}
        maintenance:
          compactionThroughput: [{schedule: "0 22 * * *", duration: 8h, mibPerSecond: 256}]
          tasks: [{name: gc, schedule: "@weekly", operation: GarbageCollect}]
      """;

  private static ObjectNode base() {
    try {
      return (ObjectNode) CrdFiles.YAML.readTree(BASE);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aValidClusterPasses() {
    assertThat(SchemaValidator.validate(base())).isEmpty();
  }

  static Stream<Arguments> rejected() {
    String sixty = "a".repeat(60);
    return Stream.of(
        Arguments.of("size 0", "/spec/datacenters/0/size", 0, "size"),
        Arguments.of("size -1", "/spec/datacenters/0/size", -1, "size"),
        Arguments.of("size 1000", "/spec/datacenters/0/size", 1000, "size"),
        Arguments.of("numTokens 0", "/spec/tokens/numTokens", 0, "numTokens"),
        Arguments.of("numTokens 300", "/spec/tokens/numTokens", 300, "numTokens"),
        Arguments.of("replicationFactor 0", "/spec/datacenters/0/replicationFactor", 0, "replicationFactor"),
        Arguments.of("upper-case rack name", "/spec/datacenters/0/racks/0/name", "R1", "name"),
        Arguments.of("rack name with underscore", "/spec/datacenters/0/racks/0/name", "rack_1", "name"),
        Arguments.of("17-character rack name", "/spec/datacenters/0/racks/0/name", "r".repeat(17), "name"),
        Arguments.of("upper-case datacenter name", "/spec/datacenters/0/name", "DC1", "name"),
        Arguments.of("17-character datacenter name", "/spec/datacenters/0/name", "d".repeat(17), "name"),
        Arguments.of("60-character metadata.name", "/metadata/name", sixty, "name"),
        Arguments.of("25-character metadata.name", "/metadata/name", "a".repeat(25), "name"),
        Arguments.of("60-character clusterName", "/spec/clusterName", sixty, "clusterName"),
        Arguments.of("clusterName with spaces", "/spec/clusterName", "Test Cluster", "clusterName"),
        Arguments.of("unknown parallelism", "/spec/repair/parallelism", "Random", "parallelism"),
        Arguments.of("negative storage size", "/spec/storage/size", "-10Gi", "size"),
        Arguments.of("zero storage size", "/spec/storage/size", "0", "size"),
        Arguments.of("storage size with unknown unit", "/spec/storage/size", "10GB", "size"),
        Arguments.of("negative heap", "/spec/jvm/heapSize", "-1Gi", "heapSize"),
        Arguments.of("unknown reclaim policy", "/spec/storage/reclaim", "Recycle", "reclaim"),
        Arguments.of("unknown anti-affinity", "/spec/placement/podAntiAffinity", "Sometimes", "podAntiAffinity"),
        Arguments.of("intensity 0", "/spec/repair/intensity", 0, "intensity"),
        Arguments.of("intensity 1.5", "/spec/repair/intensity", 1.5, "intensity"),
        Arguments.of("segmentsPerNode 0", "/spec/repair/segmentsPerNode", 0, "segmentsPerNode"),
        Arguments.of("malformed segment timeout", "/spec/repair/segmentTimeout", "30 minutes", "segmentTimeout"),
        Arguments.of("cron with three fields", "/spec/repair/schedule", "0 1 *", "schedule"),
        Arguments.of("cassandraVersion without patch", "/spec/cassandraVersion", "5.0", "cassandraVersion"),
        Arguments.of("unknown task operation", "/spec/maintenance/tasks/0/operation", "Scrub", "operation"),
        Arguments.of("negative compaction throughput",
            "/spec/maintenance/compactionThroughput/0/mibPerSecond", -1, "mibPerSecond"),
        Arguments.of("malformed window duration",
            "/spec/maintenance/compactionThroughput/0/duration", "8 hours", "duration"),
        Arguments.of("size as a string", "/spec/datacenters/0/size", "three", "size"),
        Arguments.of("superuser secret with a slash", "/spec/auth/superuserSecretRef", "../etc", "superuserSecretRef"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rejected")
  void schemaRejects(String what, String pointer, Object value, String field) {
    ObjectNode doc = base();
    set(doc, pointer, value);
    List<String> errors = SchemaValidator.validate(doc);
    assertThat(errors).as(what).isNotEmpty();
    assertThat(String.join("\n", errors)).as("the error names the field").contains(field);
  }

  @Test
  void schemaRejectsAClusterWithoutDatacenters() {
    ObjectNode doc = base();
    ((ObjectNode) doc.get("spec")).putArray("datacenters");
    assertThat(SchemaValidator.validate(doc)).anyMatch(m -> m.contains("datacenters"));
  }

  @Test
  void schemaRejectsADatacenterWithoutSize() {
    ObjectNode doc = base();
    ((ObjectNode) doc.at("/spec/datacenters/0")).remove("size");
    assertThat(SchemaValidator.validate(doc)).anyMatch(m -> m.contains("size"));
  }

  @Test
  void schemaRejectsARoleWithAQuoteInItsNameOrWithoutItsSecret() {
    ObjectNode doc = base();
    ObjectNode role = ((ObjectNode) doc.get("spec")).putObject("auth").putArray("roles").addObject();
    role.put("name", "app'; DROP ROLE x");
    role.put("secretRef", "app");
    assertThat(SchemaValidator.validate(doc)).anyMatch(m -> m.contains("name"));
    role.put("name", "app");
    role.remove("secretRef");
    assertThat(SchemaValidator.validate(doc)).anyMatch(m -> m.contains("secretRef"));
    role.put("secretRef", "app");
    assertThat(SchemaValidator.validate(doc)).isEmpty();
  }

  @Test
  void aPodTemplateWithEveryFieldPassesAndItsKubernetesTypesAreChecked() throws Exception {
    ObjectNode doc = base();
    ((ObjectNode) doc.get("spec")).set("podTemplate", CrdFiles.YAML.readTree("""
        labels: {team: payments}
        annotations: {example.com/owner: payments}
        priorityClassName: high
        serviceAccountName: cassandra
        securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
        env: [{name: TZ, value: UTC}, {name: NODE, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}]
        volumes: [{name: logs, emptyDir: {sizeLimit: 1Gi}}]
        volumeMounts: [{name: logs, mountPath: /var/log/cassandra}]
        containers:
          - name: shipper
            image: fluent/fluent-bit:3.0
            ports: [{containerPort: 2020, name: http}]
            readinessProbe: {httpGet: {path: /, port: http}}
            resources: {limits: {memory: 64Mi}}
        initContainers: [{name: prep, image: busybox, command: [sh, -c, "true"]}]
        topologySpreadConstraints:
          - {maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: ScheduleAnyway}
        """));
    assertThat(SchemaValidator.validate(doc)).isEmpty();
    set(doc, "/spec/podTemplate/containers/0/ports/0/containerPort", "twenty");
    assertThat(SchemaValidator.validate(doc)).anyMatch(m -> m.contains("containerPort"));
  }

  @Test
  void schemaRejectsARackWithoutName() {
    ObjectNode doc = base();
    ((ObjectNode) doc.at("/spec/datacenters/0/racks/0")).remove("name");
    assertThat(SchemaValidator.validate(doc)).anyMatch(m -> m.contains("name"));
  }

  private static void set(ObjectNode doc, String pointer, Object value) {
    int slash = pointer.lastIndexOf('/');
    String key = pointer.substring(slash + 1);
    JsonNode parent = doc;
    for (String part : pointer.substring(1, slash).split("/")) {
      JsonNode next = parent.isArray() ? parent.get(Integer.parseInt(part)) : parent.get(part);
      parent = next != null ? next : ((ObjectNode) parent).putObject(part);
    }
    JsonNode node = CrdFiles.YAML.valueToTree(value);
    if (parent instanceof ArrayNode array) {
      array.set(Integer.parseInt(key), node);
    } else {
      ((ObjectNode) parent).set(key, node);
    }
  }
}
