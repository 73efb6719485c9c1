package io.ringkeeper.operator.testing;

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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The job side of fake node agents: repair, compaction and cleanup jobs that run for a set duration on a clock
 * (a {@link TestClock} in unit tests, the system clock in ITs) and end as told, per-node pending compactions and
 * compaction throughput, and the schema nodes report. Every job started is kept in {@link #history()}, so tests
 * can check which jobs overlapped in time. Used alone as a {@link NodeClient} by unit tests, and by
 * {@link FakeNodeFleet} for the node calls that start and follow jobs.
 */
public final class FakeJobs implements NodeClient {
  private final Clock clock;
  private final Map<JobKind, Duration> durations = new ConcurrentHashMap<>();
  private final Map<JobKind, AtomicInteger> failNext = new ConcurrentHashMap<>();
  private final Map<JobKind, Boolean> hang = new ConcurrentHashMap<>();
  private final Map<String, Long> pendingCompactions = new ConcurrentHashMap<>();
  private final Map<String, Integer> throughput = new ConcurrentHashMap<>();
  private final Map<String, Map<String, Job>> jobs = new ConcurrentHashMap<>();
  private final List<Job> history = new CopyOnWriteArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();
  private volatile List<KeyspaceInfo> keyspaces = List.of(
      new KeyspaceInfo("system", true, "LocalStrategy", Map.of(), List.of("local", "peers_v2"), 0),
      new KeyspaceInfo("system_auth", true, "SimpleStrategy", Map.of("*", 1), List.of("roles"), 0));

  /** A job as started: where, what, when, and how it ends. */
  public final class Job {
    public final String id;
    public final String node;
    public final JobRequest request;
    public final Instant started;
    final Duration duration;
    final boolean fails;
    final boolean hangs;

    Job(String id, String node, JobRequest request, Instant started, Duration duration, boolean fails,
        boolean hangs) {
      this.id = id;
      this.node = node;
      this.request = request;
      this.started = started;
      this.duration = duration;
      this.fails = fails;
      this.hangs = hangs;
    }

    /** When it ends, or null while it hangs. */
    public Instant end() {
      return hangs ? null : started.plus(duration);
    }

    public boolean runningAt(Instant t) {
      Instant end = end();
      return !t.isBefore(started) && (end == null || t.isBefore(end));
    }

    JobStatus status() {
      Instant now = clock.instant();
      if (runningAt(now)) {
        return new JobStatus(id, request.kind(), JobState.RUNNING, -1, "running", started.toEpochMilli(), 0);
      }
      return new JobStatus(id, request.kind(), fails ? JobState.FAILED : JobState.SUCCEEDED, 1,
          fails ? "Repair session failed: injected failure" : "done", started.toEpochMilli(),
          end().toEpochMilli());
    }

    @Override
    public String toString() {
      return node + " " + request.kind() + " " + request.keyspace() + " " + request.ranges() + " @" + started;
    }
  }

  public FakeJobs(Clock clock) {
    this.clock = clock;
  }

  /** How long jobs of this kind run (default: they end at once). */
  public FakeJobs duration(JobKind kind, Duration duration) {
    durations.put(kind, duration);
    return this;
  }

  /** The next {@code count} jobs of this kind fail. */
  public FakeJobs failNext(JobKind kind, int count) {
    failNext.put(kind, new AtomicInteger(count));
    return this;
  }

  /** Jobs of this kind started from now on never end (true) or end normally (false). */
  public FakeJobs hang(JobKind kind, boolean value) {
    hang.put(kind, value);
    return this;
  }

  public FakeJobs pendingCompactions(String node, long value) {
    pendingCompactions.put(node, value);
    return this;
  }

  public FakeJobs keyspaces(List<KeyspaceInfo> value) {
    keyspaces = List.copyOf(value);
    return this;
  }

  /** The node forgets its jobs, as an agent does when its node restarts. */
  public void forgetJobs(String node) {
    jobs.remove(node);
  }

  /** The compaction throughput last set on a node, or null. */
  public Integer throughput(String node) {
    return throughput.get(node);
  }

  public List<Job> history() {
    return List.copyOf(history);
  }

  public List<Job> history(JobKind kind) {
    return history.stream().filter(j -> j.request.kind() == kind).toList();
  }

  /** Jobs running at a time. */
  public List<Job> runningAt(Instant t) {
    List<Job> out = new ArrayList<>();
    for (Job j : history) {
      if (j.runningAt(t)) {
        out.add(j);
      }
    }
    return out;
  }

  JobStatus start(String node, JobRequest request) {
    AtomicInteger failures = failNext.get(request.kind());
    boolean fails = failures != null && failures.getAndDecrement() > 0;
    Job job = new Job("job-" + ids.incrementAndGet(), node, request, clock.instant(),
        durations.getOrDefault(request.kind(), Duration.ZERO), fails, hang.getOrDefault(request.kind(), false));
    jobs.computeIfAbsent(node, n -> new ConcurrentHashMap<>()).put(job.id, job);
    history.add(job);
    return job.status();
  }

  JobStatus job(String node, String id) {
    Job job = jobs.getOrDefault(node, Map.of()).get(id);
    if (job == null) {
      throw new NodeClientException(NodeClientException.Kind.NOT_FOUND, node, 404, "no job " + id, null);
    }
    return job.status();
  }

  NodeMetrics metrics(String node) {
    return new NodeMetrics(Latency.NONE, Latency.NONE, pendingCompactions.getOrDefault(node, 0L), 0, 0,
        256L << 20, 1L << 30, throughput.getOrDefault(node, 64));
  }

  int setThroughput(String node, int mibPerSecond) {
    Integer before = throughput.put(node, mibPerSecond);
    return before == null ? 64 : before;
  }

  public List<KeyspaceInfo> schema() {
    return keyspaces;
  }

  @Override
  public CompletableFuture<NodeInfo> nodeInfo(NodeEndpoint node) {
    return CompletableFuture.failedFuture(new UnsupportedOperationException("FakeJobs has no node state"));
  }

  @Override
  public CompletableFuture<NodeMetrics> metrics(NodeEndpoint node) {
    return call(() -> metrics(node.node()));
  }

  @Override
  public CompletableFuture<List<KeyspaceInfo>> keyspaces(NodeEndpoint node) {
    return call(this::schema);
  }

  @Override
  public CompletableFuture<JobStatus> startJob(NodeEndpoint node, JobRequest request) {
    return call(() -> start(node.node(), request));
  }

  @Override
  public CompletableFuture<JobStatus> job(NodeEndpoint node, String jobId) {
    return call(() -> job(node.node(), jobId));
  }

  @Override
  public CompletableFuture<Integer> setCompactionThroughput(NodeEndpoint node, int mibPerSecond) {
    return call(() -> setThroughput(node.node(), mibPerSecond));
  }

  @Override
  public CompletableFuture<io.ringkeeper.operator.node.AccessResult> access(NodeEndpoint node,
      io.ringkeeper.operator.node.AccessRequest request) {
    return call(() -> applyAccess(request));
  }

  @Override
  public CompletableFuture<io.ringkeeper.operator.node.HibernationEnd> endHibernation(NodeEndpoint via,
      String endpoint) {
    return call(() -> endHibernation(endpoint));
  }

  private final java.util.Set<String> hibernating = ConcurrentHashMap.newKeySet();
  private final List<String> endedHibernations = new CopyOnWriteArrayList<>();

  /** The fleet's gossip holds {@code endpoint} in status hibernate (a failed replacement at the same address). */
  public void hibernate(String endpoint) {
    hibernating.add(endpoint);
  }

  /** No endpoint hibernates, none was ended. */
  public void clearHibernations() {
    hibernating.clear();
    endedHibernations.clear();
  }

  /** The endpoints in status hibernate, as every node's gossip reports them. */
  public java.util.Set<String> hibernating() {
    return java.util.Set.copyOf(hibernating);
  }

  /** Every endpoint whose hibernation was ended, in order. */
  public List<String> endedHibernations() {
    return List.copyOf(endedHibernations);
  }

  /** Ends a hibernation as the agent does: refused unless the peer hibernates. */
  public io.ringkeeper.operator.node.HibernationEnd endHibernation(String endpoint) {
    endedHibernations.add(endpoint);
    if (!hibernating.remove(endpoint)) {
      throw new io.ringkeeper.operator.node.NodeClientException(
          io.ringkeeper.operator.node.NodeClientException.Kind.REFUSED, "fake", 409,
          "peer " + endpoint + " is NORMAL here; only a peer left hibernating by a failed replacement is marked"
              + " shut down", null);
    }
    return new io.ringkeeper.operator.node.HibernationEnd(endpoint, "shutdown", true);
  }

  /** A role as the fake cluster keeps it (one store for the whole fleet, as system_auth is one table). */
  public record FakeRole(String password, boolean superuser, boolean login) {}

  private final Map<String, FakeRole> roles = new ConcurrentHashMap<>(
      Map.of("cassandra", new FakeRole("cassandra", true, true)));
  private final List<io.ringkeeper.operator.node.AccessRequest> accessRequests = new CopyOnWriteArrayList<>();
  private final AtomicInteger failAccess = new AtomicInteger();
  private final AtomicInteger loseAccessAnswers = new AtomicInteger();

  /** The roles of the fake cluster by name. */
  public Map<String, FakeRole> roles() {
    return Map.copyOf(roles);
  }

  /** Every access request received, in order. */
  public List<io.ringkeeper.operator.node.AccessRequest> accessRequests() {
    return List.copyOf(accessRequests);
  }

  /** The next {@code n} access requests fail as a node that cannot reach a quorum would. */
  public void failNextAccess(int n) {
    failAccess.set(n);
  }

  /** The next {@code n} access requests are carried out, but their answers never arrive (a timeout). */
  public void loseNextAccessAnswers(int n) {
    loseAccessAnswers.set(n);
  }

  /** Sets roles, the default role and system keyspace replication as the agent does (idempotently). */
  public io.ringkeeper.operator.node.AccessResult applyAccess(io.ringkeeper.operator.node.AccessRequest request) {
    accessRequests.add(request);
    if (failAccess.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new io.ringkeeper.operator.node.NodeClientException(
          io.ringkeeper.operator.node.NodeClientException.Kind.ERROR, "fake", 500,
          "createRole failed: Cannot achieve consistency level QUORUM", null);
    }
    io.ringkeeper.operator.node.AccessResult result = applyAccessNow(request);
    if (loseAccessAnswers.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new io.ringkeeper.operator.node.NodeClientException(
          io.ringkeeper.operator.node.NodeClientException.Kind.TIMEOUT, "fake", 0,
          "no answer within 30 s", null);
    }
    return result;
  }

  private io.ringkeeper.operator.node.AccessResult applyAccessNow(
      io.ringkeeper.operator.node.AccessRequest request) {
    List<String> created = new ArrayList<>();
    for (io.ringkeeper.operator.node.AccessRequest.Role role : request.roles()) {
      if (roles.put(role.name(), new FakeRole(role.password(), role.superuser(), role.login())) == null) {
        created.add(role.name());
      }
    }
    String state = "absent";
    if (request.roles().stream().anyMatch(r -> r.name().equals("cassandra"))) {
      state = "managed";
    } else if (roles.containsKey("cassandra")) {
      if (request.disableDefaultSuperuser()) {
        roles.put("cassandra", new FakeRole(roles.get("cassandra").password(), false, false));
      }
      state = roles.get("cassandra").login() ? "enabled" : "disabled";
    } else if (request.disableDefaultSuperuser()) {
      roles.put("cassandra", new FakeRole("unguessable", false, false));
      state = "disabled";
    }
    List<String> changed = new ArrayList<>();
    for (String ks : request.keyspaces()) {
      KeyspaceInfo current = keyspaces.stream().filter(k -> k.name().equals(ks)).findFirst().orElse(null);
      if (current == null || !current.replicationStrategy().equals("NetworkTopologyStrategy")
          || !current.replicationFactors().equals(request.factors())) {
        changed.add(ks);
        List<KeyspaceInfo> next = new ArrayList<>(keyspaces);
        next.removeIf(k -> k.name().equals(ks));
        next.add(new KeyspaceInfo(ks, true, "NetworkTopologyStrategy", request.factors(),
            current == null ? List.of() : current.tables(), 0));
        keyspaces = List.copyOf(next);
      }
    }
    return new io.ringkeeper.operator.node.AccessResult(created, state, changed);
  }

  private static <T> CompletableFuture<T> call(java.util.function.Supplier<T> body) {
    try {
      return CompletableFuture.completedFuture(body.get());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
