package io.ringkeeper.operator.domain.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringkeeper.operator.domain.model.Datacenter;
import io.ringkeeper.operator.domain.model.NodeId;
import io.ringkeeper.operator.domain.model.Rack;
import io.ringkeeper.operator.domain.tokens.ReplicationAwareTokenAllocator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Hibernation (spec.stopped) and fencing, driven step by step against a small simulated cluster. */
class HibernationTest {
  private static final Instant NOW = Instant.parse("2026-12-04T20:00:00Z");
  private static final NodeFacts READY = new NodeFacts(true, true, NodeHealth.UP_NORMAL);
  private static final NodeFacts STOPPED = new NodeFacts(false, true, NodeHealth.DOWN);
  private static final NodeFacts DRAINED = new NodeFacts(true, true, NodeHealth.UP_NORMAL, false, true, false, true,
      null, false, null, null, false);

  private final Planner planner = new Planner(new ReplicationAwareTokenAllocator());

  /** A formed cluster of one datacenter of three racks, one node each (or two per rack with six nodes). */
  private static final class Sim {
    final List<Datacenter> dcs;
    final List<KnownNode> known = new ArrayList<>();
    final Map<String, NodeFacts> facts = new HashMap<>();
    Operation op;
    boolean stopped;
    Set<String> fenced = Set.of();
    final List<Step> steps = new ArrayList<>();

    Sim(int perRack) {
      dcs = List.of(new Datacenter("dc1", 3, 3 * perRack, List.of(Rack.of("r1"), Rack.of("r2"), Rack.of("r3"))));
      long token = 0;
      for (int i = 0; i < perRack; i++) {
        for (String rack : List.of("r1", "r2", "r3")) {
          NodeId id = new NodeId("demo", "dc1", rack, i);
          known.add(new KnownNode(id, List.of(token++, token++), true));
          facts.put(id.name(), READY);
        }
      }
    }

    ClusterState state() {
      return new ClusterState("demo", 2, dcs, true, known, facts, op, job(), false,
          Set.copyOf(facts.keySet()), NOW, List.of(), null)
          .withIntents(new ClusterState.Intents(stopped, fenced));
    }

    JobFacts job() {
      return op != null && op.jobId() != null ? new JobFacts(JobFacts.Outcome.SUCCEEDED, 1.0, null) : null;
    }

    /** Carries the step out as the reconciler and the kubelet would; returns it. */
    Step apply(Step step) {
      steps.add(step);
      if (step instanceof Step.Recorded r) {
        op = r.operation();
      }
      if (step instanceof Step.StartJob s) {
        op = s.operation().withJob("drain-1");
        facts.put(s.node().name(), DRAINED);
      } else if (step instanceof Step.DeletePod d) {
        facts.put(d.node().name(), STOPPED);
      } else if (step instanceof Step.CreateNode c) {
        facts.put(c.node().name(), READY);
      } else if (step instanceof Step.CreateNodes c) {
        c.nodes().forEach(n -> facts.put(n.name(), READY));
      } else if (step instanceof Step.FinishOperation) {
        op = null;
      }
      return step;
    }

    long running() {
      return facts.values().stream().filter(NodeFacts::podExists).count();
    }
  }

  private Step run(Sim sim, int maxSteps, java.util.function.Predicate<Step> until) {
    for (int i = 0; i < maxSteps; i++) {
      Step step = sim.apply(planner.plan(sim.state()).step());
      if (until.test(step)) {
        return step;
      }
    }
    throw new AssertionError("no end after " + maxSteps + " steps: " + sim.steps);
  }

  private static boolean stoppedAwait(Step s) {
    return s instanceof Step.Await a && a.reason().equals("Stopped");
  }

