package io.ringkeeper.operator.domain.tokens;

import java.util.Arrays;

/**
 * One datacenter's token ring under NetworkTopologyStrategy, kept current while tokens are inserted and removed,
 * with the exact effect of a hypothetical insertion. It is the engine behind both {@link OwnershipCalculator} and
 * {@link ReplicationAwareTokenAllocator}.
 *
 * <p>Placement, as Cassandra's NetworkTopologyStrategy does it for one datacenter: the replicas of the range
 * {@code (previous token, token]} are found by walking the ring clockwise from {@code token}. A node of a rack not
 * yet seen is always taken; a node of an already seen rack is taken only while fewer than {@code rf - racks}
 * such repeats were taken; nodes already taken are skipped. The walk stops at {@code min(rf, nodes)} replicas.
 *
 * <p>Incremental upkeep: a range's replica set depends only on the tokens its walk examined. Inserting or removing
 * the token at position {@code p} therefore changes exactly the ranges whose walk reached {@code p} (at most
 * {@link #maxWalk} positions before it) plus the range split or merged at {@code p}; only those are recomputed.
 * Evaluating an insertion walks the same few ranges with a virtual token and returns the node ownership changes as
 * {@code c + g * d}, where {@code d} is how far past the previous token the new token sits: the ranges before the
 * gap change by fixed amounts, and the split range's left part (of width {@code d}) changes replica set. These
 * effects are cached per gap for the node being placed and forgotten within {@code maxWalk + 2} positions of each
 * change; in a single-replica ring the effect is known in closed form (the range's owner gives, the node takes).
 *
 * <p>Node and rack indices are dense ints; widths and ownership are fractions of the ring.
 */
final class RingState {

  private final int rf;
  private final int[] nodeRack;
  private final int[] tokensOf;
  private final int[] tokensOfRack;
  private int presentNodes;
  private int presentRacks;

  private long[] tokens = new long[16];
  private int[] owner = new int[16];
  private double[] width = new double[16];
  private int[] replicas;
  private int[] replicaCount = new int[16];
  private int[] walkLen = new int[16];
  private int size;
  private int maxWalk;
  private final double[] own;

  // Scratch space, reused to keep evaluation allocation-free.
  private final int[] nodeStamp;
  private final int[] rackStamp;
  private int stamp;
  private int lastWalkSteps;
  private final int[] scratch;
  private final double[] deltaC;
  private final double[] deltaG;
  private final int[] touchedStamp;
  private int touchStamp;
  private final int[] touched;
  private int touchedCount;

  // Effects of inserting a token of node cacheNode into each gap: touched nodes with their c and g. A gap's
  // effect depends only on tokens within maxWalk + 1 positions of it, so mutations invalidate a window.
  private int cacheNode = -1;
  private final int stride;
  private int[] effectCount = new int[16]; // -1: not cached; -2: too many nodes to cache
  private int[] effectNodes;
  private double[] effectC;
  private double[] effectG;
  private int[] walkHistogram = new int[8]; // how many ranges have each walk length, for maxWalk
  private int[] markBuffer = new int[16];
  private int markedCount;

  /**
   * @param rf replication factor of this ring (1 for a ring of independent nodes)
   * @param nodeRack rack index of every node. Like Cassandra, placement counts the racks that hold tokens.
   */
  RingState(int rf, int[] nodeRack) {
    this(rf, nodeRack, 16);
  }

  /** As {@link #RingState(int, int[])}, with room for {@code capacity} tokens before any array grows. */
  RingState(int rf, int[] nodeRack, int capacity) {
    this.rf = rf;
    this.nodeRack = nodeRack.clone();
    int nodes = nodeRack.length;
    this.tokensOf = new int[nodes];
    this.tokensOfRack = new int[maxRack(nodeRack) + 1];
    this.own = new double[nodes];
    this.nodeStamp = new int[nodes];
    this.rackStamp = new int[tokensOfRack.length];
    this.scratch = new int[rf];
    this.deltaC = new double[nodes];
    this.deltaG = new double[nodes];
    this.touchedStamp = new int[nodes];
    this.touched = new int[nodes];
    this.replicas = new int[16 * rf];
    this.stride = 2 * rf + 2; // room for the usual few touched nodes; gaps touching more are not cached
    this.effectNodes = new int[16 * stride];
    this.effectC = new double[16 * stride];
    this.effectG = new double[16 * stride];
    Arrays.fill(effectCount, -1);
    ensureCapacity(capacity);
  }

