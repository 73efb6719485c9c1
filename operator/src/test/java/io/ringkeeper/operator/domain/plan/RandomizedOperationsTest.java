package io.ringkeeper.operator.domain.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringkeeper.operator.domain.model.Datacenter;
import io.ringkeeper.operator.domain.model.NodeId;
import io.ringkeeper.operator.domain.model.Rack;
import io.ringkeeper.operator.domain.tokens.ReplicationAwareTokenAllocator;
import io.ringkeeper.operator.domain.repair.RepairKeyspace;
import io.ringkeeper.operator.domain.repair.RepairMode;
import io.ringkeeper.operator.domain.repair.RepairPlan;
import io.ringkeeper.operator.domain.repair.RepairPlanner;
import io.ringkeeper.operator.domain.repair.RingMember;
import io.ringkeeper.operator.domain.repair.Segment;
import io.ringkeeper.operator.domain.upkeep.Answer;
import io.ringkeeper.operator.domain.upkeep.CompactionPlanner;
import io.ringkeeper.operator.domain.upkeep.CompactionWindow;
import io.ringkeeper.operator.domain.upkeep.NodeTask;
import io.ringkeeper.operator.domain.upkeep.NodeTaskPlanner;
import io.ringkeeper.operator.domain.upkeep.RepairRun;
import io.ringkeeper.operator.domain.upkeep.RepairRunPlanner;
import io.ringkeeper.operator.domain.upkeep.RepairSegmentStarts;
import io.ringkeeper.operator.domain.upkeep.RepairSettings;
import io.ringkeeper.operator.domain.upkeep.RepairTriggers;
import io.ringkeeper.operator.domain.upkeep.TaskRecord;
import io.ringkeeper.operator.domain.upkeep.UpkeepNode;
import io.ringkeeper.operator.domain.upkeep.UpkeepStep;
import io.ringkeeper.operator.domain.upkeep.WindowRecord;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Drives the real {@link Planner} through 200 random sequences of spec changes (sizes, configuration, a datacenter
 * dc3 added to the running cluster and its keyspace altered later), node failures, lost volumes, restart and replace
 * requests, failing jobs, a schema no node could report, and operator restarts, against an in-memory
 * cluster that carries out each step the way the reconciler does (pods, volumes, agent jobs that take time).
 * An operator restart forgets everything but status, makes the next observation stale, and sometimes loses the
 * record of a job started just before (the crash between asking the agent and writing status).
 *
 * <p>Checked after every step: at most one node per datacenter disrupted by the operator; a datacenter never
 * holds fewer than its replication factor of nodes that keep their data; no volume deleted before its node
 * decommissioned (except a replaced node's); no destructive step repeated (a decommission asked of a node already
 * leaving or gone, a disruptive step while another node of the datacenter is not ready); a rebuild only after the
 * keyspace replicates to the new datacenter, from dc1, while dc1 is ready, never again on a node recorded done.
 * After the random part, with failures healed, the cluster must converge to the spec (every added datacenter
 * rebuilt) within a bounded number of steps.
 *
 * <p>Every reconcile after the ring formed also runs the upkeep planners (domain.upkeep) on the same nodes: a
 * compaction window every 10 minutes and a two-keyspace node task every 5, against simulated agents whose answers
 * come late at random and whose jobs take time, fail, or are lost when their node restarts. Checked: a throughput is
 * sent only to a node that is up; a node task job starts only while no operation runs and every node of its
 * datacenter is up, never beside another job of the task; the run ends once the cluster settled; and after a
 * window, every node has its value from before (unless a lost status took the record of the window with it).
 * Repair runs are requested at random and carried by the repair run planner: a segment's session starts only with
 * every replica of its range up and never beside another session on one of its replicas, sessions fail, are
 * refused or lost with their coordinator's restart, and every run ends once the cluster settled.
 *
 * <p>The pure planner and an in-memory fake are used rather than the mock API server: 200 sequences of about 150
 * reconciles each would take far longer there; the mock-API ITs cover the reconciler's side of every step.
 */
class RandomizedOperationsTest {
  private static final int SEQUENCES = Integer.getInteger("ringkeeper.sequences", 200);
  private static final int RANDOM_STEPS = 80;
  private static final int SETTLE_STEPS = 600;
  private static final Duration TICK = Duration.ofSeconds(5);
  private static final boolean TRACE = Long.getLong("ringkeeper.sequence") != null;

  private enum Mode { STARTING, JOINING, NORMAL, LEAVING, DECOMMISSIONED, DRAINING, DRAINED }

  private static final class SimNode {
    final NodeId id;
    boolean pod;
    boolean volume;
    Mode mode = Mode.STARTING;
    int ticks;
    boolean bootstrap;
    boolean userDown;
    int config;
    boolean restartAsked;
    boolean replaceAsked;
    String ip;
    int incarnation;
    boolean decommissioned;
    /** The volume was created empty for a replacement (a replacement pod may restart on it). */
    boolean replacementVolume;
    /** The tokens the node's data directory holds (Cassandra keeps them across restarts); null on an empty volume. */
    List<Long> held;
    /** The identity record on the volume: tokens, host id once seen, whether its node left the ring. */
    List<Long> record;
    String recordHostId;
    boolean recordInitial;
    boolean recordDecommissioned;
    /** The rebuild annotations on the volume (NodeVolumes.identityUpdate): its datacenter's source, and finished. */
    String recordRebuildFrom;
    boolean recordRebuilt;
    /**
     * Ground truth: the node's data directory holds the data of its datacenter's keyspaces (it was rebuilt, or it
     * bootstrapped or replaced onto an empty volume once the keyspaces replicated to its datacenter).
     */
    boolean holdsData;
    /**
     * The tokens the other nodes' gossip holds for this one: a replacement takes these (Cassandra ignores
     * initial_token under replace_address), whatever the operator recorded; null once it left the ring.
     */
    List<Long> ringTokens;

    SimNode(NodeId id) {
      this.id = id;
    }
  }

  private record SimJob(String node, int incarnation, NodeJob kind, int[] ticksLeft, boolean fail) {}

  private record TaskJob(String node, int incarnation, int[] ticksLeft, boolean fail, boolean[] orphaned) {}

  /** A repair segment's session on its coordinator; it holds every replica of its range until it ends. */
  private record SegmentJob(String node, int incarnation, List<String> replicas, int[] ticksLeft, boolean fail,
      boolean[] orphaned) {}

