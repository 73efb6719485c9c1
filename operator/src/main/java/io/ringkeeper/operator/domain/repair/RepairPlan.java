package io.ringkeeper.operator.domain.repair;

import java.util.List;
import java.util.Map;

/**
 * The segments of one repair run, in the order they are offered to the scheduler, and the keyspaces left out
 * with the reason for each.
 *
 * @param segments every segment, {@code segments.get(i).index() == i}
 * @param keyspaces the keyspaces the run repairs, in run order
 * @param skipped keyspace name to the reason it is not repaired
 * @param fingerprint identifies the inputs (tokens, keyspaces, replication, segmentsPerNode, node filter): a run
 *     recorded with another fingerprint cannot be resumed by index
 */
public record RepairPlan(List<Segment> segments, List<String> keyspaces, Map<String, String> skipped,
    String fingerprint) {
  public RepairPlan {
    segments = List.copyOf(segments);
    keyspaces = List.copyOf(keyspaces);
    skipped = Map.copyOf(skipped);
  }

  public int size() {
    return segments.size();
  }
}
