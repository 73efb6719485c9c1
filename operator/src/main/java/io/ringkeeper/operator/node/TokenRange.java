package io.ringkeeper.operator.node;

/**
 * A Murmur3 token range {@code (start, end]} as Cassandra understands it; it wraps around when end <= start.
 */
public record TokenRange(long start, long end) {
  @Override
  public String toString() {
    return "(" + start + "," + end + "]";
  }
}
