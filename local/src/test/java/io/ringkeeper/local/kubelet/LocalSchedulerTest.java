package io.ringkeeper.local.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.operator.config.OperatorConfig;
import io.ringkeeper.operator.domain.model.NodeId;
import io.ringkeeper.operator.resources.DesiredNode;
import io.ringkeeper.operator.resources.NodePods;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The scheduler's decisions for the pods the operator builds from the shipped examples. */
class LocalSchedulerTest {
  static final long GI = 1024L * 1024 * 1024;
  static final String NO_MATCH = "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector."
      + " preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.";

  static CassandraCluster example(String name) throws IOException {
    CassandraCluster cr = Serialization.unmarshal(Files.readString(Path.of("../examples/" + name)),
        CassandraCluster.class);
    if (cr.getMetadata().getNamespace() == null) {
      cr.getMetadata().setNamespace("default");
    }
    cr.getMetadata().setUid("uid");
    return cr;
  }

  static Pod pod(CassandraCluster cr, String dc, String rack, int ordinal) {
    return NodePods.desired(cr, new DesiredNode(new NodeId(cr.getMetadata().getName(), dc, rack, ordinal),
        List.of(1L), true, false), "hash", OperatorConfig.defaults());
  }

  static LocalScheduler scheduler(Map<String, String> extraLabels, long cpuMillis, long memory, boolean relax) {
    Map<String, String> labels = new LinkedHashMap<>(LocalScheduler.defaultLabels());
    labels.putAll(extraLabels);
    return new LocalScheduler(new LocalScheduler.Node(labels, cpuMillis, memory), relax, 125, GI / 2);
  }

  @Test
  void theMinimalExampleFitsOnOneMachineItsHostnameAntiAffinityCountingEveryAddressAsAHost() throws IOException {
    CassandraCluster cr = example("minimal.yaml");
    LocalScheduler scheduler = scheduler(Map.of(), 2000, 24 * GI, false);
    for (String rack : List.of("r1", "r2", "r3")) {
      LocalScheduler.Decision d = scheduler.schedule(rack, pod(cr, "dc1", rack, 0));
      assertThat(d.scheduled()).as(rack).isTrue();
      assertThat(d.relaxed()).isNull();
      assertThat(d.heapCap()).isNull();
    }
  }

  @Test
  void aNodeSelectorTheLocalNodeDoesNotMatchKeepsThePodUnschedulableWithTheSchedulersMessage()
      throws IOException {
    LocalScheduler.Decision d = scheduler(Map.of(), 2000, 24 * GI, false)
        .schedule("p", pod(example("production.yaml"), "eu-west", "r1", 0));
    assertThat(d.scheduled()).isFalse();
    assertThat(d.message()).isEqualTo(NO_MATCH);
  }

  @Test
  void aRequiredZoneTheLocalNodeIsNotLabelledWithKeepsThePodUnschedulable() throws IOException {
    CassandraCluster cr = example("multi-dc.yaml");
    LocalScheduler strict = scheduler(Map.of(), 64_000, 256 * GI, false);
    assertThat(strict.schedule("a", pod(cr, "dc-a", "r1", 0)).message()).isEqualTo(NO_MATCH);
    LocalScheduler labelled = scheduler(Map.of("topology.kubernetes.io/zone", "us-east-1a"), 64_000, 256 * GI,
        false);
    assertThat(labelled.schedule("a", pod(cr, "dc-a", "r1", 0)).scheduled()).isTrue();
    assertThat(labelled.schedule("b", pod(cr, "dc-a", "r2", 0)).message()).isEqualTo(NO_MATCH);
  }

  @Test
  void requestsBeyondWhatIsLeftOfTheMachineAreInsufficientCpuOrMemory() throws IOException {
    CassandraCluster cr = example("production.yaml");
    Map<String, String> matching = Map.of("node.kubernetes.io/pool", "cassandra", "topology.kubernetes.io/zone",
        "eu-west-1a");
    // A 2-core machine: 4 CPUs never fit.
    assertThat(scheduler(matching, 2000, 24 * GI, false).schedule("a", pod(cr, "eu-west", "r1", 0)).message())
        .startsWith("0/1 nodes are available: 1 Insufficient cpu. preemption:");
    // 8 cores, 24 GiB: the first 16Gi pod fits, the second finds 8 GiB left.
    LocalScheduler big = scheduler(matching, 8000, 24 * GI, false);
    assertThat(big.schedule("a", pod(cr, "eu-west", "r1", 0)).scheduled()).isTrue();
    assertThat(big.schedule("b", pod(cr, "eu-west", "r1", 1)).message())
        .startsWith("0/1 nodes are available: 1 Insufficient memory.");
    // Both short: both named, cpu first, as the scheduler lists them.
    LocalScheduler small = scheduler(matching, 1000, 8 * GI, false);
    assertThat(small.schedule("c", pod(cr, "eu-west", "r1", 0)).message())
        .startsWith("0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory.");
  }

