package io.ringkeeper.operator.domain.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ReplicationAwareTokenAllocatorTest {

  private final TokenAllocator allocator = new ReplicationAwareTokenAllocator();

  static List<NewNode> nodes(int count, int racks) {
    List<NewNode> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(new NewNode("n" + i, "r" + (i % racks)));
    }
    return out;
  }

  static List<RingNode> ring(List<NewNode> nodes, Map<String, List<Long>> tokens) {
    return nodes.stream().map(n -> new RingNode(n.name(), n.rack(), tokens.get(n.name()))).toList();
  }

  // --- a new datacenter ----------------------------------------------------------------------------------------

  static Stream<Arguments> newDatacenters() {
    return Stream.of(1, 3).flatMap(racks -> Stream.of(1, 4, 8, 16).map(v -> Arguments.of(racks, v)));
  }

  @ParameterizedTest(name = "{0} racks, {1} tokens")
  @MethodSource("newDatacenters")
  void aNewDatacenterOfAnySizeIsPerfectlyBalanced(int racks, int numTokens) {
    for (int size = 3; size <= 96; size++) {
      var nodes = nodes(size, racks);
      var tokens = allocator.allocateNewDatacenter(nodes, numTokens, 3, Set.of());

      var own = OwnershipCalculator.calculate(ring(nodes, tokens), 3);
      assertThat(own.spread()).as("spread at %d nodes", size).isLessThan(1.000001);
      if (size % racks == 0) {
        assertThat(own.overallSpread()).as("overall spread at %d nodes", size).isLessThan(1.000001);
      }
      assertValid(tokens, numTokens, Set.of());
    }
  }

  @ParameterizedTest(name = "rf {0}")
  @ValueSource(ints = {1, 2, 3, 4, 5, 7})
  void aNewDatacenterWithEqualRacksIsPerfectForAnyRackCount(int rf) {
    for (int racks = 1; racks <= 6; racks++) {
      for (int perRack = 1; perRack <= 5; perRack++) {
        var nodes = nodes(racks * perRack, racks);
        var tokens = allocator.allocateNewDatacenter(nodes, 8, rf, Set.of());

        var own = OwnershipCalculator.calculate(ring(nodes, tokens), rf);
        assertThat(own.overallSpread()).as("%d racks x %d nodes", racks, perRack).isLessThan(1.000001);
      }
    }
  }

  @Test
  void aNewDatacenterWhoseLargeRackRulesOutAPerfectRingIsStillBalanced() {
    // Racks of 2, 1, 1, 1 at rf 3: a rack of 2 would need 2/5 of the tokens but can replicate at most every
    // range once, so equal shares are impossible; the rest of the ring is built one node at a time.
    var nodes = nodes(5, 4);
    var tokens = allocator.allocateNewDatacenter(nodes, 16, 3, Set.of());

    assertValid(tokens, 16, Set.of());
    assertThat(OwnershipCalculator.calculate(ring(nodes, tokens), 3).spread()).isLessThan(1.01);
  }

  @Test
  void aNewDatacenterWithUnequalRacksAsManyAsReplicasIsPerfectWithinEachRack() {
    var nodes = nodes(7, 3); // racks of 3, 2, 2
    var tokens = allocator.allocateNewDatacenter(nodes, 16, 3, Set.of());

    assertThat(OwnershipCalculator.calculate(ring(nodes, tokens), 3).spread()).isLessThan(1.000001);
  }

  @ParameterizedTest(name = "{0} racks")
  @ValueSource(ints = {2, 5})
  void aNewDatacenterWithFewerOrMoreRacksThanReplicasIsPerfectAtAnySize(int racks) {
    for (int numTokens : new int[] {1, 4, 16}) {
      for (int size = 3; size <= 40; size++) {
        var nodes = nodes(size, racks);
        var tokens = allocator.allocateNewDatacenter(nodes, numTokens, 3, Set.of());

        var own = OwnershipCalculator.calculate(ring(nodes, tokens), 3);
        assertThat(own.overallSpread()).as("%d nodes, %d tokens", size, numTokens).isLessThan(1.000001);
        assertValid(tokens, numTokens, Set.of());
      }
    }
  }

  @ParameterizedTest(name = "{0} racks")
  @ValueSource(ints = {2, 4, 5})
  void aNewDatacenterWithUnequalRacksIsAllocatedAndValid(int racks) {
    var nodes = nodes(racks * 3 + 1, racks);
    var tokens = allocator.allocateNewDatacenter(nodes, 16, 3, Set.of());

    assertValid(tokens, 16, Set.of());
    double spread = OwnershipCalculator.calculate(ring(nodes, tokens), 3).spread();
    System.out.printf("new datacenter of %d nodes in %d racks, rf 3: spread %.4f%n", nodes.size(), racks, spread);
    assertThat(spread).isLessThan(1.01);
  }

  @Test
  void aSecondDatacenterLaidOutAlikeGetsOtherTokens() {
    var nodes = nodes(6, 3);
    var first = allocator.allocateNewDatacenter(nodes, 16, 3, Set.of());
    Set<Long> inUse = new HashSet<>();
    first.values().forEach(inUse::addAll);

    var second = allocator.allocateNewDatacenter(nodes, 16, 3, inUse);

    assertValid(second, 16, inUse);
    assertThat(OwnershipCalculator.calculate(ring(nodes, second), 3).spread()).isLessThan(1.000001);
  }

  @Test
  void theOrderOfTheNodesDoesNotChangeTheirTokens() {
    var nodes = new ArrayList<>(nodes(10, 3));
    var tokens = allocator.allocateNewDatacenter(nodes, 16, 3, Set.of());
    Collections.shuffle(nodes, new Random(7));

    assertThat(allocator.allocateNewDatacenter(nodes, 16, 3, Set.of())).isEqualTo(tokens);
  }

  // --- one more node -------------------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0} racks, {1} tokens")
  @MethodSource("growth")
  void growingOneNodeAtATimeStaysBalanced(int racks, int numTokens, double bound) {
    var nodes = nodes(3, racks);
    List<RingNode> ring = new ArrayList<>(ring(nodes, allocator.allocateNewDatacenter(nodes, numTokens, 3, Set.of())));
    double worst = 1;
    for (int i = 3; i < 48; i++) {
      var node = new NewNode("n" + i, "r" + (i % racks));
      var tokens = allocator.allocateNode(ring, node, numTokens, 3, Set.of());
      ring.add(new RingNode(node.name(), node.rack(), tokens));
      worst = Math.max(worst, OwnershipCalculator.calculate(ring, 3).spread());
    }
    System.out.printf("grow 3->48, %d racks, %d tokens: worst spread %.4f%n", racks, numTokens, worst);
    assertThat(worst).isLessThan(bound);
  }

  static Stream<Arguments> growth() {
    // Bounds: 1 + 1/numTokens is where one node can take from at most numTokens others (see the benchmark).
    return Stream.of(
        Arguments.of(3, 16, 1.07), Arguments.of(3, 8, 1.135), Arguments.of(3, 4, 1.26),
        Arguments.of(1, 16, 1.07), Arguments.of(1, 8, 1.135), Arguments.of(1, 4, 1.26));
  }

  static Stream<Long> seeds() {
    // Fixed seeds so a failure in CI reproduces; 282, 322, 357 and 375 once found a one-token-ring bug.
    return Stream.concat(Stream.of(282L, 322L, 357L, 375L), java.util.stream.LongStream.rangeClosed(1, 60).boxed());
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void randomTopologiesGetValidDeterministicTokens(long seed) {
    System.out.println("randomTopologiesGetValidDeterministicTokens seed=" + seed);
    Random random = new Random(seed);
    int racks = 1 + random.nextInt(5);
    int rf = 1 + random.nextInt(5);
    int numTokens = List.of(1, 2, 3, 4, 8, 16, 32).get(random.nextInt(7));
    int start = 1 + random.nextInt(8);
    int end = start + 1 + random.nextInt(12);
    Set<Long> otherDatacenter = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      otherDatacenter.add(random.nextLong());
    }
    var nodes = nodes(start, racks);
    var initial = allocator.allocateNewDatacenter(nodes, numTokens, rf, otherDatacenter);
    assertValid(initial, numTokens, otherDatacenter);
    List<RingNode> ring = new ArrayList<>(ring(nodes, initial));
    for (int i = start; i < end; i++) {
      var node = new NewNode("n" + i, "r" + random.nextInt(racks));
      Set<Long> inUse = new HashSet<>(otherDatacenter);
      ring.forEach(n -> inUse.addAll(n.tokens()));

      var tokens = allocator.allocateNode(ring, node, numTokens, rf, inUse);

      assertThat(allocator.allocateNode(ring, node, numTokens, rf, inUse)).isEqualTo(tokens);
      List<RingNode> shuffled = new ArrayList<>(ring);
      Collections.shuffle(shuffled, random);
      assertThat(allocator.allocateNode(shuffled, node, numTokens, rf, inUse)).isEqualTo(tokens);
      assertThat(tokens).hasSize(numTokens).isSorted().doesNotHaveDuplicates()
          .doesNotContain(Long.MIN_VALUE).noneMatch(inUse::contains);
      ring.add(new RingNode(node.name(), node.rack(), tokens));
      double spread = OwnershipCalculator.calculate(ring, rf).spread();
      assertThat(spread).isFinite();
    }
  }

  @Test
  void aNodeJoiningARackWithFewerRacksThanReplicasImprovesTheRing() {
    // Two racks at rf 3, where Cassandra's own allocator refuses to run.
    var nodes = nodes(4, 2);
    List<RingNode> ring = new ArrayList<>(ring(nodes, allocator.allocateNewDatacenter(nodes, 16, 3, Set.of())));
    double worst = 1;
    for (int i = 4; i < 30; i++) {
      var node = new NewNode("n" + i, "r" + (i % 2));
      ring.add(new RingNode(node.name(), node.rack(), allocator.allocateNode(ring, node, 16, 3, Set.of())));
      worst = Math.max(worst, OwnershipCalculator.calculate(ring, 3).spread());
    }
    System.out.printf("grow 4->30, 2 racks, rf 3, 16 tokens: worst spread %.4f%n", worst);
    assertThat(worst).isLessThan(1.15);
  }

  @Test
  void aNodeJoiningAnEmptyDatacenterGetsEvenlySpacedTokens() {
    var tokens = allocator.allocateNode(List.of(), new NewNode("a", "r1"), 4, 3, Set.of());

    assertThat(tokens).hasSize(4);
    for (int i = 1; i < 4; i++) {
      assertThat(Tokens.width(tokens.get(i - 1), tokens.get(i))).isEqualTo(Tokens.RING / 4);
    }
  }

  @Test
  void supportsTheFullRangeOfNumTokens() {
    var nodes = nodes(3, 3);
    var tokens = allocator.allocateNewDatacenter(nodes, 256, 3, Set.of());
    List<RingNode> ring = new ArrayList<>(ring(nodes, tokens));

    var more = allocator.allocateNode(ring, new NewNode("n3", "r0"), 256, 3, Set.of());

    assertThat(more).hasSize(256).doesNotHaveDuplicates();
    ring.add(new RingNode("n3", "r0", more));
    assertThat(OwnershipCalculator.calculate(ring, 3).spread()).isLessThan(1.001);
  }

  // --- validation ----------------------------------------------------------------------------------------------

  @Test
  void rejectsBadInputWithMessagesThatNameTheField() {
    var a = new NewNode("a", "r1");
    assertThatThrownBy(() -> allocator.allocateNewDatacenter(List.of(a), 0, 3, Set.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("numTokens must be between 1 and 256, got 0");
    assertThatThrownBy(() -> allocator.allocateNewDatacenter(List.of(a), 257, 3, Set.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("numTokens must be between 1 and 256");
    assertThatThrownBy(() -> allocator.allocateNewDatacenter(List.of(a), 16, 0, Set.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("replicationFactor must be at least 1, got 0");
    assertThatThrownBy(() -> allocator.allocateNewDatacenter(List.of(), 16, 3, Set.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nodes must not be empty");
    assertThatThrownBy(() -> allocator.allocateNewDatacenter(List.of(a, new NewNode("a", "r2")), 16, 3, Set.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("node name a appears twice");
    assertThatThrownBy(() -> allocator.allocateNewDatacenter(List.of(new NewNode(" ", "r1")), 16, 3, Set.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("node name must not be blank");
    assertThatThrownBy(() -> allocator.allocateNewDatacenter(List.of(a), 16, 3, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tokensInUse must not be null");

    var ring = List.of(new RingNode("a", "r1", List.of(1L, 2L)));
    assertThatThrownBy(() -> allocator.allocateNode(ring, a, 2, 3, Set.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("node a is already in the datacenter");
    var clash = List.of(new RingNode("a", "r1", List.of(1L)), new RingNode("b", "r1", List.of(1L)));
    assertThatThrownBy(() -> allocator.allocateNode(clash, new NewNode("c", "r1"), 1, 3, Set.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("token 1 appears twice");
  }

  static void assertValid(Map<String, List<Long>> tokens, int numTokens, Set<Long> inUse) {
    Set<Long> all = new HashSet<>();
    for (List<Long> list : tokens.values()) {
      assertThat(list).hasSize(numTokens).isSorted().doesNotContain(Long.MIN_VALUE);
      assertThat(list).noneMatch(inUse::contains);
      all.addAll(list);
    }
    assertThat(all).hasSize(tokens.size() * numTokens);
  }
}
