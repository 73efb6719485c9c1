package io.ringkeeper.operator.reconciler.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringkeeper.operator.domain.tokens.OwnershipCalculator;
import io.ringkeeper.operator.domain.tokens.RingNode;
import io.ringkeeper.operator.domain.tokens.RingOwnership;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OwnershipsTest {
  private static List<RingNode> ring(Random random, int nodes, int tokens) {
    List<RingNode> ring = new ArrayList<>();
    for (int n = 0; n < nodes; n++) {
      List<Long> t = new ArrayList<>();
      for (int i = 0; i < tokens; i++) {
        t.add(random.nextLong());
      }
      ring.add(new RingNode("orders-eu-r" + (n % 3 + 1) + "-" + n / 3, "r" + (n % 3 + 1), t));
    }
    return ring;
  }

  @BeforeEach
  void empty() {
    Ownerships.clear();
  }

  @Test
  void aRememberedOwnershipIsTheOneTheCalculatorComputesInAnyNodeOrder() {
    Random random = new Random(7);
    for (int round = 0; round < 20; round++) {
      List<RingNode> ring = ring(random, 1 + random.nextInt(12), 1 + random.nextInt(16));
      int rf = 1 + random.nextInt(3);
      RingOwnership expected = OwnershipCalculator.calculate(ring, rf);
      List<RingNode> shuffled = new ArrayList<>(ring);
      Collections.shuffle(shuffled, random);
      assertThat(Ownerships.of(ring, rf).byNode()).isEqualTo(expected.byNode());
      assertThat(Ownerships.of(shuffled, rf).byNode()).isEqualTo(expected.byNode());
      assertThat(Ownerships.of(shuffled, rf).byRack()).isEqualTo(expected.byRack());
    }
    assertThat(Ownerships.size()).isEqualTo(20);
  }

  @Test
  void aChangedTokenOrReplicationFactorIsNeverAStaleHit() {
    List<RingNode> ring = ring(new Random(3), 6, 4);
    RingOwnership before = Ownerships.of(ring, 3);
    List<RingNode> moved = new ArrayList<>(ring);
    RingNode first = moved.get(0);
    List<Long> tokens = new ArrayList<>(first.tokens());
    tokens.set(0, tokens.get(0) ^ Long.MIN_VALUE); // half the ring away
    moved.set(0, new RingNode(first.name(), first.rack(), tokens));
    assertThat(Ownerships.of(moved, 3).byNode()).isEqualTo(OwnershipCalculator.calculate(moved, 3).byNode())
        .isNotEqualTo(before.byNode());
    assertThat(Ownerships.of(ring, 2).byNode()).isEqualTo(OwnershipCalculator.calculate(ring, 2).byNode())
        .isNotEqualTo(before.byNode());
  }

  @Test
  void theMemoryIsBoundedWhateverTheNumberOfRings() {
    Random random = new Random(11);
    for (int i = 0; i < Ownerships.CAPACITY + 40; i++) {
      Ownerships.of(ring(random, 3, 2), 3);
    }
    assertThat(Ownerships.size()).isEqualTo(Ownerships.CAPACITY);
  }
}