  @Test
  void hibernationDrainsAndStopsEveryNodeOneAtATimeAndKeepsVolumesAndTokens() {
    Sim sim = new Sim(1);
    List<KnownNode> tokensBefore = List.copyOf(sim.known);
    sim.stopped = true;
    Step last = run(sim, 40, HibernationTest::stoppedAwait);
    assertThat(((Step.Await) last).operation().kind()).isEqualTo(OperationKind.Hibernate);
    assertThat(sim.running()).isZero();
    assertThat(sim.facts.values()).allMatch(NodeFacts::volumeExists);
    assertThat(sim.steps).noneMatch(s -> s instanceof Step.DeleteVolume || s instanceof Step.CreateNodes);
    // One at a time: every pod deletion is preceded by the drain of that same node, and nodes go in order.
    List<String> order = sim.steps.stream().filter(s -> s instanceof Step.DeletePod)
        .map(s -> ((Step.DeletePod) s).node().name()).toList();
    assertThat(order).containsExactly("demo-dc1-r1-0", "demo-dc1-r2-0", "demo-dc1-r3-0");
    List<String> drains = sim.steps.stream().filter(s -> s instanceof Step.StartJob j && j.job() == NodeJob.DRAIN)
        .map(s -> ((Step.StartJob) s).node().name()).toList();
    assertThat(drains).isEqualTo(order);
    // Stays stopped: nothing is re-created, nothing else starts.
    for (int i = 0; i < 3; i++) {
      assertThat(stoppedAwait(sim.apply(planner.plan(sim.state()).step()))).isTrue();
    }
    assertThat(sim.known).isEqualTo(tokensBefore);
  }

  @Test
  void wakingStartsTheSameNodesOneAtATimeWithTheirTokens() {
    Sim sim = new Sim(1);
    List<KnownNode> tokensBefore = List.copyOf(sim.known);
    sim.stopped = true;
    run(sim, 40, HibernationTest::stoppedAwait);
    sim.stopped = false;
    sim.steps.clear();
    run(sim, 40, s -> s instanceof Step.FinishOperation);
    assertThat(sim.running()).isEqualTo(3);
    List<String> created = sim.steps.stream().filter(s -> s instanceof Step.CreateNode)
        .map(s -> ((Step.CreateNode) s).node().name()).toList();
    assertThat(created).containsExactly("demo-dc1-r1-0", "demo-dc1-r2-0", "demo-dc1-r3-0");
    assertThat(sim.steps).noneMatch(s -> s instanceof Step.CreateNodes || s instanceof Step.DeleteVolume);
    assertThat(sim.known).isEqualTo(tokensBefore);
    assertThat(planner.plan(sim.state()).step()).isInstanceOf(Step.Idle.class);
  }

  @Test
  void wakingDuringHibernationRestartsTheNodesItStopped() {
    Sim sim = new Sim(1);
    sim.stopped = true;
    run(sim, 40, s -> s instanceof Step.DeletePod);
    sim.stopped = false;
    run(sim, 40, s -> s instanceof Step.FinishOperation);
    assertThat(sim.running()).isEqualTo(3);
    assertThat(sim.facts.values()).allMatch(NodeFacts::ready);
  }

  @Test
  void hibernationNeverInterruptsADecommission() {
    Sim sim = new Sim(1);
    sim.op = Operation.start(OperationKind.ScaleDown, "dc1", "demo-dc1-r3-0", OperationStep.Decommissioning, NOW)
        .withJob("decommission-1");
    sim.stopped = true;
    Plan plan = planner.plan(sim.state());
    assertThat(plan.step()).isNotInstanceOf(Step.DeletePod.class);
    assertThat(plan.step() instanceof Step.Recorded r && r.operation().kind() == OperationKind.ScaleDown).isTrue();
    assertThat(plan.held()).anySatisfy(h -> {
      assertThat(h.reason()).isEqualTo("HibernationWaiting");
      assertThat(h.message()).contains("ScaleDown", "demo-dc1-r3-0", "never interrupted");
    });
  }

