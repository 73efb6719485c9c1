package io.ringkeeper.operator.domain.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringkeeper.operator.domain.model.Datacenter;
import io.ringkeeper.operator.domain.model.NodeId;
import io.ringkeeper.operator.domain.model.Rack;
import io.ringkeeper.operator.domain.tokens.ReplicationAwareTokenAllocator;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Rebuilding the record of the nodes from their volumes and their own reports, and what it must never do. */
class AdoptionTest {
  private static final List<Datacenter> DCS =
      List.of(new Datacenter("dc1", 3, 3, List.of(Rack.of("r1"), Rack.of("r2"), Rack.of("r3"))));
  private static final NodeId R1 = new NodeId("demo", "dc1", "r1", 0);
  private static final NodeId R2 = new NodeId("demo", "dc1", "r2", 0);
  private static final NodeId R3 = new NodeId("demo", "dc1", "r3", 0);
  private static final List<Long> T1 = List.of(-300L, 100L, 700L, 1300L);
  private static final List<Long> T2 = List.of(-200L, 200L, 800L, 1400L);
  private static final List<Long> T3 = List.of(-100L, 300L, 900L, 1500L);

  private static VolumeRecord volume(NodeId id, List<Long> tokens, String hostId) {
    return new VolumeRecord(id, tokens, hostId, true, false);
  }

  private static List<VolumeRecord> threeVolumes() {
    return List.of(volume(R1, T1, "h1"), volume(R2, T2, "h2"), volume(R3, T3, null));
  }

  @Test
  void aNodeWithAVolumeButNoRecordInStatusTakesTheTokensItsVolumeRecords() {
    Adoption.Result result = Adoption.adopt(List.of(), threeVolumes(), Map.of(), Set.of(), 4, DCS);
    assertThat(result.known()).extracting(KnownNode::name).containsExactly(R1.name(), R2.name(), R3.name());
    assertThat(result.known()).allSatisfy(k -> assertThat(k.identity()).isEqualTo(KnownNode.Identity.VOLUME));
    assertThat(result.known().get(1).tokens()).isEqualTo(T2);
    assertThat(result.known()).allSatisfy(k -> assertThat(k.initial()).isTrue());
    assertThat(result.adopted()).hasSize(3).allSatisfy(a -> assertThat(a.from()).isEqualTo("volume"));
    assertThat(result.ringFormed()).as("nodes with a host id on record ran before").isTrue();
  }

  @Test
  void aRunningNodesOwnTokensWinOverItsVolumesRecordAndTheDisagreementIsReported() {
    List<Long> held = List.of(-301L, 101L, 701L, 1301L);
    Adoption.Result result = Adoption.adopt(List.of(), threeVolumes(), Map.of(R1.name(), new NodeReport(held, "h1")),
        Set.of(R1.name()), 4, DCS);
    KnownNode r1 = result.known().get(0);
    assertThat(r1.tokens()).isEqualTo(held);
    assertThat(r1.identity()).isEqualTo(KnownNode.Identity.NODE);
    assertThat(result.adopted().get(0).disagreement()).contains(R1.name()).contains("4 of the 4");
  }

  @Test
  void aNodeAdoptedFromItsVolumeIsCorrectedByWhatTheNodeReportsOnceItRuns() {
    List<KnownNode> known = List.of(new KnownNode(R1, T1, true, KnownNode.Identity.VOLUME),
        new KnownNode(R2, T2, true, KnownNode.Identity.VOLUME));
    List<Long> held = List.of(5L, 6L, 7L, 8L);
    Adoption.Result result = Adoption.adopt(known, threeVolumes(),
        Map.of(R1.name(), new NodeReport(held, "h1"), R2.name(), new NodeReport(T2, "h2")), Set.of(), 4, DCS);
    assertThat(result.known().get(0).tokens()).isEqualTo(held);
    assertThat(result.known().get(0).identity()).isEqualTo(KnownNode.Identity.NODE);
    assertThat(result.known().get(1).tokens()).as("a confirmation changes nothing").isEqualTo(T2);
    assertThat(result.known().get(1).identity()).isEqualTo(KnownNode.Identity.NODE);
    assertThat(result.adopted()).filteredOn(a -> a.disagreement() != null).singleElement()
        .satisfies(a -> assertThat(a.node().name()).isEqualTo(R1.name()));
  }