  @Test
  void aPodThatWentAwayLeavesRoomForTheNext() throws IOException {
    CassandraCluster cr = example("production.yaml");
    LocalScheduler big = scheduler(Map.of("node.kubernetes.io/pool", "cassandra", "topology.kubernetes.io/zone",
        "eu-west-1a"), 8000, 24 * GI, false);
    assertThat(big.schedule("a", pod(cr, "eu-west", "r1", 0)).scheduled()).isTrue();
    assertThat(big.schedule("b", pod(cr, "eu-west", "r1", 1)).scheduled()).isFalse();
    big.release("a");
    assertThat(big.schedule("b", pod(cr, "eu-west", "r1", 1)).scheduled()).isTrue();
  }

  @Test
  void relaxedEveryProductionPodBindsSayingWhatWasMappedDownAndIgnored() throws IOException {
    CassandraCluster cr = example("production.yaml");
    LocalScheduler relaxed = scheduler(Map.of(), 2000, 24 * GI, true);
    for (String rack : List.of("r1", "r2", "r3")) {
      for (int i = 0; i < 2; i++) {
        LocalScheduler.Decision d = relaxed.schedule(rack + i, pod(cr, "eu-west", rack, i));
        assertThat(d.scheduled()).as(rack + i).isTrue();
        assertThat(d.relaxed()).startsWith("requests cpu 4 -> 125m, memory 16Gi -> 512Mi; nodeSelector"
            + " node.kubernetes.io/pool=cassandra, required node affinity topology.kubernetes.io/zone In [eu-west-1"
            ).endsWith(" ignored");
        assertThat(d.heapCap()).isEqualTo(GI / 4);
      }
    }
  }

  @Test
  void relaxedAPodThatStillDoesNotFitStaysUnschedulable() throws IOException {
    CassandraCluster cr = example("production.yaml");
    LocalScheduler tiny = scheduler(Map.of(), 200, 24 * GI, true);
    assertThat(tiny.schedule("a", pod(cr, "eu-west", "r1", 0)).scheduled()).isTrue();
    assertThat(tiny.schedule("b", pod(cr, "eu-west", "r2", 0)).message())
        .startsWith("0/1 nodes are available: 1 Insufficient cpu.");
  }

  @Test
  void aMissingRequestIsItsLimitAndInitContainersCountByTheLargest() {
    Pod pod = new PodBuilder().withNewMetadata().withName("p").endMetadata().withNewSpec()
        .addNewInitContainer().withName("init").withNewResources().addToRequests("cpu", new Quantity("3"))
        .endResources().endInitContainer()
        .addNewContainer().withName("a").withNewResources().addToLimits("memory", new Quantity("1Gi"))
        .addToRequests("cpu", new Quantity("500m")).endResources().endContainer()
        .addNewContainer().withName("b").withNewResources().addToRequests("memory", new Quantity("512Mi"))
        .addToRequests("cpu", new Quantity("1500m")).endResources().endContainer()
        .endSpec().build();
    assertThat(LocalScheduler.requests(pod)).isEqualTo(new LocalScheduler.Requests(3000, GI + GI / 2));
  }

  @Test
  void nodeAffinityOperatorsMatchAsKubernetesDefinesThem() {
    LocalScheduler s = scheduler(Map.of("size", "5", "zone", "a"), 1000, GI, false);
    assertThat(s.affinityMismatch(affinity("zone", "In", "a"))).isNull();
    assertThat(s.affinityMismatch(affinity("zone", "NotIn", "a"))).isNotNull();
    assertThat(s.affinityMismatch(affinity("zone", "Exists"))).isNull();
    assertThat(s.affinityMismatch(affinity("missing", "DoesNotExist"))).isNull();
    assertThat(s.affinityMismatch(affinity("size", "Gt", "4"))).isNull();
    assertThat(s.affinityMismatch(affinity("size", "Lt", "4"))).isNotNull();
    assertThat(s.affinityMismatch(affinity("size", "Gt", "not-a-number"))).isNotNull();
    assertThat(s.affinityMismatch(affinity("size", "Sideways", "1"))).isNotNull();
  }

  private static Pod affinity(String key, String operator, String... values) {
    return new PodBuilder().withNewMetadata().withName("p").endMetadata().withNewSpec().withNewAffinity()
        .withNewNodeAffinity().withNewRequiredDuringSchedulingIgnoredDuringExecution().addNewNodeSelectorTerm()
        .addNewMatchExpression().withKey(key).withOperator(operator).withValues(values).endMatchExpression()
        .endNodeSelectorTerm().endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().endAffinity()
        .addNewContainer().withName("c").endContainer().endSpec().build();
  }
}
