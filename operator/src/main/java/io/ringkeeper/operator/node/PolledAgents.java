package io.ringkeeper.operator.node;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@link Agents} of the running operator, kept by the {@link NodePoller}: what a reconcile reads was fetched in
 * the background (jobs and a node's keyspaces are asked each poll round while a reconcile asks for them, each
 * cluster's keyspaces every round, figures come with the poller's own round), and commands are sent at once without waiting, their answers kept for the
 * reconciles that ask for them again. A read that changed, or a command that was answered, triggers a reconcile of the node's cluster.
 */
final class PolledAgents implements Agents {
  /** A read no reconcile asked for in this long is no longer followed. */
  static final Duration FOLLOW_FOR = Duration.ofMinutes(2);
  /** A command's answer is kept this long: asked again for the same attempt, it is the same answer. */
  static final Duration KEEP_ANSWERS = Duration.ofMinutes(10);

  private final NodePoller poller;
  private final NodeClient client;
  private final Duration timeout;
  private final Clock clock;
  private final Map<Read, Seen> reads = new ConcurrentHashMap<>();
  private final Map<Command, Fired> commands = new ConcurrentHashMap<>();

  private enum What { JOB, KEYSPACES }

  private record Read(What what, NodeEndpoint endpoint, String jobId) {}

  private record Command(NodeEndpoint endpoint, Object request) {}

  private record Fired(CompletableFuture<?> answer, Instant at) {}

  /**
   * A cluster's keyspaces as one of its nodes last reported them (the schema is the cluster's, so one node
   * answers for all), and when the request of that answer was sent; null until a node answered. Followed each
   * round for every polled cluster.
   */
  private static final class Schema {
    volatile List<KeyspaceInfo> keyspaces;
    volatile Instant askedAt;
    final AtomicBoolean inFlight = new AtomicBoolean();
  }

  private final Map<ClusterKey, Schema> schemas = new ConcurrentHashMap<>();

  /** The last answer of a read (or its failure), when it was last asked for, and whether a call is out. */
  private static final class Seen {
    volatile boolean answered;
    volatile Object value;
    volatile NodeClientException failure;
    volatile Instant wanted;
    /** When the request of the last answer was sent. */
    volatile Instant answerAskedAt;
    final AtomicBoolean inFlight = new AtomicBoolean();
  }

  PolledAgents(NodePoller poller, NodeClient client, Duration timeout, Clock clock) {
    this.poller = poller;
    this.client = client;
    this.timeout = timeout;
    this.clock = clock;
  }

  @Override
  public JobStatus job(NodeEndpoint node, String jobId) {
    return (JobStatus) read(new Read(What.JOB, node, Objects.requireNonNull(jobId, "jobId")), "job " + jobId);
  }

  @Override
  @SuppressWarnings("unchecked")
  public List<KeyspaceInfo> keyspaces(NodeEndpoint node) {
    return (List<KeyspaceInfo>) read(new Read(What.KEYSPACES, node, null), "keyspaces");
  }

  @Override
  public Optional<List<KeyspaceInfo>> keyspaces(ClusterKey cluster) {
    Schema schema = schemas.computeIfAbsent(cluster, c -> new Schema());
    if (schema.keyspaces == null) {
      askSchema(cluster, schema); // asked at once the first time, then every round
    }
    return Optional.ofNullable(schema.keyspaces);
  }

  @Override
  public Optional<List<KeyspaceInfo>> keyspacesSince(ClusterKey cluster, Instant since) {
    Schema schema = schemas.computeIfAbsent(cluster, c -> new Schema());
    Instant askedAt = schema.askedAt;
    if (schema.keyspaces != null && askedAt != null && !askedAt.isBefore(since)) {
      return Optional.of(schema.keyspaces);
    }
    askSchema(cluster, schema); // sent now rather than at the next round, and not waited for
    return Optional.empty();
  }

  @Override
  public NodeMetrics metrics(NodeEndpoint node) {
    ClusterKey cluster = poller.clusterOf(node);
    NodeMetrics metrics = cluster == null ? null : poller.metrics(cluster, node.node());
    if (metrics == null) {
      throw new NoAnswerYet(node.node(), "figures");
    }
    return metrics;
  }

