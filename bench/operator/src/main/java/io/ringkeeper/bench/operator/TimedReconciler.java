package io.ringkeeper.bench.operator;

import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.operator.reconciler.CassandraClusterReconciler;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The operator's reconciler, timed: every call of {@link CassandraClusterReconciler#reconcile} is measured
 * (wall time and the thread's CPU time, on JOSDK's reconciler thread, with JOSDK's real caches as context) and queued as a sample. A
 * sample notes how many of the cluster's pods the cache held, so a reconcile that has a pod to create (a step)
 * can be told from a no-op.
 */
final class TimedReconciler implements Reconciler<CassandraCluster>, Cleaner<CassandraCluster> {
  /** @param cpuNanos CPU time of the reconciler thread during the call: what the reconcile costs, whatever the load */
  record Sample(String cluster, long nanos, long cpuNanos, int podsInCache) {}

  private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

  private final CassandraClusterReconciler delegate;
  private final BlockingQueue<Sample> samples = new LinkedBlockingQueue<>();

  TimedReconciler(CassandraClusterReconciler delegate) {
    this.delegate = delegate;
  }

  BlockingQueue<Sample> samples() {
    return samples;
  }

  @Override
  public UpdateControl<CassandraCluster> reconcile(CassandraCluster cr, Context<CassandraCluster> context)
      throws Exception {
    int pods = context.getSecondaryResources(Pod.class).size();
    long cpu0 = THREADS.getCurrentThreadCpuTime();
    long t0 = System.nanoTime();
    try {
      return delegate.reconcile(cr, context);
    } finally {
      long wall = System.nanoTime() - t0;
      samples.add(new Sample(cr.getMetadata().getNamespace() + "/" + cr.getMetadata().getName(),
          wall, THREADS.getCurrentThreadCpuTime() - cpu0, pods));
    }
  }

  @Override
  public List<EventSource<?, CassandraCluster>> prepareEventSources(EventSourceContext<CassandraCluster> context) {
    return delegate.prepareEventSources(context);
  }

  @Override
  public ErrorStatusUpdateControl<CassandraCluster> updateErrorStatus(CassandraCluster cr,
      Context<CassandraCluster> context, Exception e) {
    return delegate.updateErrorStatus(cr, context, e);
  }

  @Override
  public DeleteControl cleanup(CassandraCluster cr, Context<CassandraCluster> context) {
    return delegate.cleanup(cr, context);
  }
}
