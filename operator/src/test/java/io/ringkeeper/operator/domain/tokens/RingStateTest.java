package io.ringkeeper.operator.domain.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The incremental upkeep and the insertion evaluation agree with computing from scratch. */
class RingStateTest {

  static Stream<Long> seeds() {
    long base = System.nanoTime();
    return Stream.concat(Stream.of(11L, 12L, 13L), IntStream.range(0, 7).mapToObj(i -> base + i));
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void incrementalUpdatesMatchARecomputation(long seed) {
    System.out.println("incrementalUpdatesMatchARecomputation seed=" + seed);
    Random random = new Random(seed);
    int nodes = 2 + random.nextInt(9);
    int racks = 1 + random.nextInt(Math.min(nodes, 4));
    int rf = 1 + random.nextInt(4);
    int[] nodeRack = new int[nodes];
    for (int n = 0; n < nodes; n++) {
      nodeRack[n] = n < racks ? n : random.nextInt(racks);
    }
    RingState state = new RingState(rf, nodeRack);
    RingState fresh = new RingState(rf, nodeRack);
    List<Long> tokens = new ArrayList<>();
    for (int step = 0; step < 120; step++) {
      if (tokens.size() > 2 && random.nextInt(3) == 0) {
        long t = tokens.remove(random.nextInt(tokens.size()));
        state.remove(state.indexOf(t));
      } else {
        long t = random.nextLong();
        int owner = random.nextInt(nodes);
        // An insertion's predicted effect must equal the actual one.
        if (state.size() > 0 && !state.changesEveryRange(owner)) {
          checkPrediction(state, t, owner);
        }
        state.insert(t, owner);
        tokens.add(t);
      }
      long[] sorted = tokens.stream().mapToLong(Long::longValue).sorted().toArray();
      int[] owners = new int[sorted.length];
      for (int i = 0; i < sorted.length; i++) {
        owners[i] = state.owner(state.indexOf(sorted[i]));
      }
      fresh.load(sorted, owners);
      for (int n = 0; n < nodes; n++) {
        assertThat(state.ownership(n)).as("node %d at step %d", n, step).isCloseTo(fresh.ownership(n), within(1e-9));
      }
      for (int i = 0; i < state.size(); i++) {
        assertThat(state.replicasOf(i)).isEqualTo(fresh.replicasOf(i));
      }
    }
  }

  /** quadratic() with zero targets and unit weights predicts sum(own'^2) - sum(own^2). */
  private static void checkPrediction(RingState state, long token, int owner) {
    int search = state.indexOf(token);
    if (search >= 0) {
      return;
    }
    int gap = -search - 1;
    if (gap == state.size()) {
      gap = 0;
    }
    long prev = state.token(gap == 0 ? state.size() - 1 : gap - 1);
    double d = Tokens.width(prev, token) / Tokens.RING;
    int n = state.nodeCount();
    double[] zero = new double[n];
    double[] one = new double[n];
    java.util.Arrays.fill(one, 1.0);
    double[] abc = new double[3];
    state.quadratic(gap, owner, zero, one, 0.0, abc);
    double predicted = abc[0] + abc[1] * d + abc[2] * d * d;
    double before = 0;
    for (int k = 0; k < n; k++) {
      before += state.ownership(k) * state.ownership(k);
    }
    state.insert(token, owner);
    double after = 0;
    for (int k = 0; k < n; k++) {
      after += state.ownership(k) * state.ownership(k);
    }
    state.remove(state.indexOf(token));
    assertThat(predicted).isCloseTo(after - before, within(1e-9));
  }
}
