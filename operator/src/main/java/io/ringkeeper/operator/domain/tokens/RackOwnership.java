package io.ringkeeper.operator.domain.tokens;

/**
 * Ownership figures of one rack: how many nodes, and the lowest and highest effective ownership among them
 * (fractions of the ring).
 */
public record RackOwnership(String rack, int nodes, double min, double max) {

  /** max / min ownership among the rack's nodes; 1.0 is perfect balance. */
  public double spread() {
    return min > 0 ? max / min : Double.POSITIVE_INFINITY;
  }
}