  @Override
  public JobStatus startJob(NodeEndpoint node, JobRequest request, String attempt) {
    return command(node, List.of(request, attempt), "start " + request.kind(), () -> client.startJob(node, request));
  }

  @Override
  public int setCompactionThroughput(NodeEndpoint node, int mibPerSecond, String attempt) {
    return command(node, List.of("compaction-throughput", mibPerSecond, attempt), "set compaction throughput",
        () -> client.setCompactionThroughput(node, mibPerSecond));
  }

  @Override
  public AccessResult access(NodeEndpoint node, AccessRequest request, String attempt) {
    Duration bound = timeout.compareTo(NodeClient.SLOW_CALL_TIMEOUT) > 0 ? timeout : NodeClient.SLOW_CALL_TIMEOUT;
    return command(node, List.of(request, attempt), "set access", () -> client.access(node, request), bound);
  }

  @Override
  public HibernationEnd endHibernation(NodeEndpoint via, String endpoint, String attempt) {
    Duration bound = timeout.compareTo(NodeClient.SLOW_CALL_TIMEOUT) > 0 ? timeout : NodeClient.SLOW_CALL_TIMEOUT;
    // One per cluster, address and attempt, whichever peer is asked: the first peer that marks it shut down gives
    // the state the highest version, and gossip carries it to the others. A peer whose report is older than that
    // answer (its next poll has not come) takes the kept answer instead of being asked too.
    ClusterKey cluster = poller.clusterOf(via);
    return command(via, new Command(null, List.of("end-hibernation", String.valueOf(cluster), endpoint, attempt)),
        "end the hibernation of " + endpoint, () -> client.endHibernation(via, endpoint), bound);
  }

  private Object read(Read read, String what) {
    Seen seen = reads.computeIfAbsent(read, r -> new Seen());
    seen.wanted = clock.instant();
    if (!seen.answered) {
      ask(read, seen); // asked at once the first time, then every round
    }
    if (!seen.answered) {
      throw new NoAnswerYet(read.endpoint().node(), what);
    }
    if (seen.failure != null) {
      throw seen.failure;
    }
    return seen.value;
  }

  private void ask(Read read, Seen seen) {
    if (!seen.inFlight.compareAndSet(false, true)) {
      return;
    }
    Instant askedAt = clock.instant();
    CompletableFuture<?> call;
    try {
      call = read.what() == What.JOB ? client.job(read.endpoint(), read.jobId()) : client.keyspaces(read.endpoint());
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    call.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((value, error) -> {
      NodeClientException failure = error == null ? null : failure(read.endpoint().node(), error);
      Object before = seen.answered ? signature(read, seen.value, seen.failure) : null;
      seen.value = error == null ? value : seen.value;
      seen.failure = failure;
      seen.answerAskedAt = error == null ? askedAt : seen.answerAskedAt;
      seen.answered = true;
      seen.inFlight.set(false);
      if (!Objects.equals(before, signature(read, seen.value, failure))) {
        changed(read.endpoint());
      }
    });
  }

  /** What of a read is worth a reconcile when it changes: a job's state, the keyspaces, the kind of failure. */
  private static Object signature(Read read, Object value, NodeClientException failure) {
    if (failure != null) {
      return failure.kind();
    }
    return value instanceof JobStatus job && read.what() == What.JOB ? job.state() : value;
  }

  private <T> T command(NodeEndpoint node, Object request, String what,
      java.util.function.Supplier<CompletableFuture<T>> send) {
    return command(node, request, what, send, timeout);
  }

  private <T> T command(NodeEndpoint node, Object request, String what,
      java.util.function.Supplier<CompletableFuture<T>> send, Duration bound) {
    // Keyed without the trust material: a CA bundle rewritten while a command is out (a rotation) is the same
    // command to the same agent, not a new one to send again.
    return command(node, new Command(new NodeEndpoint(node.node(), node.address(), node.port(), node.token()),
        request), what, send, bound);
  }

  private <T> T command(NodeEndpoint node, Command key, String what,
      java.util.function.Supplier<CompletableFuture<T>> send, Duration bound) {
    Fired fired = commands.computeIfAbsent(key, k -> {
      CompletableFuture<T> call;
      try {
        call = send.get();
      } catch (RuntimeException e) {
        call = CompletableFuture.failedFuture(e);
      }
      CompletableFuture<T> bounded = call.orTimeout(bound.toMillis(), TimeUnit.MILLISECONDS);
      bounded.whenComplete((v, e) -> changed(node));
      return new Fired(bounded, clock.instant());
    });
    if (!fired.answer().isDone()) {
      throw new NoAnswerYet(node.node(), what + " (sent, waiting for the agent's answer)");
    }
    @SuppressWarnings("unchecked")
    CompletableFuture<T> answer = (CompletableFuture<T>) fired.answer();
    try {
      return answer.join();
    } catch (CompletionException e) {
      throw failure(node.node(), e);
    }
  }

  private static NodeClientException failure(String node, Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof NodeClientException nce) {
      return nce;
    }
    if (cause instanceof TimeoutException) {
      return new NodeClientException(NodeClientException.Kind.TIMEOUT, node, "no answer in time");
    }
    return new NodeClientException(NodeClientException.Kind.ERROR, node, 0, String.valueOf(cause.getMessage()),
        cause);
  }

