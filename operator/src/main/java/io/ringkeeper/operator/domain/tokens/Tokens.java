package io.ringkeeper.operator.domain.tokens;

/**
 * Murmur3 token arithmetic. The ring has 2^64 positions; a range {@code (from, to]} runs clockwise, wrapping from
 * {@link Long#MAX_VALUE} to {@link Long#MIN_VALUE}.
 */
final class Tokens {

  /** Number of positions on the ring, 2^64, as a double. */
  static final double RING = 0x1p64;

  /** Murmur3's minimum token; Cassandra reserves it, so a node never gets it. */
  static final long RESERVED = Long.MIN_VALUE;

  private Tokens() {}

  /** Positions in {@code (from, to]} going clockwise; {@code (t, t]} is the whole ring (a ring of one token). */
  static double width(long from, long to) {
    long d = to - from;
    return d == 0 ? RING : unsigned(d);
  }

  /** The unsigned value of {@code x} as a double. */
  static double unsigned(long x) {
    return x >= 0 ? x : RING + x;
  }

  /** The inverse of {@link #unsigned(long)} for 0 <= {@code x} < 2^64: wraps to a long holding those 64 bits. */
  static long fromUnsigned(double x) {
    if (x < 0x1p63) {
      return (long) x;
    }
    return (long) (x - 0x1p63) + Long.MIN_VALUE;
  }

  /** The token {@code offset} positions clockwise of {@code from} (wrapping). */
  static long advance(long from, double offset) {
    return from + fromUnsigned(offset);
  }
}