  private static int maxRack(int[] nodeRack) {
    int max = 0;
    for (int r : nodeRack) {
      max = Math.max(max, r);
    }
    return max;
  }

  int size() {
    return size;
  }

  int nodeCount() {
    return nodeRack.length;
  }

  long token(int i) {
    return tokens[i];
  }

  int owner(int i) {
    return owner[i];
  }

  /** Width of the range ending at token {@code i}, as a fraction of the ring. */
  double width(int i) {
    return width[i];
  }

  /** Replicated ownership of a node: the ring fraction of all ranges it replicates (all nodes sum to rf). */
  double ownership(int node) {
    return own[node];
  }

  int tokenCount(int node) {
    return tokensOf[node];
  }

  /** Replicas of the range ending at token {@code i}, in placement order. */
  int[] replicasOf(int i) {
    return Arrays.copyOfRange(replicas, i * rf, i * rf + replicaCount[i]);
  }

  /** Index of {@code token}, or -(insertion point) - 1 like {@link Arrays#binarySearch}. */
  int indexOf(long token) {
    return Arrays.binarySearch(tokens, 0, size, token);
  }

  /** Adds all tokens at once and computes placement from scratch. */
  void load(long[] sortedTokens, int[] owners) {
    ensureCapacity(sortedTokens.length);
    System.arraycopy(sortedTokens, 0, tokens, 0, sortedTokens.length);
    System.arraycopy(owners, 0, owner, 0, owners.length);
    size = sortedTokens.length;
    Arrays.fill(tokensOf, 0);
    Arrays.fill(tokensOfRack, 0);
    for (int i = 0; i < size; i++) {
      tokensOf[owner[i]]++;
      tokensOfRack[nodeRack[owner[i]]]++;
    }
    recomputeAll();
  }

  /** Recomputes every range; the reference the incremental updates must agree with. */
  void recomputeAll() {
    presentNodes = 0;
    for (int count : tokensOf) {
      if (count > 0) {
        presentNodes++;
      }
    }
    presentRacks = 0;
    for (int count : tokensOfRack) {
      if (count > 0) {
        presentRacks++;
      }
    }
    Arrays.fill(own, 0.0);
    Arrays.fill(effectCount, -1);
    Arrays.fill(walkHistogram, 0);
    Arrays.fill(walkLen, 0);
    maxWalk = 0;
    for (int i = 0; i < size; i++) {
      computeRange(i);
      addContribution(i, 1.0);
    }
    refreshMaxWalk();
  }

  /** Inserts {@code token} owned by {@code node}; the token must not be in the ring. */
  void insert(long token, int node) {
    int search = indexOf(token);
    if (search >= 0) {
      throw new IllegalArgumentException("token " + token + " is already in the ring");
    }
    int pos = -search - 1;
    boolean wasPresent = tokensOf[node] > 0;
    if (size == 0 || changesEveryRange(node)) {
      shiftRight(pos);
      tokens[pos] = token;
      owner[pos] = node;
      tokensOf[node]++;
      tokensOfRack[nodeRack[node]]++;
      recomputeAll();
      return;
    }
    // Ranges whose walk reached the gap (just before old index gap) change, and the split range.
    int gap = pos % size;
    int[] marked = markAffected(gap, true);
    int count = markedCount;
    for (int k = 0; k < count; k++) {
      addContribution(marked[k], -1.0);
    }
    shiftRight(pos);
    tokens[pos] = token;
    owner[pos] = node;
    tokensOf[node]++;
    tokensOfRack[nodeRack[node]]++;
    if (!wasPresent) {
      presentNodes++;
    }
    if (tokensOfRack[nodeRack[node]] == 1) {
      presentRacks++;
    }
    computeRange(pos);
    addContribution(pos, 1.0);
    for (int k = 0; k < count; k++) {
      int i = marked[k] >= pos ? marked[k] + 1 : marked[k];
      computeRange(i);
      addContribution(i, 1.0);
    }
    int before = maxWalk;
    refreshMaxWalk();
    invalidateAround(pos, Math.max(before, maxWalk) + 2);
  }

