package io.ringkeeper.operator.reconciler.validate;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.CassandraClusterSpec;
import io.ringkeeper.api.v1alpha1.TlsSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class TlsSwitchTest {
  static Pod pod(String name, boolean tls, boolean deleting) {
    PodBuilder b = new PodBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec()
        .addNewVolume().withName("data").endVolume().endSpec();
    if (tls) {
      b.editSpec().addNewVolume().withName("tls").endVolume().endSpec();
    }
    if (deleting) {
      b.editMetadata().withDeletionTimestamp("2026-12-07T00:00:00Z").endMetadata();
    }
    return b.build();
  }

  private static CassandraCluster cluster(Boolean enabled) {
    CassandraCluster cr = new CassandraCluster();
    cr.setSpec(new CassandraClusterSpec());
    if (enabled != null) {
      TlsSpec tls = new TlsSpec();
      tls.setEnabled(enabled);
      cr.getSpec().setTls(tls);
    }
    return cr;
  }

  @Test
  void theTlsDefaultDoesNotSwitchOnTlsUnderNodesRunningWithoutIt() {
    List<Problem> problems = TlsSwitch.check(cluster(null), List.of(pod("a", false, false), pod("b", true, false)));
    assertThat(problems).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("spec.tls.enabled");
      assertThat(p.reason()).isEqualTo(TlsSwitch.REASON);
      assertThat(p.message()).contains("is empty, which means TLS on", "nodes a run without TLS",
          "set spec.tls.enabled: false");
    });
  }

  @Test
  void tlsIsNotTurnedOnUnderRunningNodes() {
    assertThat(TlsSwitch.check(cluster(true), List.of(pod("b", false, false), pod("a", false, false))))
        .singleElement().satisfies(p -> assertThat(p.message()).startsWith("is true").contains("nodes a, b run"));
  }

  @Test
  void tlsIsNotTurnedOffUnderRunningNodes() {
    assertThat(TlsSwitch.check(cluster(false), List.of(pod("a", true, false)))).singleElement()
        .satisfies(p -> assertThat(p.message()).contains("is false, but nodes a run with TLS",
            "set spec.tls.enabled: true, or remove it"));
  }

  @Test
  void aNewClusterOrNodesThatAgreeOrPodsBeingDeletedRaiseNothing() {
    assertThat(TlsSwitch.check(cluster(null), List.of())).isEmpty();
    assertThat(TlsSwitch.check(cluster(false), List.of())).isEmpty();
    assertThat(TlsSwitch.check(cluster(null), List.of(pod("a", true, false), pod("b", false, true)))).isEmpty();
    assertThat(TlsSwitch.check(cluster(false), List.of(pod("a", false, false), pod("b", true, true)))).isEmpty();
  }
}
