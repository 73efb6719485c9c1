package io.ringkeeper.operator.reconciler;

import static io.ringkeeper.operator.testing.ClusterAssertions.condition;
import static io.ringkeeper.operator.testing.ClusterAssertions.conditionMessage;
import static io.ringkeeper.operator.testing.ClusterAssertions.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.ClusterPhase;
import io.ringkeeper.api.v1alpha1.NodeState;
import io.ringkeeper.api.v1alpha1.NodeStatus;
import io.ringkeeper.operator.testing.FakeNodeFleet;
import io.ringkeeper.operator.testing.OperatorHarness;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the operator reports when nodes misbehave, observed only through the poller. */
class NodeHealthIT {
  static OperatorHarness harness;
  /**
   * Long enough that "within two poll intervals" measures the operator, not a loaded test machine (the class
   * shares 2 cores with the rest of the build); new nodes are asked at once, so creation is not slowed down.
   */
  static final Duration POLL_INTERVAL = Duration.ofSeconds(1);

  @BeforeAll
  static void start() {
    harness = OperatorHarness.start(OperatorHarness.testConfig().withPollInterval(POLL_INTERVAL));
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  @AfterEach
  void healFleet() {
    harness.fleet().reset();
  }

  private static String readyCluster(String prefix) {
    String ns = harness.kube().freshNamespace(prefix);
    harness.create(ns, ClusterCreationIT.THREE_NODES.formatted("Retain"));
    harness.awaitPhase(ns, "demo", ClusterPhase.Ready);
    return ns;
  }

  private static NodeStatus node(CassandraCluster cr, String name) {
    return cr.getStatus().getNodes().stream().filter(n -> n.getName().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void aNodeReportingOtherTokensThanAssignedMakesTheClusterDegradedWithAMessage() {
    String ns = readyCluster("tokens");
    harness.fleet().wrongTokens("demo-dc1-r2-0", true);
    // On a starved CPU a poll can time out and show NodesDown for a moment first (one missed poll marks a node
    // down): wait for the token mismatch itself.
    CassandraCluster degraded = harness.awaitCluster(ns, "demo", Duration.ofSeconds(60),
        c -> c.getStatus() != null && c.getStatus().getPhase() == ClusterPhase.Degraded
            && "True/TokenMismatch".equals(condition(c, "Degraded")));
    assertThat(condition(degraded, "Degraded")).isEqualTo("True/TokenMismatch");
    assertThat(conditionMessage(degraded, "Degraded")).startsWith("node demo-dc1-r2-0 holds 16 tokens, 16 of the 16"
        + " assigned are not among them");
    assertThat(node(degraded, "demo-dc1-r2-0").getMessage()).contains("it was started with other tokens");
    await().atMost(Duration.ofSeconds(5)).until(() -> event(harness.events(ns), "TokenMismatch").isPresent());
    assertThat(event(harness.events(ns), "TokenMismatch").orElseThrow().getType()).isEqualTo("Warning");
  }

  @Test
  void aNodeGoingDownIsReportedWithinTwoPollIntervals() {
    String ns = readyCluster("down");
    Instant wentDown = Instant.now();
    harness.fleet().down("demo-dc1-r3-0", true);
    Duration twoIntervals = POLL_INTERVAL.multipliedBy(2);
    CassandraCluster degraded = harness.awaitCluster(ns, "demo", twoIntervals,
        c -> node(c, "demo-dc1-r3-0").getState() == NodeState.DN);
    assertThat(Duration.between(wentDown, Instant.now())).isLessThanOrEqualTo(twoIntervals);
    assertThat(degraded.getStatus().getPhase()).isEqualTo(ClusterPhase.Degraded);
    assertThat(condition(degraded, "Degraded")).isEqualTo("True/NodesDown");
    NodeStatus down = node(degraded, "demo-dc1-r3-0");
    assertThat(down.getDownSince()).isNotNull();
    assertThat(down.getLastSeen()).isNotNull();
    assertThat(down.getMessage()).startsWith("agent unreachable");
    assertThat(degraded.getStatus().getReady()).isEqualTo("2/3");
    await().atMost(Duration.ofSeconds(5)).until(() -> event(harness.events(ns), "NodeDown").isPresent());

    harness.fleet().down("demo-dc1-r3-0", false);
    CassandraCluster back = harness.awaitPhase(ns, "demo", ClusterPhase.Ready);
    assertThat(node(back, "demo-dc1-r3-0").getDownSince()).isNull();
    await().atMost(Duration.ofSeconds(5)).until(() -> event(harness.events(ns), "NodeUp").isPresent());

    // The same node failing again is the same Event, counted, not a new object.
    harness.fleet().down("demo-dc1-r3-0", true);
    await().atMost(Duration.ofSeconds(10)).until(() -> event(harness.events(ns), "NodeDown")
        .map(e -> e.getCount() == 2).orElse(false));
    assertThat(harness.events(ns).stream().filter(e -> e.getReason().equals("NodeDown"))).hasSize(1);
  }

  @Test
  void aNodeThatAnswersTooSlowlyIsReportedDown() {
    String ns = readyCluster("slow");
    harness.fleet().slow("demo-dc1-r1-0", Duration.ofSeconds(2)); // beyond the agent timeout
    CassandraCluster slow = harness.awaitCluster(ns, "demo", c -> node(c, "demo-dc1-r1-0").getState() == NodeState.DN);
    assertThat(node(slow, "demo-dc1-r1-0").getMessage()).startsWith("agent timed out");
  }

  @Test
  void aJoiningNodeIsReportedAsUjAndNotReady() {
    String ns = readyCluster("joining");
    harness.fleet().joining("demo-dc1-r1-0", true);
    CassandraCluster cr = harness.awaitCluster(ns, "demo", c -> node(c, "demo-dc1-r1-0").getState() == NodeState.UJ);
    assertThat(node(cr, "demo-dc1-r1-0").getReady()).isFalse();
    assertThat(condition(cr, "Degraded")).isEqualTo("True/NodesNotReady");
  }

  @Test
  void aDeletedPodComesBackWithTheSameTokensAndVolume() {
    String ns = readyCluster("recreate");
    Pod before = harness.admin().pods().inNamespace(ns).withName("demo-dc1-r2-0").get();
    List<Long> tokens = FakeNodeFleet.tokensOf(before);
    harness.admin().resource(before).delete();
    harness.awaitCluster(ns, "demo", c -> {
      Pod pod = harness.admin().pods().inNamespace(ns).withName("demo-dc1-r2-0").get();
      return pod != null && !pod.getMetadata().getUid().equals(before.getMetadata().getUid());
    });
    Pod after = harness.admin().pods().inNamespace(ns).withName("demo-dc1-r2-0").get();
    assertThat(FakeNodeFleet.tokensOf(after)).isEqualTo(tokens);
    assertThat(after.getSpec().getVolumes().get(0).getPersistentVolumeClaim().getClaimName())
        .isEqualTo("demo-dc1-r2-0");
    harness.awaitPhase(ns, "demo", ClusterPhase.Ready);
  }
}