  @Test
  void aNodeTheOperatorRecordedItselfIsNeverRewrittenByAReport() {
    List<KnownNode> known = List.of(new KnownNode(R1, T1, true));
    Adoption.Result result = Adoption.adopt(known, threeVolumes(),
        Map.of(R1.name(), new NodeReport(List.of(5L, 6L, 7L, 8L), "h1")), Set.of(), 4, DCS);
    assertThat(result.known().get(0)).isEqualTo(known.get(0));
  }

  @Test
  void aVolumeBesideRecordedNodesOfItsDatacenterIsARetainedOneAndNeverAdopted() {
    // A scale-down with reclaim Retain leaves the volume of a node that left the ring; earlier versions did not
    // mark it. Only a datacenter whose nodes status lost entirely is adopted.
    List<KnownNode> known = List.of(new KnownNode(R1, T1, true), new KnownNode(R2, T2, true));
    Adoption.Result result = Adoption.adopt(known, threeVolumes(), Map.of(), Set.of(), 4, DCS);
    assertThat(result.known()).extracting(KnownNode::name).containsExactly(R1.name(), R2.name());
    assertThat(result.adopted()).isEmpty();
  }

  @Test
  void aVolumeWhoseNodeDecommissionedIsNeverAdopted() {
    Adoption.Result result = Adoption.adopt(List.of(),
        List.of(new VolumeRecord(R1, T1, "h1", true, true)), Map.of(), Set.of(), 4, DCS);
    assertThat(result.known()).isEmpty();
    assertThat(result.unadoptable()).isEmpty();
  }

  @Test
  void aNodeThatLeftTheRingButStillHasItsPodIsAdoptedSoItsRemovalIsFinished() {
    Adoption.Result result = Adoption.adopt(List.of(),
        List.of(new VolumeRecord(R1, T1, "h1", true, true)), Map.of(), Set.of(R1.name()), 4, DCS);
    assertThat(result.known()).extracting(KnownNode::name).containsExactly(R1.name());
  }

  @Test
  void aVolumeWithoutARecordIsNotAdoptedAndNoNewClusterStartsOnIt() {
    Adoption.Result result = Adoption.adopt(List.of(), List.of(volume(R1, List.of(), null)), Map.of(), Set.of(), 4,
        DCS);
    assertThat(result.known()).isEmpty();
    assertThat(result.unadoptable()).singleElement().asString().contains(R1.name());

    ClusterState state = new ClusterState("demo", 4, DCS, false, List.of(), Map.of(), null, null, false,
        Set.of(R1.name()), Instant.EPOCH);
    Step step = new Planner(new ReplicationAwareTokenAllocator()).plan(state).step();
    assertThat(step).isInstanceOfSatisfying(Step.Wait.class, w -> {
      assertThat(w.reason()).isEqualTo("VolumesNotAdopted");
      assertThat(w.message()).contains(R1.name());
    });
  }

  @Test
  void aVolumeOfARackTheSpecNoLongerListsIsLeftToValidation() {
    List<Datacenter> twoRacks = List.of(new Datacenter("dc1", 2, 2, List.of(Rack.of("r1"), Rack.of("r2"))));
    Adoption.Result result = Adoption.adopt(List.of(), threeVolumes(), Map.of(), Set.of(), 4, twoRacks);
    assertThat(result.known()).extracting(KnownNode::name).containsExactly(R1.name(), R2.name());
  }

