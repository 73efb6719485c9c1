package io.ringkeeper.operator.reconciler.validate;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * spec.podTemplate.securityContext applies to the operator's containers too: what would weaken them is refused
 * with the field and the fix; every other value is the user's.
 */
class PodTemplateSecurityRulesTest {
  private static List<Problem> problems(String securityContext) {
    CassandraCluster cr = Serialization.unmarshal("""
        apiVersion: ringkeeper.io/v1alpha1
        kind: CassandraCluster
        metadata: {name: orders, namespace: db}
        spec:
          datacenters: [{name: eu, replicationFactor: 1, size: 1}]
          podTemplate:
            securityContext:
        """ + securityContext.indent(6), CassandraCluster.class);
    return SpecValidator.validate(cr, Map.of(), 8778);
  }

  private static void refused(String securityContext, String field, String... words) {
    assertThat(problems(securityContext)).as(securityContext).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo(field);
      assertThat(p.message()).contains(words);
    });
  }

  @Test
  void aTemplateCannotRunTheNodeAsRoot() {
    refused("runAsUser: 0", "spec.podTemplate.securityContext.runAsUser", "is 0 (root)", "leave runAsUser out",
        "999");
    refused("{runAsUser: 0, runAsNonRoot: true}", "spec.podTemplate.securityContext.runAsUser", "is 0 (root)");
  }

  @Test
  void aTemplateCannotTurnOffTheNonRootCheck() {
    refused("runAsNonRoot: false", "spec.podTemplate.securityContext.runAsNonRoot", "is false",
        "leave runAsNonRoot out");
  }

  @Test
  void aTemplateCannotTurnOffSeccompOrAppArmorForTheCassandraContainer() {
    refused("seccompProfile: {type: Unconfined}", "spec.podTemplate.securityContext.seccompProfile.type",
        "is Unconfined", "RuntimeDefault", "Localhost");
    refused("appArmorProfile: {type: Unconfined}", "spec.podTemplate.securityContext.appArmorProfile.type",
        "is Unconfined", "AppArmor");
  }

  @Test
  void aLocalhostProfileNeedsTheProfilesNameAndAnUnknownTypeIsRefused() {
    refused("seccompProfile: {type: Localhost}", "spec.podTemplate.securityContext.seccompProfile.localhostProfile",
        "is missing while type is Localhost");
    refused("seccompProfile: {type: runtime/default}", "spec.podTemplate.securityContext.seccompProfile.type",
        "\"runtime/default\"", "write RuntimeDefault or Localhost");
    refused("seccompProfile: {localhostProfile: x.json}", "spec.podTemplate.securityContext.seccompProfile.type",
        "is missing");
  }

  @ParameterizedTest
  @ValueSource(strings = {"runAsUser", "runAsGroup", "fsGroup"})
  void anIdOutsideWhatTheApiServerAcceptsIsRefused(String field) {
    refused(field + ": -1", "spec.podTemplate.securityContext." + field, "is -1, outside 0 to 2147483647");
    refused(field + ": 2147483648", "spec.podTemplate.securityContext." + field, "is 2147483648, outside");
    assertThat(problems(field + ": 2147483647")).isEmpty();
  }

  @Test
  void everyOtherValueIsTheUsersAndAllTheirProblemsAreReportedAtOnce() {
    assertThat(problems("""
        runAsNonRoot: true
        runAsUser: 1001
        runAsGroup: 0
        fsGroup: 2000
        fsGroupChangePolicy: OnRootMismatch
        supplementalGroups: [3000]
        seccompProfile: {type: Localhost, localhostProfile: profiles/cassandra.json}
        appArmorProfile: {type: RuntimeDefault}
        sysctls: [{name: net.ipv4.tcp_keepalive_time, value: "60"}]
        """)).isEmpty();
    assertThat(problems("{runAsUser: 0, runAsNonRoot: false, seccompProfile: {type: Unconfined}}"))
        .extracting(Problem::field).containsExactlyInAnyOrder("spec.podTemplate.securityContext.runAsUser",
            "spec.podTemplate.securityContext.runAsNonRoot", "spec.podTemplate.securityContext.seccompProfile.type");
  }
}