  /** Removes the token at index {@code pos}. */
  void remove(int pos) {
    int node = owner[pos];
    boolean leaves = tokensOf[node] == 1;
    boolean rackLeaves = tokensOfRack[nodeRack[node]] == 1;
    if (size == 1 || (leaves && Math.min(rf, presentNodes - 1) != Math.min(rf, presentNodes))
        || (rackLeaves && repeatsChange(presentRacks - 1))) {
      shiftLeft(pos);
      tokensOf[node]--;
      tokensOfRack[nodeRack[node]]--;
      recomputeAll();
      return;
    }
    // Ranges whose walk examined pos change; the range after pos absorbs the removed range's width.
    int[] marked = Arrays.copyOf(markAffected(pos, false), markedCount);
    int next = pos + 1 == size ? 0 : pos + 1;
    addContribution(pos, -1.0);
    boolean nextMarked = false;
    for (int i : marked) {
      addContribution(i, -1.0);
      nextMarked |= i == next;
    }
    if (!nextMarked) {
      addContribution(next, -1.0);
    }
    walkHistogram[walkLen[pos]]--;
    shiftLeft(pos);
    tokensOf[node]--;
    tokensOfRack[nodeRack[node]]--;
    if (leaves) {
      presentNodes--;
    }
    if (rackLeaves) {
      presentRacks--;
    }
    int nextAfter = next > pos ? next - 1 : next;
    computeRange(nextAfter);
    addContribution(nextAfter, 1.0);
    for (int i : marked) {
      if (i == next) {
        continue;
      }
      int j = i > pos ? i - 1 : i;
      computeRange(j);
      addContribution(j, 1.0);
    }
    int before = maxWalk;
    refreshMaxWalk();
    invalidateAround(Math.min(pos, size - 1), Math.max(before, maxWalk) + 2);
  }

  /**
   * Whether a first token of {@code node} would change how many replicas every range gets or how many racks
   * may repeat, so that every range changes. {@link #quadratic} does not apply then.
   */
  boolean changesEveryRange(int node) {
    if (tokensOf[node] > 0) {
      return false;
    }
    if (Math.min(rf, presentNodes + 1) != Math.min(rf, presentNodes)) {
      return true;
    }
    return tokensOfRack[nodeRack[node]] == 0 && repeatsChange(presentRacks + 1);
  }

  /** Whether {@code racks} present racks allow a different number of repeats than now. */
  private boolean repeatsChange(int racks) {
    return Math.max(0, rf - racks) != Math.max(0, rf - presentRacks);
  }

  /**
   * Indices of the ranges (other than {@code at} itself) whose walk examined position {@code at}; with
   * {@code includeAt}, {@code at} too (it is the range an insertion before {@code at} splits).
   */
  private int[] markAffected(int at, boolean includeAt) {
    int limit = Math.min(maxWalk, size - 1);
    if (markBuffer.length < limit + 1) {
      markBuffer = new int[Math.max(limit + 1, 2 * markBuffer.length)];
    }
    int[] out = markBuffer;
    int n = 0;
    if (includeAt) {
      out[n++] = at;
    }
    for (int back = 1; back <= limit; back++) {
      int i = at - back;
      if (i < 0) {
        i += size;
      }
      if (back < walkLen[i]) {
        out[n++] = i;
      }
    }
    markedCount = n;
    return out;
  }

  private void refreshMaxWalk() {
    int max = walkHistogram.length - 1;
    while (max > 0 && walkHistogram[max] == 0) {
      max--;
    }
    maxWalk = max;
  }

  private void computeRange(int i) {
    int prev = i == 0 ? size - 1 : i - 1;
    width[i] = Tokens.width(tokens[prev], tokens[i]) / Tokens.RING;
    replicaCount[i] = walk(i, -1, -1, false, replicas, i * rf);
    setWalkLen(i, lastWalkSteps);
  }

  private void setWalkLen(int i, int steps) {
    if (walkLen[i] > 0) {
      walkHistogram[walkLen[i]]--;
    }
    if (steps >= walkHistogram.length) {
      walkHistogram = Arrays.copyOf(walkHistogram, Math.max(steps + 1, walkHistogram.length * 2));
    }
    walkLen[i] = steps;
    walkHistogram[steps]++;
  }

  private void addContribution(int i, double sign) {
    double w = sign * width[i];
    int base = i * rf;
    for (int k = 0; k < replicaCount[i]; k++) {
      own[replicas[base + k]] += w;
    }
  }

