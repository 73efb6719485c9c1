package io.ringkeeper.operator.node;

/** Cassandra's StorageService operation mode, plus UNKNOWN for anything this operator does not recognise. */
public enum OperationMode {
  STARTING,
  NORMAL,
  JOINING,
  LEAVING,
  DECOMMISSIONED,
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
