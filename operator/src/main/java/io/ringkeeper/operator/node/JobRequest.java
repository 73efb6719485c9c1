package io.ringkeeper.operator.node;

import java.util.List;
import java.util.Objects;

/**
 * A long operation to start on a node.
 *
 * @param kind what to run
 * @param keyspace keyspace to work on; null for all (cleanup, compact, ...) and for decommission/drain
 * @param tables tables of the keyspace; empty for all
 * @param ranges token subranges to repair (REPAIR only); empty for the node's whole ranges
 * @param parallelism repair parallelism: SEQUENTIAL, PARALLEL or DATACENTER_AWARE (REPAIR only)
 * @param sourceDatacenter datacenter to stream from (REBUILD only)
 */
public record JobRequest(
    JobKind kind,
    String keyspace,
    List<String> tables,
    List<TokenRange> ranges,
    String parallelism,
    String sourceDatacenter) {

  public JobRequest {
    Objects.requireNonNull(kind, "kind");
    tables = tables == null ? List.of() : List.copyOf(tables);
    ranges = ranges == null ? List.of() : List.copyOf(ranges);
  }

  public static JobRequest of(JobKind kind) {
    return new JobRequest(kind, null, List.of(), List.of(), null, null);
  }

  public static JobRequest onKeyspace(JobKind kind, String keyspace, List<String> tables) {
    return new JobRequest(kind, keyspace, tables, List.of(), null, null);
  }

  public static JobRequest repair(String keyspace, List<TokenRange> ranges, String parallelism) {
    return new JobRequest(JobKind.REPAIR, keyspace, List.of(), ranges, parallelism, null);
  }

  public static JobRequest rebuild(String sourceDatacenter) {
    return new JobRequest(JobKind.REBUILD, null, List.of(), List.of(), null, sourceDatacenter);
  }
}
