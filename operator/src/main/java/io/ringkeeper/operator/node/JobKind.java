package io.ringkeeper.operator.node;

/** Long operations an agent runs as jobs. */
public enum JobKind {
  DECOMMISSION,
  DRAIN,
  CLEANUP,
  COMPACT,
  GARBAGE_COLLECT,
  UPGRADE_SSTABLES,
  REPAIR,
  REBUILD
}
