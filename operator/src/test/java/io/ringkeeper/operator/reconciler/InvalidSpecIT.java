package io.ringkeeper.operator.reconciler;

import static io.ringkeeper.operator.testing.ClusterAssertions.condition;
import static io.ringkeeper.operator.testing.ClusterAssertions.conditionMessage;
import static io.ringkeeper.operator.testing.ClusterAssertions.event;
import static io.ringkeeper.operator.testing.ClusterAssertions.objects;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.ClusterPhase;
import io.ringkeeper.operator.testing.MockKube;
import io.ringkeeper.operator.testing.OperatorHarness;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every spec the operator refuses: Valid=False naming the field and the fix, phase Invalid, a Warning event,
 * and nothing created (new clusters) or changed (running clusters).
 */
class InvalidSpecIT {
  static OperatorHarness harness;

  @BeforeAll
  static void start() {
    harness = OperatorHarness.start();
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  static String manifest(String name, String spec) {
    return "apiVersion: ringkeeper.io/v1alpha1\nkind: CassandraCluster\nmetadata: {name: " + name + "}\nspec:\n"
        + spec.indent(2);
  }

  static final String DC = """
      datacenters:
        - {name: dc1, replicationFactor: 3, size: 3, racks: [{name: r1}, {name: r2}, {name: r3}]}
      """;

  static Stream<Arguments> newClusters() {
    return Stream.of(
        Arguments.of("metadata.name too long", manifest("a-cluster-name-of-thirty-chars", DC),
            "metadata.name: 'a-cluster-name-of-thirty-chars' has 30 characters"),
        Arguments.of("metadata.name starting with a digit", manifest("1demo", DC),
            "metadata.name: '1demo' must start with a lower-case letter"),
        Arguments.of("Cassandra before 4.1", manifest("demo", "cassandraVersion: 4.0.11\n" + DC),
            "spec.cassandraVersion: 4.0.11 is not supported"),
        Arguments.of("duplicate datacenter", manifest("demo", """
            datacenters:
              - {name: dc1, replicationFactor: 1, size: 1}
              - {name: dc1, replicationFactor: 1, size: 1}
            """), "spec.datacenters[1].name: datacenter 'dc1' is listed twice"),
        Arguments.of("duplicate rack", manifest("demo", """
            datacenters:
              - {name: dc1, replicationFactor: 2, size: 2, racks: [{name: r1}, {name: r1}]}
            """), "spec.datacenters[0].racks[1].name: rack 'r1' is listed twice"),
        Arguments.of("zone on some racks only", manifest("demo", """
            datacenters:
              - {name: dc1, replicationFactor: 3, size: 3, racks: [{name: r1, zone: a}, {name: r2}, {name: r3}]}
            """), "spec.datacenters[0].racks: 1 of 3 racks of datacenter 'dc1' set a zone"),
        Arguments.of("replication factor above size", manifest("demo", """
            datacenters:
              - {name: dc1, replicationFactor: 3, size: 2, racks: [{name: r1}, {name: r2}]}
            """), "spec.datacenters[0].replicationFactor: 3 exceeds the datacenter's 2 nodes"),
        Arguments.of("fewer nodes than racks", manifest("demo", """
            datacenters:
              - {name: dc1, replicationFactor: 1, size: 2, racks: [{name: r1}, {name: r2}, {name: r3}]}
            """), "spec.datacenters[0].size: 2 nodes cannot fill the datacenter's 3 racks"),
        Arguments.of("node names colliding across datacenters", manifest("demo", """
            datacenters:
              - {name: dc, replicationFactor: 1, size: 1, racks: [{name: 1-r1}]}
              - {name: dc-1, replicationFactor: 1, size: 1, racks: [{name: r1}]}
            """), "spec.datacenters[1].racks[0].name: nodes of datacenter 'dc-1' rack 'r1' would get the same names"),
        Arguments.of("bad repair cron", manifest("demo", DC + "repair: {schedule: '61 1 * * *'}\n"),
            "spec.repair.schedule: minute"),
        Arguments.of("unknown time zone", manifest("demo", DC + "repair: {timeZone: Mars/Olympus}\n"),
            "spec.repair.timeZone: 'Mars/Olympus' is not a time zone"),
        Arguments.of("bad task cron", manifest("demo", DC + """
            maintenance:
              tasks: [{name: gc, schedule: '0 3 * * 9', operation: GarbageCollect}]
            """), "spec.maintenance.tasks[0].schedule: day-of-week"),
        Arguments.of("duplicate task names", manifest("demo", DC + """
            maintenance:
              tasks:
                - {name: gc, schedule: '0 3 * * 6', operation: GarbageCollect}
                - {name: gc, schedule: '0 4 * * 6', operation: Compact}
            """), "spec.maintenance.tasks[1].name: task 'gc' is listed twice"),
        Arguments.of("tables without exactly one keyspace", manifest("demo", DC + """
            maintenance:
              tasks: [{name: c, schedule: '0 3 * * 6', operation: Compact, keyspaces: [a, b], tables: [t]}]
            """), "spec.maintenance.tasks[0].tables: names tables but 2 keyspaces are given"),
        Arguments.of("zero-length compaction window", manifest("demo", DC + """
            maintenance:
              compactionThroughput: [{schedule: '0 22 * * *', duration: 0h, mibPerSecond: 256}]
            """), "spec.maintenance.compactionThroughput[0].duration: is zero"),
        Arguments.of("operator-owned cassandra.yaml key", manifest("demo", DC + """
            config: {cassandraYaml: {num_tokens: 256}}
            """), "spec.config.cassandraYaml.num_tokens: is set by the operator"),
        Arguments.of("encryption options while TLS is on (the default)", manifest("demo", DC + """
            config: {cassandraYaml: {server_encryption_options: {internode_encryption: none}}}
            """), "spec.config.cassandraYaml.server_encryption_options: is set by the operator while TLS is on"),
        Arguments.of("client encryption options while TLS is on", manifest("demo", DC + """
            tls: {enabled: true}
            config: {cassandraYaml: {client_encryption_options: {enabled: false}}}
            """), "spec.config.cassandraYaml.client_encryption_options: is set by the operator while TLS is on"),
        Arguments.of("cassandraYaml not a map", manifest("demo", DC + "config: {cassandraYaml: [a, b]}\n"),
            "spec.config.cassandraYaml: must be a map"),
        Arguments.of("-Xmx in extra options", manifest("demo", DC + "jvm: {extraOptions: [-Xmx8g]}\n"),
            "spec.jvm.extraOptions[0]: '-Xmx8g' is set by the operator; size the heap with spec.jvm.heapSize"),
        Arguments.of("whitespace in an extra option", manifest("demo", DC
            + "jvm: {extraOptions: ['-XX:+UseG1GC -XX:+AlwaysPreTouch']}\n"),
            "spec.jvm.extraOptions[0]: '-XX:+UseG1GC -XX:+AlwaysPreTouch' contains whitespace"),
        Arguments.of("heap not below the memory limit", manifest("demo", DC + """
            resources: {limits: {memory: 4Gi}}
            jvm: {heapSize: 4Gi}
            """), "spec.jvm.heapSize: 4Gi is not below the memory limit 4Gi"),
        Arguments.of("memory request above limit", manifest("demo", DC + """
            resources: {requests: {memory: 8Gi}, limits: {memory: 4Gi}}
            """), "spec.resources.requests.memory: exceeds spec.resources.limits.memory"),
        Arguments.of("a role listed twice", manifest("demo", DC + """
            auth:
              roles:
                - {name: app, secretRef: app-1}
                - {name: app, secretRef: app-2}
            """), "spec.auth.roles[1].name: role 'app' is listed twice"),
        Arguments.of("a role name that could break out of CQL", manifest("demo", DC + """
            auth:
              roles: [{name: "x'; DROP ROLE admin; --", secretRef: s}]
            """), "spec.auth.roles[0].name: 'x'; DROP ROLE admin; --' is not a role name"),
        Arguments.of("a role without its Secret", manifest("demo", DC + """
            auth:
              roles: [{name: app}]
            """), "spec.auth.roles[0].secretRef: is missing; name a Secret with key password"),
        Arguments.of("a sidecar named like the Cassandra container", manifest("demo", DC + """
            podTemplate:
              containers: [{name: cassandra, image: busybox}]
            """), "spec.podTemplate.containers[0].name: \"cassandra\" is the name of the operator's Cassandra"
            + " container; choose another name"),
        Arguments.of("a pod label of the operator", manifest("demo", DC + """
            podTemplate:
              labels: {ringkeeper.io/node: x}
            """), "spec.podTemplate.labels[ringkeeper.io/node]: \"ringkeeper.io/node\" is a label the operator"
            + " sets"),
        Arguments.of("a pod template running the nodes as root", manifest("demo", DC + """
            podTemplate:
              securityContext: {runAsUser: 0}
            """), "spec.podTemplate.securityContext.runAsUser: is 0 (root); Cassandra and the agent never need"
            + " root"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("newClusters")
  void aNewClusterWithAnInvalidSpecGetsItsMessageAWarningAndNoObjects(String rule, String yaml, String message) {
    String ns = harness.kube().freshNamespace("invalid");
    CassandraCluster created = harness.create(ns, yaml);
    String name = created.getMetadata().getName();
    CassandraCluster invalid = harness.awaitPhase(ns, name, ClusterPhase.Invalid);
    assertThat(condition(invalid, "Valid")).isEqualTo("False/InvalidSpec");
    assertThat(conditionMessage(invalid, "Valid")).contains(message);
    Event warning = await().atMost(Duration.ofSeconds(5))
        .until(() -> event(harness.events(ns), "InvalidSpec"), e -> e.isPresent()).orElseThrow();
    assertThat(warning.getType()).isEqualTo("Warning");
    assertThat(warning.getMessage()).contains(message);
    assertThat(objects(harness.admin(), ns)).as("objects created for an invalid cluster").isEmpty();
    assertThat(invalid.getStatus().getNodes()).isEmpty();
  }

  static Stream<Arguments> changesToRunningClusters() {
    return Stream.of(
        Arguments.of("clusterName changed", (Consumer<CassandraCluster>) c -> c.getSpec().setClusterName("other"),
            "spec.clusterName: is immutable: the cluster was created as 'demo'"),
        Arguments.of("numTokens changed", (Consumer<CassandraCluster>) c -> c.getSpec().getTokens().setNumTokens(8),
            "spec.tokens.numTokens: is immutable: the cluster's nodes hold 16 tokens each"),
        Arguments.of("datacenter renamed", (Consumer<CassandraCluster>) c -> c.getSpec().getDatacenters().get(0)
            .setName("dc9"), "spec.datacenters: datacenter 'dc1' has nodes but is no longer listed"),
        Arguments.of("rack removed", (Consumer<CassandraCluster>) c -> {
          c.getSpec().getDatacenters().get(0).getRacks().remove(2);
          c.getSpec().getDatacenters().get(0).setSize(2);
          c.getSpec().getDatacenters().get(0).setReplicationFactor(2);
        }, "spec.datacenters[0].racks: rack 'r3' has nodes but is no longer listed"),
        Arguments.of("storage shrunk", (Consumer<CassandraCluster>) c -> c.getSpec().getStorage().setSize("512Mi"),
            "spec.storage.size: 512Mi is smaller than the 1Gi of existing claim"),
        Arguments.of("storage class changed", (Consumer<CassandraCluster>) c -> c.getSpec().getStorage()
            .setStorageClassName("other"),
            "spec.storage.storageClassName: is 'other' but the nodes' claims use 'std'"),
        Arguments.of("cassandraVersion downgraded", (Consumer<CassandraCluster>) c -> c.getSpec()
            .setCassandraVersion("5.0.8"), "spec.cassandraVersion: 5.0.8 would downgrade the nodes from 5.0.9;"
            + " Cassandra cannot read back the files a newer release wrote, so downgrades are refused; set"
            + " spec.cassandraVersion back to 5.0.9"),
        Arguments.of("image tag downgraded", (Consumer<CassandraCluster>) c -> c.getSpec()
            .setImage("cassandra:5.0.6"), "spec.image: 5.0.6 would downgrade the nodes from 5.0.9"),
        Arguments.of("pod template turning seccomp off", (Consumer<CassandraCluster>) c -> c.getSpec()
            .setPodTemplate(io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
                "securityContext: {seccompProfile: {type: Unconfined}}", io.ringkeeper.api.v1alpha1.PodTemplate.class)),
            "spec.podTemplate.securityContext.seccompProfile.type: is Unconfined"),
        Arguments.of("cassandraVersion on an unknown release line", (Consumer<CassandraCluster>) c -> c.getSpec()
            .setCassandraVersion("6.0.0"), "spec.cassandraVersion: 6.0.0 is not a release line the operator knows"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("changesToRunningClusters")
  void anInvalidChangeToARunningClusterIsReportedAndNotApplied(String rule, Consumer<CassandraCluster> change,
      String message) {
    String ns = harness.kube().freshNamespace("change");
    harness.create(ns, manifest("demo", DC + "storage: {size: 1Gi, storageClassName: std}\n"));
    CassandraCluster ready = harness.awaitPhase(ns, "demo", ClusterPhase.Ready);
    List<String> before = io.ringkeeper.operator.testing.ClusterAssertions.names(objects(harness.admin(), ns));

    harness.kube().clearRequests();
    change.accept(ready);
    harness.admin().resource(ready).update();
    CassandraCluster invalid = harness.awaitPhase(ns, "demo", ClusterPhase.Invalid);
    assertThat(conditionMessage(invalid, "Valid")).contains(message);
    await().atMost(Duration.ofSeconds(5)).until(() -> event(harness.events(ns), "InvalidSpec").isPresent());
    OperatorHarness.pause(OperatorHarness.POLL_INTERVAL.multipliedBy(2));

    // Only the status and the event were written; every node keeps running as it was.
    assertThat(harness.kube().writesBy(MockKube.OPERATOR_AGENT)).allSatisfy(r -> assertThat(
        r.path().endsWith("/cassandraclusters/demo/status") || r.path().contains("/events"))
        .as(r.toString()).isTrue());
    assertThat(io.ringkeeper.operator.testing.ClusterAssertions.names(objects(harness.admin(), ns)))
        .isEqualTo(before);
    assertThat(invalid.getStatus().getNodes()).hasSize(3);
    assertThat(invalid.getStatus().getReadyNodes()).isEqualTo(3);
  }
}
