package io.ringkeeper.operator.domain.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringkeeper.operator.domain.tokens.NewNode;
import io.ringkeeper.operator.domain.tokens.OwnershipCalculator;
import io.ringkeeper.operator.domain.tokens.ReplicationAwareTokenAllocator;
import io.ringkeeper.operator.domain.tokens.RingNode;
import io.ringkeeper.operator.domain.tokens.TokenAllocator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RackPlacementTest {

  private static final List<String> RACKS = List.of("r1", "r2", "r3");
  private final TokenAllocator allocator = new ReplicationAwareTokenAllocator();

  @Test
  void theNextNodeGoesToTheSmallestRackFirstListedAmongEquals() {
    assertThat(RackPlacement.nextRack(RACKS, Map.of())).isEqualTo("r1");
    assertThat(RackPlacement.nextRack(RACKS, Map.of("r1", 1))).isEqualTo("r2");
    assertThat(RackPlacement.nextRack(RACKS, Map.of("r1", 2, "r2", 1, "r3", 1))).isEqualTo("r2");
    assertThat(RackPlacement.nextRack(RACKS, Map.of("r1", 2, "r2", 2, "r3", 1))).isEqualTo("r3");
    assertThat(RackPlacement.nextRack(List.of("b", "a"), Map.of())).isEqualTo("b"); // spec order, not names
  }

  @Test
  void aNewDatacenterFillsRacksInTurn() {
    assertThat(RackPlacement.racksForNewDatacenter(RACKS, 5)).containsExactly("r1", "r2", "r3", "r1", "r2");
    assertThat(RackPlacement.racksForNewDatacenter(RACKS, 0)).isEmpty();
  }

  @Test
  void racksStayWithinOneNodeOfEachOther() {
    Map<String, Integer> counts = new HashMap<>(Map.of("r1", 4, "r2", 2));
    for (int i = 0; i < 20; i++) {
      counts.merge(RackPlacement.nextRack(RACKS, counts), 1, Integer::sum);
    }
    int max = counts.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
    int min = RACKS.stream().mapToInt(r -> counts.getOrDefault(r, 0)).min().orElseThrow();
    assertThat(max - min).isLessThanOrEqualTo(1);
  }

  static Stream<Long> seeds() {
    long base = System.nanoTime();
    return Stream.concat(Stream.of(5L, 6L), IntStream.range(0, 4).mapToObj(i -> base + i));
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void theLeavingNodeComesFromTheLargestRackAndLeavesTheMostEvenRing(long seed) {
    System.out.println("theLeavingNodeComesFromTheLargestRackAndLeavesTheMostEvenRing seed=" + seed);
    Random random = new Random(seed);
    int racks = 1 + random.nextInt(4);
    List<String> rackNames = IntStream.range(0, racks).mapToObj(i -> "r" + i).toList();
    int rf = 1 + random.nextInt(3);
    List<RingNode> ring = new ArrayList<>();
    int size = 3 + random.nextInt(10);
    for (int i = 0; i < size; i++) {
      List<Long> tokens = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        tokens.add(random.nextLong());
      }
      ring.add(new RingNode("n" + i, rackNames.get(random.nextInt(racks)), tokens));
    }

    var removal = RackPlacement.nodeToRemove(ring, rackNames, rf);

    Map<String, Integer> counts = new HashMap<>();
    ring.forEach(n -> counts.merge(n.rack(), 1, Integer::sum));
    int largest = counts.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
    String lastLargest = rackNames.stream().filter(r -> counts.getOrDefault(r, 0) == largest)
        .reduce((a, b) -> b).orElseThrow();
    assertThat(removal.rack()).isEqualTo(lastLargest);
    for (RingNode candidate : ring) {
      if (candidate.rack().equals(lastLargest)) {
        List<RingNode> rest = new ArrayList<>(ring);
        rest.remove(candidate);
        double imbalance = RackPlacement.imbalance(rest, OwnershipCalculator.calculate(rest, rf));
        assertThat(removal.imbalanceAfter()).isLessThanOrEqualTo(imbalance + 1e-12);
      }
    }
  }

  @Test
  void equallyGoodNodesLeaveHighestOrdinalFirst() {
    // A perfectly balanced rack: every choice leaves the same figures.
    List<NewNode> nodes = List.of(new NewNode("dc1-r1-9", "r1"), new NewNode("dc1-r1-10", "r1"),
        new NewNode("dc1-r1-8", "r1"), new NewNode("dc1-r1-11", "r1"));
    var tokens = allocator.allocateNewDatacenter(nodes, 4, 1, Set.of());
    List<RingNode> ring = nodes.stream().map(n -> new RingNode(n.name(), n.rack(), tokens.get(n.name()))).toList();

    assertThat(RackPlacement.nodeToRemove(ring, List.of("r1"), 1).node()).isEqualTo("dc1-r1-11");
  }

  @Test
  void nodesOfRacksNoLongerInTheSpecLeaveFirstAmongEquals() {
    List<RingNode> ring = List.of(new RingNode("a", "r1", List.of(1L)), new RingNode("b", "old", List.of(2L)));

    assertThat(RackPlacement.nodeToRemove(ring, List.of("r1"), 1).node()).isEqualTo("b");
  }

  @Test
  void shrinkingARingOfRandomTokensWithTheChosenNodeBeatsRemovingTheNewest() {
    Random random = new Random(99);
    List<RingNode> ring = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      ring.add(new RingNode("n" + i, RACKS.get(i % 3), random.longs(8).boxed().toList()));
    }

    double[] chosen = shrink(ring, RACKS, 12);
    double[] newest = shrinkNewest(ring, 12);

    System.out.printf("random ring, shrink 24->12: chosen end %.4f worst %.4f; newest end %.4f worst %.4f%n",
        chosen[0], chosen[1], newest[0], newest[1]);
    assertThat(chosen[0]).isLessThan(newest[0]);
    assertThat(chosen[1]).isLessThan(newest[1]);
  }

  @Test
  void shrinkingAGrownRingWithTheChosenNodeIsNoWorseThanRemovingTheNewest() {
    // One rack, 4 tokens: the case where choosing by max/min alone walked into a ring spread 1.36 vs 1.17.
    List<String> racks = List.of("r1");
    List<RingNode> ring = new ArrayList<>();
    var first = allocator.allocateNewDatacenter(
        List.of(new NewNode("n0", "r1"), new NewNode("n1", "r1"), new NewNode("n2", "r1")), 4, 3, Set.of());
    first.forEach((name, tokens) -> ring.add(new RingNode(name, "r1", tokens)));
    for (int i = 3; i < 24; i++) {
      var node = new NewNode("n" + i, "r1");
      ring.add(new RingNode(node.name(), node.rack(), allocator.allocateNode(ring, node, 4, 3, Set.of())));
    }

    double[] chosen = shrink(ring, racks, 12);
    double[] newest = shrinkNewest(ring, 12);

    System.out.printf("grown ring, shrink 24->12: chosen end %.4f worst %.4f; newest end %.4f worst %.4f%n",
        chosen[0], chosen[1], newest[0], newest[1]);
    assertThat(chosen[0]).isLessThanOrEqualTo(newest[0]);
    assertThat(chosen[1]).isLessThanOrEqualTo(newest[1]);
  }

  /** {end spread, worst spread} shrinking to {@code size} with nodeToRemove. */
  private static double[] shrink(List<RingNode> ring, List<String> racks, int size) {
    List<RingNode> left = new ArrayList<>(ring);
    double worst = 1;
    while (left.size() > size) {
      String leaving = RackPlacement.nodeToRemove(left, racks, 3).node();
      left.removeIf(n -> n.name().equals(leaving));
      worst = Math.max(worst, OwnershipCalculator.calculate(left, 3).spread());
    }
    return new double[] {OwnershipCalculator.calculate(left, 3).spread(), worst};
  }

  private static double[] shrinkNewest(List<RingNode> ring, int size) {
    List<RingNode> left = new ArrayList<>(ring);
    double worst = 1;
    while (left.size() > size) {
      left.remove(left.size() - 1);
      worst = Math.max(worst, OwnershipCalculator.calculate(left, 3).spread());
    }
    return new double[] {OwnershipCalculator.calculate(left, 3).spread(), worst};
  }

  @Test
  void rejectsBadInput() {
    assertThatThrownBy(() -> RackPlacement.nextRack(List.of(), Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("racks must not be empty");
    assertThatThrownBy(() -> RackPlacement.nextRack(List.of("a", "a"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("racks must not repeat a name");
    assertThatThrownBy(() -> RackPlacement.nodeToRemove(List.of(), RACKS, 3))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nothing to remove");
    assertThatThrownBy(() -> RackPlacement.racksForNewDatacenter(RACKS, -1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("size must not be negative");
  }
}
