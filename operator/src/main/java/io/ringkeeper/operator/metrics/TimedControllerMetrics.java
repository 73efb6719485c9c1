package io.ringkeeper.operator.metrics;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.javaoperatorsdk.operator.processing.Controller;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;

/**
 * JOSDK's Micrometer metrics plus Ringkeeper's own reconcile timer, {@code ringkeeper_reconcile_duration_seconds}
 * with labels {@code operation} (reconcile or cleanup) and {@code outcome} (success or failure). Timing at this
 * hook keeps the reconciler free of metrics code.
 */
final class TimedControllerMetrics implements Metrics {
  private final Metrics delegate;
  private final MeterRegistry registry;

  TimedControllerMetrics(Metrics delegate, MeterRegistry registry) {
    this.delegate = delegate;
    this.registry = registry;
    for (String operation : new String[] {"reconcile", "cleanup"}) {
      for (String outcome : new String[] {"success", "failure"}) {
        timer(operation, outcome);
      }
    }
  }

  private Timer timer(String operation, String outcome) {
    return Timer.builder(OperatorMetrics.RECONCILE_DURATION)
        .description("Duration of one reconcile (or cleanup) of a CassandraCluster, by outcome")
        .tag("operation", operation).tag("outcome", outcome).publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(1)).register(registry);
  }

  @Override
  public <T> T timeControllerExecution(ControllerExecution<T> execution) throws Exception {
    long started = System.nanoTime();
    String operation = "cleanup".equals(execution.name()) ? "cleanup" : "reconcile";
    try {
      T result = delegate.timeControllerExecution(execution);
      timer(operation, "success").record(Duration.ofNanos(System.nanoTime() - started));
      return result;
    } catch (Exception | Error e) {
      timer(operation, "failure").record(Duration.ofNanos(System.nanoTime() - started));
      throw e;
    }
  }

  @Override
  public void controllerRegistered(Controller<? extends HasMetadata> controller) {
    delegate.controllerRegistered(controller);
  }

  @Override
  public void receivedEvent(Event event, Map<String, Object> metadata) {
    delegate.receivedEvent(event, metadata);
  }

  @Override
  public void reconcileCustomResource(HasMetadata resource, RetryInfo retryInfo, Map<String, Object> metadata) {
    delegate.reconcileCustomResource(resource, retryInfo, metadata);
  }

  @Override
  public void failedReconciliation(HasMetadata resource, Exception exception, Map<String, Object> metadata) {
    delegate.failedReconciliation(resource, exception, metadata);
  }

  @Override
  public void reconciliationExecutionStarted(HasMetadata resource, Map<String, Object> metadata) {
    delegate.reconciliationExecutionStarted(resource, metadata);
  }

  @Override
  public void reconciliationExecutionFinished(HasMetadata resource, Map<String, Object> metadata) {
    delegate.reconciliationExecutionFinished(resource, metadata);
  }

  @Override
  public void cleanupDoneFor(ResourceID resourceID, Map<String, Object> metadata) {
    delegate.cleanupDoneFor(resourceID, metadata);
  }

  @Override
  public void finishedReconciliation(HasMetadata resource, Map<String, Object> metadata) {
    delegate.finishedReconciliation(resource, metadata);
  }

  @Override
  public <T extends Map<?, ?>> T monitorSizeOf(T map, String name) {
    return delegate.monitorSizeOf(map, name);
  }
}
