package io.ringkeeper.operator.domain.tokens;

import java.util.Arrays;

/**
 * Ownership targets for a node joining a single-replica ring (one rack's ring when racks equal rf), chosen with
 * a look at the nodes still to come.
 *
 * <p>Why: a joining node with {@code v} tokens takes ownership from at most {@code v} nodes (each token splits
 * one range, whose owner alone loses). While the ring has no more than {@code v} nodes every node can give its
 * share and the ring stays perfect, but then the next node leaves some nodes untouched at the old, larger share,
 * and the spread jumps to {@code (v + 1) / v} at once. Leaving the ring slightly uneven beforehand, so that the
 * nodes the next joiners will not reach are the ones already lowest, spreads that jump over several sizes.
 *
 * <p>Algorithm, on ownership values alone (arcs are the engine's business): the {@code m = min(v, n)} largest
 * owners are the victims. For a ratio {@code theta >= 1}, the victims (largest first) and then the new node get
 * the shares {@code s, s/theta, s/theta^2, ...}, scaled so that they share what the victims own now (the new
 * node, last, gets the least); a ratio is usable when no victim would grow. {@code theta = 1} is plain
 * water-filling: victims and new node level out. Each usable ratio on a grid is scored by the spread it leaves
 * and the worst spread over the next {@code min(v, 32)} joiners, each of which water-fills; the best score wins,
 * the smallest ratio among equals; when the victims are too uneven for any ratio, plain water-filling in which
 * victims below the level keep their share. Nodes that are not victims keep their share as target.
 */
final class StaggeredTargets {

  private static final int GRID = 80;
  private static final double GRID_STEP = 0.0025;
  private static final int MAX_HORIZON = 32;

  private StaggeredTargets() {}

  /**
   * Targets for every node of the ring and the joining node.
   *
   * @param ownership each current node's share of the ring (summing to 1)
   * @param numTokens tokens of the joining node
   * @return targets for the current nodes, then (last) for the joining node; they sum to 1
   */
  static double[] of(double[] ownership, int numTokens) {
    int n = ownership.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    // Largest first; equal shares by index, for determinism.
    Arrays.sort(order, (a, b) -> ownership[a] != ownership[b] ? Double.compare(ownership[b], ownership[a])
        : Integer.compare(a, b));
    int m = Math.min(numTokens, n);
    double[] victims = new double[m];
    double victimTotal = 0;
    for (int k = 0; k < m; k++) {
      victims[k] = ownership[order[k]];
      victimTotal += victims[k];
    }
    double[] rest = new double[n - m];
    for (int k = m; k < n; k++) {
      rest[k - m] = ownership[order[k]];
    }
    int horizon = Math.min(numTokens, MAX_HORIZON);

    double[] best = null;
    double bestScore = Double.POSITIVE_INFINITY;
    for (int g = 0; g <= GRID; g++) {
      double[] shares = ramp(victims, victimTotal, 1 + g * GRID_STEP);
      if (shares == null) {
        continue;
      }
      double[] after = ascending(shares, rest);
      double score = Math.max(after[after.length - 1] / after[0], rollout(after, numTokens, horizon));
      if (score < bestScore - 1e-12) {
        bestScore = score;
        best = shares;
      }
    }
    if (best == null) {
      best = waterFill(victims); // victims too uneven for any ramp
    }
    double[] targets = Arrays.copyOf(ownership, n + 1);
    for (int k = 0; k < m; k++) {
      targets[order[k]] = best[k];
    }
    targets[n] = best[m];
    return targets;
  }

  /** Shares {@code s / theta^k} for the victims then the new node, summing to {@code total}; null if a victim grows. */
  private static double[] ramp(double[] victims, double total, double theta) {
    int m = victims.length;
    double[] shares = new double[m + 1];
    double weight = 1;
    double sum = 0;
    for (int k = 0; k <= m; k++) {
      shares[k] = weight;
      sum += weight;
      weight /= theta;
    }
    for (int k = 0; k <= m; k++) {
      shares[k] *= total / sum;
      if (k < m && shares[k] > victims[k] * (1 + 1e-12)) {
        return null;
      }
    }
    return shares;
  }

  /**
   * Water-filling: the victims (largest first) above a common level give down to it and the new node gets that
   * level; victims below it keep their share. Returns the victims' shares then the new node's.
   */
  private static double[] waterFill(double[] victims) {
    int m = victims.length;
    double level = level(victims, m);
    double[] shares = Arrays.copyOf(victims, m + 1);
    for (int k = 0; k < m && victims[k] > level; k++) {
      shares[k] = level;
    }
    shares[m] = level;
    return shares;
  }

  /**
   * Worst spread over {@code steps} more joiners that each water-fill their {@code numTokens} largest owners,
   * starting from {@code start} (ascending).
   */
  private static double rollout(double[] start, int numTokens, int steps) {
    // Values stay sorted ascending: a water-filling step replaces the largest ones by one level (and victims
    // below the level keep theirs), so it is an insertion, not a sort.
    double[] o = Arrays.copyOf(start, start.length + steps);
    int n = start.length;
    double[] victims = new double[Math.min(numTokens, n + steps)];
    double worst = 1;
    for (int s = 0; s < steps; s++) {
      int m = Math.min(numTokens, n);
      for (int k = 0; k < m; k++) {
        victims[k] = o[n - 1 - k];
      }
      double level = level(victims, m);
      // Victims above the level drop to it; with the new node they make (giving + 1) values at the level.
      int giving = 0;
      while (giving < m && victims[giving] > level) {
        giving++;
      }
      int kept = n - giving; // the smallest values, still sorted
      int at = upperBound(o, kept, level);
      int copies = giving + 1;
      System.arraycopy(o, at, o, at + copies, kept - at);
      Arrays.fill(o, at, at + copies, level);
      n = kept + copies;
      worst = Math.max(worst, o[n - 1] / o[0]);
    }
    return worst;
  }

  /** The water-filling level of the {@code m} largest-first victims: what each giver and the new node end with. */
  private static double level(double[] victims, int m) {
    double prefix = 0;
    double level = 0;
    for (int j = 1; j <= m; j++) {
      prefix += victims[j - 1];
      double candidate = prefix / (j + 1);
      if (victims[j - 1] >= candidate) {
        level = candidate;
      }
    }
    return level;
  }

  /** First index in {@code a[0..length)} (ascending) holding a value greater than {@code v}. */
  private static int upperBound(double[] a, int length, double v) {
    int lo = 0;
    int hi = length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] <= v) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** The values of two descending arrays, merged ascending. */
  private static double[] ascending(double[] a, double[] b) {
    double[] out = new double[a.length + b.length];
    int i = a.length - 1;
    int j = b.length - 1;
    for (int k = 0; k < out.length; k++) {
      out[k] = j < 0 || (i >= 0 && a[i] <= b[j]) ? a[i--] : b[j--];
    }
    return out;
  }
}
