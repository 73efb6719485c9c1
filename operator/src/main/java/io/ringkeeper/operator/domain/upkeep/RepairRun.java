package io.ringkeeper.operator.domain.upkeep;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A repair run as kept in {@code status.repair.running}: everything the run knows, so a restarted operator resumes
 * where the last one stopped.
 *
 * @param id the run, part of each segment attempt's identity
 * @param trigger what started it (RepairTriggers' names)
 * @param keyspaces the keyspaces it repairs
 * @param nodes only these nodes' ranges; empty: the whole ring
 * @param completedSegments the indexes done, as {@link io.ringkeeper.operator.domain.repair.IndexSet} text
 * @param planFingerprint the plan it was started from; another one means the ring or the schema changed
 * @param skippedKeyspaces keyspaces left out, each as "keyspace: why"
 * @param active segments whose jobs run
 * @param retrying segments whose last attempt failed, to be tried again
 * @param failed segments out of attempts
 * @param pausedUntil no new segment before this (the intensity pause); null: none
 * @param postponedReason for people: why no segment starts; null: none
 */
public record RepairRun(String id, String trigger, Instant startedAt, List<String> keyspaces, List<String> nodes,
    Integer segmentsTotal, Integer segmentsDone, String completedSegments, String planFingerprint,
    List<String> skippedKeyspaces, List<Segment> active, List<Segment> retrying, List<Segment> failed,
    Instant pausedUntil, String postponedReason) {
  public RepairRun {
    keyspaces = copy(keyspaces);
    nodes = copy(nodes);
    skippedKeyspaces = copy(skippedKeyspaces);
    active = copy(active);
    retrying = copy(retrying);
    failed = copy(failed);
  }

  private static <T> List<T> copy(List<T> list) {
    return list == null ? List.of() : List.copyOf(list);
  }

  /**
   * One segment's attempt.
   *
   * @param index its index in the run's plan
   * @param range {@code (start,end]}
   * @param node its coordinator
   * @param jobId the agent job; null when it is not running
   * @param attempts this attempt's number, 1 for the first
   * @param message for people: how it failed, or that it runs too long
   */
  public record Segment(int index, String keyspace, String range, String node, String jobId, Instant startedAt,
      Integer attempts, String message) {
    public Segment {
      Objects.requireNonNull(startedAt, "startedAt");
    }

    Segment withMessage(String text) {
      return new Segment(index, keyspace, range, node, jobId, startedAt, attempts, text);
    }

    Segment withoutJob() {
      return new Segment(index, keyspace, range, node, null, startedAt, attempts, message);
    }
  }
}
