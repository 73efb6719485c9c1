package io.ringkeeper.operator.resources;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.PodTemplate;
import io.ringkeeper.operator.config.OperatorConfig;
import io.ringkeeper.operator.domain.model.NodeId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The node pods are locked down (issue #15, "Pods locked down"): non-root as the image's cassandra user, seccomp
 * RuntimeDefault, and containers of the operator that cannot escalate and hold no capability; the user's pod
 * template wins per field and its own containers keep their own contexts.
 */
class NodePodsSecurityTest {
  private static final OperatorConfig CONFIG = OperatorConfig.defaults();
  private static final DesiredNode NODE =
      new DesiredNode(new NodeId("orders", "eu", "r2", 0), List.of(-9000L, 42L), true, false);

  private static Pod pod(CassandraCluster cr) {
    return NodePods.desired(cr, NODE, "cfg123", CONFIG);
  }

  private static CassandraCluster withTemplate(String yaml) {
    CassandraCluster cr = Manifests.threeRacks();
    cr.getSpec().setPodTemplate(Serialization.unmarshal(yaml, PodTemplate.class));
    return cr;
  }

  private static List<Container> operatorContainers(Pod pod) {
    return Stream.concat(pod.getSpec().getInitContainers().stream(), pod.getSpec().getContainers().stream())
        .filter(c -> NodePods.OWNED_CONTAINERS.contains(c.getName())).toList();
  }

  private static Container named(Pod pod, String name) {
    return Stream.concat(pod.getSpec().getInitContainers().stream(), pod.getSpec().getContainers().stream())
        .filter(c -> c.getName().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void everyNodePodRunsAsTheImagesCassandraUserNonRootUnderTheRuntimesDefaultSeccompProfile() {
    PodSecurityContext context = pod(Manifests.threeRacks()).getSpec().getSecurityContext();
    assertThat(context.getRunAsNonRoot()).isTrue();
    assertThat(context.getRunAsUser()).isEqualTo(999L).isEqualTo(NodePods.CASSANDRA_UID);
    assertThat(context.getRunAsGroup()).isEqualTo(999L);
    assertThat(context.getFsGroup()).as("owns the data volume").isEqualTo(999L);
    assertThat(context.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
  }

  @Test
  void noContainerTheOperatorBuildsCanEscalateItsPrivilegesOrHoldsACapability() {
    List<Container> containers = operatorContainers(pod(Manifests.threeRacks()));
    assertThat(containers).extracting(Container::getName)
        .containsExactlyInAnyOrder(Names.CASSANDRA_CONTAINER, Names.AGENT_INIT_CONTAINER);
    assertThat(containers).allSatisfy(c -> {
      SecurityContext context = c.getSecurityContext();
      assertThat(context.getAllowPrivilegeEscalation()).as(c.getName()).isFalse();
      assertThat(context.getCapabilities().getDrop()).as(c.getName()).containsExactly("ALL");
      assertThat(context.getCapabilities().getAdd()).as(c.getName()).isNullOrEmpty();
      assertThat(context.getPrivileged()).as(c.getName()).isNull();
    });
  }

  @Test
  void theAgentCopyRunsOnAReadOnlyRootWhileCassandrasStaysWritableForTheImagesEntrypoint() {
    Pod pod = pod(Manifests.threeRacks());
    assertThat(named(pod, Names.AGENT_INIT_CONTAINER).getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    // The official image's entrypoint rewrites /etc/cassandra/cassandra.yaml in place on every start.
    assertThat(named(pod, Names.CASSANDRA_CONTAINER).getSecurityContext().getReadOnlyRootFilesystem()).isNull();
  }

  @Test
  void aNodePodWithoutATemplateMeetsTheRestrictedPodSecurityStandard() {
    assertThat(restrictedViolations(pod(Manifests.threeRacks()).getSpec())).isEmpty();
  }

  @Test
  void aTemplateSidecarWithoutItsOwnContextIsWhatTheRestrictedStandardWouldRefuse() {
    Pod pod = pod(withTemplate("containers: [{name: shipper, image: busybox}]"));
    assertThat(restrictedViolations(pod.getSpec())).containsExactlyInAnyOrder(
        "shipper: allowPrivilegeEscalation is not false", "shipper: capabilities do not drop ALL");
    Pod locked = pod(withTemplate("""
        containers:
          - name: shipper
            image: busybox
            securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
        """));
    assertThat(restrictedViolations(locked.getSpec())).isEmpty();
  }

  @Test
  void theTemplatesPodContextWinsPerFieldAndTheOperatorsDefaultsFillTheRest() {
    PodSecurityContext context = pod(withTemplate("""
        securityContext:
          runAsUser: 1001
          fsGroup: 2000
          fsGroupChangePolicy: OnRootMismatch
          supplementalGroups: [3000]
          seccompProfile: {type: Localhost, localhostProfile: profiles/cassandra.json}
        """)).getSpec().getSecurityContext();
    assertThat(context.getRunAsUser()).isEqualTo(1001L);
    assertThat(context.getFsGroup()).isEqualTo(2000L);
    assertThat(context.getFsGroupChangePolicy()).isEqualTo("OnRootMismatch");
    assertThat(context.getSupplementalGroups()).containsExactly(3000L);
    assertThat(context.getSeccompProfile().getType()).isEqualTo("Localhost");
    assertThat(context.getSeccompProfile().getLocalhostProfile()).isEqualTo("profiles/cassandra.json");
    assertThat(context.getRunAsGroup()).as("left out: the operator's").isEqualTo(NodePods.CASSANDRA_UID);
    assertThat(context.getRunAsNonRoot()).as("left out: the operator's").isTrue();
  }

  @Test
  void theTemplatesOwnContainersKeepTheContextsTheyAreGivenAndTheOperatorsKeepTheirs() {
    Pod pod = pod(withTemplate("""
        initContainers:
          - name: sysctl
            image: busybox
            command: [sysctl, -w, vm.max_map_count=1048575]
            securityContext: {privileged: true, runAsUser: 0, runAsNonRoot: false}
        """));
    SecurityContext sysctl = named(pod, "sysctl").getSecurityContext();
    assertThat(sysctl.getPrivileged()).isTrue();
    assertThat(sysctl.getRunAsUser()).isZero();
    assertThat(operatorContainers(pod)).allSatisfy(c -> {
      assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
      assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    });
    assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
  }

  @Test
  void theSecurityContextIsPartOfWhatTheNodeRunsSoChangingItRestartsTheNodesOnce() {
    String plain = NodePods.runsHash(Manifests.threeRacks(), NODE, "cfg123", CONFIG);
    assertThat(NodePods.runsHash(withTemplate("securityContext: {runAsUser: 1001}"), NODE, "cfg123", CONFIG))
        .isNotEqualTo(plain);
    assertThat(NodePods.runsHash(withTemplate("securityContext: {fsGroup: 2000}"), NODE, "cfg123", CONFIG))
        .isNotEqualTo(plain)
        .isNotEqualTo(NodePods.runsHash(withTemplate("securityContext: {fsGroup: 2001}"), NODE, "cfg123", CONFIG));
    assertThat(NodePods.runsHash(Manifests.threeRacks(), NODE, "cfg123", CONFIG)).as("stable").isEqualTo(plain);
  }

  private static final Set<String> RESTRICTED_VOLUMES = Set.of("configMap", "csi", "downwardAPI", "emptyDir",
      "ephemeral", "persistentVolumeClaim", "projected", "secret");

  /**
   * The checks of the Kubernetes Pod Security Standard "restricted" (v1.31: baseline plus restricted) that a pod
   * spec can fail, one sentence per violation.
   */
  static List<String> restrictedViolations(PodSpec spec) {
    List<String> violations = new ArrayList<>();
    if (Boolean.TRUE.equals(spec.getHostNetwork()) || Boolean.TRUE.equals(spec.getHostPID())
        || Boolean.TRUE.equals(spec.getHostIPC())) {
      violations.add("pod: host namespaces");
    }
    for (Volume volume : spec.getVolumes()) {
      @SuppressWarnings("unchecked")
      Map<String, Object> fields = Serialization.jsonMapper().convertValue(volume, Map.class);
      fields.keySet().stream().filter(k -> !k.equals("name") && !RESTRICTED_VOLUMES.contains(k))
          .forEach(k -> violations.add("volume " + volume.getName() + ": type " + k));
    }
    PodSecurityContext pod = spec.getSecurityContext() == null ? new PodSecurityContext() : spec.getSecurityContext();
    if (Long.valueOf(0).equals(pod.getRunAsUser())) {
      violations.add("pod: runAsUser 0");
    }
    String podSeccomp = pod.getSeccompProfile() == null ? null : pod.getSeccompProfile().getType();
    List<Container> all = new ArrayList<>(spec.getInitContainers());
    all.addAll(spec.getContainers());
    for (Container c : all) {
      SecurityContext context = c.getSecurityContext() == null ? new SecurityContext() : c.getSecurityContext();
      String name = c.getName();
      if (Boolean.TRUE.equals(context.getPrivileged())) {
        violations.add(name + ": privileged");
      }
      if (!Boolean.FALSE.equals(context.getAllowPrivilegeEscalation())) {
        violations.add(name + ": allowPrivilegeEscalation is not false");
      }
      Boolean nonRoot = context.getRunAsNonRoot() != null ? context.getRunAsNonRoot() : pod.getRunAsNonRoot();
      if (!Boolean.TRUE.equals(nonRoot)) {
        violations.add(name + ": runAsNonRoot is not true");
      }
      if (Long.valueOf(0).equals(context.getRunAsUser())) {
        violations.add(name + ": runAsUser 0");
      }
      String seccomp = context.getSeccompProfile() != null ? context.getSeccompProfile().getType() : podSeccomp;
      if (!"RuntimeDefault".equals(seccomp) && !"Localhost".equals(seccomp)) {
        violations.add(name + ": seccomp " + seccomp);
      }
      List<String> drop = context.getCapabilities() == null ? List.of() : context.getCapabilities().getDrop();
      if (drop == null || !drop.contains("ALL")) {
        violations.add(name + ": capabilities do not drop ALL");
      }
      List<String> add = context.getCapabilities() == null ? null : context.getCapabilities().getAdd();
      if (add != null && add.stream().anyMatch(a -> !a.equals("NET_BIND_SERVICE"))) {
        violations.add(name + ": adds capabilities " + add);
      }
      for (ContainerPort port : c.getPorts() == null ? List.<ContainerPort>of() : c.getPorts()) {
        if (port.getHostPort() != null && port.getHostPort() != 0) {
          violations.add(name + ": hostPort " + port.getHostPort());
        }
      }
    }
    return violations;
  }
}