  @Test
  void aRecordWithAnotherNumberOfTokensIsNotAdopted() {
    Adoption.Result result = Adoption.adopt(List.of(), List.of(volume(R1, T1, "h1")), Map.of(), Set.of(), 8, DCS);
    assertThat(result.known()).isEmpty();
    assertThat(result.unadoptable()).singleElement().asString().contains("4 tokens, not 8");
  }

  @Test
  void anAdoptedClusterIsPlannedWithItsOwnTokensNeverNewOnes() {
    Adoption.Result result = Adoption.adopt(List.of(), threeVolumes(), Map.of(), Set.of(), 4, DCS);
    Map<String, NodeFacts> facts = new HashMap<>();
    result.known().forEach(k -> facts.put(k.name(), new NodeFacts(false, true, NodeHealth.UNKNOWN)));
    ClusterState state = new ClusterState("demo", 4, DCS, result.ringFormed(), result.known(), facts, null, null,
        false, Set.of(R1.name(), R2.name(), R3.name()), Instant.EPOCH);
    Step step = new Planner(new ReplicationAwareTokenAllocator()).plan(state).step();
    assertThat(step).isInstanceOfSatisfying(Step.CreateNodes.class,
        c -> assertThat(c.nodes()).containsExactly(R1, R2, R3));
  }

  private static final List<Datacenter> TWO_DCS = List.of(DCS.get(0),
      new Datacenter("dc2", 2, 2, List.of(Rack.of("r1"), Rack.of("r2"))));
  private static final NodeId DC2_R1 = new NodeId("demo", "dc2", "r1", 0);
  private static final NodeId DC2_R2 = new NodeId("demo", "dc2", "r2", 0);

  private static VolumeRecord added(NodeId id, String from, boolean rebuilt, boolean decommissioned) {
    return new VolumeRecord(id, T1, "h", false, decommissioned, from, rebuilt);
  }

  @Test
  void aPendingRebuildLostWithTheStatusIsPendingAgainFromTheSourceItsVolumesRecord() {
    List<VolumeRecord> volumes = List.of(volume(R1, T1, "h1"), added(DC2_R1, "dc1", false, false),
        added(DC2_R2, null, false, false));
    assertThat(Adoption.rebuilds(List.of(), volumes, TWO_DCS)).singleElement().satisfies(r -> {
      assertThat(r.datacenter()).isEqualTo("dc2");
      assertThat(r.source()).isEqualTo("dc1");
      assertThat(r.pending()).isTrue();
    });
  }

  @Test
  void aRebuildIsNotRefilledWhenTheVolumesRecordItFinishedOrOnlyVolumesThatLeftTheRingNameIt() {
    assertThat(Adoption.rebuilds(List.of(), List.of(added(DC2_R1, "dc1", true, false),
        added(DC2_R2, "dc1", true, false)), TWO_DCS)).isEmpty();
    assertThat(Adoption.rebuilds(List.of(), List.of(added(DC2_R1, "dc1", false, true)), TWO_DCS)).isEmpty();
  }

  @Test
  void aRebuildIsNotRefilledFromASourceOutsideTheSpecOrFromItsOwnDatacenter() {
    assertThat(Adoption.rebuilds(List.of(), List.of(added(DC2_R1, "dc9", false, false)), TWO_DCS)).isEmpty();
    assertThat(Adoption.rebuilds(List.of(), List.of(added(DC2_R1, "dc2", false, false)), TWO_DCS)).isEmpty();
    assertThat(Adoption.rebuilds(List.of(), List.of(added(DC2_R1, "dc1", false, false)), DCS))
        .as("a datacenter no longer in the spec").isEmpty();
  }

  @Test
  void aRebuildRecordedInStatusWinsOverTheVolumes() {
    Rebuild done = new Rebuild("dc2", "dc1", Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(Adoption.rebuilds(List.of(done), List.of(added(DC2_R1, "dc1", false, false)), TWO_DCS))
        .containsExactly(done);
  }
}
