package io.ringkeeper.operator.testing;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.ringkeeper.operator.node.JobKind;
import io.ringkeeper.operator.node.JobRequest;
import io.ringkeeper.operator.node.JobState;
import io.ringkeeper.operator.node.JobStatus;
import io.ringkeeper.operator.node.KeyspaceInfo;
import io.ringkeeper.operator.node.Latency;
import io.ringkeeper.operator.node.NodeClient;
import io.ringkeeper.operator.node.NodeClientException;
import io.ringkeeper.operator.node.NodeEndpoint;
import io.ringkeeper.operator.node.NodeInfo;
import io.ringkeeper.operator.node.NodeMetrics;
import io.ringkeeper.operator.node.OperationMode;
import io.ringkeeper.operator.resources.JvmOptions;
import io.ringkeeper.operator.resources.Labels;
import io.ringkeeper.operator.resources.Names;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fleet of fake node agents: one per pod the {@link FakeKubelet} runs, answering {@link NodeClient} calls the
 * way a healthy Cassandra node would, derived from its pod (tokens from {@code -Dcassandra.initial_token} in
 * JVM_EXTRA_OPTS, datacenter and rack from its labels, version from its image). Switches per node make it
 * misbehave: {@link #down}, {@link #slow}, {@link #joining}, {@link #starting}, {@link #wrongTokens}, and
 * {@link #hang} makes chosen calls of every node never answer.
 *
 * <p>Jobs: decommission (the node is LEAVING while it runs, then DECOMMISSIONED and gone from its peers' ring),
 * drain (DRAINED, seen down by its peers) and cleanup run for {@link #jobDuration} and succeed, unless
 * {@link #failJobs} makes them fail with a message. Job and mode state belong to the running pod (its IP): a
 * recreated pod is a fresh node that knows no earlier job. {@link #jobsStarted()} lists every job ever started.
 *
 * <p>Calls complete asynchronously, never on the caller's thread when slow, like the HTTP client.
 */
public final class FakeNodeFleet implements NodeClient, AutoCloseable {
  private final FakeKubelet kubelet;
  private final Set<String> down = ConcurrentHashMap.newKeySet();
  private final Set<String> joining = ConcurrentHashMap.newKeySet();
  private final Set<String> starting = ConcurrentHashMap.newKeySet();
  private final Set<String> wrongTokens = ConcurrentHashMap.newKeySet();
  private final Map<String, Duration> slow = new ConcurrentHashMap<>();
  private final Set<Call> hung = ConcurrentHashMap.newKeySet();
  private final List<CompletableFuture<?>> unanswered = java.util.Collections.synchronizedList(new ArrayList<>());

  /** The agent calls {@link #hang} can make never answer. */
  public enum Call { NODE_INFO, METRICS, KEYSPACES, START_JOB, JOB, SET_COMPACTION_THROUGHPUT, ACCESS }
  private final Map<String, List<KeyspaceInfo>> schemas = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final FakeJobs jobs = new FakeJobs(java.time.Clock.systemUTC());
  private final Map<String, AtomicInteger> metricsCalls = new ConcurrentHashMap<>();
  /** Operation mode set by a job, per pod IP. */
  private final Map<String, OperationMode> modes = new ConcurrentHashMap<>();
  /** Day-2 operation jobs (decommission, drain, cleanup, rebuild) per pod IP, by id; other kinds run in {@link #jobs}. */
  private final Map<String, Map<String, JobStatus>> operationJobs = new ConcurrentHashMap<>();
  private final Map<JobKind, String> failing = new ConcurrentHashMap<>();
  private final List<StartedJob> started = java.util.Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger jobIds = new AtomicInteger();
  private volatile Duration jobDuration = Duration.ofMillis(300);

  /** A job some node was asked to run; {@code source} is the datacenter a rebuild streams from (null otherwise). */
  public record StartedJob(String node, String address, JobKind kind, java.time.Instant at, String source) {}
  private static final java.util.Set<JobKind> OPERATION_KINDS =
      java.util.EnumSet.of(JobKind.DECOMMISSION, JobKind.DRAIN, JobKind.CLEANUP, JobKind.REBUILD);
  private final ScheduledExecutorService delays = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "fake-fleet");
    t.setDaemon(true);
    return t;
  });

  public FakeNodeFleet(FakeKubelet kubelet) {
    this.kubelet = kubelet;
  }

  /** The node's agent stops answering (connection refused), and its peers see it unreachable. */
  public FakeNodeFleet down(String node, boolean value) {
    toggle(down, node, value);
    return this;
  }

  /** The node's agent answers only after this long (null: normally again). */
  public FakeNodeFleet slow(String node, Duration delay) {
    if (delay == null) {
      slow.remove(node);
    } else {
      slow.put(node, delay);
    }
    return this;
  }

  /**
   * These calls of every node are accepted and never answered (no timeout, no error), as a hung agent does;
   * empty: answered again (calls already hung stay unanswered).
   */
  public FakeNodeFleet hang(Set<Call> which) {
    hung.clear();
    hung.addAll(which);
    return this;
  }

  /** Calls hung so far that still have no answer. */
  public int unanswered() {
    synchronized (unanswered) {
      return (int) unanswered.stream().filter(f -> !f.isDone()).count();
    }
  }

  /** The node reports operation mode JOINING. */
  public FakeNodeFleet joining(String node, boolean value) {
    toggle(joining, node, value);
    return this;
  }

  /** The node reports operation mode STARTING (its JVM is up, Cassandra not yet). */
  public FakeNodeFleet starting(String node, boolean value) {
    toggle(starting, node, value);
    return this;
  }

  /** The node holds tokens other than those it was started with (e.g. a data directory of another node). */
  public FakeNodeFleet wrongTokens(String node, boolean value) {
    toggle(wrongTokens, node, value);
    return this;
  }

  /** How long every job runs before it finishes. */
  public FakeNodeFleet jobDuration(Duration value) {
    this.jobDuration = value;
    return this;
  }

  /** Jobs of that kind fail with this message (null: they succeed again). */
  public FakeNodeFleet failJobs(JobKind kind, String message) {
    if (message == null) {
      failing.remove(kind);
    } else {
      failing.put(kind, message);
    }
    return this;
  }

  /** Every job started so far, in order. */
  public List<StartedJob> jobsStarted() {
    synchronized (started) {
      return List.copyOf(started);
    }
  }

  /** Jobs of one kind started so far. */
  public List<StartedJob> jobsStarted(JobKind kind) {
    return jobsStarted().stream().filter(j -> j.kind() == kind).toList();
  }

  /** Calls made to a node's agent so far. */
  public int calls(String node) {
    AtomicInteger count = calls.get(node);
    return count == null ? 0 : count.get();
  }

  /** Every switch off. */
  public void reset() {
    down.clear();
    joining.clear();
    starting.clear();
    wrongTokens.clear();
    slow.clear();
    failing.clear();
    schemas.clear();
    hung.clear();
    jobs.clearHibernations();
  }

  @Override
  public CompletableFuture<NodeInfo> nodeInfo(NodeEndpoint endpoint) {
    calls.computeIfAbsent(endpoint.node(), n -> new AtomicInteger()).incrementAndGet();
    if (hung.contains(Call.NODE_INFO)) {
      return never();
    }
    return answer(endpoint, () -> info(endpoint));
  }

  /**
   * Figures of a node with some load: latencies that grow with each call (so they are never zero), a few pending
   * compactions, and a heap a quarter full. Deterministic per node name.
   */
  @Override
  public CompletableFuture<NodeMetrics> metrics(NodeEndpoint endpoint) {
    if (hung.contains(Call.METRICS)) {
      return never();
    }
    return answer(endpoint, () -> {
      // Pending compactions and throughput come from the job model (repair tests steer them); latencies grow
      // with each call so they are never zero (metrics tests scrape them).
      NodeMetrics base = jobs.metrics(endpoint.node());
      int seed = 1 + Math.abs(endpoint.node().hashCode() % 5);
      long count = metricsCalls.computeIfAbsent(endpoint.node(), n -> new AtomicInteger()).incrementAndGet();
      Latency read = new Latency(300.0 * seed, 900.0 * seed, 2_000.0 * seed, 100 * count);
      Latency write = new Latency(150.0 * seed, 400.0 * seed, 1_000.0 * seed, 200 * count);
      return new NodeMetrics(read, write, base.pendingCompactions(), base.pendingHints(), base.droppedMessages(),
          base.heapUsedBytes(), base.heapMaxBytes(), base.compactionThroughputMibPerSec());
    });
  }

  @Override
  public CompletableFuture<List<KeyspaceInfo>> keyspaces(NodeEndpoint endpoint) {
    if (hung.contains(Call.KEYSPACES)) {
      return never();
    }
    List<KeyspaceInfo> own = schemas.get(endpoint.node());
    return answer(endpoint, own != null ? () -> own : jobs::schema);
  }

  /** The keyspaces this node reports instead of the fleet's (null: the fleet's again), e.g. a schema not pulled yet. */
  public FakeNodeFleet schema(String node, List<KeyspaceInfo> keyspaces) {
    if (keyspaces == null) {
      schemas.remove(node);
    } else {
      schemas.put(node, List.copyOf(keyspaces));
    }
    return this;
  }

  /** Jobs run by {@link #jobs()}: durations, failures and their history are set and read there. */
  @Override
  public CompletableFuture<JobStatus> startJob(NodeEndpoint endpoint, JobRequest request) {
    if (hung.contains(Call.START_JOB)) {
      return never();
    }
    if (!OPERATION_KINDS.contains(request.kind())) {
      return answer(endpoint, () -> jobs.start(endpoint.node(), request));
    }
    return answer(endpoint, () -> {
      String ip = endpoint.address();
      OperationMode mode = modes.get(ip);
      if (request.kind() == JobKind.DECOMMISSION && mode != null) {
        throw new NodeClientException(NodeClientException.Kind.REFUSED, endpoint.node(), 409,
            "node is " + mode + ", it cannot decommission", null);
      }
      String id = request.kind().name().toLowerCase() + "-" + jobIds.incrementAndGet();
      long now = System.currentTimeMillis();
      JobStatus running = new JobStatus(id, request.kind(), JobState.RUNNING, 0, null, now, 0);
      operationJobs.computeIfAbsent(ip, a -> new ConcurrentHashMap<>()).put(id, running);
      started.add(new StartedJob(endpoint.node(), ip, request.kind(), java.time.Instant.now(),
          request.sourceDatacenter()));
      if (request.kind() == JobKind.DECOMMISSION) {
        modes.put(ip, OperationMode.LEAVING);
      } else if (request.kind() == JobKind.DRAIN) {
        modes.put(ip, OperationMode.DRAINING);
      }
      delays.schedule(() -> finishJob(ip, running), jobDuration.toMillis(), TimeUnit.MILLISECONDS);
      return running;
    });
  }

  private void finishJob(String ip, JobStatus running) {
    String failure = failing.get(running.kind());
    Map<String, JobStatus> ofNode = operationJobs.get(ip);
    if (ofNode == null) {
      return;
    }
    long now = System.currentTimeMillis();
    if (failure != null) {
      ofNode.put(running.id(), new JobStatus(running.id(), running.kind(), JobState.FAILED, 0, failure,
          running.startedAtMillis(), now));
      modes.remove(ip);
      return;
    }
    if (running.kind() == JobKind.DECOMMISSION) {
      modes.put(ip, OperationMode.DECOMMISSIONED);
    } else if (running.kind() == JobKind.DRAIN) {
      modes.put(ip, OperationMode.DRAINED);
    }
    ofNode.put(running.id(), new JobStatus(running.id(), running.kind(), JobState.SUCCEEDED, 1, null,
        running.startedAtMillis(), now));
  }

  @Override
  public CompletableFuture<JobStatus> job(NodeEndpoint endpoint, String jobId) {
    if (hung.contains(Call.JOB)) {
      return never();
    }
    return answer(endpoint, () -> {
      JobStatus job = operationJobs.getOrDefault(endpoint.address(), Map.of()).get(jobId);
      return job != null ? job : jobs.job(endpoint.node(), jobId);
    });
  }

  @Override
  public CompletableFuture<Integer> setCompactionThroughput(NodeEndpoint endpoint, int mibPerSecond) {
    if (hung.contains(Call.SET_COMPACTION_THROUGHPUT)) {
      return never();
    }
    return answer(endpoint, () -> jobs.setThroughput(endpoint.node(), mibPerSecond));
  }

  @Override
  public CompletableFuture<io.ringkeeper.operator.node.AccessResult> access(NodeEndpoint endpoint,
      io.ringkeeper.operator.node.AccessRequest request) {
    if (hung.contains(Call.ACCESS)) {
      return never();
    }
    return answer(endpoint, () -> jobs.applyAccess(request));
  }

  @Override
  public CompletableFuture<io.ringkeeper.operator.node.HibernationEnd> endHibernation(NodeEndpoint via,
      String endpoint) {
    return answer(via, () -> jobs.endHibernation(endpoint));
  }

  /** The jobs, pending compactions, throughput and schema of the fleet's nodes (on the system clock). */
  public FakeJobs jobs() {
    return jobs;
  }

  private <T> CompletableFuture<T> never() {
    CompletableFuture<T> call = new CompletableFuture<>();
    unanswered.add(call);
    return call;
  }

  private interface Answer<T> {
    T get();
  }

  private <T> CompletableFuture<T> answer(NodeEndpoint endpoint, Answer<T> answer) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Runnable run = () -> {
      try {
        Optional<Pod> pod = kubelet.runningAt(endpoint.address());
        if (down.contains(endpoint.node()) || pod.isEmpty()
            || !endpoint.node().equals(pod.get().getMetadata().getName())) {
          result.completeExceptionally(new NodeClientException(NodeClientException.Kind.UNREACHABLE,
              endpoint.node(), "connection refused: " + endpoint.address() + ":" + endpoint.port()));
          return;
        }
        result.complete(answer.get());
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
      }
    };
    Duration delay = slow.get(endpoint.node());
    if (delay == null) {
      delays.execute(run);
    } else {
      delays.schedule(run, delay.toMillis(), TimeUnit.MILLISECONDS);
    }
    return result;
  }

  private NodeInfo info(NodeEndpoint endpoint) {
    Pod pod = kubelet.runningAt(endpoint.address()).orElseThrow();
    String namespace = pod.getMetadata().getNamespace();
    String cluster = pod.getMetadata().getLabels().get(Labels.CLUSTER);
    List<Pod> peers = kubelet.runningPods(namespace, cluster);
    Map<Long, String> ring = new TreeMap<>();
    Map<String, String> dcs = new HashMap<>();
    Map<String, String> racks = new HashMap<>();
    Map<String, String> hostIds = new HashMap<>();
    List<String> live = new ArrayList<>();
    List<String> unreachable = new ArrayList<>();
    for (Pod peer : peers) {
      String ip = peer.getStatus().getPodIP();
      String name = peer.getMetadata().getName();
      OperationMode peerMode = modes.get(ip);
      if (peerMode == OperationMode.DECOMMISSIONED) {
        continue;
      }
      tokensOf(peer).forEach(t -> ring.put(t, ip));
      dcs.put(ip, peer.getMetadata().getLabels().get(Labels.DATACENTER));
      racks.put(ip, peer.getMetadata().getLabels().get(Labels.RACK));
      hostIds.put(ip, hostId(name).toString());
      (down.contains(name) || peerMode == OperationMode.DRAINED ? unreachable : live).add(ip);
    }
    String name = pod.getMetadata().getName();
    OperationMode mode = modes.containsKey(pod.getStatus().getPodIP()) ? modes.get(pod.getStatus().getPodIP())
        : starting.contains(name) ? OperationMode.STARTING
        : joining.contains(name) ? OperationMode.JOINING : OperationMode.NORMAL;
    List<Long> tokens = tokensOf(pod);
    if (wrongTokens.contains(name)) {
      tokens = tokens.stream().map(t -> t + 1).toList();
    }
    String image = pod.getSpec().getContainers().get(0).getImage();
    return new NodeInfo(mode, hostId(name).toString(), pod.getStatus().getPodIP(),
        pod.getMetadata().getLabels().get(Labels.DATACENTER), pod.getMetadata().getLabels().get(Labels.RACK),
        image.substring(image.lastIndexOf(':') + 1), mode == OperationMode.NORMAL, true, tokens,
        1_234_567L * (1 + Math.abs(name.hashCode() % 7)), live, unreachable, List.of(), List.of(), List.of(), ring,
        dcs, racks, hostIds, 3 * 3600_000L, 60, jobs.hibernating().stream().sorted().toList());
  }

  /** The tokens a pod starts with, read back from JVM_EXTRA_OPTS as the JVM would see them. */
  public static List<Long> tokensOf(Pod pod) {
    return JvmOptions.initialTokens(JvmOptions.split(jvmExtraOpts(pod)));
  }

  public static String jvmExtraOpts(Pod pod) {
    return pod.getSpec().getContainers().stream()
        .filter(c -> c.getName().equals(Names.CASSANDRA_CONTAINER))
        .flatMap(c -> c.getEnv().stream())
        .filter(e -> e.getName().equals("JVM_EXTRA_OPTS"))
        .map(EnvVar::getValue)
        .findFirst().orElse("");
  }

  private static UUID hostId(String node) {
    return UUID.nameUUIDFromBytes(node.getBytes(StandardCharsets.UTF_8));
  }

  private static void toggle(Set<String> set, String node, boolean value) {
    if (value) {
      set.add(node);
    } else {
      set.remove(node);
    }
  }

  @Override
  public void close() {
    delays.shutdownNow();
  }
}
