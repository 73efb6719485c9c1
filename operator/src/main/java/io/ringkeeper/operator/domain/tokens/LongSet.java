package io.ringkeeper.operator.domain.tokens;

import java.util.Arrays;

/**
 * A set of longs without boxing (open addressing, linear probing), for checking tokens in linear time. Evenly
 * spaced tokens differ only in high bits, so keys are mixed before probing.
 */
final class LongSet {

  private static final long EMPTY = Tokens.RESERVED; // never a node's token, so free to mark empty slots

  private long[] slots;
  private int size;
  private boolean hasReserved;

  LongSet(int expected) {
    slots = new long[tableSize(expected)];
    Arrays.fill(slots, EMPTY);
  }

  /** Adds {@code v}; false when it was already there. */
  boolean add(long v) {
    if (v == EMPTY) {
      boolean added = !hasReserved;
      hasReserved = true;
      return added;
    }
    if (2 * (size + 1) > slots.length) {
      grow();
    }
    int mask = slots.length - 1;
    for (int i = index(v, mask); ; i = (i + 1) & mask) {
      if (slots[i] == EMPTY) {
        slots[i] = v;
        size++;
        return true;
      }
      if (slots[i] == v) {
        return false;
      }
    }
  }

  boolean contains(long v) {
    if (v == EMPTY) {
      return hasReserved;
    }
    int mask = slots.length - 1;
    for (int i = index(v, mask); ; i = (i + 1) & mask) {
      if (slots[i] == EMPTY) {
        return false;
      }
      if (slots[i] == v) {
        return true;
      }
    }
  }

  private void grow() {
    long[] old = slots;
    slots = new long[old.length * 2];
    Arrays.fill(slots, EMPTY);
    size = 0;
    for (long v : old) {
      if (v != EMPTY) {
        add(v);
      }
    }
  }

  private static int index(long v, int mask) {
    long h = v * 0x9E3779B97F4A7C15L; // Fibonacci hashing: spreads high-bit differences
    return (int) (h >>> 40) & mask;
  }

  private static int tableSize(int expected) {
    int n = 16;
    while (n < 2 * expected) {
      n <<= 1;
    }
    return n;
  }
}
