package io.ringkeeper.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.ClusterPhase;
import io.fabric8.kubernetes.api.model.Condition;
import io.ringkeeper.operator.resources.Labels;
import io.ringkeeper.operator.resources.Secrets;
import io.ringkeeper.operator.testing.FakeJobs;
import io.ringkeeper.operator.testing.OperatorHarness;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Roles from Secrets on the mock API server and a fake agent fleet: the superuser is created and the default one
 * disabled before the cluster is Ready, a changed Secret changes the password without a restart, and missing or
 * malformed Secrets are reported (Degraded, naming the Secret and the key) while nothing changes.
 */
class AccessIT {
  static OperatorHarness harness;

  static final String CLUSTER = """
      apiVersion: ringkeeper.io/v1alpha1
      kind: CassandraCluster
      metadata: {name: %s}
      spec:
        datacenters:
          - name: dc1
            replicationFactor: 3
            size: 3
            racks: [{name: r1}, {name: r2}, {name: r3}]
        storage: {size: 1Gi}
      %s""";

  @BeforeAll
  static void start() {
    harness = OperatorHarness.start();
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  private static FakeJobs nodes() {
    return harness.fleet().jobs();
  }

  private static Secret secret(String ns, String name, Map<String, String> values) {
    return new SecretBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
        .withData(values.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
            e -> Base64.getEncoder().encodeToString(e.getValue().getBytes(StandardCharsets.UTF_8)))))
        .build();
  }

  private static Condition condition(CassandraCluster cr, String type) {
    return cr.getStatus().getConditions().stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
  }

  private static Set<String> reasons(String ns) {
    return harness.events(ns).stream().map(Event::getReason).collect(Collectors.toSet());
  }

  @Test
  void aNewClusterIsReadyOnlyOnceItsGeneratedSuperuserExistsAndTheDefaultOneIsDisabled() {
    String ns = harness.kube().freshNamespace("generated");
    harness.create(ns, CLUSTER.formatted("gen", ""));
    CassandraCluster ready = harness.awaitPhase(ns, "gen", ClusterPhase.Ready);

    Secret generated = harness.admin().secrets().inNamespace(ns).withName("gen-superuser").get();
    String password = Secrets.value(generated, "password");
    assertThat(nodes().roles()).containsEntry("gen-superuser", new FakeJobs.FakeRole(password, true, true));
    assertThat(nodes().roles().get("cassandra").login()).isFalse();
    assertThat(nodes().roles().get("cassandra").superuser()).isFalse();
    assertThat(ready.getStatus().getAccess().getDefaultSuperuser()).isEqualTo("disabled");
    assertThat(ready.getStatus().getAccess().getSystemReplication()).isEqualTo(Map.of("dc1", 3));
    assertThat(ready.getStatus().getAccess().getRoles()).singleElement().satisfies(r -> {
      assertThat(r.getName()).isEqualTo("gen-superuser");
      assertThat(r.getSecretVersion()).isEqualTo(generated.getMetadata().getResourceVersion());
    });
    assertThat(condition(ready, "Ready").getStatus()).isEqualTo("True");
    assertThat(reasons(ns)).contains("RoleCreated", "DefaultSuperuserDisabled").doesNotContain("SecretMissing");
    assertThat(nodes().accessRequests().stream().filter(r -> r.as().equals("gen-superuser")))
        .allSatisfy(r -> assertThat(r.keyspaces())
            .containsExactly("system_auth", "system_distributed", "system_traces"));
    // The password is never in status or in an event.
    assertThat(harness.get(ns, "gen").getStatus().toString()).doesNotContain(password);
    assertThat(harness.events(ns)).noneMatch(e -> e.getMessage().contains(password));
  }

  @Test
  void aChangedSecretChangesThePasswordWithoutRestartingAnyNode() {
    String ns = harness.kube().freshNamespace("rotate");
    harness.admin().resource(secret(ns, "orders-admin", Map.of("username", "orders_admin", "password", "one")))
        .create();
    harness.create(ns, CLUSTER.formatted("rotate", "  auth: {superuserSecretRef: orders-admin}\n"));
    harness.awaitPhase(ns, "rotate", ClusterPhase.Ready);
    assertThat(nodes().roles().get("orders_admin").password()).isEqualTo("one");
    // The user's Secret is labelled for the cluster, so its changes reach the operator.
    assertThat(harness.admin().secrets().inNamespace(ns).withName("orders-admin").get().getMetadata().getLabels())
        .containsEntry(Labels.CLUSTER, "rotate");
    Map<String, String> uids = harness.pods(ns).stream()
        .collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p.getMetadata().getUid()));

    harness.edit(harness.admin().secrets().inNamespace(ns).withName("orders-admin"), s -> {
      s.getData().put("password", Base64.getEncoder().encodeToString("two".getBytes(StandardCharsets.UTF_8)));
      return s;
    });
    harness.awaitCluster(ns, "rotate", cr -> "two".equals(nodes().roles().get("orders_admin").password())
        && reasons(ns).contains("PasswordChanged"));
    OperatorHarness.pause(Duration.ofSeconds(1));
    assertThat(harness.pods(ns)).extracting(Pod::getMetadata)
        .allSatisfy(m -> assertThat(m.getUid()).isEqualTo(uids.get(m.getName())));
    assertThat(harness.get(ns, "rotate").getStatus().getPhase()).isEqualTo(ClusterPhase.Ready);
  }

  @Test
  void aMissingSuperuserSecretIsReportedWithTheFieldAndTheFixAndSetsNothingUntilItExists() {
    String ns = harness.kube().freshNamespace("missing");
    harness.create(ns, CLUSTER.formatted("missing", "  auth: {superuserSecretRef: not-there}\n"));
    CassandraCluster degraded = harness.awaitCluster(ns, "missing",
        cr -> cr.getStatus() != null && cr.getStatus().getConditions() != null
            && Boolean.TRUE.equals(cr.getStatus().getRingFormed())
            && "SecretMissing".equals(condition(cr, "Degraded").getReason()));
    assertThat(condition(degraded, "Degraded").getMessage())
        .contains("Secret not-there (spec.auth.superuserSecretRef) not found", "keys username and password");
    assertThat(degraded.getStatus().getAccess()).isNull();
    assertThat(degraded.getStatus().getPhase()).isEqualTo(ClusterPhase.Degraded);

    harness.admin().resource(secret(ns, "not-there", Map.of("username", "late_admin", "password", "p"))).create();
    CassandraCluster ready = harness.awaitPhase(ns, "missing", ClusterPhase.Ready);
    assertThat(nodes().roles()).containsKey("late_admin");
    assertThat(condition(ready, "Degraded").getStatus()).isEqualTo("False");
  }

  @Test
  void aSecretWithoutItsKeysIsReportedAndAnotherRolesMissingSecretHoldsOnlyThatRole() {
    String ns = harness.kube().freshNamespace("malformed");
    harness.admin().resource(secret(ns, "admin", Map.of("user", "x"))).create();
    harness.admin().resource(secret(ns, "reporting", Map.of("password", "r-pass"))).create();
    harness.create(ns, CLUSTER.formatted("malformed", """
          auth:
            superuserSecretRef: admin
            roles:
              - {name: reporting, secretRef: reporting}
              - {name: etl, secretRef: etl-secret, superuser: false}
        """));
    CassandraCluster bad = harness.awaitCluster(ns, "malformed",
        cr -> cr.getStatus() != null && cr.getStatus().getConditions() != null
            && Boolean.TRUE.equals(cr.getStatus().getRingFormed())
            && "SecretInvalid".equals(condition(cr, "Degraded").getReason()));
    assertThat(condition(bad, "Degraded").getMessage())
        .contains("Secret admin (spec.auth.superuserSecretRef) has no key username",
            "Secret admin (spec.auth.superuserSecretRef) has no key password");
    assertThat(nodes().roles()).doesNotContainKey("reporting");

    harness.edit(harness.admin().secrets().inNamespace(ns).withName("admin"), s -> {
      s.setData(secret(ns, "admin", Map.of("username", "m_admin", "password", "m")).getData());
      return s;
    });
    CassandraCluster partly = harness.awaitCluster(ns, "malformed",
        cr -> cr.getStatus().getAccess() != null && cr.getStatus().getAccess().getRoles() != null
            && cr.getStatus().getAccess().getRoles().size() == 2);
    assertThat(nodes().roles()).containsEntry("reporting", new FakeJobs.FakeRole("r-pass", false, true))
        .containsKey("m_admin").doesNotContainKey("etl");
    assertThat(condition(partly, "Degraded").getReason()).isEqualTo("SecretMissing");
    assertThat(condition(partly, "Degraded").getMessage())
        .contains("Secret etl-secret (spec.auth.roles[1].secretRef, role etl) not found");
  }

  @Test
  void aNodeThatCannotSetRolesIsReportedAndTriedAgain() {
    String ns = harness.kube().freshNamespace("retry");
    nodes().failNextAccess(1);
    harness.create(ns, CLUSTER.formatted("retry", ""));
    harness.awaitCluster(ns, "retry", Duration.ofSeconds(90), cr -> reasons(ns).contains("AccessFailed"));
    CassandraCluster ready = harness.awaitCluster(ns, "retry", Duration.ofSeconds(90),
        cr -> cr.getStatus() != null && cr.getStatus().getPhase() == ClusterPhase.Ready);
    assertThat(nodes().roles()).containsKey("retry-superuser");
    assertThat(ready.getStatus().getAccess().getAttempts()).isNull();
    List<Event> failed = harness.events(ns).stream().filter(e -> e.getReason().equals("AccessFailed")).toList();
    assertThat(failed.get(0).getMessage()).contains("attempt 1", "Cannot achieve consistency level QUORUM",
        "tried again in 10 s");
  }
}