  private static final ZoneId UTC = ZoneId.of("UTC");
  private static final int CONFIGURED_THROUGHPUT = 64;
  private static final List<CompactionWindow> WINDOWS =
      List.of(new CompactionWindow("*/10 * * * *", Duration.ofMinutes(4), 256));
  private static final RepairSettings REPAIR = new RepairSettings(List.of(), 1, RepairMode.PARALLEL, 1.0,
      Duration.ofMinutes(30), 2);
  private static final NodeTask TASK = new NodeTask("gc", "*/5 * * * *", NodeTask.Operation.GarbageCollect,
      List.of("ks1", "ks2"), List.of());

  private static final class World {
    final Random random;
    final Planner planner = new Planner(new ReplicationAwareTokenAllocator());
    final List<Datacenter> base = List.of(
        new Datacenter("dc1", 3, 3, List.of(Rack.of("r1"), Rack.of("r2"), Rack.of("r3"))),
        new Datacenter("dc2", 2, 2, List.of(Rack.of("r1"), Rack.of("r2"))));
    final Map<String, Integer> sizes = new LinkedHashMap<>(Map.of("dc1", 3, "dc2", 2));
    /** Added to the running cluster by a random event; rebuilt from dc1 once its keyspace replicates to it. */
    final Datacenter dc3 = new Datacenter("dc3", 1, 2, List.of(Rack.of("r1"), Rack.of("r2")));
    boolean dc3Added;
    boolean dc3Altered;
    boolean schemaUnknown;
    boolean failRebuild;
    List<Rebuild> rebuilds = List.of();
    final Set<String> rebuiltNodes = new HashSet<>();
    final Map<String, SimNode> nodes = new LinkedHashMap<>();
    final Map<String, SimJob> jobs = new HashMap<>();
    final Set<String> disrupted = new HashSet<>();
    // status
    List<KnownNode> known = new ArrayList<>();
    Operation operation;
    boolean ringFormed;
    // environment
    int config;
    boolean stale;
    boolean loseNextJobRecord;
    boolean failDecommission;
    int statusLost;
    int recreated;
    Instant now = Instant.parse("2026-12-01T00:00:00Z");
    int ips;
    int steps;
    // upkeep: status records, and the simulated agents' side
    List<TaskRecord> taskRecords = List.of();
    WindowRecord window;
    boolean windowRecordLost;
    final Map<String, int[]> throughput = new HashMap<>(); // node -> {incarnation, MiB/s}
    final Map<String, String> taskStarts = new HashMap<>(); // node|attempt|keyspace -> job id
    final Map<String, TaskJob> taskJobs = new HashMap<>();
    int throughputSets;
    int taskRuns;
    // repair: the run in status, a request not yet started, and the simulated sessions
    RepairRun repairRun;
    boolean repairRequested;
    final Map<String, String> segmentStarts = new HashMap<>(); // attempt -> job id
    final Map<String, SegmentJob> segmentJobs = new HashMap<>();
    int repairRuns;
    int segmentsStarted;
    int segmentsFailedToStart;
    int duplicateTokenRings;

    World(long seed) {
      random = new Random(seed);
    }

    List<Datacenter> spec() {
      List<Datacenter> spec = new ArrayList<>(base.stream()
          .map(d -> new Datacenter(d.name(), d.replicationFactor(), sizes.get(d.name()), d.racks())).toList());
      if (dc3Added) {
        spec.add(dc3);
      }
      return spec;
    }

    List<KeyspaceReplication> keyspaces() {
      return schemaUnknown ? null : List.of(new KeyspaceReplication("app", false,
          dc3Altered ? Map.of("dc1", 3, "dc2", 2, "dc3", 1) : Map.of("dc1", 3, "dc2", 2)));
    }

    Set<String> volumes() {
      Set<String> result = new HashSet<>();
      nodes.values().stream().filter(n -> n.volume).forEach(n -> result.add(n.id.name()));
      return result;
    }

    NodeHealth health(SimNode n) {
      if (!n.pod) {
        return n.ip == null ? NodeHealth.UNKNOWN : NodeHealth.DOWN;
      }
      if (n.userDown) {
        return NodeHealth.DOWN;
      }
      return switch (n.mode) {
        case STARTING -> NodeHealth.UNKNOWN;
        case JOINING -> NodeHealth.UP_JOINING;
        case NORMAL -> NodeHealth.UP_NORMAL;
        case LEAVING -> NodeHealth.UP_LEAVING;
        case DECOMMISSIONED, DRAINING, DRAINED -> NodeHealth.DOWN;
      };
    }

    ClusterState state() {
      Map<String, NodeFacts> facts = new HashMap<>();
      for (KnownNode k : known) {
        SimNode n = nodes.get(k.name());
        NodeHealth health = health(n);
        String restart = !n.pod ? null : n.restartAsked ? "asked on the pod"
            : n.config != config ? "configuration changed" : null;
        facts.put(k.name(), new NodeFacts(n.pod, n.volume, health, health == NodeHealth.UP_NORMAL, !stale,
            n.pod && !n.userDown && n.mode == Mode.DECOMMISSIONED, n.pod && !n.userDown && n.mode == Mode.DRAINED,
            restart, n.pod && n.restartAsked, n.pod && n.replaceAsked ? "asked on the pod" : null, n.ip, false));
      }
      // As OperationFacts does: a pending rebuild status lost is refilled from the volumes' records.
      return new ClusterState("demo", 8, spec(), ringFormed, known, facts, operation, jobFacts(), true, volumes(),
          now, Adoption.rebuilds(rebuilds, records(), spec()), keyspaces());
    }

    JobFacts jobFacts() {
      if (operation == null || operation.jobId() == null) {
        return null;
      }
      SimJob job = jobs.get(operation.jobId());
      SimNode n = nodes.get(operation.node());
      if (n == null || !n.pod || n.userDown) {
        return new JobFacts(JobFacts.Outcome.UNREACHABLE, -1, "unreachable");
      }
      if (job == null || job.incarnation() != n.incarnation) {
        return new JobFacts(JobFacts.Outcome.NOT_FOUND, -1, "no such job");
      }
      if (job.ticksLeft()[0] > 0) {
        return new JobFacts(JobFacts.Outcome.RUNNING, 0.5, null);
      }
      return job.fail() ? new JobFacts(JobFacts.Outcome.FAILED, 0, "Not enough live nodes")
          : new JobFacts(JobFacts.Outcome.SUCCEEDED, 1, null);
    }