  /**
   * Walks clockwise collecting replicas into {@code out[outOff..]}; returns how many. With {@code virtualPos >= 0}
   * a virtual token of {@code virtualNode} sits just before index {@code virtualPos}; {@code startAtVirtual}
   * starts the walk at it (the range the virtual token would end). Sets {@link #lastWalkSteps}.
   */
  private int walk(int start, int virtualPos, int virtualNode, boolean startAtVirtual, int[] out, int outOff) {
    int present = presentNodes;
    if (virtualNode >= 0 && tokensOf[virtualNode] == 0) {
      present++;
    }
    int want = Math.min(rf, present);
    int racks = presentRacks;
    if (virtualNode >= 0 && tokensOfRack[nodeRack[virtualNode]] == 0) {
      racks++;
    }
    int repeats = rf - racks;
    int s = ++stamp;
    int found = 0;
    int steps = 0;
    boolean virtualPending = virtualPos >= 0;
    int total = size + (virtualPending ? 1 : 0);
    int idx = start;
    while (found < want && steps < total) {
      int node;
      if (virtualPending && idx == virtualPos && (steps > 0 || startAtVirtual)) {
        node = virtualNode;
        virtualPending = false;
      } else {
        node = owner[idx];
        idx = idx + 1 == size ? 0 : idx + 1;
      }
      steps++;
      if (nodeStamp[node] == s) {
        continue;
      }
      int rack = nodeRack[node];
      if (rackStamp[rack] != s) {
        rackStamp[rack] = s;
      } else if (repeats > 0) {
        repeats--;
      } else {
        continue;
      }
      nodeStamp[node] = s;
      out[outOff + found++] = node;
    }
    lastWalkSteps = steps;
    return found;
  }

  /**
   * The quadratic change of the objective {@code sum_n weight[n] * (own[n] - target[n])^2} when node {@code x}
   * gets a token {@code d} (ring fraction) past the token before index {@code gap}: returns {@code {A, B, C}} with
   * change = A + B d + C d^2. {@code targetX} replaces {@code target[x]}. Requires a non-empty ring and
   * {@code !changesEveryRange(x)}.
   */
  void quadratic(int gap, int x, double[] target, double[] weight, double targetX, double[] abc) {
    if (rf == 1) {
      // One replica: the token only takes the left part of the split range from the range's owner.
      int victim = owner[gap];
      abc[0] = 0;
      if (victim == x) {
        abc[1] = 0;
        abc[2] = 0;
        return;
      }
      double ev = own[victim] - target[victim];
      double ex = own[x] - targetX;
      abc[1] = 2 * (weight[x] * ex - weight[victim] * ev);
      abc[2] = weight[x] + weight[victim];
      return;
    }
    if (x != cacheNode) {
      cacheNode = x;
      Arrays.fill(effectCount, -1);
    }
    if (effectCount[gap] == -1) {
      computeEffect(gap, x);
    }
    double a = 0;
    double b = 0;
    double c = 0;
    int count = effectCount[gap];
    if (count >= 0) {
      int base = gap * stride;
      for (int k = base; k < base + count; k++) {
        int n = effectNodes[k];
        double e = own[n] - (n == x ? targetX : target[n]);
        double w = weight[n];
        double dc = effectC[k];
        double dg = effectG[k];
        a += w * (2 * e * dc + dc * dc);
        b += w * 2 * dg * (e + dc);
        c += w * dg * dg;
      }
    } else {
      // Too many nodes to cache (long walks): the scratch arrays hold this gap's effect.
      for (int k = 0; k < touchedCount; k++) {
        int n = touched[k];
        double e = own[n] - (n == x ? targetX : target[n]);
        double w = weight[n];
        double dc = deltaC[n];
        double dg = deltaG[n];
        a += w * (2 * e * dc + dc * dc);
        b += w * 2 * dg * (e + dc);
        c += w * dg * dg;
      }
      effectCount[gap] = -1;
    }
    abc[0] = a;
    abc[1] = b;
    abc[2] = c;
  }

  /** Walks the ranges an insertion into {@code gap} changes and records each touched node's c and g. */
  private void computeEffect(int gap, int x) {
    int t = ++touchStamp;
    touchedCount = 0;
    int limit = Math.min(maxWalk, size - 1);
    for (int back = 1; back <= limit; back++) {
      int i = gap - back;
      if (i < 0) {
        i += size;
      }
      if (back < walkLen[i]) {
        int count = walk(i, gap, x, false, scratch, 0);
        diff(i, count, width[i], deltaC, t);
      }
    }
    int count = walk(gap, gap, x, true, scratch, 0);
    diff(gap, count, 1.0, deltaG, t);
    if (touchedCount > stride) {
      effectCount[gap] = -2;
      return;
    }
    int base = gap * stride;
    int m = 0;
    for (int k = 0; k < touchedCount; k++) {
      int n = touched[k];
      if (deltaC[n] != 0 || deltaG[n] != 0) {
        effectNodes[base + m] = n;
        effectC[base + m] = deltaC[n];
        effectG[base + m++] = deltaG[n];
      }
    }
    effectCount[gap] = m;
  }

