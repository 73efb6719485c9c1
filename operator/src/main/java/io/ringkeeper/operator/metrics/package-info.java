/**
 * The operator's Prometheus metrics: per-node gauges fed by the node poller's observations (the same round the
 * reconciler reads), per-cluster gauges fed by the status each reconcile computes, reconcile and poll timers,
 * JOSDK's and the JVM's own metrics. Every series is listed in {@code docs/metrics.md}.
 */
package io.ringkeeper.operator.metrics;
