package io.ringkeeper.operator.node;

/**
 * Coordinator request latency of one kind (read or write). The percentiles come from Cassandra's decaying
 * histogram (recent requests weigh most); the count is since the node started.
 *
 * @param p50Micros median, microseconds
 * @param p95Micros 95th percentile, microseconds
 * @param p99Micros 99th percentile, microseconds
 * @param count requests measured
 */
public record Latency(double p50Micros, double p95Micros, double p99Micros, long count) {
  public static final Latency NONE = new Latency(0, 0, 0, 0);
}
