package io.ringkeeper.operator.metrics;

import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.ringkeeper.operator.node.NodeClientException;
import io.ringkeeper.operator.node.NodePoller;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * The operator's meter registry and everything registered in it: JVM and process metrics, JOSDK's controller
 * metrics (without per-resource series, so cardinality stays bounded), {@code ringkeeper_reconcile_duration_seconds},
 * the node poll timer and failure counter, and the {@link ClusterMetrics} gauges. {@link #scrape()} refreshes the
 * gauges from the latest observations and renders the Prometheus text format served at {@code /metrics}.
 *
 * <p>Each operator instance has its own registry (no global registry), so tests can run several side by side.
 */
public final class OperatorMetrics implements AutoCloseable {
  static final String RECONCILE_DURATION = "ringkeeper.reconcile.duration";
  static final String POLL_DURATION = "ringkeeper.node.poll.duration";
  static final String POLL_FAILURES = "ringkeeper.node.poll.failures";

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final ClusterMetrics clusters;
  private final Metrics josdk;

  public OperatorMetrics(NodePoller poller, Clock clock) {
    Objects.requireNonNull(poller, "poller");
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    this.clusters = new ClusterMetrics(registry, poller, clock);
    this.josdk = new TimedControllerMetrics(MicrometerMetrics.withoutPerResourceMetrics(registry), registry);
    // Present from the start at 0, so dashboards show 0 rather than no data and rate() sees the first failure.
    for (NodePoller.CallKind kind : NodePoller.CallKind.values()) {
      pollTimer(kind);
      for (NodeClientException.Kind reason : NodeClientException.Kind.values()) {
        pollFailures(kind, reason);
      }
    }
    poller.setCallObserver(this::pollCompleted);
  }

  /** The metrics JOSDK reports to (controller executions, events, queue sizes) and the reconcile timer. */
  public Metrics josdk() {
    return josdk;
  }

  public ClusterMetrics clusters() {
    return clusters;
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** Refreshes the node and cluster gauges and renders every series in the Prometheus text format. */
  public synchronized String scrape() {
    clusters.refresh();
    return registry.scrape();
  }

  private Timer pollTimer(NodePoller.CallKind kind) {
    return Timer.builder(POLL_DURATION).description("Duration of one agent call of the node poller")
        .tag("call", kind.label()).publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(30)).register(registry);
  }

  private void pollCompleted(NodePoller.CallKind kind, Duration took, NodeClientException.Kind failure) {
    pollTimer(kind).record(took);
    if (failure != null) {
      pollFailures(kind, failure).increment();
    }
  }

  private Counter pollFailures(NodePoller.CallKind kind, NodeClientException.Kind reason) {
    return Counter.builder(POLL_FAILURES).description("Agent calls of the node poller that failed, by reason")
        .tag("call", kind.label()).tag("reason", reason.name().toLowerCase(java.util.Locale.ROOT))
        .register(registry);
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