    /** What the agents that answer report: a running JVM's own tokens (none while starting or once it left). */
    Map<String, NodeReport> reports() {
      Map<String, NodeReport> reports = new HashMap<>();
      if (stale) {
        return reports;
      }
      for (SimNode n : nodes.values()) {
        if (!n.pod || n.userDown || n.ip == null) {
          continue;
        }
        boolean holds = n.mode != Mode.STARTING && n.mode != Mode.DECOMMISSIONED && n.held != null;
        reports.put(n.id.name(), new NodeReport(holds ? n.held : List.of(), "host-" + n.id.name()));
      }
      return reports;
    }

    List<VolumeRecord> records() {
      List<VolumeRecord> records = new ArrayList<>();
      nodes.values().stream().filter(n -> n.volume && n.record != null).forEach(n -> records.add(
          new VolumeRecord(n.id, n.record, n.recordHostId, n.recordInitial, n.recordDecommissioned,
              n.recordRebuildFrom, n.recordRebuilt)));
      return records;
    }

    /** The reconciler's side of the volumes' identity records (NodeVolumes.identityUpdate). */
    void updateRecords(Map<String, NodeReport> reports) {
      for (KnownNode k : known) {
        SimNode n = nodes.get(k.name());
        if (!n.volume) {
          continue;
        }
        NodeReport report = reports.get(k.name());
        if (report != null && report.tokens().size() == 8) {
          n.record = report.tokens();
        }
        if (report != null) {
          n.recordHostId = report.hostId();
          if (n.pod && n.mode == Mode.DECOMMISSIONED && !n.userDown) {
            n.recordDecommissioned = true;
          }
        }
        if (operation != null && operation.kind() == OperationKind.ScaleDown && k.name().equals(operation.node())
            && (operation.step() == OperationStep.DeletingPod || operation.step() == OperationStep.DeletingVolume)) {
          n.recordDecommissioned = true;
        }
        Rebuild rebuild = Rebuild.of(rebuilds, k.id().datacenter());
        if (rebuild != null && rebuild.pending() && n.recordRebuildFrom == null && !n.recordDecommissioned) {
          n.recordRebuildFrom = rebuild.source();
        }
        if (rebuild != null && !rebuild.pending() && n.recordRebuildFrom != null) {
          n.recordRebuilt = true;
        }
      }
    }

    String dcOf(String node) {
      return nodes.get(node).id.datacenter();
    }

    // ---- the reconciler's side of each step ----

    void apply(Step step) {
      if (step instanceof Step.AssignInitialTokens a) {
        check(nodes.values().stream().noneMatch(n -> n.volume && n.held != null),
            "new tokens assigned while volumes hold data: " + volumes());
        a.tokens().forEach((id, tokens) -> {
          known.add(new KnownNode(id, tokens, true));
          SimNode n = new SimNode(id);
          n.config = config;
          nodes.put(id.name(), n);
        });
      } else if (step instanceof Step.CreateNodes c) {
        c.nodes().forEach(id -> {
          SimNode n = nodes.get(id.name());
          if (n.held != null && n.mode == Mode.DECOMMISSIONED) {
            check(false, "node " + id + " that left the ring is started again");
          }
          start(n, false);
        });
      } else if (step instanceof Step.RecordOperation r) {
        if (r.add() != null) {
          check(nodes.get(r.add().name()) == null || !nodes.get(r.add().name()).volume,
              "a new node takes the name of an existing volume");
          known.add(r.add());
          SimNode n = new SimNode(r.add().id());
          nodes.put(r.add().name(), n);
          // A new node under the name of one that left: a new process on new data, at the configured throughput
          // (its incarnation starts at 0 again, so the old node's entry would otherwise be taken for its own).
          throughput.remove(r.add().name());
        }
        operation = r.operation();
      } else if (step instanceof Step.Await a) {
        operation = a.operation();
      } else if (step instanceof Step.StartJob s) {
        startJob(s);
      } else if (step instanceof Step.DeletePod d) {
        operation = d.operation();
        SimNode n = nodes.get(d.node().name());
        if (d.operation().kind() == OperationKind.ScaleDown) {
          check(n.decommissioned, "pod of " + n.id + " deleted before it decommissioned");
        }
        disrupt(n);
        n.pod = false;
        n.userDown = false;
      } else if (step instanceof Step.DeleteVolume d) {
        operation = d.operation();
        SimNode n = nodes.get(d.node().name());
        check(!n.pod, "volume of " + n.id + " deleted while its pod exists");
        check(n.decommissioned || d.operation().kind() == OperationKind.Replace,
            "volume of " + n.id + " deleted before it decommissioned");
        disrupt(n);
        n.volume = false;
        n.replacementVolume = false;
        n.held = null;
        n.record = null;
      } else if (step instanceof Step.CreateNode c) {
        operation = c.operation();
        SimNode n = nodes.get(c.node().name());
        disrupt(n);
        start(n, c.operation().kind() == OperationKind.ScaleUp);
      } else if (step instanceof Step.CreateReplacement c) {
        operation = c.operation();
        SimNode n = nodes.get(c.node().name());
        check(!n.volume || n.replacementVolume, "a replacement starts on the lost node's old volume");
        disrupt(n);
        n.decommissioned = false;
        boolean fresh = !n.volume;
        List<Long> gossip = n.ringTokens;
        start(n, true);
        if (fresh && gossip != null) {
          n.held = gossip; // the lost node's tokens as the ring knows them, not as a (hand-edited) record says
          n.ringTokens = gossip;
        }
        n.replacementVolume = n.replacementVolume || fresh;
      } else if (step instanceof Step.FinishOperation f) {
        nodes.values().forEach(n -> n.replacementVolume = false);
        operation = null;
        if (f.forget() != null) {
          SimNode n = nodes.get(f.forget());
          check(n.decommissioned, "node " + f.forget() + " forgotten without decommission");
          check(!n.pod, "node " + f.forget() + " forgotten with its pod");
          known.removeIf(k -> k.name().equals(f.forget()));
          disrupted.remove(f.forget());
          if (!n.volume) {
            nodes.remove(f.forget());
          }
        }
      }
    }

