package io.ringkeeper.operator.domain.tokens;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Deterministic, replication- and rack-aware Murmur3 token allocation for one datacenter under
 * NetworkTopologyStrategy. Quality is the spread of effective ownership (max/min within each rack, worst rack)
 * as computed by {@link OwnershipCalculator}; 1.000 is perfect.
 *
 * <h2>A whole new datacenter: constructed, not searched</h2>
 * All tokens are chosen together, so a perfect ring is built directly. With {@code T = nodes x numTokens} tokens
 * evenly spaced, give token {@code k} to rack {@code k mod R} and, within that rack, to its nodes in turn. Then
 * every {@code rf} consecutive tokens belong to distinct nodes that NetworkTopologyStrategy takes in order
 * (distinct racks when {@code R >= rf}; with {@code R < rf} the first {@code R} are distinct racks and the rest
 * are the allowed repeats), so every token replicates exactly {@code rf} equal ranges and every node owns the
 * same share. This needs racks of equal size (or one rack, or {@code rf = 1}). When racks differ in size and
 * {@code R == rf}, each rack holds exactly one replica of every range, so each rack is its own ring: its tokens
 * are evenly spaced and dealt to its nodes in turn, which is perfect within every rack. In the remaining case
 * (racks of unequal size, {@code 1 < R != rf}, {@code rf > 1}) the tokens stay evenly spaced and follow a
 * cyclic sequence of racks in which every {@code rf} consecutive tokens are again taken whole by
 * NetworkTopologyStrategy (see {@code windowed}); that is perfect whenever such a sequence exists, which the
 * benchmark finds for 2 and 5 racks at every size. When it does not (a rack too large to keep out of its own
 * windows), the largest part with equal racks is built perfectly and the remaining nodes (fewer than one per
 * rack) are added one at a time as below.
 *
 * <h2>One more node: greedy insertion with exact evaluation, then refinement</h2>
 * <ol>
 *   <li>Choose the ring that the new node's tokens change, as Cassandra's allocator does: with {@code rf = 1},
 *       all nodes, each owning its ranges alone; with {@code R == rf} (counting the new node's rack), only the
 *       new node's rack, whose nodes each own the ranges up to their tokens in the rack's own sub-ring;
 *       otherwise the whole datacenter under full NetworkTopologyStrategy placement.
 *   <li>Targets: the ownership every node should have once the new node joined. In a replicated ring each
 *       rack's share of the {@code rf} replicas is proportional to its node count, clamped to what placement
 *       allows (at most one replica per range per rack when {@code R >= rf}; at least one and at most
 *       {@code 1 + rf - R} when {@code R < rf}); a node's target is its rack's share divided evenly. In a
 *       single-replica ring the targets look ahead ({@link StaggeredTargets}): the nodes the new one takes from
 *       are left slightly staggered when that keeps the spread lower over the next joiners.
 *   <li>Objective: {@code sum over nodes of ((ownership - target) / target)^2}, relative so that racks with
 *       different targets weigh alike. In replicated rings (rf > 1 over the whole datacenter) add
 *       {@code sum over ranges of ((width - ideal width) / mean target)^2}: a token's share there is the sum
 *       of rf consecutive ranges, and ranges kept near the ideal width leave later nodes good choices.
 *   <li>Place the new node's tokens one by one. For every gap between consecutive tokens, the change in the
 *       objective is an exact quadratic in the new token's position (see {@link RingState}), minimised in closed
 *       form; the best gap wins. While placing token {@code k} of {@code n}, the new node aims at {@code k/n} of
 *       its target so that early tokens do not drain one node.
 *   <li>Refine: take each of the new node's tokens out in turn and put it back where it now helps most; repeat
 *       while anything improves, at most 4 rounds in single-replica rings and 2 in replicated ones. This evens
 *       the new node's share against the nodes it takes from.
 * </ol>
 * When the new node owns everything whatever its tokens (fewer than {@code rf + 1} nodes, or the first node of a
 * rack while {@code R <= rf}), its tokens are evenly spaced at the offset farthest from the existing tokens,
 * which is what the later nodes of its rack grow best from.
 *
 * <p>Tokens are unique across the datacenter and {@code tokensInUse}, never Murmur3's reserved minimum, and the
 * same input always yields the same tokens (node and rack order in the input does not matter).
 */
public final class ReplicationAwareTokenAllocator implements TokenAllocator {

  /** Upper bound of numTokens. */
  public static final int MAX_TOKENS = 256;

  /**
   * Refinement rounds: cheap in single-replica rings; in replicated rings every move recomputes the effects of
   * nearby gaps, and rounds after the second rarely changed the spread in the benchmark.
   */
  private static final int REFINE_ROUNDS = 4;
  private static final int REFINE_ROUNDS_REPLICATED = 2;
  private static final double MIN_STEP = 1.0 / Tokens.RING;
  /** Weight of range-width regularity in replicated rings, relative to ownership balance (tuned by benchmark). */
  private static final double WIDTH_WEIGHT = 1.0;

  public ReplicationAwareTokenAllocator() {}

  @Override
  public Map<String, List<Long>> allocateNewDatacenter(
      List<NewNode> nodes, int numTokens, int replicationFactor, Set<Long> tokensInUse) {
    checkArgument(nodes != null, "nodes must not be null");
    checkArgument(!nodes.isEmpty(), "nodes must not be empty: a datacenter needs at least one node");
    checkCommon(numTokens, replicationFactor, tokensInUse);
    TreeMap<String, List<String>> racks = new TreeMap<>(NaturalOrder.INSTANCE);
    Set<String> names = new HashSet<>();
    for (NewNode node : nodes) {
      checkNode(node);
      if (!names.add(node.name())) {
        throw new IllegalArgumentException("node name " + node.name() + " appears twice in nodes");
      }
      racks.computeIfAbsent(node.rack(), r -> new ArrayList<>()).add(node.name());
    }
    racks.values().forEach(list -> list.sort(NaturalOrder.INSTANCE));

    int rackCount = racks.size();
    int total = nodes.size();
    boolean equalRacks = racks.values().stream().allMatch(l -> l.size() * rackCount == total);
    Map<String, List<Long>> built;
    if (replicationFactor == 1 || rackCount == 1 || equalRacks || total <= replicationFactor) {
      built = interleaved(racks, equalRacks || rackCount == 1, numTokens, tokensInUse);
    } else if (rackCount == replicationFactor) {
      built = rackRings(racks, numTokens, tokensInUse);
    } else {
      built = windowed(racks, numTokens, replicationFactor, tokensInUse);
      if (built == null) {
        built = equalPartThenOneByOne(racks, numTokens, replicationFactor, tokensInUse);
      }
    }
    Map<String, List<Long>> result = built;
    Map<String, List<Long>> ordered = new LinkedHashMap<>();
    nodes.forEach(n -> ordered.put(n.name(), result.get(n.name())));
    return Collections.unmodifiableMap(ordered);
  }

  @Override
  public List<Long> allocateNode(
      List<RingNode> datacenter, NewNode node, int numTokens, int replicationFactor, Set<Long> tokensInUse) {
    checkArgument(datacenter != null, "datacenter must not be null");
    checkNode(node);
    checkCommon(numTokens, replicationFactor, tokensInUse);
    List<RingNode> present = new ArrayList<>(datacenter.size());
    Set<String> names = new HashSet<>();
    int tokenCount = 0;
    for (RingNode ringNode : datacenter) {
      checkArgument(ringNode != null, "datacenter must not contain null nodes");
      if (ringNode.name().isBlank() || ringNode.rack().isBlank()) {
        throw new IllegalArgumentException("datacenter node names and racks must not be blank");
      }
      if (!names.add(ringNode.name())) {
        throw new IllegalArgumentException("node name " + ringNode.name() + " appears twice in datacenter");
      }
      if (!ringNode.tokens().isEmpty()) {
        present.add(ringNode);
        tokenCount += ringNode.tokens().size();
      }
    }
    if (names.contains(node.name())) {
      throw new IllegalArgumentException(
          "node " + node.name() + " is already in the datacenter; choose a new name or remove it first");
    }
    LongSet dcTokens = new LongSet(tokenCount + numTokens);
    for (RingNode ringNode : present) {
      for (long token : ringNode.tokens()) { // RingNode holds no nulls
        if (!dcTokens.add(token)) {
          throw new IllegalArgumentException("token " + token + " appears twice in datacenter");
        }
      }
    }
    present.sort((a, b) -> NaturalOrder.INSTANCE.compare(a.name(), b.name()));
    Taken taken = new Taken(tokensInUse, dcTokens);
    List<Long> tokens = allocate(present, node, numTokens, replicationFactor, taken);
    Collections.sort(tokens);
    return List.copyOf(tokens);
  }

  /** Tokens that must not be handed out: the caller's, the datacenter's, and those chosen here so far. */
  private static final class Taken {
    private final Set<Long> inUse;
    private final LongSet chosen;

    Taken(Set<Long> inUse, LongSet datacenter) {
      this.inUse = inUse;
      this.chosen = datacenter;
    }

    Taken(Set<Long> inUse) {
      this(inUse, new LongSet(64));
    }

    boolean contains(long token) {
      return token == Tokens.RESERVED || chosen.contains(token) || inUse.contains(token);
    }

    /** {@code token}, or the next free one clockwise, now taken. */
    long claim(long token) {
      long t = token;
      while (contains(t)) {
        t++;
      }
      chosen.add(t);
      return t;
    }

    void add(long token) {
      chosen.add(token);
    }
  }

  // --- one node ------------------------------------------------------------------------------------------------

  /** Tokens for {@code node} joining {@code present} (nodes with tokens, in natural name order). */
  private static List<Long> allocate(List<RingNode> present, NewNode node, int numTokens, int rf, Taken taken) {
    Set<String> racks = new HashSet<>();
    present.forEach(n -> racks.add(n.rack()));
    boolean newRack = !racks.contains(node.rack());
    int racksAfter = racks.size() + (newRack ? 1 : 0);
    int nodesAfter = present.size() + 1;

    if (present.isEmpty() || nodesAfter <= rf || (newRack && racksAfter <= rf)) {
      // The new node replicates every range whatever its tokens; lay them out for the nodes to come.
      return spaced(allTokens(present), numTokens, taken);
    }
    List<RingNode> ring;
    int ringRf;
    int ringRacks;
    if (rf == 1) {
      ring = present;
      ringRf = 1;
      ringRacks = 1;
    } else if (racksAfter == rf) {
      ring = present.stream().filter(n -> n.rack().equals(node.rack())).toList();
      ringRf = 1;
      ringRacks = 1;
    } else {
      ring = present;
      ringRf = rf;
      ringRacks = racksAfter;
    }
    return new Insertion(ring, node, ringRf, ringRacks, rf, numTokens, taken).run(numTokens);
  }

  /** Greedy insertion of one node's tokens into a ring, then refinement; see the class Javadoc. */
  private static final class Insertion {
    private final RingState state;
    private final int x;
    private final double[] target;
    private final double[] weight;
    private final Taken taken;
    private final int existingTokens;
    private final boolean replicated;
    private final double[] abc = new double[3];
    private int[] widest = new int[0];
    private double idealWidth;
    private double widthWeight;

    Insertion(List<RingNode> ring, NewNode node, int ringRf, int ringRacks, int rf, int numTokens, Taken taken) {
      this.taken = taken;
      this.replicated = ringRf > 1;
      int n = ring.size();
      List<String> rackNames = new ArrayList<>();
      int[] rackOf = new int[n + 1];
      for (int i = 0; i <= n; i++) {
        String rack = i < n ? ring.get(i).rack() : node.rack();
        int r = rackNames.indexOf(rack);
        if (r < 0) {
          rackNames.add(rack);
          r = rackNames.size() - 1;
        }
        rackOf[i] = r;
      }
      int[] nodeRack = replicated ? rackOf : new int[n + 1]; // racks play no part in a single-replica ring
      this.x = n;
      int total = 0;
      for (RingNode r : ring) {
        total += r.tokens().size();
      }
      this.state = new RingState(ringRf, nodeRack, total + numTokens);
      long[] sortedTokens = new long[total];
      int k = 0;
      for (RingNode r : ring) {
        for (long t : r.tokens()) {
          sortedTokens[k++] = t;
        }
      }
      Arrays.sort(sortedTokens); // tokens are unique (checked), so each one's owner is found by search
      int[] owner = new int[total];
      for (int i = 0; i < n; i++) {
        for (long t : ring.get(i).tokens()) {
          owner[Arrays.binarySearch(sortedTokens, t)] = i;
        }
      }
      state.load(sortedTokens, owner);
      this.existingTokens = total;

      // Targets once the node joined.
      int[] rackSizes = new int[rackNames.size()];
      for (int i = 0; i <= n; i++) {
        rackSizes[rackOf[i]]++;
      }
      double[] shares = replicated ? rackShares(rackSizes, rf, ringRacks) : null;
      target = new double[n + 1];
      weight = new double[n + 1];
      for (int i = 0; i <= n; i++) {
        target[i] = replicated ? shares[rackOf[i]] / rackSizes[rackOf[i]] : 1.0 / (n + 1);
        weight[i] = 1.0 / (target[i] * target[i]);
      }
    }

    List<Long> run(int numTokens) {
      if (!replicated) {
        double[] shares = new double[x];
        for (int i = 0; i < x; i++) {
          shares[i] = state.ownership(i);
        }
        double[] staggered = StaggeredTargets.of(shares, numTokens);
        for (int i = 0; i <= x; i++) {
          target[i] = staggered[i];
          weight[i] = 1.0 / (target[i] * target[i]);
        }
      }
      idealWidth = 1.0 / (existingTokens + numTokens);
      double meanTarget = Arrays.stream(target).average().orElseThrow();
      // Width deviations are measured in units of a node's target, so the term weighs the same at any size.
      widthWeight = replicated ? WIDTH_WEIGHT / (meanTarget * meanTarget) : 0;

      List<Long> mine = new ArrayList<>(numTokens);
      for (int k = 1; k <= numTokens; k++) {
        Best best = best(target[x] * k / numTokens);
        long token = materialize(best.gap, best.offset);
        state.insert(token, x);
        mine.add(token);
      }
      for (int round = 0; round < (replicated ? REFINE_ROUNDS_REPLICATED : REFINE_ROUNDS); round++) {
        boolean moved = false;
        for (int k = 0; k < mine.size(); k++) {
          long old = mine.get(k);
          state.remove(state.indexOf(old));
          int gap = gapOf(old);
          double oldOffset = Tokens.width(previousToken(gap), old) / Tokens.RING;
          score(gap, target[x]);
          double oldDelta = abc[0] + abc[1] * oldOffset + abc[2] * oldOffset * oldOffset;
          Best best = best(target[x]);
          long token = old;
          if (best.delta < oldDelta - 1e-12 * Math.max(1.0, Math.abs(oldDelta))) {
            token = materialize(best.gap, best.offset);
            moved = true;
          }
          state.insert(token, x);
          mine.set(k, token);
        }
        if (!moved) {
          break;
        }
      }
      return mine;
    }

    /**
     * The objective change of a token of the new node {@code d} past the token before {@code gap}, as
     * {A, B, C} in {@link #abc}: ownership deviations, plus in replicated rings a term keeping ranges near the
     * ideal width. There a token's share is the sum of rf consecutive ranges, so ranges that drift far from the
     * ideal leave later nodes only lopsided choices; in a single-replica ring the term only gets in the way.
     */
    private void score(int gap, double targetX) {
      state.quadratic(gap, x, target, weight, targetX, abc);
      if (widthWeight > 0) {
        // Change of widthWeight * sum((width - ideal)^2) when a range of width w splits into d and w - d.
        double w = state.width(gap);
        abc[0] += widthWeight * idealWidth * idealWidth;
        abc[1] += -2 * widthWeight * w;
        abc[2] += 2 * widthWeight;
      }
    }

    private record Best(int gap, double offset, double delta) {}

    private Best best(double targetX) {
      return replicated ? bestByGap(targetX) : bestByVictim(targetX);
    }

    /**
     * In a single-replica ring a token only takes the left part of one range from that range's owner, so the
     * objective change depends on the owner and the new node alone, except that the token must fit in the range:
     * each node's best range is its widest. One pass finds every node's widest range, then each node is scored
     * once (the new node's own ranges change nothing). Equal scores go to the lower node index.
     */
    private Best bestByVictim(double targetX) {
      int nodes = x + 1;
      if (widest.length < nodes) {
        widest = new int[nodes];
      }
      Arrays.fill(widest, 0, nodes, -1);
      for (int gap = 0; gap < state.size(); gap++) {
        int owner = state.owner(gap);
        if (widest[owner] < 0 || state.width(gap) > state.width(widest[owner])) {
          widest[owner] = gap;
        }
      }
      int bestGap = -1;
      double bestOffset = 0;
      double bestDelta = Double.POSITIVE_INFINITY;
      for (int victim = 0; victim < nodes; victim++) {
        int gap = widest[victim];
        if (gap < 0) {
          continue;
        }
        double w = state.width(gap);
        if (w < 3 * MIN_STEP) {
          continue;
        }
        state.quadratic(gap, x, target, weight, targetX, abc);
        double d = abc[2] > 0 ? clamp(-abc[1] / (2 * abc[2]), MIN_STEP, w - MIN_STEP) : w / 2;
        double delta = abc[0] + abc[1] * d + abc[2] * d * d;
        if (delta < bestDelta) {
          bestDelta = delta;
          bestGap = gap;
          bestOffset = d;
        }
      }
      if (bestGap < 0) {
        throw new IllegalStateException("the ring has no room for another token");
      }
      return new Best(bestGap, bestOffset, bestDelta);
    }

    private Best bestByGap(double targetX) {
      int bestGap = -1;
      double bestOffset = 0;
      double bestDelta = Double.POSITIVE_INFINITY;
      for (int gap = 0; gap < state.size(); gap++) {
        double w = state.width(gap);
        if (w < 3 * MIN_STEP) {
          continue;
        }
        score(gap, targetX);
        double d = abc[2] > 0 ? clamp(-abc[1] / (2 * abc[2]), MIN_STEP, w - MIN_STEP) : w / 2;
        double delta = abc[0] + abc[1] * d + abc[2] * d * d;
        if (delta < bestDelta) {
          bestDelta = delta;
          bestGap = gap;
          bestOffset = d;
        }
      }
      if (bestGap < 0) {
        throw new IllegalStateException("the ring has no room for another token");
      }
      return new Best(bestGap, bestOffset, bestDelta);
    }

    private int gapOf(long token) {
      int i = -state.indexOf(token) - 1;
      return i == state.size() ? 0 : i;
    }

    private long previousToken(int gap) {
      return state.token(gap == 0 ? state.size() - 1 : gap - 1);
    }

    /** A free token {@code offset} (ring fraction) past the token before {@code gap}, nudged off clashes. */
    private long materialize(int gap, double offset) {
      long prev = previousToken(gap);
      long next = state.token(gap);
      double span = Tokens.width(prev, next);
      double at = Math.max(1, Math.min(Math.floor(offset * Tokens.RING), span - 1));
      long token = freeNear(Tokens.advance(prev, at), prev, next, taken);
      taken.add(token);
      return token;
    }
  }

  /**
   * Share of the rf replicas each rack should hold: proportional to its node count, clamped to what
   * NetworkTopologyStrategy allows. With {@code racks >= rf} a rack holds at most one replica of a range; with
   * fewer racks every rack holds at least one and at most {@code 1 + rf - racks}.
   */
  static double[] rackShares(int[] rackSizes, int rf, int racks) {
    int nodes = Arrays.stream(rackSizes).sum();
    double[] lo = new double[rackSizes.length];
    double[] hi = new double[rackSizes.length];
    for (int r = 0; r < rackSizes.length; r++) {
      lo[r] = racks >= rf ? 0 : 1;
      hi[r] = Math.min(rackSizes[r], racks >= rf ? 1 : 1 + rf - racks);
    }
    double want = Math.min(rf, nodes);
    double a = 0;
    double b = want;
    for (int iter = 0; iter < 100; iter++) {
      double mid = (a + b) / 2;
      double sum = 0;
      for (int r = 0; r < rackSizes.length; r++) {
        sum += clamp(mid * rackSizes[r], lo[r], hi[r]);
      }
      if (sum < want) {
        a = mid;
      } else {
        b = mid;
      }
    }
    double[] shares = new double[rackSizes.length];
    for (int r = 0; r < rackSizes.length; r++) {
      shares[r] = clamp(b * rackSizes[r], lo[r], hi[r]);
    }
    return shares;
  }

  // --- a new datacenter ----------------------------------------------------------------------------------------

  /**
   * Evenly spaced tokens dealt rack by rack ({@code byRack}) or node by node in placement order (otherwise, for
   * rf 1 or a datacenter no larger than rf, where any dealing is perfect).
   */
  private static Map<String, List<Long>> interleaved(
      TreeMap<String, List<String>> racks, boolean byRack, int numTokens, Set<Long> tokensInUse) {
    List<String> order = placementOrder(racks);
    int total = order.size() * numTokens;
    double spacing = Tokens.RING / total;
    List<List<String>> rackLists = new ArrayList<>(racks.values());
    int rackCount = rackLists.size();
    Map<String, List<Long>> out = new LinkedHashMap<>();
    Taken taken = new Taken(tokensInUse);
    for (int k = 0; k < total; k++) {
      String owner;
      if (byRack) {
        List<String> rack = rackLists.get(k % rackCount);
        owner = rack.get((k / rackCount) % rack.size());
      } else {
        owner = order.get(k % order.size());
      }
      long token = taken.claim(Tokens.advance(Tokens.RESERVED, (k + 0.5) * spacing));
      out.computeIfAbsent(owner, o -> new ArrayList<>()).add(token);
    }
    out.values().forEach(Collections::sort);
    return out;
  }

  /** One evenly spaced sub-ring per rack, racks offset from each other; for rf == racks. */
  private static Map<String, List<Long>> rackRings(
      TreeMap<String, List<String>> racks, int numTokens, Set<Long> tokensInUse) {
    int largest = racks.values().stream().mapToInt(List::size).max().orElseThrow();
    double finest = Tokens.RING / ((double) largest * numTokens);
    int rackCount = racks.size();
    Map<String, List<Long>> out = new LinkedHashMap<>();
    Taken taken = new Taken(tokensInUse);
    int r = 0;
    for (List<String> rack : racks.values()) {
      int count = rack.size() * numTokens;
      double spacing = Tokens.RING / count;
      double offset = (r + 0.5) / rackCount * finest;
      for (int k = 0; k < count; k++) {
        long token = taken.claim(Tokens.advance(Tokens.RESERVED, offset + k * spacing));
        out.computeIfAbsent(rack.get(k % rack.size()), o -> new ArrayList<>()).add(token);
      }
      r++;
    }
    out.values().forEach(Collections::sort);
    return out;
  }

  /**
   * Racks of unequal size with {@code 1 < R != rf}, perfectly when possible: evenly spaced tokens whose racks
   * follow a cyclic sequence in which every {@code rf} consecutive tokens are replicas of each other's ranges
   * exactly: distinct racks when {@code R >= rf}; every rack present, each at most {@code 1 + rf - R} times,
   * when {@code R < rf}. Each rack's tokens are dealt to its nodes in turn, so the nodes of a window are distinct
   * too. Then every token replicates {@code rf} equal ranges and every node owns the same share. The sequence
   * is built greedily (the rack with most tokens left that keeps the window rule) and checked around the wrap;
   * returns null when that fails, e.g. when a rack is too large for the rule ({@code nodes of rack > nodes/rf}
   * with {@code R >= rf}).
   */
  private static Map<String, List<Long>> windowed(
      TreeMap<String, List<String>> racks, int numTokens, int rf, Set<Long> tokensInUse) {
    List<List<String>> rackLists = new ArrayList<>(racks.values());
    int rackCount = rackLists.size();
    int total = rackLists.stream().mapToInt(List::size).sum() * numTokens;
    int[] left = new int[rackCount];
    int[] maxInWindow = new int[rackCount];
    for (int r = 0; r < rackCount; r++) {
      left[r] = rackLists.get(r).size() * numTokens;
      maxInWindow[r] = Math.min(rackLists.get(r).size(), rackCount >= rf ? 1 : 1 + rf - rackCount);
    }
    int[] seq = new int[total];
    int[] inWindow = new int[rackCount]; // occurrences among the last rf - 1 placed
    for (int p = 0; p < total; p++) {
      int missing = 0;
      int onlyMissing = -1;
      for (int r = 0; r < rackCount; r++) {
        if (inWindow[r] == 0) {
          missing++;
          onlyMissing = r;
        }
      }
      int best = -1;
      for (int r = 0; r < rackCount; r++) {
        if (left[r] == 0 || inWindow[r] + 1 > maxInWindow[r]) {
          continue;
        }
        // With fewer racks than rf, a full window must hold every rack.
        if (rackCount < rf && p >= rf - 1 && missing == 1 && r != onlyMissing) {
          continue;
        }
        if (best < 0 || left[r] > left[best]) {
          best = r;
        }
      }
      if (best < 0) {
        return null;
      }
      seq[p] = best;
      left[best]--;
      inWindow[best]++;
      int drop = p - (rf - 1); // slide: the next position's window is the rf - 1 positions up to p
      if (drop >= 0) {
        inWindow[seq[drop]]--;
      }
    }
    if (!windowsHold(seq, rackCount, rf, maxInWindow)) {
      return null;
    }
    double spacing = Tokens.RING / total;
    int[] dealt = new int[rackCount];
    Map<String, List<Long>> out = new LinkedHashMap<>();
    Taken taken = new Taken(tokensInUse);
    for (int k = 0; k < total; k++) {
      List<String> rack = rackLists.get(seq[k]);
      String owner = rack.get(dealt[seq[k]]++ % rack.size());
      out.computeIfAbsent(owner, o -> new ArrayList<>()).add(taken.claim(Tokens.advance(Tokens.RESERVED,
          (k + 0.5) * spacing)));
    }
    out.values().forEach(Collections::sort);
    return out;
  }

  /** Whether every cyclic window of rf positions keeps the rule {@link #windowed} builds for. */
  private static boolean windowsHold(int[] seq, int rackCount, int rf, int[] maxInWindow) {
    int total = seq.length;
    if (total < rf) {
      return false;
    }
    int[] count = new int[rackCount];
    for (int k = 0; k < rf; k++) {
      count[seq[k]]++;
    }
    for (int start = 0; start < total; start++) {
      for (int r = 0; r < rackCount; r++) {
        if (count[r] > maxInWindow[r] || (rackCount < rf && count[r] == 0)) {
          return false;
        }
      }
      count[seq[start]]--;
      count[seq[(start + rf) % total]]++;
    }
    return true;
  }

  /**
   * Racks of unequal size with {@code 1 < R != rf}: the largest part with equal racks is laid out perfectly by
   * {@link #interleaved}, then the remaining nodes (fewer than one per rack) join one at a time by
   * {@link #allocate}, smallest rack first.
   */
  private static Map<String, List<Long>> equalPartThenOneByOne(
      TreeMap<String, List<String>> racks, int numTokens, int rf, Set<Long> tokensInUse) {
    int perRack = racks.values().stream().mapToInt(List::size).min().orElseThrow();
    TreeMap<String, List<String>> equalPart = new TreeMap<>(NaturalOrder.INSTANCE);
    racks.forEach((rack, names) -> equalPart.put(rack, names.subList(0, perRack)));
    Map<String, List<Long>> out = new LinkedHashMap<>(interleaved(equalPart, true, numTokens, tokensInUse));
    Map<String, String> rackOf = new LinkedHashMap<>();
    racks.forEach((rack, names) -> names.forEach(n -> rackOf.put(n, rack)));
    List<RingNode> ring = new ArrayList<>();
    Taken taken = new Taken(tokensInUse); // remembers every token handed out below too
    out.values().forEach(tokens -> tokens.forEach(taken::add));
    out.forEach((name, tokens) -> ring.add(new RingNode(name, rackOf.get(name), tokens)));
    for (String name : placementOrder(racks)) {
      if (out.containsKey(name)) {
        continue;
      }
      List<RingNode> sorted = new ArrayList<>(ring);
      sorted.sort((a, b) -> NaturalOrder.INSTANCE.compare(a.name(), b.name()));
      List<Long> tokens = allocate(sorted, new NewNode(name, rackOf.get(name)), numTokens, rf, taken);
      Collections.sort(tokens);
      ring.add(new RingNode(name, rackOf.get(name), tokens));
      out.put(name, tokens);
    }
    return out;
  }

  /** Nodes in the order they would be added: round robin over racks (in rack order), each rack's nodes in order. */
  private static List<String> placementOrder(TreeMap<String, List<String>> racks) {
    List<String> order = new ArrayList<>();
    int longest = racks.values().stream().mapToInt(List::size).max().orElse(0);
    for (int i = 0; i < longest; i++) {
      for (List<String> rack : racks.values()) {
        if (i < rack.size()) {
          order.add(rack.get(i));
        }
      }
    }
    return order;
  }

  // --- tokens --------------------------------------------------------------------------------------------------

  /**
   * {@code count} evenly spaced tokens at the offset farthest from {@code existing} (projected onto one
   * spacing), so they interleave with the tokens already there.
   */
  private static List<Long> spaced(long[] existing, int count, Taken taken) {
    double spacing = Tokens.RING / count;
    double offset = spacing / 2;
    if (existing.length > 0) {
      double[] residues = new double[existing.length];
      for (int i = 0; i < existing.length; i++) {
        residues[i] = Tokens.unsigned(existing[i] - Tokens.RESERVED) % spacing;
      }
      Arrays.sort(residues);
      double bestGap = residues[0] + spacing - residues[residues.length - 1];
      offset = (residues[residues.length - 1] + bestGap / 2) % spacing;
      for (int i = 1; i < residues.length; i++) {
        double gap = residues[i] - residues[i - 1];
        if (gap > bestGap) {
          bestGap = gap;
          offset = residues[i - 1] + gap / 2;
        }
      }
    }
    List<Long> out = new ArrayList<>(count);
    for (int k = 0; k < count; k++) {
      out.add(taken.claim(Tokens.advance(Tokens.RESERVED, offset + k * spacing)));
    }
    return out;
  }

  private static long[] allTokens(List<RingNode> nodes) {
    return nodes.stream().flatMap(n -> n.tokens().stream()).mapToLong(Long::longValue).toArray();
  }

  /** The free token closest to {@code wanted} strictly between {@code prev} and {@code next}. */
  private static long freeNear(long wanted, long prev, long next, Taken taken) {
    for (long step = 0; step < 1_000_000; step++) {
      for (int sign = 0; sign < 2; sign++) {
        long candidate = sign == 0 ? wanted + step : wanted - step;
        // prev == next: the ring holds one token, so the gap is the whole ring except that token.
        boolean inside = candidate != prev && (prev == next || Long.compareUnsigned(candidate - prev, next - prev) < 0);
        if (inside && !taken.contains(candidate)) {
          return candidate;
        }
      }
    }
    throw new IllegalStateException("no free token between " + prev + " and " + next);
  }

  // --- validation ----------------------------------------------------------------------------------------------

  private static void checkCommon(int numTokens, int replicationFactor, Set<Long> tokensInUse) {
    checkArgument(numTokens >= 1 && numTokens <= MAX_TOKENS,
        "numTokens must be between 1 and " + MAX_TOKENS + ", got " + numTokens);
    checkArgument(replicationFactor >= 1, "replicationFactor must be at least 1, got " + replicationFactor);
    checkArgument(tokensInUse != null, "tokensInUse must not be null (pass an empty set when no tokens are in use)");
  }

  private static void checkNode(NewNode node) {
    checkArgument(node != null, "node must not be null");
    checkArgument(!node.name().isBlank(), "node name must not be blank");
    checkArgument(!node.rack().isBlank(), "rack of node " + node.name() + " must not be blank");
  }

  private static void checkArgument(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  private static double clamp(double v, double lo, double hi) {
    return Math.max(lo, Math.min(hi, v));
  }
}