  private void changed(NodeEndpoint node) {
    ClusterKey cluster = poller.clusterOf(node);
    if (cluster != null) {
      poller.changed(cluster);
    }
  }

  /**
   * Asks one node of the cluster for its keyspaces, unless a request is out: a node that answered its state as
   * NORMAL in the last round, else (before the ring forms) the first node with an address. A failed request keeps
   * the last answer: a node that does not answer is an observation, and the next round asks again.
   */
  private void askSchema(ClusterKey cluster, Schema schema) {
    NodeEndpoint endpoint = schemaSource(cluster);
    if (endpoint == null || !schema.inFlight.compareAndSet(false, true)) {
      return;
    }
    Instant askedAt = clock.instant();
    CompletableFuture<List<KeyspaceInfo>> call;
    try {
      call = client.keyspaces(endpoint);
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    call.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((keyspaces, error) -> {
      // A changed schema is worth a reconcile; the first answer is not: a reconcile that waits for it (a repair
      // to plan) looks again on its own tick, and a forming cluster would be reconciled once more for nothing.
      boolean changed = error == null && schema.keyspaces != null && !schema.keyspaces.equals(keyspaces);
      if (error == null) {
        schema.keyspaces = keyspaces;
        schema.askedAt = askedAt;
      }
      schema.inFlight.set(false);
      if (changed) {
        changed(endpoint);
      }
    });
  }

  private NodeEndpoint schemaSource(ClusterKey cluster) {
    List<NodeEndpoint> endpoints = poller.endpoints(cluster).stream()
        .sorted(java.util.Comparator.comparing(NodeEndpoint::node)).toList();
    if (endpoints.isEmpty()) {
      return null;
    }
    Map<String, NodeObservation> observed = poller.observations(cluster);
    return endpoints.stream()
        .filter(e -> {
          NodeObservation o = observed.get(e.node());
          return o != null && o.answeredNow() && o.info().operationMode() == OperationMode.NORMAL;
        })
        .findFirst().orElse(endpoints.get(0));
  }

  /** One poll round: every read still asked for is asked again; forgotten reads and unclaimed answers go. */
  void round() {
    Instant now = clock.instant();
    java.util.Set<ClusterKey> polled = poller.clusters();
    schemas.keySet().removeIf(cluster -> !polled.contains(cluster));
    for (ClusterKey cluster : polled) {
      askSchema(cluster, schemas.computeIfAbsent(cluster, c -> new Schema()));
    }
    reads.forEach((read, seen) -> {
      if (Duration.between(seen.wanted, now).compareTo(FOLLOW_FOR) > 0 || poller.clusterOf(read.endpoint()) == null) {
        reads.remove(read, seen);
      } else {
        ask(read, seen);
      }
    });
    commands.entrySet().removeIf(e -> e.getValue().answer().isDone()
        && Duration.between(e.getValue().at(), now).compareTo(KEEP_ANSWERS) > 0);
  }
}