    void start(SimNode n, boolean bootstrap) {
      if (!n.volume || n.held == null) {
        // An empty volume: the node takes the tokens it is started with, and its volume records them.
        KnownNode k = known.stream().filter(x -> x.name().equals(n.id.name())).findFirst().orElseThrow();
        n.held = k.tokens();
        n.ringTokens = k.tokens();
        n.record = k.tokens();
        n.recordHostId = null;
        n.recordInitial = k.initial();
        n.recordDecommissioned = false;
        // NodeVolumes.desired: a claim created while its datacenter's rebuild is pending names its source.
        Rebuild rebuild = Rebuild.of(rebuilds, n.id.datacenter());
        n.recordRebuildFrom = rebuild != null && rebuild.pending() ? rebuild.source() : null;
        n.recordRebuilt = false;
        n.holdsData = bootstrap && (!n.id.datacenter().equals(dc3.name()) || dc3Altered);
      }
      n.pod = true;
      n.volume = true;
      n.mode = Mode.STARTING;
      n.ticks = 1 + random.nextInt(2);
      n.bootstrap = bootstrap;
      n.userDown = false;
      n.config = config;
      n.restartAsked = false;
      n.replaceAsked = false;
      n.ip = "10.0.0." + (++ips);
      n.incarnation++;
    }

    void startJob(Step.StartJob s) {
      SimNode n = nodes.get(s.node().name());
      String dc = n.id.datacenter();
      if (s.job() == NodeJob.REBUILD) {
        check(dc3Altered, "rebuild of " + n.id + " before its keyspace replicates to " + dc);
        check(!rebuiltNodes.contains(n.id.name()), "rebuild of " + n.id + " repeated after it was recorded done");
        check(Adoption.rebuilds(rebuilds, records(), spec()).stream()
                .anyMatch(r -> r.datacenter().equals(dc) && r.pending()),
            "rebuild of " + n.id + " while " + dc + " has no pending rebuild in status or on its volumes");
        check("dc1".equals(s.sourceDatacenter()), "rebuild of " + n.id + " from " + s.sourceDatacenter());
      }
      if (s.job() != NodeJob.CLEANUP) {
        for (KnownNode k : known) {
          SimNode other = nodes.get(k.name());
          boolean source = s.job() == NodeJob.REBUILD && other.id.datacenter().equals(s.sourceDatacenter());
          if (other != n && (other.id.datacenter().equals(dc) || source)) {
            check(health(other) == NodeHealth.UP_NORMAL, s.job() + " of " + n.id + " while " + other.id + " is "
                + health(other));
          }
        }
      }
      if (s.job() == NodeJob.DECOMMISSION) {
        check(n.mode == Mode.NORMAL && !n.userDown, "decommission asked again of " + n.id + " (" + n.mode + ")");
        long holding = known.stream().filter(k -> k.id().datacenter().equals(dc)).count() - 1;
        int rf = base.stream().filter(d -> d.name().equals(dc)).findFirst().orElseThrow().replicationFactor();
        check(holding >= rf, "decommission of " + n.id + " takes " + dc + " below RF");
      }
      boolean fail = (s.job() == NodeJob.DECOMMISSION && failDecommission)
          || (s.job() == NodeJob.REBUILD && failRebuild);
      String id = "job-" + jobs.size();
      jobs.put(id, new SimJob(n.id.name(), n.incarnation, s.job(), new int[] {1 + random.nextInt(3)}, fail));
      if (s.job() == NodeJob.DECOMMISSION) {
        n.mode = Mode.LEAVING;
        disrupt(n);
      } else if (s.job() == NodeJob.DRAIN) {
        n.mode = Mode.DRAINING;
        disrupt(n);
      }
      if (loseNextJobRecord) {
        loseNextJobRecord = false; // the operator stopped before it wrote the job id
        operation = s.operation();
        stale = true;
      } else {
        operation = s.operation().withJob(id);
      }
    }

    void disrupt(SimNode n) {
      disrupted.add(n.id.name());
      Map<String, Integer> perDc = new HashMap<>();
      for (String name : disrupted) {
        perDc.merge(nodes.get(name).id.datacenter(), 1, Integer::sum);
      }
      perDc.forEach((dc, count) -> check(count <= 1, count + " nodes of " + dc + " disrupted at once: "
          + disrupted));
    }

    // ---- time passes ----

    void tick() {
      now = now.plus(TICK);
      stale = false;
      for (SimJob job : jobs.values()) {
        if (job.ticksLeft()[0] > 0 && --job.ticksLeft()[0] == 0) {
          SimNode n = nodes.get(job.node());
          if (n == null || n.incarnation != job.incarnation() || !n.pod) {
            continue;
          }
          if (job.kind() == NodeJob.DECOMMISSION) {
            if (job.fail()) {
              n.mode = Mode.NORMAL;
            } else {
              n.mode = Mode.DECOMMISSIONED;
              n.decommissioned = true;
              n.ringTokens = null;
            }
          } else if (job.kind() == NodeJob.DRAIN) {
            n.mode = Mode.DRAINED;
          }
        }
      }
      for (SimNode n : nodes.values()) {
        if (n.pod && n.mode == Mode.STARTING && --n.ticks <= 0) {
          n.mode = n.bootstrap ? Mode.JOINING : Mode.NORMAL;
          n.ticks = 1 + random.nextInt(2);
        } else if (n.pod && n.mode == Mode.JOINING && --n.ticks <= 0) {
          n.mode = Mode.NORMAL;
        }
        if (n.pod && n.mode == Mode.NORMAL && (operation == null || !n.id.name().equals(operation.node()))) {
          disrupted.remove(n.id.name());
        }
      }
      if (!ringFormed && !known.isEmpty() && known.stream().filter(KnownNode::initial)
          .allMatch(k -> health(nodes.get(k.name())) == NodeHealth.UP_NORMAL)) {
        ringFormed = true;
      }
    }

