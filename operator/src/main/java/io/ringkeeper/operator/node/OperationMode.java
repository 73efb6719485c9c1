package io.ringkeeper.operator.node;

/** Cassandra's StorageService operation mode, plus UNKNOWN for anything this operator does not recognise. */
public enum OperationMode {
  STARTING,
  NORMAL,
  JOINING,
  /** Cassandra 5.0: a bootstrap that failed. */
  JOINING_FAILED,
  LEAVING,
  DECOMMISSIONED,
  /**
   * Cassandra 5.0: a decommission that failed. Either before the node left the ring (it may be asked again), or
   * after: the node announced it left, its peers removed its tokens, and its own shutdown of messaging timed out (a
   * peer down at that moment); then it left the ring for good.
   */
  DECOMMISSION_FAILED,
  MOVING,
  DRAINING,
  DRAINED,
  UNKNOWN;

  /** Parses Cassandra's spelling leniently; unknown values map to UNKNOWN rather than failing. */
  public static OperationMode parse(String value) {
    if (value == null) {
      return UNKNOWN;
    }
    try {
      return valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return UNKNOWN;
    }
  }
}
