package io.ringkeeper.operator.domain.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The referee, on rings small enough to work out by hand. */
class OwnershipCalculatorTest {

  /** Token at {@code k} eighths around the ring (k = 0..7), never Murmur3's reserved minimum. */
  static long e(int k) {
    return Long.MIN_VALUE + (1L << 60) + k * (1L << 61);
  }

  /** Token at {@code k} quarters around the ring. */
  static long q(int k) {
    return e(2 * k);
  }

  static RingNode node(String name, String rack, long... tokens) {
    return new RingNode(name, rack, java.util.Arrays.stream(tokens).boxed().toList());
  }

  @Test
  void withoutReplicationEachNodeOwnsTheRangesEndingAtItsTokens() {
    var ring = List.of(node("a", "r1", q(0)), node("b", "r1", q(1)), node("c", "r1", q(3)));

    var own = OwnershipCalculator.calculate(ring, 1);

    assertThat(own.ownership("a")).isCloseTo(0.25, within(1e-12)); // (q3, q0] wraps around
    assertThat(own.ownership("b")).isCloseTo(0.25, within(1e-12));
    assertThat(own.ownership("c")).isCloseTo(0.50, within(1e-12));
    assertThat(own.spread()).isCloseTo(2.0, within(1e-12));
  }

  @Test
  void oneRackReplicatesEachRangeOnTheNextDistinctNodes() {
    var ring = List.of(node("a", "r1", q(0)), node("b", "r1", q(1)), node("c", "r1", q(2)), node("d", "r1", q(3)));

    var own = OwnershipCalculator.calculate(ring, 3);

    for (String n : List.of("a", "b", "c", "d")) {
      assertThat(own.ownership(n)).isCloseTo(0.75, within(1e-12));
    }
    assertThat(own.replicaMap().replicasOf(q(0))).containsExactly("a", "b", "c");
    assertThat(own.replicaMap().replicasOf(q(3))).containsExactly("d", "a", "b");
  }

  @Test
  void oneRackSkipsANodeMetTwice() {
    // a holds two tokens in a row: the walk from q0 meets a, a again (skipped), then b and c.
    var ring = List.of(node("a", "r1", q(0), q(1)), node("b", "r1", q(2)), node("c", "r1", q(3)));

    var map = OwnershipCalculator.replicaMap(ring, 3);

    assertThat(map.replicasOf(q(0))).containsExactly("a", "b", "c");
    assertThat(map.replicasOf(q(1))).containsExactly("a", "b", "c");
  }

  @Test
  void asManyRacksAsReplicasMakesEachRackItsOwnRing() {
    // Rack r1 holds a and b; r2 and r3 one node each. Every range has one replica per rack, so a and b split
    // r1's ring: a owns (q2, q0], b owns (q0, q2].
    var ring = List.of(node("a", "r1", q(0)), node("c", "r2", q(1)), node("b", "r1", q(2)), node("e", "r3", q(3)));

    var own = OwnershipCalculator.calculate(ring, 3);

    assertThat(own.ownership("a")).isCloseTo(0.5, within(1e-12));
    assertThat(own.ownership("b")).isCloseTo(0.5, within(1e-12));
    assertThat(own.ownership("c")).isCloseTo(1.0, within(1e-12));
    assertThat(own.ownership("e")).isCloseTo(1.0, within(1e-12));
    // From q0: a (r1), c (r2), b (r1 again: no repeats allowed with 3 racks), e (r3).
    assertThat(own.replicaMap().replicasOf(q(0))).containsExactly("a", "c", "e");
    assertThat(own.byRack().get("r1").spread()).isCloseTo(1.0, within(1e-12));
    assertThat(own.spread()).isCloseTo(1.0, within(1e-12));
    assertThat(own.overallSpread()).isCloseTo(2.0, within(1e-12));
  }

  @Test
  void fewerRacksThanReplicasTakesTheFirstRepeatsMet() {
    // Two racks, rf 3: one repeat allowed per range, taken by the first extra r1 node met.
    var ring = List.of(node("a", "r1", q(0)), node("b", "r1", q(1)), node("e", "r1", q(2)), node("c", "r2", q(3)));

    var own = OwnershipCalculator.calculate(ring, 3);
    var map = own.replicaMap();

    assertThat(map.replicasOf(q(0))).containsExactly("a", "b", "c"); // e is a second repeat: skipped
    assertThat(map.replicasOf(q(1))).containsExactly("b", "e", "c");
    assertThat(map.replicasOf(q(2))).containsExactly("e", "c", "a");
    assertThat(map.replicasOf(q(3))).containsExactly("c", "a", "b");
    assertThat(own.ownership("a")).isCloseTo(0.75, within(1e-12));
    assertThat(own.ownership("b")).isCloseTo(0.75, within(1e-12));
    assertThat(own.ownership("e")).isCloseTo(0.50, within(1e-12));
    assertThat(own.ownership("c")).isCloseTo(1.00, within(1e-12));
    assertThat(own.byRack().get("r1").spread()).isCloseTo(1.5, within(1e-12));
    assertThat(own.spread()).isCloseTo(1.5, within(1e-12));
    assertThat(own.overallSpread()).isCloseTo(2.0, within(1e-12));
  }