    void randomEvent() {
      int roll = random.nextInt(100);
      // A node that is leaving or left is not evicted: restarting it half-decommissioned needs a person (docs).
      List<SimNode> live = nodes.values().stream().filter(n -> n.pod && known.stream()
          .anyMatch(k -> k.name().equals(n.id.name())))
          .filter(n -> n.mode != Mode.LEAVING && n.mode != Mode.DECOMMISSIONED).toList();
      if (roll < 6 && ringFormed) {
        String dc = random.nextBoolean() ? "dc1" : "dc2";
        int rf = dc.equals("dc1") ? 3 : 2;
        sizes.put(dc, Math.max(rf - 1, Math.min(rf + 3, sizes.get(dc) + (random.nextBoolean() ? 1 : -1))));
      } else if (roll < 8) {
        config++;
      } else if (roll < 11 && !live.isEmpty()) {
        SimNode n = live.get(random.nextInt(live.size()));
        n.userDown = !n.userDown;
      } else if (roll < 13) {
        nodes.values().forEach(n -> n.userDown = false);
      } else if (roll < 16) {
        stale = true; // operator restart: nothing but status survives; the next observation is not fresh
      } else if (roll < 18) {
        loseNextJobRecord = true;
      } else if (roll < 19 && !live.isEmpty()) {
        live.get(random.nextInt(live.size())).restartAsked = true;
      } else if (roll < 20 && !live.isEmpty() && ringFormed) {
        live.get(random.nextInt(live.size())).replaceAsked = true;
      } else if (roll < 21 && !live.isEmpty()) {
        SimNode n = live.get(random.nextInt(live.size()));
        n.pod = false; // pod evicted; its volume survives
      } else if (roll < 22) {
        failDecommission = !failDecommission;
      } else if (roll < 24 && ringFormed) {
        dc3Added = true;
      } else if (roll < 26 && dc3Added) {
        dc3Altered = true;
      } else if (roll < 28) {
        schemaUnknown = !schemaUnknown;
      } else if (roll < 29) {
        failRebuild = !failRebuild;
      } else if (roll < 31 && !replacementWithoutVolume()) {
        loseStatus(); // replaced by an empty one: by hand, or a restore tool that does not restore status
      } else if (roll < 32 && !leftButUnmarked() && !replacementWithoutVolume()) {
        // Deleted with storage.reclaim Retain (the garbage collector deletes the pods) and applied again.
        recreated++;
        for (SimNode n : nodes.values()) {
          if (n.pod) {
            disrupted.remove(n.id.name());
          }
          n.pod = false;
          n.userDown = false;
          n.restartAsked = false;
          n.replaceAsked = false;
        }
        loseStatus();
      } else if (roll < 33) {
        // A volume's record edited by hand: the node's own view must win once it runs.
        List<SimNode> withRecord = nodes.values().stream().filter(n -> n.volume && n.record != null).toList();
        if (!withRecord.isEmpty()) {
          SimNode n = withRecord.get(random.nextInt(withRecord.size()));
          n.record = n.record.stream().map(t -> t + 1).toList();
        }
      } else if (roll < 36 && ringFormed) {
        repairRequested = true; // the repair annotation: a whole-ring run, once none runs
      }
    }

    void loseStatus() {
      statusLost++;
      // A node removed but for its record (its pod deleted; its volume too, or marked as left) disrupts nobody.
      disrupted.removeIf(name -> nodes.get(name) == null || (!nodes.get(name).pod
          && (!nodes.get(name).volume || nodes.get(name).recordDecommissioned)));
      known = new ArrayList<>();
      operation = null;
      ringFormed = false;
      taskRecords = List.of();
      taskJobs.values().forEach(j -> j.orphaned()[0] = true); // its record is gone: a new run may start beside it
      repairRun = null;
      segmentJobs.values().forEach(j -> j.orphaned()[0] = true);
      windowRecordLost |= window != null;
      window = null;
      // A rebuild its volumes do not record finished is done again: what its nodes did is lost with the status.
      Set<String> again = new HashSet<>();
      Adoption.rebuilds(List.of(), records(), spec()).forEach(r -> again.add(r.datacenter()));
      rebuiltNodes.removeIf(name -> again.contains(nodes.get(name).id.datacenter()));
      rebuilds = List.of();
      stale = true;
    }

    /**
     * A node that left the ring while no reconcile saw it yet: its volume is not marked, and a re-created resource
     * would adopt it (the node then refuses to start; a person deletes its claim). Kept out of the faults.
     */
    boolean leftButUnmarked() {
      return nodes.values().stream().anyMatch(n -> n.mode == Mode.DECOMMISSIONED && n.volume
          && !n.recordDecommissioned);
    }

    /**
     * A replacement between the deletion of the lost node's volume and the creation of the new one: nothing but
     * status records that node then (a known gap, see docs/operations.md). Kept out of the faults.
     */
    boolean replacementWithoutVolume() {
      return operation != null && operation.kind() == OperationKind.Replace && operation.node() != null
          && !nodes.get(operation.node()).volume;
    }

    void step() {
      steps++;
      Map<String, NodeReport> reports = reports();
      Set<String> pods = new HashSet<>();
      nodes.values().stream().filter(n -> n.pod).forEach(n -> pods.add(n.id.name()));
      Adoption.Result adoption = Adoption.adopt(known, records(), reports, pods, 8, spec());
      known = new ArrayList<>(adoption.known());
      ringFormed |= adoption.ringFormed();
      updateRecords(reports);
      Plan plan = planner.plan(state());
      Step step = plan.step();
      if (TRACE) {
        System.out.println(steps + " " + step + " | " + describe() + " lost=" + statusLost);
      }
      if (plan.rebuilds() != null) {
        rebuilds = plan.rebuilds(); // written to status with the step's operation
      } else {
        // StatusBuilder: a pending rebuild lost with the status and refilled from the volumes is recorded again.
        List<Rebuild> refilled = Adoption.rebuilds(rebuilds, records(), spec());
        if (refilled.size() > rebuilds.size()) {
          rebuilds = refilled;
        }
      }
      apply(step);
      if (operation != null && operation.kind() == OperationKind.Rebuild) {
        for (String name : operation.done()) {
          if (rebuiltNodes.add(name)) {
            nodes.get(name).holdsData = true;
          }
        }
      }
      if (ringFormed) {
        upkeep();
      }
      checkInvariants();
      tick();
    }

    boolean usable(SimNode n) {
      return n != null && n.pod && health(n) == NodeHealth.UP_NORMAL;
    }

    int throughputOf(SimNode n) {
      int[] t = throughput.get(n.id.name());
      return t == null || t[0] != n.incarnation ? CONFIGURED_THROUGHPUT : t[1]; // a restart brings the configured value
    }

