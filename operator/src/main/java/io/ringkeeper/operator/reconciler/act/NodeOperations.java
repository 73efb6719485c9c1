package io.ringkeeper.operator.reconciler.act;

import io.ringkeeper.operator.reconciler.observe.VolumeResizes;
import io.ringkeeper.operator.reconciler.observe.OperationFacts;
import io.ringkeeper.operator.reconciler.observe.OperationRecords;
import io.ringkeeper.operator.domain.plan.Rebuild;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.dependent.RecentOperationCacheFiller;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.operator.config.OperatorConfig;
import io.ringkeeper.operator.domain.model.NodeId;
import io.ringkeeper.operator.domain.plan.KnownNode;
import io.ringkeeper.operator.domain.plan.NodeJob;
import io.ringkeeper.operator.domain.plan.Operation;
import io.ringkeeper.operator.domain.plan.OperationKind;
import io.ringkeeper.operator.domain.plan.SafetyRules;
import io.ringkeeper.operator.domain.plan.Step;
import io.ringkeeper.operator.domain.plan.VolumeResize;
import io.ringkeeper.operator.node.HibernationEnd;
import io.ringkeeper.operator.node.JobKind;
import io.ringkeeper.operator.node.JobRequest;
import io.ringkeeper.operator.node.JobStatus;
import io.ringkeeper.operator.node.Agents;
import io.ringkeeper.operator.node.NoAnswerYet;
import io.ringkeeper.operator.node.NodeClientException;
import io.ringkeeper.operator.node.NodeEndpoint;
import io.ringkeeper.operator.reconciler.observe.ClusterMapper;
import io.ringkeeper.operator.reconciler.events.ClusterEvent;
import io.ringkeeper.operator.reconciler.observe.ObservedState;
import io.ringkeeper.operator.resources.DesiredCluster;
import io.ringkeeper.operator.resources.DesiredNode;
import io.ringkeeper.operator.resources.NodePods;
import io.ringkeeper.operator.resources.NodeVolumes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out the steps of the day-2 operations on Kubernetes and on the nodes' agents. A step with an effect
 * ({@link #hasEffect}) is carried out only once an earlier reconcile recorded it in status ({@link Step.Recorded});
 * the result is the operation as it stands afterwards (e.g. with the started job's id) and the events to record.
 */
public final class NodeOperations {
  private static final Logger LOG = LoggerFactory.getLogger(NodeOperations.class);

  private final KubernetesClient client;
  private final KubeWriter writer;
  private final OperatorConfig config;
  private final java.time.Clock clock;

  /** The informer caches told about writes, so the next reconcile sees them. */
  public record Caches(RecentOperationCacheFiller<Pod> pods, RecentOperationCacheFiller<PersistentVolumeClaim> volumes) {}

  /**
   * @param operation the operation to record after the step; null when there is none any more
   * @param known the recorded nodes after the step
   * @param events what to record on the cluster
   */
  public record Result(Operation operation, List<KnownNode> known, List<ClusterEvent> events) {}

  public NodeOperations(KubernetesClient client, KubeWriter writer, OperatorConfig config, java.time.Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.client = Objects.requireNonNull(client, "client");
    this.writer = Objects.requireNonNull(writer, "writer");
    this.config = Objects.requireNonNull(config, "config");
  }

  /** Whether the step is one of the operations' (carried out here rather than by the reconciler's own apply). */
  public static boolean handles(Step step) {
    return step instanceof Step.Recorded || step instanceof Step.FinishOperation || step instanceof Step.ResizeVolumes;
  }

  /** The recorded nodes once the step is recorded: with the node a scale-up adds, without the one it forgets. */
  public static List<KnownNode> knownAfter(List<KnownNode> known, Step step) {
    List<KnownNode> result = new ArrayList<>(known);
    if (step instanceof Step.RecordOperation r && r.add() != null
        && known.stream().noneMatch(k -> k.name().equals(r.add().name()))) {
      result.add(r.add());
    }
    if (step instanceof Step.FinishOperation f && f.forget() != null) {
      result.removeIf(k -> k.name().equals(f.forget()));
    }
    return result;
  }

  public Result carryOut(CassandraCluster cr, ObservedState observed, List<KnownNode> known, Step step,
      Operation before, List<NodeEndpoint> endpoints, Agents nodes, Caches caches, DesiredCluster cluster) {
    List<ClusterEvent> events = new ArrayList<>();
    if (step instanceof Step.FinishOperation f) {
      events.add(ClusterEvent.normal(f.finished().kind() + "Completed", f.finished().node() == null ? ""
          : f.finished().node(), f.message()));
      return new Result(null, known, events);
    }
    if (step instanceof Step.ResizeVolumes r) {
      resize(cr, observed, r, caches, events);
      return new Result(before, known, events);
    }
    Step.Recorded recorded = (Step.Recorded) step;
    Operation op = recorded.operation();
    transitionEvents(before, op, events);
    if (step instanceof Step.StartJob s) {
      op = startJob(s, endpoints, nodes, events);
    } else if (step instanceof Step.DeletePod d) {
      Pod pod = observed.pods().get(d.node().name());
      if (pod != null && pod.getMetadata().getDeletionTimestamp() == null) {
        client.pods().inNamespace(cr.getMetadata().getNamespace()).withName(d.node().name()).delete();
        events.add(ClusterEvent.normal("PodDeleted", d.node().name(), op.kind() + ": deleted the pod of node "
            + d.node().name()));
      }
    } else if (step instanceof Step.DeleteVolume d) {
      if (!SafetyRules.mayDeleteVolume(op, d.node().name())) {
        throw new IllegalStateException("refusing to delete the volume of " + d.node().name() + " in " + op);
      }
      if (observed.volumes().containsKey(d.node().name())) {
        client.persistentVolumeClaims().inNamespace(cr.getMetadata().getNamespace()).withName(d.node().name())
            .delete();
        events.add(ClusterEvent.normal("VolumeDeleted", d.node().name(), op.kind() + ": deleted volume "
            + d.node().name() + (op.kind().name().equals("ScaleDown") ? " (storage.reclaim Delete)"
            : " (the replacement starts empty)")));
      }
    } else if (step instanceof Step.CreateNode c) {
      create(cr, observed, known, c.node(), null, caches, cluster);
      events.add(ClusterEvent.normal("NodeCreated", c.node().name(), op.kind() + ": created the pod of node "
          + c.node().name()));
    } else if (step instanceof Step.EndHibernation h) {
      op = endHibernation(h, before, observed, endpoints, nodes, events);
    } else if (step instanceof Step.CreateReplacement c) {
      create(cr, observed, known, c.node(), c.replaceAddress(), caches, cluster);
      events.add(ClusterEvent.normal("ReplacementCreated", c.node().name(), "Replace: node " + c.node().name()
          + " starts empty with its tokens" + (c.replaceAddress() == null ? ""
          : " and replace_address_first_boot=" + c.replaceAddress())));
    }
    return new Result(op, known, events);
  }

  /**
   * Whether the step changes the cluster (a job started, a pod or volume deleted, a node created): such a step is
   * recorded in status by one reconcile and carried out by the next. Recording an operation, waiting, finishing one
   * and growing volumes have no effect that must be recorded before it (the volumes keep their own record).
   */
  public static boolean hasEffect(Step step) {
    return step instanceof Step.StartJob || step instanceof Step.DeletePod || step instanceof Step.DeleteVolume
        || step instanceof Step.CreateNode || step instanceof Step.CreateReplacement;
  }

  /** The events of an operation moving from {@code before} (null: none) to {@code after}. */
  public static List<ClusterEvent> transitionEvents(Operation before, Operation after) {
    List<ClusterEvent> events = new ArrayList<>();
    transitionEvents(before, after, events);
    return events;
  }

  private static void transitionEvents(Operation before, Operation after, List<ClusterEvent> events) {
    String node = after.node() == null ? "" : after.node();
    if (before == null || before.kind() != after.kind()) {
      events.add(ClusterEvent.normal(after.kind() + "Started", node, after.kind() + " started"
          + (after.node() == null ? " in datacenter " + after.datacenter() : " on node " + after.node())
          + (after.message() == null ? "" : ": " + after.message())));
      return;
    }
    if (after.attempts() > before.attempts() && after.message() != null) {
      // Named after the step (DecommissioningFailed, CleaningUpFailed), a rebuild after its operation.
      String reason = after.kind() == OperationKind.Rebuild ? "RebuildFailed" : after.step() + "Failed";
      events.add(ClusterEvent.warning(reason, node, after.kind() + ": " + after.step() + " of "
          + after.node() + " failed (attempt " + after.attempts() + "): " + after.message()
          + "; retried in " + SafetyRules.retryDelay(after.attempts()).toSeconds() + " s when it is safe"));
    } else if (!Objects.equals(before.node(), after.node()) && after.node() != null) {
      events.add(ClusterEvent.normal(after.kind() + "Node", node, after.kind() + ": now at node " + after.node()
          + " (" + after.step() + ")"));
    } else if (before.step() != after.step() && after.step() != null) {
      events.add(ClusterEvent.normal(String.valueOf(after.step()), node, after.kind() + ": " + after.node() + " "
          + after.step() + (after.message() == null ? "" : " (" + after.message() + ")")));
    }
  }

  private Operation startJob(Step.StartJob s, List<NodeEndpoint> endpoints, Agents nodes,
      List<ClusterEvent> events) {
    Operation op = s.operation();
    NodeEndpoint endpoint = endpoints.stream().filter(e -> e.node().equals(s.node().name())).findFirst().orElse(null);
    if (endpoint == null) {
      return op.withMessage("node " + s.node().name() + " has no address yet");
    }
    JobKind kind = switch (s.job()) {
      case DECOMMISSION -> JobKind.DECOMMISSION;
      case DRAIN -> JobKind.DRAIN;
      case CLEANUP -> JobKind.CLEANUP;
      case REBUILD -> JobKind.REBUILD;
    };
    JobRequest request = s.job() == NodeJob.REBUILD ? JobRequest.rebuild(s.sourceDatacenter()) : JobRequest.of(kind);
    try {
      JobStatus job = nodes.startJob(endpoint, request, op.kind() + "/" + op.node() + "/" + op.step() + "/"
          + op.since() + "/attempt-" + op.attempts());
      LOG.info("{}: started {} on {} as job {}", op.kind(), kind, s.node().name(), job.id());
      events.add(ClusterEvent.normal(jobReason(s.job()), s.node().name(), op.kind() + ": started "
          + kind.name().toLowerCase() + " on node " + s.node().name()
          + (s.sourceDatacenter() == null ? "" : " from datacenter " + s.sourceDatacenter())
          + " (job " + job.id() + ")"));
      return op.withJob(job.id());
    } catch (NoAnswerYet e) {
      // Sent, not waited for: its answer triggers the next reconcile, which takes the job id from it.
      return op.withMessage("asked node " + s.node().name() + " to start " + kind.name().toLowerCase()
          + "; waiting for its answer");
    } catch (NodeClientException e) {
      String message = e.getMessage();
      LOG.warn("{}: {} on {} refused: {}", op.kind(), kind, s.node().name(), message);
      return op.failed(message, clock.instant());
    }
  }

  /**
   * Fired like a job start and not waited for (the peer watches the heartbeat for 6 s first). An attempt is keyed by
   * the minute of the peer's report, not of the reconcile: a reconcile that runs on the peer's report from before the
   * answer (the next poll has not come yet) takes the kept answer instead of asking again, and a replacement that
   * fails again and is reported hibernating again is asked for at most once a minute. The event is recorded once per
   * answer: a kept answer the operation already records is not reported again.
   */
  private Operation endHibernation(Step.EndHibernation h, Operation before, ObservedState observed,
      List<NodeEndpoint> endpoints, Agents nodes, List<ClusterEvent> events) {
    Operation op = h.operation();
    NodeEndpoint via = endpoints.stream().filter(e -> e.node().equals(h.via().name())).findFirst().orElse(null);
    if (via == null) {
      return op.withMessage("node " + h.via().name() + " has no address yet");
    }
    io.ringkeeper.operator.node.NodeObservation report = observed.nodes().get(h.via().name());
    java.time.Instant reported = report == null ? clock.instant() : report.at();
    String attempt = "end-hibernation/" + op.node() + "/" + op.since() + "/"
        + reported.truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
    try {
      HibernationEnd answer = nodes.endHibernation(via, h.address(), attempt);
      // Whichever peer gave the answer: the kept one may be another peer's.
      String held = " holds " + op.node() + " at " + h.address() + " " + answer.status()
          + "; its next start can reach the seeds";
      String message = "node " + h.via().name() + held;
      if (answer.changed() && (before == null || before.message() == null || !before.message().endsWith(held))) {
        LOG.info("{}: {} marked {} shut down (it was left hibernating)", op.kind(), h.via().name(), h.address());
        events.add(ClusterEvent.normal("HibernationEnded", op.node(), op.kind() + ": node " + op.node() + " at "
            + h.address() + " failed to join while hibernating; node " + h.via().name() + " now holds it shut down"
            + " and gossips with its next start (CASSANDRA-19580)"));
      }
      return op.withMessage(message);
    } catch (NoAnswerYet e) {
      return op;
    } catch (NodeClientException e) {
      LOG.warn("{}: {} did not mark {} shut down: {}", op.kind(), h.via().name(), h.address(), e.getMessage());
      return op.withMessage("node " + h.via().name() + " did not mark " + op.node() + " shut down: "
          + e.getMessage());
    }
  }

  private static String jobReason(NodeJob job) {
    return switch (job) {
      case DECOMMISSION -> "DecommissionStarted";
      case DRAIN -> "DrainStarted";
      case CLEANUP -> "CleanupStarted";
      case REBUILD -> "RebuildStarted";
    };
  }

  private void create(CassandraCluster cr, ObservedState observed, List<KnownNode> known, NodeId id,
      String replaceAddress, Caches caches, DesiredCluster cluster) {
    KnownNode node = known.stream().filter(k -> k.id().equals(id)).findFirst().orElseThrow();
    Set<NodeId> seeds = cluster.seedSet();
    DesiredNode desired = new DesiredNode(id, node.tokens(), node.initial(), seeds.contains(id), replaceAddress);
    if (!observed.volumes().containsKey(id.name())) {
      writer.create(NodeVolumes.desired(cr, desired,
          Rebuild.of(OperationRecords.rebuilds(cr, observed), id.datacenter())), caches.volumes());
    }
    if (!observed.pods().containsKey(id.name())) {
      writer.create(NodePods.desired(cr, desired, cluster.configHash(), config), caches.pods());
    }
  }

  /**
   * Patches each volume's request to spec.storage.size. A refused patch is recorded on the volume (the attempts in a
   * row, when, the API server's message) and the planner holds the volume until its retry is due; a successful one
   * clears that record.
   */
  private void resize(CassandraCluster cr, ObservedState observed, Step.ResizeVolumes r, Caches caches,
      List<ClusterEvent> events) {
    String size = cr.getSpec().getStorage().getSize();
    long wanted = OperationFacts.wantedVolumeBytes(cr).orElseThrow();
    for (NodeId id : r.nodes()) {
      PersistentVolumeClaim claim = observed.volumes().get(id.name());
      if (claim == null) {
        continue;
      }
      PersistentVolumeClaim desired = new PersistentVolumeClaimBuilder().withNewMetadata().withName(id.name())
          .withNamespace(cr.getMetadata().getNamespace()).endMetadata()
          .withNewSpec().withNewResources().withRequests(Map.of("storage", new Quantity(size))).endResources()
          .endSpec().build();
      PersistentVolumeClaim updated;
      try {
        updated = writer.ensure(desired, claim, KubeWriter.Scope.ALL, caches.volumes());
      } catch (KubernetesClientException e) {
        VolumeResize.Refused before = VolumeResizes.refused(claim, wanted);
        int attempts = before == null ? 1 : before.attempts() + 1;
        String message = VolumeResizes.message(e);
        LOG.warn("growing volume {} to {} refused (attempt {}): {}", id.name(), size, attempts, message);
        PersistentVolumeClaim record = new PersistentVolumeClaimBuilder().withNewMetadata().withName(id.name())
            .withNamespace(cr.getMetadata().getNamespace())
            .withAnnotations(VolumeResizes.record(size, clock.instant(), attempts, message)).endMetadata().build();
        writer.ensure(record, claim, KubeWriter.Scope.METADATA, caches.volumes());
        events.add(ClusterEvent.warning("VolumeResizeFailed", id.name(), "Volume " + id.name() + " cannot grow to "
            + size + " (spec.storage.size), attempt " + attempts + ": " + message + "; its storage class must set"
            + " allowVolumeExpansion: true, or set spec.storage.size back; tried again in "
            + SafetyRules.retryDelay(attempts).toSeconds() + " s"));
        continue;
      }
      if (VolumeResizes.recorded(claim)) {
        writer.removeAnnotations(updated != null ? updated : claim, VolumeResizes.KEYS, caches.volumes());
      }
      events.add(ClusterEvent.normal("VolumeResizing", id.name(), "Growing volume " + id.name() + " to " + size
          + " (spec.storage.size); the storage class expands it online"));
    }
  }
}
