package io.ringkeeper.operator.domain.tokens;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Which nodes replicate which token range, for one datacenter: every primary range {@code (previous token, token]}
 * of the ring with its replicas in NetworkTopologyStrategy placement order. Built by {@link OwnershipCalculator}.
 */
public final class ReplicaMap {

  private final long[] ends;
  private final List<ReplicatedRange> ranges;

  ReplicaMap(List<ReplicatedRange> rangesSortedByEnd) {
    this.ranges = List.copyOf(rangesSortedByEnd);
    this.ends = new long[ranges.size()];
    for (int i = 0; i < ends.length; i++) {
      ends[i] = ranges.get(i).end();
    }
  }

  /** Every primary range, sorted by end token (the first one wraps around from the largest token). */
  public List<ReplicatedRange> ranges() {
    return ranges;
  }

  /** The primary range that holds {@code token}. */
  public ReplicatedRange rangeOf(long token) {
    if (ranges.isEmpty()) {
      throw new IllegalStateException("the ring has no tokens");
    }
    int i = Arrays.binarySearch(ends, token);
    if (i < 0) {
      i = -i - 1;
      if (i == ends.length) {
        i = 0; // past the largest token: the range that wraps around
      }
    }
    return ranges.get(i);
  }

  /** The replicas of {@code token}, in placement order. */
  public List<String> replicasOf(long token) {
    return rangeOf(token).replicas();
  }

  /** The ranges {@code node} replicates, sorted by end token. */
  public List<ReplicatedRange> rangesReplicatedBy(String node) {
    List<ReplicatedRange> out = new ArrayList<>();
    for (ReplicatedRange r : ranges) {
      if (r.replicas().contains(node)) {
        out.add(r);
      }
    }
    return out;
  }
}