    /** The upkeep planners' turn in a reconcile, with the simulated agents answering (late, at random). */
    void upkeep() {
      taskJobs.values().forEach(j -> j.ticksLeft()[0] = Math.max(0, j.ticksLeft()[0] - 1));
      List<UpkeepNode> view = known.stream().map(k -> nodes.get(k.name()))
          .map(n -> new UpkeepNode(n.id.name(), n.id.datacenter(), usable(n))).toList();

      CompactionPlanner.Plan windows = CompactionPlanner.plan(WINDOWS, UTC, window, view, now);
      List<Answer> set = new ArrayList<>();
      for (UpkeepStep.SetCompactionThroughput s : windows.steps()) {
        SimNode n = nodes.get(s.node());
        check(usable(n), "compaction throughput sent to " + s.node() + ", which is not up");
        if (random.nextInt(4) == 0) {
          set.add(Answer.PENDING);
          continue;
        }
        int before = throughputOf(n);
        throughput.put(s.node(), new int[] {n.incarnation, s.mibPerSecond()});
        throughputSets++;
        set.add(new Answer.Done(before));
      }
      window = CompactionPlanner.record(windows, set).window();

      Map<String, JobFacts> seen = new HashMap<>();
      for (TaskRecord r : taskRecords) {
        if (r.running() && r.node() != null && r.jobId() != null && nodes.containsKey(r.node())) {
          seen.put(r.name(), taskJob(r.jobId()));
        }
      }
      NodeTaskPlanner.Plan tasks = NodeTaskPlanner.plan(List.of(TASK), UTC, taskRecords, view, seen,
          operation != null, Set.of(), now);
      List<Answer> started = new ArrayList<>();
      for (UpkeepStep.StartNodeTask s : tasks.steps()) {
        SimNode n = nodes.get(s.node());
        String key = s.node() + "|" + s.attempt() + "|" + s.keyspace();
        String id = taskStarts.get(key);
        if (id == null) {
          check(operation == null, "node task job started on " + s.node() + " during an operation");
          List<String> notUp = known.stream().map(k -> nodes.get(k.name()))
              .filter(o -> o.id.datacenter().equals(n.id.datacenter()) && !usable(o)).map(o -> o.id.name()).toList();
          check(notUp.isEmpty(), "node task job started on " + s.node() + " while " + notUp + " not up");
          List<String> beside = taskJobs.entrySet().stream().filter(e -> !e.getValue().orphaned()[0]
              && e.getValue().ticksLeft()[0] > 0 && nodes.get(e.getValue().node()).incarnation
                  == e.getValue().incarnation()).map(Map.Entry::getKey).toList();
          check(beside.isEmpty(), "node task job started on " + s.node() + " beside " + beside);
          id = "task-" + taskStarts.size();
          taskStarts.put(key, id);
          taskJobs.put(id, new TaskJob(s.node(), n.incarnation, new int[] {1 + random.nextInt(3)},
              random.nextInt(10) == 0, new boolean[1]));
          started.add(random.nextInt(3) == 0 ? Answer.PENDING : new Answer.Done(id));
        } else {
          started.add(new Answer.Done(id)); // the same command again: the agent layer's recorded answer
        }
      }
      List<TaskRecord> before = taskRecords;
      taskRecords = NodeTaskPlanner.record(tasks, started).records();
      if (!before.isEmpty() && before.get(0).running() && !taskRecords.get(0).running()) {
        taskRuns++;
      }
      repair(view);
    }

    /** The keyspaces as a node reports them: "app" on every datacenter it replicates to; null when none answers. */
    List<RepairKeyspace> repairSchema() {
      List<KeyspaceReplication> keyspaces = keyspaces();
      return keyspaces == null ? null : keyspaces.stream().map(k -> new RepairKeyspace(k.name(), false,
          RepairKeyspace.NETWORK_TOPOLOGY, k.factors(), 864000)).toList();
    }

    RepairPlan repairPlan(RepairRun run) {
      List<RepairKeyspace> schema = repairSchema();
      if (schema == null) {
        return null;
      }
      List<RingMember> ring = known.stream().filter(k -> !k.tokens().isEmpty())
          .map(k -> new RingMember(k.name(), k.id().datacenter(), k.id().rack(), k.tokens())).toList();
      List<Object> key = List.of(ring, schema, run == null ? REPAIR.keyspaces() : run.keyspaces(),
          run == null ? Set.of() : Set.copyOf(run.nodes()));
      if (!key.equals(lastPlanKey)) { // planned again only when the ring or the schema changed, as RepairRunner does
        lastPlanKey = key;
        if (RepairPlanner.conflict(ring).isPresent()) {
          // Two recorded nodes with one token (a hand-edited volume record adopted after a lost status, its node
          // not reporting since): the upkeep stage plans nothing, the run waits until the nodes report again.
          duplicateTokenRings++;
          lastPlan = null;
        } else {
          lastPlan = RepairPlanner.plan(ring, schema, run == null ? REPAIR.keyspaces() : run.keyspaces(),
              REPAIR.segmentsPerNode(), run == null ? Set.of() : Set.copyOf(run.nodes()));
        }
      }
      return lastPlan;
    }

    private List<Object> lastPlanKey;
    private RepairPlan lastPlan;