  /** Forgets cached effects of the gaps within reach of a change at {@code pos} (current indices). */
  private void invalidateAround(int pos, int reach) {
    if (cacheNode < 0 || size == 0) {
      return;
    }
    if (2 * reach + 1 >= size) {
      Arrays.fill(effectCount, 0, size, -1);
      return;
    }
    for (int d = -reach; d <= reach; d++) {
      int j = Math.floorMod(pos + d, size);
      effectCount[j] = -1;
    }
  }

  /** Adds {@code amount} x (new set - old set of range i) into {@code into}. */
  private void diff(int i, int newCount, double amount, double[] into, int t) {
    int base = i * rf;
    int oldCount = replicaCount[i];
    for (int k = 0; k < oldCount; k++) {
      int n = replicas[base + k];
      if (!contains(scratch, newCount, n)) {
        touch(n, t);
        into[n] -= amount;
      }
    }
    for (int k = 0; k < newCount; k++) {
      int n = scratch[k];
      if (!contains(replicas, base, base + oldCount, n)) {
        touch(n, t);
        into[n] += amount;
      }
    }
  }

  private void touch(int n, int t) {
    if (touchedStamp[n] != t) {
      touchedStamp[n] = t;
      deltaC[n] = 0;
      deltaG[n] = 0;
      touched[touchedCount++] = n;
    }
  }

  private static boolean contains(int[] a, int count, int v) {
    return contains(a, 0, count, v);
  }

  private static boolean contains(int[] a, int from, int to, int v) {
    for (int k = from; k < to; k++) {
      if (a[k] == v) {
        return true;
      }
    }
    return false;
  }

  private void ensureCapacity(int needed) {
    if (needed <= tokens.length) {
      return;
    }
    int cap = Math.max(needed, tokens.length * 2);
    tokens = Arrays.copyOf(tokens, cap);
    owner = Arrays.copyOf(owner, cap);
    width = Arrays.copyOf(width, cap);
    replicaCount = Arrays.copyOf(replicaCount, cap);
    walkLen = Arrays.copyOf(walkLen, cap);
    replicas = Arrays.copyOf(replicas, cap * rf);
    int old = effectCount.length;
    effectCount = Arrays.copyOf(effectCount, cap);
    Arrays.fill(effectCount, old, cap, -1);
    effectNodes = Arrays.copyOf(effectNodes, cap * stride);
    effectC = Arrays.copyOf(effectC, cap * stride);
    effectG = Arrays.copyOf(effectG, cap * stride);
  }

  private void shiftRight(int pos) {
    ensureCapacity(size + 1);
    int tail = size - pos;
    System.arraycopy(tokens, pos, tokens, pos + 1, tail);
    System.arraycopy(owner, pos, owner, pos + 1, tail);
    System.arraycopy(width, pos, width, pos + 1, tail);
    System.arraycopy(replicaCount, pos, replicaCount, pos + 1, tail);
    System.arraycopy(walkLen, pos, walkLen, pos + 1, tail);
    System.arraycopy(replicas, pos * rf, replicas, (pos + 1) * rf, tail * rf);
    System.arraycopy(effectCount, pos, effectCount, pos + 1, tail);
    System.arraycopy(effectNodes, pos * stride, effectNodes, (pos + 1) * stride, tail * stride);
    System.arraycopy(effectC, pos * stride, effectC, (pos + 1) * stride, tail * stride);
    System.arraycopy(effectG, pos * stride, effectG, (pos + 1) * stride, tail * stride);
    effectCount[pos] = -1;
    walkLen[pos] = 0;
    size++;
  }

  private void shiftLeft(int pos) {
    int tail = size - pos - 1;
    System.arraycopy(tokens, pos + 1, tokens, pos, tail);
    System.arraycopy(owner, pos + 1, owner, pos, tail);
    System.arraycopy(width, pos + 1, width, pos, tail);
    System.arraycopy(replicaCount, pos + 1, replicaCount, pos, tail);
    System.arraycopy(walkLen, pos + 1, walkLen, pos, tail);
    System.arraycopy(replicas, (pos + 1) * rf, replicas, pos * rf, tail * rf);
    System.arraycopy(effectCount, pos + 1, effectCount, pos, tail);
    System.arraycopy(effectNodes, (pos + 1) * stride, effectNodes, pos * stride, tail * stride);
    System.arraycopy(effectC, (pos + 1) * stride, effectC, pos * stride, tail * stride);
    System.arraycopy(effectG, (pos + 1) * stride, effectG, pos * stride, tail * stride);
    size--;
    effectCount[size] = -1;
  }
}
