package io.ringkeeper.operator.node;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Asks every tracked node's agent for its state once per interval and keeps the last answer per node, so that a
 * reconcile reads node state without calling any node.
 *
 * <p>Algorithm: every interval, each tracked endpoint without a call in flight is queued; calls are started from
 * the queue while fewer than {@code concurrency} are in flight (the client is asynchronous, so no thread waits).
 * Each call is also bounded by {@code timeout}. When an answer's {@link NodeObservation#signature()} differs from
 * the previous one, the cluster's listener is told, which triggers a reconcile. Endpoints added by
 * {@link #track} are asked at once rather than at the next round, so a new pod is seen quickly.
 *
 * <p>One round serves the reconciler and the metrics: after a node's state arrives, the same call slot asks its
 * agent for its figures (latency, compactions, hints, heap), so there is one round of agent calls per interval
 * and nothing else polls the agents. Figures never trigger a reconcile; a failed figures call only drops the
 * node's figures (stale latencies are worse than none).
 *
 * <p>A node that answered is reported failed at once when its agent cannot be reached (connection refused: the
 * process is gone) but only after two timeouts in a row: one slow answer is what a GC pause or a starved CPU
 * looks like, and marking a node down for it makes whole clusters flap (seen on 2 shared cores).
 */
public final class NodePoller implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodePoller.class);

  private final NodeClient client;
  private final Duration interval;
  private final Duration timeout;
  private final int concurrency;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private volatile Consumer<ClusterKey> listener = key -> {};
  private volatile CallObserver callObserver = (call, took, failure) -> {};

  private final Map<ClusterKey, Map<String, NodeEndpoint>> tracked = new ConcurrentHashMap<>();
  private final Map<ClusterKey, Map<String, NodeObservation>> observations = new ConcurrentHashMap<>();
  private final Map<ClusterKey, Map<String, Figures>> figures = new ConcurrentHashMap<>();
  /** Nodes (name@address) whose last call timed out after an answer: one slow answer is not yet a down node. */
  private final Map<ClusterKey, Set<String>> slow = new ConcurrentHashMap<>();
  // Guarded by this:
  private final Queue<Call> queue = new ArrayDeque<>();
  private final Set<Call> inFlight = new HashSet<>();
  private boolean started;
  private final PolledAgents agents;

  private record Call(ClusterKey cluster, NodeEndpoint endpoint) {}

  private record Figures(String address, NodeMetrics metrics) {}

  /** The two agent calls of a round, as they are named in metrics. */
  public enum CallKind {
    INFO, METRICS;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Told about every finished agent call: how long it took and, when it failed, why. */
  @FunctionalInterface
  public interface CallObserver {
    void completed(CallKind call, Duration took, NodeClientException.Kind failure);
  }

  public NodePoller(NodeClient client, Duration interval, Duration timeout, int concurrency, Clock clock) {
    this.client = Objects.requireNonNull(client, "client");
    this.interval = Objects.requireNonNull(interval, "interval");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.concurrency = concurrency;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "node-poller");
      t.setDaemon(true);
      return t;
    });
    this.agents = new PolledAgents(this, client, timeout, clock);
  }

  /**
   * What a reconcile may read of and ask from the agents without waiting: the last round's answers (jobs and
   * keyspaces are followed while a reconcile asks for them) and commands fired and recorded.
   */
  public Agents agents() {
    return agents;
  }

  /** Who to tell when a node of a cluster changed. */
  public void setListener(Consumer<ClusterKey> listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /** Who to tell about each agent call (the operator's metrics). */
  public void setCallObserver(CallObserver observer) {
    this.callObserver = Objects.requireNonNull(observer, "observer");
  }

  public synchronized void start() {
    if (!started) {
      started = true;
      scheduler.scheduleWithFixedDelay(this::pollSafely, interval.toMillis(), interval.toMillis(),
          TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Sets the endpoints of a cluster's nodes (those with a pod IP). Observations of nodes no longer tracked, or
   * taken at another address (the pod was re-created), are dropped; new endpoints are asked at once.
   */
  public void track(ClusterKey cluster, Collection<NodeEndpoint> endpoints) {
    Map<String, NodeEndpoint> next = new HashMap<>();
    for (NodeEndpoint endpoint : endpoints) {
      next.put(endpoint.node(), endpoint);
    }
    Map<String, NodeEndpoint> previous = tracked.put(cluster, next);
    Map<String, NodeObservation> seen = observations.computeIfAbsent(cluster, k -> new ConcurrentHashMap<>());
    seen.entrySet().removeIf(e -> {
      NodeEndpoint endpoint = next.get(e.getKey());
      return endpoint == null || !endpoint.address().equals(e.getValue().address());
    });
    figures.computeIfAbsent(cluster, k -> new ConcurrentHashMap<>()).entrySet().removeIf(e -> {
      NodeEndpoint endpoint = next.get(e.getKey());
      return endpoint == null || !endpoint.address().equals(e.getValue().address());
    });
    synchronized (this) {
      for (NodeEndpoint endpoint : next.values()) {
        NodeEndpoint before = previous == null ? null : previous.get(endpoint.node());
        if (!endpoint.equals(before)) {
          queue.add(new Call(cluster, endpoint));
        }
      }
    }
    drain();
  }

  /** Stops polling a cluster (it was deleted) and drops what was observed. */
  public void forget(ClusterKey cluster) {
    tracked.remove(cluster);
    observations.remove(cluster);
    figures.remove(cluster);
    slow.remove(cluster);
  }

  /** The clusters whose nodes are polled. */
  public Set<ClusterKey> clusters() {
    return Set.copyOf(tracked.keySet());
  }

  /** The last figures per node name of a cluster; a node is absent until its figures call succeeded. */
  public Map<String, NodeMetrics> metrics(ClusterKey cluster) {
    Map<String, Figures> seen = figures.get(cluster);
    if (seen == null) {
      return Map.of();
    }
    Map<String, NodeMetrics> result = new HashMap<>();
    seen.forEach((node, f) -> result.put(node, f.metrics()));
    return result;
  }

  /** The last observation per node name of a cluster; empty until its nodes answered or failed once. */
  public Map<String, NodeObservation> observations(ClusterKey cluster) {
    Map<String, NodeObservation> seen = observations.get(cluster);
    return seen == null ? Map.of() : Map.copyOf(seen);
  }

  /** The cluster a tracked endpoint belongs to; null when it is not tracked (any more). */
  ClusterKey clusterOf(NodeEndpoint endpoint) {
    for (Map.Entry<ClusterKey, Map<String, NodeEndpoint>> cluster : tracked.entrySet()) {
      if (endpoint.equals(cluster.getValue().get(endpoint.node()))) {
        return cluster.getKey();
      }
    }
    return null;
  }

  /** The last figures of one node; null until its figures call succeeded. */
  NodeMetrics metrics(ClusterKey cluster, String node) {
    Map<String, Figures> seen = figures.get(cluster);
    Figures f = seen == null ? null : seen.get(node);
    return f == null ? null : f.metrics();
  }

  /** Tells the listener that something of a cluster's nodes changed. */
  void changed(ClusterKey cluster) {
    try {
      listener.accept(cluster);
    } catch (RuntimeException e) {
      LOG.warn("node change listener failed", e);
    }
  }

  /** One round: every tracked endpoint without a call in flight is asked, and every job and schema followed. */
  public void pollOnce() {
    synchronized (this) {
      for (Map.Entry<ClusterKey, Map<String, NodeEndpoint>> cluster : tracked.entrySet()) {
        for (NodeEndpoint endpoint : cluster.getValue().values()) {
          Call call = new Call(cluster.getKey(), endpoint);
          if (!inFlight.contains(call) && !queue.contains(call)) {
            queue.add(call);
          }
        }
      }
    }
    drain();
    agents.round();
  }

  private void pollSafely() {
    try {
      pollOnce();
    } catch (RuntimeException e) {
      LOG.warn("node poll round failed", e);
    }
  }

  private void drain() {
    while (true) {
      Call call;
      synchronized (this) {
        if (inFlight.size() >= concurrency || queue.isEmpty()) {
          return;
        }
        call = queue.poll();
        inFlight.add(call);
      }
      long started = System.nanoTime();
      CompletableFuture<NodeInfo> future;
      try {
        future = client.nodeInfo(call.endpoint());
      } catch (RuntimeException e) {
        future = CompletableFuture.failedFuture(e);
      }
      future.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .whenComplete((info, error) -> complete(call, info, error, started));
    }
  }

  private void complete(Call call, NodeInfo info, Throwable error, long started) {
    boolean askFigures = false;
    try {
      observed(CallKind.INFO, started, error);
      record(call, info, error);
      askFigures = error == null;
      if (!askFigures) {
        recordFigures(call, null, error);
      }
    } catch (RuntimeException e) {
      LOG.warn("recording the answer of node {} failed", call.endpoint().node(), e);
    } finally {
      if (!askFigures) {
        release(call);
      }
    }
    if (askFigures) {
      askFigures(call);
    }
  }

  /** The second call of the node's slot in this round: its figures. The slot is released when it completes. */
  private void askFigures(Call call) {
    long started = System.nanoTime();
    CompletableFuture<NodeMetrics> future;
    try {
      future = client.metrics(call.endpoint());
    } catch (RuntimeException e) {
      future = CompletableFuture.failedFuture(e);
    }
    future.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((metrics, error) -> {
      try {
        observed(CallKind.METRICS, started, error);
        recordFigures(call, metrics, error);
      } catch (RuntimeException e) {
        LOG.warn("recording the figures of node {} failed", call.endpoint().node(), e);
      } finally {
        release(call);
      }
    });
  }

  private void release(Call call) {
    synchronized (this) {
      inFlight.remove(call);
    }
    drain();
  }

  private void observed(CallKind kind, long started, Throwable error) {
    try {
      callObserver.completed(kind, Duration.ofNanos(System.nanoTime() - started),
          error == null ? null : failureKind(error));
    } catch (RuntimeException e) {
      LOG.warn("call observer failed", e);
    }
  }

  private void recordFigures(Call call, NodeMetrics metrics, Throwable error) {
    NodeEndpoint endpoint = call.endpoint();
    Map<String, NodeEndpoint> current = tracked.get(call.cluster());
    if (current == null || !endpoint.equals(current.get(endpoint.node()))) {
      return;
    }
    Map<String, Figures> seen = figures.computeIfAbsent(call.cluster(), k -> new ConcurrentHashMap<>());
    if (error == null && metrics != null) {
      seen.put(endpoint.node(), new Figures(endpoint.address(), metrics));
    } else {
      seen.remove(endpoint.node());
    }
  }

  private static NodeClientException.Kind failureKind(Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof NodeClientException nce) {
      return nce.kind();
    } else if (cause instanceof TimeoutException) {
      return NodeClientException.Kind.TIMEOUT;
    }
    return NodeClientException.Kind.ERROR;
  }

  private void record(Call call, NodeInfo info, Throwable error) {
    NodeEndpoint endpoint = call.endpoint();
    Map<String, NodeEndpoint> current = tracked.get(call.cluster());
    if (current == null || !endpoint.equals(current.get(endpoint.node()))) {
      return; // The node was untracked or moved while the call ran.
    }
    Map<String, NodeObservation> seen = observations.computeIfAbsent(call.cluster(), k -> new ConcurrentHashMap<>());
    NodeObservation previous = seen.get(endpoint.node());
    Instant now = clock.instant();
    NodeObservation next;
    Set<String> slowNodes = slow.computeIfAbsent(call.cluster(), k -> ConcurrentHashMap.newKeySet());
    String slowKey = endpoint.node() + "@" + endpoint.address();
    if (error == null) {
      slowNodes.remove(slowKey);
      next = NodeObservation.answered(endpoint.node(), endpoint.address(), now, info);
    } else {
      Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
      NodeClientException.Kind kind = failureKind(error);
      if (kind == NodeClientException.Kind.TIMEOUT && previous != null && previous.answeredNow()
          && previous.address().equals(endpoint.address()) && slowNodes.add(slowKey)) {
        LOG.debug("node {} timed out once after answering; its last answer stands until a second timeout",
            endpoint.node());
        return;
      }
      slowNodes.remove(slowKey);
      Instant lastAnswer = previous == null ? null : previous.lastAnswer();
      next = NodeObservation.failed(endpoint.node(), endpoint.address(), now, kind,
          String.valueOf(cause.getMessage()), lastAnswer);
    }
    seen.put(endpoint.node(), next);
    if (previous == null || !previous.signature().equals(next.signature())) {
      try {
        MDC.put("resource.namespace", call.cluster().namespace());
        MDC.put("resource.name", call.cluster().name());
        LOG.debug("node {} changed: {}", endpoint.node(),
            next.answeredNow() ? next.info().operationMode() : next.failure());
      } finally {
        MDC.remove("resource.namespace");
        MDC.remove("resource.name");
      }
      listener.accept(call.cluster());
    }
  }

  /** The endpoints currently tracked for a cluster (for tests and metrics). */
  public List<NodeEndpoint> endpoints(ClusterKey cluster) {
    Map<String, NodeEndpoint> current = tracked.get(cluster);
    return current == null ? List.of() : List.copyOf(current.values());
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
