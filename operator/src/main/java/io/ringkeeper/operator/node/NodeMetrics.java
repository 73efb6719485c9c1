package io.ringkeeper.operator.node;

/**
 * Health and latency figures of one node.
 *
 * @param read coordinator read latency
 * @param write coordinator write latency
 * @param pendingCompactions compactions waiting to run
 * @param pendingHints hints stored on this node for peers that were down, counted in hint files (the unit
 *     Cassandra's HintsService exposes); 0 means none
 * @param droppedMessages messages dropped since start, all verbs
 * @param heapUsedBytes heap in use
 * @param heapMaxBytes maximum heap
 * @param compactionThroughputMibPerSec current compaction throughput (0 = unthrottled)
 */
public record NodeMetrics(
    Latency read,
    Latency write,
    long pendingCompactions,
    long pendingHints,
    long droppedMessages,
    long heapUsedBytes,
    long heapMaxBytes,
    int compactionThroughputMibPerSec) {}