  @Test
  void moreRacksThanReplicasTakesTheFirstDistinctRacks() {
    var ring = List.of(node("a", "r1", q(0)), node("e", "r1", e(1)), node("b", "r2", q(1)),
        node("c", "r3", q(2)), node("d", "r4", q(3)));

    var own = OwnershipCalculator.calculate(ring, 2);
    var map = own.replicaMap();

    assertThat(map.replicasOf(q(0))).containsExactly("a", "b"); // e shares a's rack: skipped
    assertThat(map.replicasOf(e(1))).containsExactly("e", "b");
    assertThat(map.replicasOf(q(1))).containsExactly("b", "c");
    assertThat(map.replicasOf(q(3))).containsExactly("d", "a");
    assertThat(own.ownership("a")).isCloseTo(0.5, within(1e-12));
    assertThat(own.ownership("b")).isCloseTo(0.5, within(1e-12));
    assertThat(own.ownership("c")).isCloseTo(0.375, within(1e-12));
    assertThat(own.ownership("d")).isCloseTo(0.5, within(1e-12));
    assertThat(own.ownership("e")).isCloseTo(0.125, within(1e-12));
    assertThat(own.byNode().values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(2.0, within(1e-12));
  }

  @Test
  void fewerNodesThanReplicasMeansEveryNodeHoldsEverything() {
    var ring = List.of(node("a", "r1", q(0)), node("b", "r2", q(2)));

    var own = OwnershipCalculator.calculate(ring, 3);

    assertThat(own.ownership("a")).isCloseTo(1.0, within(1e-12));
    assertThat(own.ownership("b")).isCloseTo(1.0, within(1e-12));
    assertThat(own.replicaMap().replicasOf(q(1))).containsExactly("b", "a");
  }

  @Test
  void aSingleTokenOwnsTheWholeRing() {
    var own = OwnershipCalculator.calculate(List.of(node("a", "r1", 42L)), 3);

    assertThat(own.ownership("a")).isEqualTo(1.0);
    var range = own.replicaMap().ranges().get(0);
    assertThat(range.start()).isEqualTo(range.end());
    assertThat(range.fraction()).isEqualTo(1.0);
    assertThat(range.contains(Long.MIN_VALUE)).isTrue();
  }

  @Test
  void replicaMapFindsTheRangeOfAnyToken() {
    var ring = List.of(node("a", "r1", q(0)), node("b", "r1", q(1)), node("c", "r1", q(2)), node("d", "r1", q(3)));
    var map = OwnershipCalculator.replicaMap(ring, 2);

    assertThat(map.ranges()).hasSize(4);
    assertThat(map.rangeOf(q(1)).end()).isEqualTo(q(1)); // ranges are (start, end]: the end belongs
    assertThat(map.rangeOf(q(1) + 1).end()).isEqualTo(q(2));
    assertThat(map.rangeOf(q(3) + 1).end()).isEqualTo(q(0)); // past the last token: the wrapping range
    assertThat(map.rangeOf(Long.MAX_VALUE).end()).isEqualTo(q(0));
    assertThat(map.rangeOf(Long.MIN_VALUE).end()).isEqualTo(q(0));
    assertThat(map.rangeOf(q(0)).start()).isEqualTo(q(3));
    assertThat(map.rangeOf(q(0)).contains(Long.MIN_VALUE)).isTrue();
    assertThat(map.rangeOf(q(0)).contains(q(3))).isFalse();
    assertThat(map.rangeOf(q(0)).fraction()).isCloseTo(0.25, within(1e-12));
    assertThat(map.rangesReplicatedBy("a")).extracting(ReplicatedRange::end).containsExactly(q(0), q(3));
  }

  @Test
  void nodesWithoutTokensAreLeftOut() {
    var own = OwnershipCalculator.calculate(
        List.of(node("a", "r1", q(0)), node("b", "r1", q(2)), new RingNode("new", "r1", List.of())), 1);

    assertThat(own.byNode()).containsOnlyKeys("a", "b");
  }

  @Test
  void rejectsInputItCannotScore() {
    assertThatThrownBy(() -> OwnershipCalculator.calculate(List.of(node("a", "r1", 1L), node("b", "r1", 1L)), 3))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("token 1 is held by both a and b");
    assertThatThrownBy(() -> OwnershipCalculator.calculate(List.of(node("a", "r1", 1L), node("a", "r2", 2L)), 3))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("node name a appears twice");
    assertThatThrownBy(() -> OwnershipCalculator.calculate(List.of(node("a", "r1", 1L)), 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("replicationFactor must be at least 1");
  }
}
