package io.ringkeeper.operator.maintenance;

import io.ringkeeper.api.v1alpha1.KeyspaceRepairStatus;
import io.ringkeeper.api.v1alpha1.RepairRunStatus;
import io.ringkeeper.api.v1alpha1.RepairSegmentStatus;
import io.ringkeeper.api.v1alpha1.RepairStatus;
import io.ringkeeper.operator.domain.repair.IndexSet;
import io.ringkeeper.operator.domain.repair.RepairKeyspace;
import io.ringkeeper.operator.domain.repair.RepairPlan;
import io.ringkeeper.operator.domain.repair.RepairPlanner;
import io.ringkeeper.operator.domain.repair.RingMember;
import io.ringkeeper.operator.domain.repair.Segment;
import io.ringkeeper.operator.domain.repair.SegmentScheduler;
import io.ringkeeper.operator.domain.upkeep.Answer;
import io.ringkeeper.operator.domain.upkeep.RepairSegmentStarts;
import io.ringkeeper.operator.domain.upkeep.UpkeepNode;
import io.ringkeeper.operator.domain.upkeep.UpkeepStep.StartRepairSegment;
import io.ringkeeper.operator.node.Agents;
import io.ringkeeper.operator.node.JobState;
import io.ringkeeper.operator.node.JobStatus;
import io.ringkeeper.operator.node.NodeClientException;
import io.ringkeeper.operator.reconciler.act.UpkeepExecutor;
import io.ringkeeper.operator.reconciler.events.ClusterEvent;
import io.ringkeeper.operator.reconciler.observe.StatusTimes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Carries a repair run forward by one step each reconcile; everything it knows lives in {@code status.repair},
 * so a restarted operator resumes where the last one stopped.
 *
 * <p>One step: (1) plan the run again from the recorded tokens and the schema (cached while the inputs are the
 * same); a plan whose fingerprint differs from the recorded one (the ring or the schema changed) is let finish
 * its running segments and then started over. (2) Ask the coordinator of every running segment for its job: a
 * success marks the segment done and sets the intensity pause, {@code last duration x (1/intensity - 1)}; a
 * failure, or a job the node no longer knows (it restarted), costs an attempt: the segment is retried up to
 * {@code segmentRetries} times, then recorded failed. A job still running after {@code segmentTimeout} is
 * reported (event, message) but its replicas stay busy until it ends: the agent cannot abort a repair session,
 * and a retry beside it would put two repairs on the same replicas. (3) Unless paused, start the segments
 * {@link RepairSegmentStarts} chooses (pure: which segments, on which coordinator, as which attempt), keeping out
 * every node that is not up or has more than {@value #MAX_PENDING_COMPACTIONS} pending compactions; the
 * {@link UpkeepExecutor} fires them, never waiting (the run is postponed, with the reason in status, while
 * that blocks it). (4) When every segment is done or failed, record the result per keyspace.
 */
public final class RepairRunner {
  static final int MAX_PENDING_COMPACTIONS = RepairSegmentStarts.MAX_PENDING_COMPACTIONS;
  /** A run with more failed segments than this stops: repair is broken, not unlucky. */
  static final int MAX_FAILED_SEGMENTS = 50;

  private final Agents agents;
  private final UpkeepExecutor executor;
  /** The last few plans (a cluster's whole-ring plan beside a hint-window run's, several clusters). */
  private final Map<PlanKey, RepairPlan> plans = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<PlanKey, RepairPlan> eldest) {
      return size() > 8;
    }
  };

  private record PlanKey(List<RingMember> ring, List<RepairKeyspace> schema, List<String> keyspaces,
      int segmentsPerNode, Set<String> nodes) {}

  public RepairRunner(Agents agents) {
    this.agents = Objects.requireNonNull(agents, "agents");
    this.executor = new UpkeepExecutor(agents);
  }

  /** The ring as the recorded tokens describe it. */
  static List<RingMember> ring(List<MaintenanceNode> nodes) {
    return nodes.stream().filter(n -> !n.tokens().isEmpty())
        .map(n -> new RingMember(n.name(), n.datacenter(), n.rack(), n.tokens())).toList();
  }

  /** Plans (or returns the cached plan for) these inputs. */
  synchronized RepairPlan plan(List<MaintenanceNode> nodes, List<RepairKeyspace> schema, List<String> keyspaces,
      int segmentsPerNode, Set<String> onlyNodes) {
    PlanKey key = new PlanKey(ring(nodes), List.copyOf(schema), List.copyOf(keyspaces), segmentsPerNode,
        Set.copyOf(onlyNodes));
    return plans.computeIfAbsent(key,
        k -> RepairPlanner.plan(k.ring(), k.schema(), k.keyspaces(), k.segmentsPerNode(), k.nodes()));
  }

  /** A new run of {@code plan}, recorded in {@code repair.running}. */
  static RepairRunStatus newRun(RepairPlan plan, String trigger, Set<String> onlyNodes, Instant now) {
    RepairRunStatus run = new RepairRunStatus();
    // status is writable by anyone with access to the subresource: a run recorded without a trigger still replans.
    String cause = trigger == null || trigger.isBlank() ? "unknown" : trigger;
    run.setId(cause.toLowerCase(java.util.Locale.ROOT) + "-" + now.getEpochSecond());
    run.setTrigger(trigger);
    run.setStartedAt(StatusTimes.format(now));
    run.setKeyspaces(new ArrayList<>(plan.keyspaces()));
    run.setNodes(new ArrayList<>(new java.util.TreeSet<>(onlyNodes)));
    run.setSegmentsTotal(plan.size());
    run.setSegmentsDone(0);
    run.setCompletedSegments("");
    run.setPlanFingerprint(plan.fingerprint());
    run.setSkippedKeyspaces(plan.skipped().entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
        .collect(Collectors.toCollection(ArrayList::new)));
    return run;
  }

  /**
   * One step of the run in {@code repair.running}; does nothing when there is none.
   *
   * @param schema the keyspaces as a node reports them; empty when no node answered (the run then waits)
   * @return events to record
   */
  public List<ClusterEvent> advance(RepairStatus repair, RepairSettings settings, List<MaintenanceNode> nodes,
      Optional<List<RepairKeyspace>> schema, Instant now) {
    RepairRunStatus run = repair.getRunning();
    List<ClusterEvent> events = new ArrayList<>();
    if (run == null) {
      return events;
    }
    Map<String, MaintenanceNode> byName = new LinkedHashMap<>();
    nodes.forEach(n -> byName.put(n.name(), n));
    if (schema.isEmpty()) {
      // Without the schema there is no plan to record results against: running segments are left to the
      // next reconcile, where they are found by their job ids.
      run.setPostponedReason("waiting for a node to report the schema");
      return events;
    }
    RepairPlan plan = plan(nodes, schema.get(), run.getKeyspaces(), settings.segmentsPerNode(),
        Set.copyOf(run.getNodes()));
    if (!plan.fingerprint().equals(run.getPlanFingerprint())) {
      pollActive(run, byName, settings, null, now, events);
      if (run.getActive().isEmpty()) {
        events.add(ClusterEvent.normal("RepairReplanned", "", "Repair run " + run.getId() + " starts over: the"
            + " ring or the keyspaces changed since it was planned (" + plan.size() + " segments now)"));
        RepairRunStatus fresh = newRun(plan, run.getTrigger(), Set.copyOf(run.getNodes()), now);
        fresh.setId(run.getId());
        fresh.setStartedAt(run.getStartedAt());
        repair.setRunning(fresh);
      } else {
        run.setPostponedReason("the ring or the keyspaces changed: waiting for running segments to end, then"
            + " planning again");
      }
      return events;
    }

    pollActive(run, byName, settings, plan, now, events);
    IndexSet completed = IndexSet.parse(run.getCompletedSegments());
    IndexSet finished = completed;
    for (RepairSegmentStatus f : run.getFailed()) {
      finished = finished.with(f.getIndex());
    }
    if (run.getFailed().size() > MAX_FAILED_SEGMENTS) {
      finish(repair, plan, completed, now, events, "stopped after " + run.getFailed().size() + " segments failed");
      return events;
    }
    if (finished.size() >= plan.size() && run.getActive().isEmpty()) {
      finish(repair, plan, completed, now, events, null);
      return events;
    }
    Instant pausedUntil = run.getPausedUntil() == null ? null : Instant.parse(run.getPausedUntil());
    if (pausedUntil != null && now.isBefore(pausedUntil)) {
      run.setPostponedReason(null);
      return events;
    }
    run.setPausedUntil(null);

    Map<String, String> unavailable = unavailable(byName);
    List<Segment> running = run.getActive().stream().map(a -> plan.segments().get(a.getIndex())).toList();
    Map<Integer, Integer> attempts = new HashMap<>();
    run.getRetrying().forEach(r -> attempts.putIfAbsent(r.getIndex(), r.getAttempts() == null ? 0 : r.getAttempts()));
    List<StartRepairSegment> start = RepairSegmentStarts.starts(plan, finished, running, unavailable,
        settings.mode(), upkeepNodes(byName), attempts, run.getId());
    record(run, start, executor.perform(start, MaintenanceNode.endpoints(List.copyOf(byName.values()))), now,
        settings, events);
    boolean blocked = start.isEmpty() && run.getActive().isEmpty() && !unavailable.isEmpty();
    run.setPostponedReason(blocked ? "postponed while replicas are unavailable: " + unavailable.entrySet().stream()
        .map(e -> e.getKey() + " (" + e.getValue() + ")").collect(Collectors.joining(", ")) : null);
    return events;
  }

  /** Nodes no new segment may use, with the reason, from the poller's last figures of the usable nodes. */
  private Map<String, String> unavailable(Map<String, MaintenanceNode> nodes) {
    Map<String, Long> pending = new HashMap<>();
    Map<String, String> unknown = new HashMap<>();
    for (MaintenanceNode n : nodes.values()) {
      if (n.usable()) {
        try {
          pending.put(n.name(), agents.metrics(n.endpoint()).pendingCompactions());
        } catch (NodeClientException e) {
          unknown.put(n.name(), String.valueOf(e.kind()));
        }
      }
    }
    return RepairSegmentStarts.unavailable(MaintenanceNode.upkeep(List.copyOf(nodes.values())), pending, unknown);
  }

  private static Map<String, UpkeepNode> upkeepNodes(Map<String, MaintenanceNode> nodes) {
    Map<String, UpkeepNode> out = new HashMap<>();
    MaintenanceNode.upkeep(List.copyOf(nodes.values())).forEach(n -> out.put(n.name(), n));
    return out;
  }

  /** Fires the segment starts and records each answer: a job id makes the segment active, a failure costs it an attempt. */
  private void record(RepairRunStatus run, List<StartRepairSegment> steps, List<Answer> answers, Instant now,
      RepairSettings settings, List<ClusterEvent> events) {
    for (int i = 0; i < steps.size(); i++) {
      StartRepairSegment s = steps.get(i);
      Answer answer = answers.get(i);
      if (answer instanceof Answer.Pending) {
        continue; // sent: the next reconcile (triggered by the answer) asks the same and records the job
      }
      RepairSegmentStatus retry = run.getRetrying().stream().filter(r -> r.getIndex() == s.index()).findFirst()
          .orElse(null);
      RepairSegmentStatus entry = new RepairSegmentStatus();
      entry.setIndex(s.index());
      entry.setKeyspace(s.keyspace());
      entry.setRange(s.range());
      entry.setNode(s.node());
      entry.setAttempts(s.attempts());
      entry.setStartedAt(StatusTimes.format(now));
      if (answer instanceof Answer.Done done) {
        entry.setJobId((String) done.value());
        run.getRetrying().remove(retry);
        run.getActive().add(entry);
      } else {
        String message = answer instanceof Answer.Refused r ? r.message() : ((Answer.Failed) answer).message();
        entry.setMessage("could not start: " + message);
        failAttempt(run, entry, settings, events);
      }
    }
  }

  private void pollActive(RepairRunStatus run, Map<String, MaintenanceNode> nodes, RepairSettings settings,
      RepairPlan plan, Instant now, List<ClusterEvent> events) {
    for (RepairSegmentStatus a : new ArrayList<>(run.getActive())) {
      MaintenanceNode node = nodes.get(a.getNode());
      Instant started = Instant.parse(a.getStartedAt());
      boolean overdue = Duration.between(started, now).compareTo(settings.segmentTimeout()) > 0;
      JobStatus job;
      try {
        if (node == null || node.endpoint() == null) {
          throw new NodeClientException(NodeClientException.Kind.UNREACHABLE, a.getNode(), "the node has no address");
        }
        job = agents.job(node.endpoint(), a.getJobId());
      } catch (NodeClientException e) {
        if (e.kind() == NodeClientException.Kind.NOT_FOUND) {
          run.getActive().remove(a);
          a.setMessage("the node no longer knows job " + a.getJobId() + " (it restarted?)");
          if (plan != null) {
            failAttempt(run, a, settings, events);
          }
        }
        continue; // unreachable or slow: ask again next time; a node back from a restart answers NOT_FOUND
      }
      if (job.state() == JobState.RUNNING) {
        if (overdue && (a.getMessage() == null || !a.getMessage().startsWith("timed out"))) {
          a.setMessage("timed out: running longer than segmentTimeout " + settings.segmentTimeout()
              + "; its replicas stay busy until the node ends it");
          events.add(ClusterEvent.warning("RepairSegmentTimedOut", "segment-" + a.getIndex(), "Repair of "
              + a.getKeyspace() + " " + a.getRange() + " on " + a.getNode() + " runs longer than "
              + settings.segmentTimeout()));
        }
        continue;
      }
      run.getActive().remove(a);
      if (plan == null) {
        continue; // a segment of a plan that no longer holds: its result means nothing now
      }
      if (job.state() == JobState.SUCCEEDED) {
        IndexSet completed = IndexSet.parse(run.getCompletedSegments()).with(a.getIndex());
        run.setCompletedSegments(completed.toString());
        run.setSegmentsDone(completed.size());
        Duration took = job.finishedAtMillis() > 0 && job.startedAtMillis() > 0
            ? Duration.ofMillis(job.finishedAtMillis() - job.startedAtMillis())
            : Duration.between(started, now);
        Instant until = now.plus(SegmentScheduler.pauseAfter(took, settings.intensity()));
        Instant before = run.getPausedUntil() == null ? null : Instant.parse(run.getPausedUntil());
        if (until.isAfter(now) && (before == null || until.isAfter(before))) {
          run.setPausedUntil(StatusTimes.format(until));
        }
      } else {
        a.setMessage(job.message() == null ? "failed" : job.message());
        failAttempt(run, a, settings, events);
      }
    }
  }

  private static void failAttempt(RepairRunStatus run, RepairSegmentStatus a, RepairSettings settings,
      List<ClusterEvent> events) {
    run.getRetrying().removeIf(r -> Objects.equals(r.getIndex(), a.getIndex()));
    a.setJobId(null);
    if (a.getAttempts() != null && a.getAttempts() > settings.retries()) {
      run.getFailed().add(a);
      events.add(ClusterEvent.warning("RepairSegmentFailed", "segment-" + a.getIndex(), "Repair of "
          + a.getKeyspace() + " " + a.getRange() + " failed after " + a.getAttempts() + " attempts: "
          + a.getMessage()));
    } else {
      run.getRetrying().add(a);
    }
  }

  private static void finish(RepairStatus repair, RepairPlan plan, IndexSet completed, Instant now,
      List<ClusterEvent> events, String stopped) {
    RepairRunStatus run = repair.getRunning();
    Set<String> failedKeyspaces = new HashSet<>();
    for (Segment s : plan.segments()) {
      if (!completed.contains(s.index())) {
        failedKeyspaces.add(s.keyspace());
      }
    }
    String when = StatusTimes.format(now);
    boolean wholeRing = run.getNodes().isEmpty();
    for (String ks : plan.keyspaces()) {
      if (!failedKeyspaces.contains(ks) && wholeRing) {
        keyspace(repair, ks).setLastCompleted(when);
      }
    }
    long took = Duration.between(Instant.parse(run.getStartedAt()), now).toSeconds();
    if (failedKeyspaces.isEmpty()) {
      if (wholeRing) {
        repair.setLastCompleted(when);
      }
      repair.setLastResult("Succeeded");
      repair.setLastMessage("Run " + run.getId() + " (" + run.getTrigger() + ") repaired " + plan.size()
          + " segments of " + String.join(", ", plan.keyspaces()) + " in " + took + "s");
      events.add(ClusterEvent.normal("RepairCompleted", "", repair.getLastMessage()));
    } else {
      repair.setLastResult("Failed");
      repair.setLastMessage("Run " + run.getId() + " (" + run.getTrigger() + ") "
          + (stopped == null ? "finished" : stopped) + ": " + run.getFailed().size() + " segments failed in "
          + failedKeyspaces.stream().sorted().collect(Collectors.joining(", ")) + "; first error: "
          + run.getFailed().stream().findFirst().map(RepairSegmentStatus::getMessage).orElse("none"));
      events.add(ClusterEvent.warning("RepairFailed", "", repair.getLastMessage()));
    }
    repair.setRunning(null);
  }

  static KeyspaceRepairStatus keyspace(RepairStatus repair, String name) {
    for (KeyspaceRepairStatus k : repair.getKeyspaces()) {
      if (name.equals(k.getName())) {
        return k;
      }
    }
    KeyspaceRepairStatus k = new KeyspaceRepairStatus();
    k.setName(name);
    repair.getKeyspaces().add(k);
    repair.getKeyspaces().sort(java.util.Comparator.comparing(KeyspaceRepairStatus::getName));
    return k;
  }
}