    /**
     * The repair run's turn, as the upkeep stage takes it: a requested run starts from a plan of the recorded ring
     * and the schema; then the run planner reads the sessions, chooses segment starts and folds the answers in.
     * Checked: a segment starts only with every replica of its range up, never beside another session on one of
     * its replicas (a session whose run record was lost still holds its replicas), and with its coordinator up.
     */
    void repair(List<UpkeepNode> view) {
      segmentJobs.values().forEach(j -> j.ticksLeft()[0] = Math.max(0, j.ticksLeft()[0] - 1));
      if (repairRun == null && repairRequested) {
        RepairPlan plan = repairPlan(null);
        if (plan != null) {
          repairRequested = false;
          repairRun = RepairRunPlanner.start(plan, new RepairTriggers.Trigger("Requested", Set.of()), now).run();
        }
      }
      if (repairRun == null) {
        return;
      }
      RepairPlan plan = repairPlan(repairRun);
      Map<Integer, RepairRunPlanner.SegmentJob> jobs = new HashMap<>();
      for (RepairRun.Segment a : repairRun.active()) {
        jobs.put(a.index(), segmentJob(a.jobId()));
      }
      Map<String, UpkeepNode> byName = new HashMap<>();
      view.forEach(n -> byName.put(n.name(), n));
      Map<String, String> unavailable = RepairSegmentStarts.unavailable(view, Map.of(), Map.of());
      RepairRunPlanner.Plan step = RepairRunPlanner.advance(repairRun, plan, REPAIR, jobs, unavailable, byName,
          now);
      List<Answer> answers = new ArrayList<>();
      for (UpkeepStep.StartRepairSegment s : step.steps()) {
        String id = segmentStarts.get(s.attempt());
        if (id != null) {
          answers.add(new Answer.Done(id)); // the same command again: the agent layer's recorded answer
          continue;
        }
        Segment segment = plan.segments().get(s.index());
        SimNode coordinator = nodes.get(s.node());
        check(usable(coordinator), "repair segment " + s.index() + " sent to " + s.node() + ", which is not up");
        List<String> down = segment.replicas().stream().filter(r -> !usable(nodes.get(r))).toList();
        check(down.isEmpty(), "repair segment " + s.index() + " " + s.range() + " started while its replicas "
            + down + " are not up");
        // A session whose run record went with a lost status is not known to the new run (as for node tasks).
        List<String> beside = segmentJobs.entrySet().stream().filter(e -> !e.getValue().orphaned()[0]
            && running(e.getValue())
            && e.getValue().replicas().stream().anyMatch(segment.replicas()::contains))
            .map(Map.Entry::getKey).toList();
        check(beside.isEmpty(), "repair segment " + s.index() + " on " + segment.replicas()
            + " started beside sessions " + beside + " on the same replicas");
        if (random.nextInt(12) == 0) {
          segmentsFailedToStart++;
          answers.add(new Answer.Failed("injected: the coordinator refused"));
          continue;
        }
        id = "repair-" + segmentStarts.size();
        segmentStarts.put(s.attempt(), id);
        segmentJobs.put(id, new SegmentJob(s.node(), coordinator.incarnation, segment.replicas(),
            new int[] {random.nextInt(2)}, random.nextInt(15) == 0, new boolean[1]));
        segmentsStarted++;
        answers.add(random.nextInt(4) == 0 ? Answer.PENDING : new Answer.Done(id));
      }
      RepairRunPlanner.Outcome outcome = RepairRunPlanner.record(step, answers);
      if (outcome.result() != null) {
        repairRuns++;
        repairRun = null;
      } else {
        repairRun = outcome.run();
      }
    }

    /** A session that still holds its replicas: not ended, its coordinator not restarted since. */
    boolean running(SegmentJob job) {
      SimNode n = nodes.get(job.node());
      return job.ticksLeft()[0] > 0 && n != null && n.pod && n.incarnation == job.incarnation();
    }

    RepairRunPlanner.SegmentJob segmentJob(String id) {
      SegmentJob job = id == null ? null : segmentJobs.get(id);
      if (job == null) {
        return new RepairRunPlanner.SegmentJob(JobFacts.Outcome.NOT_FOUND, "no such job", null);
      }
      SimNode n = nodes.get(job.node());
      if (n == null || n.incarnation != job.incarnation()) {
        return new RepairRunPlanner.SegmentJob(JobFacts.Outcome.NOT_FOUND, "restarted", null);
      }
      if (!usable(n)) {
        return new RepairRunPlanner.SegmentJob(JobFacts.Outcome.UNREACHABLE, "down", null);
      }
      if (job.ticksLeft()[0] > 0) {
        return new RepairRunPlanner.SegmentJob(JobFacts.Outcome.RUNNING, null, null);
      }
      return job.fail() ? new RepairRunPlanner.SegmentJob(JobFacts.Outcome.FAILED, "injected", TICK)
          : new RepairRunPlanner.SegmentJob(JobFacts.Outcome.SUCCEEDED, null, TICK);
    }

    JobFacts taskJob(String id) {
      TaskJob job = taskJobs.get(id);
      SimNode n = nodes.get(job.node());
      if (n.incarnation != job.incarnation()) {
        return new JobFacts(JobFacts.Outcome.NOT_FOUND, -1, "restarted");
      }
      if (!usable(n)) {
        return new JobFacts(JobFacts.Outcome.UNREACHABLE, -1, "down");
      }
      if (job.ticksLeft()[0] > 0) {
        return new JobFacts(JobFacts.Outcome.RUNNING, -1, null);
      }
      return job.fail() ? new JobFacts(JobFacts.Outcome.FAILED, -1, "injected") : new JobFacts(
          JobFacts.Outcome.SUCCEEDED, 1, null);
    }

    boolean taskRunning() {
      return taskRecords.stream().anyMatch(TaskRecord::running);
    }

    boolean windowInForce() {
      return CompactionPlanner.plan(WINDOWS, UTC, null, List.of(), now).inForce();
    }

    /** Once converged: every node of a datacenter added to the running cluster holds its data. */
    void checkAddedDatacenterHoldsData() {
      for (KnownNode k : known) {
        SimNode n = nodes.get(k.name());
        if (k.id().datacenter().equals(dc3.name()) && n.volume && !n.decommissioned) {
          check(n.holdsData, "node " + k.name() + " of datacenter " + dc3.name() + ", added to the running cluster,"
              + " holds none of its data: it was never rebuilt");
        }
      }
    }

    void checkInvariants() {
      // No token is held by two nodes of the ring (Cassandra refuses to bootstrap onto a held token, and a node
      // restarted on its volume with one would take over another node's range).
      Map<Long, String> holders = new HashMap<>();
      for (SimNode n : nodes.values()) {
        if (n.held == null || !n.volume || n.decommissioned) {
          continue;
        }
        for (Long t : n.held) {
          String other = holders.put(t, n.id.name());
          check(other == null, "token " + t + " held by both " + other + " and " + n.id.name()
             );
        }
      }
      for (KnownNode k : known) {
        SimNode n = nodes.get(k.name());
        if (n.volume && n.held != null && k.identity() != KnownNode.Identity.VOLUME) {
          check(new HashSet<>(k.tokens()).equals(new HashSet<>(n.held)), "node " + k.name() + " holds "
              + n.held + " but is recorded with " + k.tokens() + " (" + k.identity() + ")");
        }
      }
      for (Datacenter dc : base) {
        long holding = known.stream().filter(k -> k.id().datacenter().equals(dc.name()))
            .filter(k -> !nodes.get(k.name()).decommissioned).count();
        if (ringFormed) {
          check(holding >= dc.replicationFactor(), dc.name() + " holds data on " + holding
              + " nodes, below its replication factor " + dc.replicationFactor());
        }
      }
    }

