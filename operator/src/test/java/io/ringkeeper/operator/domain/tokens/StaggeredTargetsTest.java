package io.ringkeeper.operator.domain.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class StaggeredTargetsTest {

  static Stream<Long> seeds() {
    long base = System.nanoTime();
    return Stream.concat(Stream.of(21L, 22L), IntStream.range(0, 6).mapToObj(i -> base + i));
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void targetsOnlyMoveOwnershipFromAtMostNumTokensNodesToTheNewOne(long seed) {
    System.out.println("targetsOnlyMoveOwnershipFromAtMostNumTokensNodesToTheNewOne seed=" + seed);
    Random random = new Random(seed);
    int n = 1 + random.nextInt(40);
    int numTokens = 1 + random.nextInt(20);
    double[] shares = new double[n];
    for (int i = 0; i < n; i++) {
      shares[i] = 0.5 + random.nextDouble();
    }
    double total = Arrays.stream(shares).sum();
    for (int i = 0; i < n; i++) {
      shares[i] /= total;
    }

    double[] targets = StaggeredTargets.of(shares, numTokens);

    assertThat(targets).hasSize(n + 1);
    assertThat(Arrays.stream(targets).sum()).isCloseTo(1.0, within(1e-9));
    assertThat(targets[n]).isPositive();
    int givers = 0;
    for (int i = 0; i < n; i++) {
      assertThat(targets[i]).isLessThanOrEqualTo(shares[i] * (1 + 1e-9));
      givers += targets[i] < shares[i] * (1 - 1e-12) ? 1 : 0;
    }
    assertThat(givers).isLessThanOrEqualTo(numTokens);
  }

  @Test
  void aRingNoLargerThanNumTokensCanBeLevelledButIsStaggeredForTheNodesToCome() {
    // 16 equal nodes, 16 tokens: levelling now would make the 18th node's spread 17/16; the targets leave the
    // ring slightly uneven instead, never worse than that jump.
    double[] shares = new double[16];
    Arrays.fill(shares, 1.0 / 16);

    double[] targets = StaggeredTargets.of(shares, 16);

    double min = Arrays.stream(targets).min().orElseThrow();
    double max = Arrays.stream(targets).max().orElseThrow();
    assertThat(max / min).isGreaterThan(1.0).isLessThan(17.0 / 16);
  }

  @Test
  void aSingleNodeRingGivesHalfToTheNewNode() {
    assertThat(StaggeredTargets.of(new double[] {1.0}, 8)).containsExactly(new double[] {0.5, 0.5}, within(1e-12));
  }
}
