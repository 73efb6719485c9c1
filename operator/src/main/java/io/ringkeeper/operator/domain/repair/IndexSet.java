package io.ringkeeper.operator.domain.repair;

import java.util.BitSet;

/**
 * A set of segment indexes written compactly as ranges, {@code "0-11,14"}: how status records the segments a run
 * has finished, so that a restarted operator resumes with the first one not listed.
 */
public final class IndexSet {
  private final BitSet bits;

  private IndexSet(BitSet bits) {
    this.bits = bits;
  }

  public static IndexSet empty() {
    return new IndexSet(new BitSet());
  }

  /**
   * @throws IllegalArgumentException when the text is not a list of indexes and ranges
   */
  public static IndexSet parse(String text) {
    BitSet bits = new BitSet();
    if (text == null || text.isBlank()) {
      return new IndexSet(bits);
    }
    for (String part : text.split(",")) {
      String p = part.trim();
      try {
        int dash = p.indexOf('-');
        if (dash < 0) {
          bits.set(Integer.parseInt(p));
        } else {
          int from = Integer.parseInt(p.substring(0, dash));
          int to = Integer.parseInt(p.substring(dash + 1));
          if (to < from || from < 0) {
            throw new IllegalArgumentException("range '" + p + "' runs backwards");
          }
          bits.set(from, to + 1);
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + text + "' is not a list of segment indexes like 0-11,14");
      }
    }
    return new IndexSet(bits);
  }

  public boolean contains(int index) {
    return bits.get(index);
  }

  public IndexSet with(int index) {
    BitSet copy = (BitSet) bits.clone();
    copy.set(index);
    return new IndexSet(copy);
  }

  public int size() {
    return bits.cardinality();
  }

  /** The first index not in the set. */
  public int firstMissing() {
    return bits.nextClearBit(0);
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder();
    int i = bits.nextSetBit(0);
    while (i >= 0) {
      int end = bits.nextClearBit(i) - 1;
      if (s.length() > 0) {
        s.append(',');
      }
      s.append(i);
      if (end > i) {
        s.append('-').append(end);
      }
      i = bits.nextSetBit(end + 1);
    }
    return s.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IndexSet other && bits.equals(other.bits);
  }

  @Override
  public int hashCode() {
    return bits.hashCode();
  }
}