    boolean converged() {
      for (Datacenter dc : spec()) {
        long count = known.stream().filter(k -> k.id().datacenter().equals(dc.name())).count();
        // A size below the replication factor is held (the validator refuses it too): nothing shrinks.
        if (dc.size() >= dc.replicationFactor() ? count != dc.size() : count < dc.replicationFactor()) {
          return false;
        }
      }
      if (Adoption.rebuilds(rebuilds, records(), spec()).stream().anyMatch(Rebuild::pending)) {
        return false;
      }
      if (known.stream().anyMatch(k -> !k.tokens().equals(nodes.get(k.name()).held))) {
        return false;
      }
      return operation == null && known.stream().map(k -> nodes.get(k.name())).allMatch(n -> n.pod
          && n.mode == Mode.NORMAL && n.config == config && !n.restartAsked && !n.replaceAsked && !n.userDown);
    }

    String describe() {
      StringBuilder text = new StringBuilder();
      for (KnownNode k : known) {
        SimNode n = nodes.get(k.name());
        text.append(k.name()).append(" pod=").append(n.pod).append(" vol=").append(n.volume).append(" ")
            .append(n.mode).append(n.userDown ? " down" : "").append(n.config != config ? " old-config" : "")
            .append(n.restartAsked ? " restart" : "").append(n.replaceAsked ? " replace" : "").append("; ");
      }
      return text.toString();
    }

    void check(boolean ok, String message) {
      if (!ok) {
        throw new AssertionError("step " + steps + ": " + message + "; operation " + operation);
      }
    }
  }

  @Test
  void twoHundredRandomSequencesKeepEverySafetyRuleAndConverge() {
    long seed = Long.getLong("ringkeeper.seed", System.nanoTime());
    System.out.println("RandomizedOperationsTest seed " + seed + " (rerun with -Dringkeeper.seed=" + seed + ")");
    Random seeds = new Random(seed);
    long totalSteps = 0;
    long statusLost = 0;
    long recreated = 0;
    long taskRuns = 0;
    long throughputSets = 0;
    long repairRuns = 0;
    long segmentsStarted = 0;
    long segmentsFailedToStart = 0;
    long duplicateTokenRings = 0;
    Map<OperationKind, Integer> seen = new HashMap<>();
    Long only = Long.getLong("ringkeeper.sequence");
    for (int sequence = 0; sequence < (only == null ? SEQUENCES : 1); sequence++) {
      long sequenceSeed = only == null ? seeds.nextLong() : only;
      World world = new World(sequenceSeed);
      try {
        for (int i = 0; i < RANDOM_STEPS; i++) {
          world.randomEvent();
          world.step();
          if (world.operation != null) {
            seen.merge(world.operation.kind(), 1, Integer::sum);
          }
        }
        world.failDecommission = false;
        world.failRebuild = false;
        world.schemaUnknown = false;
        world.dc3Altered = world.dc3Added;
        world.loseNextJobRecord = false;
        world.nodes.values().forEach(n -> n.userDown = false);
        for (int i = 0; i < SETTLE_STEPS && !world.converged(); i++) {
          world.step();
        }
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("sequence " + sequence + " (seed " + sequenceSeed + ", run seed " + seed + "): "
            + e.getMessage(), e);
      }
      assertThat(world.converged()).as("sequence %d (seed %d) converges; last plan %s, sizes %s, nodes %s",
          sequence, sequenceSeed, world.planner.plan(world.state()), world.sizes, world.describe()).isTrue();
      try {
        world.checkAddedDatacenterHoldsData();
      } catch (AssertionError e) {
        throw new AssertionError("sequence " + sequence + " (seed " + sequenceSeed + ", run seed " + seed + "): "
            + e.getMessage(), e);
      }
      try {
        for (int i = 0; i < SETTLE_STEPS && (world.taskRunning() || world.windowInForce() || world.window != null
            || world.repairRun != null || world.repairRequested); i++) {
          world.step();
        }
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("sequence " + sequence + " (seed " + sequenceSeed + ", run seed " + seed
            + ", upkeep): " + e.getMessage(), e);
      }
      assertThat(world.taskRunning()).as("sequence %d (seed %d): the node task's run ends, %s", sequence,
          sequenceSeed, world.taskRecords).isFalse();
      assertThat(world.repairRun).as("sequence %d (seed %d): the repair run ends", sequence, sequenceSeed).isNull();
      assertThat(world.repairRequested).as("sequence %d (seed %d): a requested repair runs", sequence, sequenceSeed)
          .isFalse();
      if (!world.windowRecordLost) {
        assertThat(world.window).as("sequence %d (seed %d): every node restored after the window", sequence,
            sequenceSeed).isNull();
        for (KnownNode k : world.known) {
          assertThat(world.throughputOf(world.nodes.get(k.name()))).as("sequence %d (seed %d): %s after the window",
              sequence, sequenceSeed, k.name()).isEqualTo(CONFIGURED_THROUGHPUT);
        }
      }
      taskRuns += world.taskRuns;
      repairRuns += world.repairRuns;
      segmentsStarted += world.segmentsStarted;
      segmentsFailedToStart += world.segmentsFailedToStart;
      duplicateTokenRings += world.duplicateTokenRings;
      throughputSets += world.throughputSets;
      totalSteps += world.steps;
      statusLost += world.statusLost;
      recreated += world.recreated;
    }
    System.out.println("RandomizedOperationsTest: " + SEQUENCES + " sequences, " + totalSteps
        + " reconciles, " + statusLost + " statuses lost (" + recreated + " of them by a re-created resource),"
        + " operations seen (reconciles with one in progress): " + seen + "; node task runs ended: " + taskRuns
        + ", compaction throughputs set: " + throughputSets + "; repair runs ended: " + repairRuns
        + ", segment sessions started: " + segmentsStarted + " (" + segmentsFailedToStart + " starts refused)"
        + ", recorded rings with a token held twice (repair waits): " + duplicateTokenRings);
    if (only != null) {
      return; // one sequence rerun (-Dringkeeper.sequence): the totals below are about the whole run
    }
    assertThat(taskRuns).isPositive();
    assertThat(throughputSets).isPositive();
    assertThat(repairRuns).isPositive();
    assertThat(segmentsStarted).isPositive();
    assertThat(statusLost).isPositive();
    assertThat(recreated).isPositive();
    assertThat(seen.keySet()).contains(OperationKind.ScaleUp, OperationKind.Cleanup, OperationKind.ScaleDown,
        OperationKind.RollingRestart, OperationKind.Replace, OperationKind.Rebuild);
  }
}
