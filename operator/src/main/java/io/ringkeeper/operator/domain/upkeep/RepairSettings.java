package io.ringkeeper.operator.domain.upkeep;

import io.ringkeeper.operator.domain.repair.RepairMode;
import java.time.Duration;
import java.util.List;

/**
 * The repair section of the spec with its defaults filled in (the spec was validated before).
 *
 * @param keyspaces the keyspaces to repair; empty: every user keyspace with RF > 1
 * @param mode the repair parallelism each segment's repair session uses inside Cassandra
 * @param intensity 0 < i <= 1: the pause after a segment is its duration x (1/i - 1)
 * @param retries attempts a segment gets after its first before it is recorded failed
 */
public record RepairSettings(List<String> keyspaces, int segmentsPerNode, RepairMode mode, double intensity,
    Duration segmentTimeout, int retries) {
  public RepairSettings {
    keyspaces = keyspaces == null ? List.of() : List.copyOf(keyspaces);
  }
}