  @Test
  void aFencedNodeIsDrainedAndStoppedAndNotRecreatedUntilUnfenced() {
    Sim sim = new Sim(1);
    sim.fenced = Set.of("demo-dc1-r2-0");
    Step done = run(sim, 20, s -> s instanceof Step.FinishOperation);
    assertThat(((Step.FinishOperation) done).finished().kind()).isEqualTo(OperationKind.Fence);
    assertThat(sim.facts.get("demo-dc1-r2-0").podExists()).isFalse();
    assertThat(sim.facts.get("demo-dc1-r2-0").volumeExists()).isTrue();
    for (int i = 0; i < 3; i++) {
      assertThat(sim.apply(planner.plan(sim.state()).step())).isNotInstanceOf(Step.CreateNodes.class);
    }
    sim.fenced = Set.of();
    Step back = planner.plan(sim.state()).step();
    assertThat(back).isInstanceOf(Step.CreateNodes.class);
    assertThat(((Step.CreateNodes) back).nodes()).extracting(NodeId::name).containsExactly("demo-dc1-r2-0");
  }

  @Test
  void aSecondFenceInTheSameDatacenterIsRefusedAndChangesNothing() {
    Sim sim = new Sim(2);
    sim.fenced = Set.of("demo-dc1-r2-0");
    run(sim, 20, s -> s instanceof Step.FinishOperation);
    sim.fenced = Set.of("demo-dc1-r2-0", "demo-dc1-r3-1");
    Plan plan = planner.plan(sim.state());
    assertThat(plan.step()).isInstanceOfAny(Step.Idle.class, Step.Wait.class);
    assertThat(plan.held()).anySatisfy(h -> {
      assertThat(h.reason()).isEqualTo("FenceRefused");
      assertThat(h.message()).contains("demo-dc1-r3-1", "demo-dc1-r2-0", "two replicas");
    });
    assertThat(sim.facts.get("demo-dc1-r3-1").podExists()).isTrue();
  }

  @Test
  void aFenceOfAnUnknownNodeIsReportedWithTheAnnotation() {
    Sim sim = new Sim(1);
    sim.fenced = Set.of("demo-dc1-r9-0");
    Plan plan = planner.plan(sim.state());
    assertThat(plan.step()).isInstanceOf(Step.Idle.class);
    assertThat(plan.held()).anySatisfy(h -> assertThat(h.message())
        .contains("ringkeeper.io/fenced", "no node demo-dc1-r9-0"));
  }

  @Test
  void aFencedNodeStaysStoppedWhenTheClusterWakes() {
    Sim sim = new Sim(2);
    sim.fenced = Set.of("demo-dc1-r2-0");
    run(sim, 20, s -> s instanceof Step.FinishOperation);
    sim.stopped = true;
    run(sim, 60, HibernationTest::stoppedAwait);
    assertThat(sim.running()).isZero();
    sim.stopped = false;
    run(sim, 60, s -> s instanceof Step.FinishOperation);
    assertThat(sim.running()).isEqualTo(5);
    assertThat(sim.facts.get("demo-dc1-r2-0").podExists()).isFalse();
  }

  @Test
  void nodesOfTwoDatacentersMayBeFencedAtTheSameTime() {
    Sim sim = new Sim(1);
    // A second datacenter's node is down: its replicas are other ones, so dc1's node may be fenced.
    NodeId other = new NodeId("demo", "dc2", "r1", 0);
    sim.known.add(new KnownNode(other, List.of(100L, 101L), true));
    sim.facts.put(other.name(), STOPPED);
    sim.fenced = Set.of("demo-dc1-r1-0", other.name());
    Step first = planner.plan(sim.state()).step();
    assertThat(first).isInstanceOf(Step.RecordOperation.class);
    assertThat(((Step.RecordOperation) first).operation().kind()).isEqualTo(OperationKind.Fence);
    assertThat(((Step.RecordOperation) first).operation().node()).isEqualTo("demo-dc1-r1-0");
  }

  @Test
  void aStoppedClusterRecreatesNoLostPodBeforeItHibernates() {
    Sim sim = new Sim(1);
    sim.facts.put("demo-dc1-r3-0", STOPPED);
    sim.stopped = true;
    Step first = planner.plan(sim.state()).step();
    assertThat(first).isInstanceOf(Step.RecordOperation.class);
    Operation op = ((Step.RecordOperation) first).operation();
    assertThat(op.kind()).isEqualTo(OperationKind.Hibernate);
    assertThat(op.pending()).containsExactly("demo-dc1-r1-0", "demo-dc1-r2-0");
    assertThat(op.done()).containsExactly("demo-dc1-r3-0");
  }
}
