package io.ringkeeper.operator.reconciler.observe;

import io.ringkeeper.operator.reconciler.observe.OperationRecords;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.ReclaimPolicy;
import io.ringkeeper.operator.config.OperatorConfig;
import io.ringkeeper.operator.domain.model.NodeId;
import io.ringkeeper.operator.domain.plan.ClusterState;
import io.ringkeeper.operator.domain.plan.JobFacts;
import io.ringkeeper.operator.domain.plan.KeyspaceReplication;
import io.ringkeeper.operator.domain.plan.KnownNode;
import io.ringkeeper.operator.domain.plan.NodeFacts;
import io.ringkeeper.operator.domain.plan.NodeHealth;
import io.ringkeeper.operator.domain.plan.Operation;
import io.ringkeeper.operator.domain.plan.Rebuild;
import io.ringkeeper.operator.node.Agents;
import io.ringkeeper.operator.node.NodeClientException;
import io.ringkeeper.operator.node.NodeEndpoint;
import io.ringkeeper.operator.node.NodeObservation;
import io.ringkeeper.operator.node.OperationMode;
import io.ringkeeper.operator.reconciler.observe.ClusterMapper;
import io.ringkeeper.operator.reconciler.observe.ObservedState;
import io.ringkeeper.operator.reconciler.observe.NodeView;
import io.ringkeeper.operator.resources.CassandraYaml;
import io.ringkeeper.operator.resources.DesiredCluster;
import io.ringkeeper.operator.resources.DesiredNode;
import io.ringkeeper.operator.resources.Hashes;
import io.ringkeeper.operator.resources.Labels;
import io.ringkeeper.operator.resources.NodePods;
import io.ringkeeper.operator.resources.RunsHashes;
import io.ringkeeper.operator.resources.Names;
import io.ringkeeper.operator.resources.SpecDefaults;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Builds the planner's {@link ClusterState} with what the day-2 operations need beyond the basics of
 * {@link ClusterMapper#state}: the recorded operation and its job's state (as the poller last saw it: never asked here), each node's restart and replace reasons, operation mode, address and volume size (below the spec,
 * still growing, or refused: {@link VolumeResizes}), the added
 * datacenters, and, when one of them may be rebuilt, how the keyspaces replicate (as a node of the datacenter it streams
 * from last reported it).
 */
public final class OperationFacts {
  private final OperatorConfig config;

  public OperationFacts(OperatorConfig config) {
    this.config = config;
  }

  public ClusterState state(CassandraCluster cr, List<KnownNode> known, boolean ringFormed, ObservedState observed,
      Map<String, NodeView> views, List<NodeEndpoint> endpoints, Agents agents, Instant now) {
    return state(cr, known, ringFormed, observed, views, endpoints, agents,
        DesiredCluster.of(cr, ClusterMapper.seeds(cr, known)), now);
  }

  /**
   * @param cluster the desired shared configuration of the cluster, as the reconcile built it once for
   *     {@code known}
   */
  public ClusterState state(CassandraCluster cr, List<KnownNode> known, boolean ringFormed, ObservedState observed,
      Map<String, NodeView> views, List<NodeEndpoint> endpoints, Agents agents, DesiredCluster cluster,
      Instant now) {
    ClusterState base = ClusterMapper.state(cr, known, ringFormed, observed, views);
    Operation op = OperationRecords.read(cr);
    String configHash = cluster.configHash();
    // Hashed at most once per reconcile, and only for a pod whose runs-hash differs (one of an earlier build).
    Supplier<String> legacyHash = memoized(cluster::legacyConfigHash);
    Set<NodeId> seeds = cluster.seedSet();
    Optional<Long> wanted = wantedVolumeBytes(cr);
    Map<String, NodeFacts> facts = new HashMap<>();
    RunsHashes runsHashes = RunsHashes.forSpec(cr, config);
    for (KnownNode node : known) {
      NodeView view = views.get(node.name());
      Pod pod = observed.pods().get(node.name());
      PersistentVolumeClaim claim = observed.volumes().get(node.name());
      NodeObservation observation = observed.nodes().get(node.name());
      boolean belowSpec = claim != null && wanted.isPresent()
          && requested(claim).map(r -> r < wanted.get()).orElse(false);
      OperationMode mode = observation != null && observation.answeredNow() ? observation.info().operationMode()
          : null;
      NodeHealth health = view == null ? NodeHealth.UNKNOWN : view.health();
      DesiredNode desired = new DesiredNode(node.id(), startedWith(node, pod), node.initial(),
          seeds.contains(node.id()));
      String address = pod != null && pod.getStatus() != null && pod.getStatus().getPodIP() != null
          ? pod.getStatus().getPodIP()
          : ClusterMapper.previous(cr, node.name()).map(n -> n.getPodIP()).orElse(null);
      facts.put(node.name(), new NodeFacts(
          pod != null,
          claim != null,
          health,
          view != null && view.ready(),
          view != null && view.fresh(),
          mode == OperationMode.DECOMMISSIONED
              || mode == OperationMode.DECOMMISSION_FAILED && leftTheRing(node.name(), known, observed),
          mode == OperationMode.DRAINED,
          restartReason(cr, pod, runsHashes.of(desired, configHash),
              () -> runsHashes.of(desired, legacyHash.get())),
          pod != null && annotation(pod, Labels.RESTART) != null,
          replaceReason(pod, now),
          address,
          false).withVolume(belowSpec, claim == null || wanted.isEmpty() ? null
              : VolumeResizes.growing(claim, wanted.get(), cr.getSpec().getStorage().getSize()),
          belowSpec ? VolumeResizes.refused(claim, wanted.get()) : null)
          .withHibernatingAt(pod == null ? null : hibernatingAt(node.name(), address, known, observed)));
    }
    Set<String> volumes = new HashSet<>(observed.volumes().keySet());
    // Refilled from the volumes when status lost a pending one.
    List<Rebuild> rebuilds = OperationRecords.rebuilds(cr, observed);
    // Read (so followed by the poller) from the moment a rebuild is pending: known when it comes due.
    List<KeyspaceReplication> replication = rebuilds.stream().anyMatch(Rebuild::pending)
        ? keyspaces(sourceEndpoints(known, rebuilds, endpoints), agents) : null;
    return new ClusterState(base.cluster(), base.numTokens(), base.datacenters(), ringFormed, known, facts, op,
        job(op, endpoints, agents), deleteVolumes(cr), volumes, now)
        .withRebuilds(rebuilds, rebuildDue(base, rebuilds, op) ? replication : null)
        .withIntents(intents(cr));
  }

  /**
   * A node whose decommission failed after it left the ring (ChaosE2E seed -8158481517337529887, 40 faults: it
   * announced it left, its peers removed its tokens, then its shutdown of messaging timed out on a peer killed at
   * that moment, and Cassandra 5.0 reports DECOMMISSION_FAILED): no up, normal peer that answered holds its address
   * in the ring, and at least one answered. Such a node cannot be asked again (it is no member of its own ring); it
   * is decommissioned. One still in some peer's ring is not: its decommission may be asked again.
   */
  static boolean leftTheRing(String node, List<KnownNode> known, ObservedState observed) {
    NodeObservation own = observed.nodes().get(node);
    String address = own == null || !own.answeredNow() ? null : own.info().endpoint();
    if (address == null) {
      return false;
    }
    boolean asked = false;
    for (KnownNode peer : known) {
      NodeObservation seen = observed.nodes().get(peer.name());
      if (peer.name().equals(node) || seen == null || !seen.answeredNow()
          || seen.info().operationMode() != OperationMode.NORMAL) {
        continue;
      }
      if (seen.info().ring().containsValue(address)) {
        return false;
      }
      asked = true;
    }
    return asked;
  }

  /**
   * An up, normal peer whose gossip holds {@code address} in status hibernate, when the node's own agent refuses
   * connections: its process is gone (a hung one accepts the connection and times out). Null otherwise.
   */
  static String hibernatingAt(String node, String address, List<KnownNode> known, ObservedState observed) {
    NodeObservation own = observed.nodes().get(node);
    if (address == null || own == null || own.answeredNow() || own.failure() != NodeClientException.Kind.UNREACHABLE
        || !address.equals(own.address())) {
      return null;
    }
    for (KnownNode peer : known) {
      NodeObservation seen = observed.nodes().get(peer.name());
      if (!peer.name().equals(node) && seen != null && seen.answeredNow()
          && seen.info().operationMode() == OperationMode.NORMAL
          && seen.info().hibernatingNodes().contains(address)) {
        return peer.name();
      }
    }
    return null;
  }

  /** spec.stopped and the nodes named in the cluster's fenced annotation. */
  public static ClusterState.Intents intents(CassandraCluster cr) {
    return new ClusterState.Intents(Boolean.TRUE.equals(cr.getSpec().getStopped()), fenced(cr));
  }

  /** The node names of the cluster's {@value Labels#FENCED} annotation (comma- or space-separated). */
  public static Set<String> fenced(CassandraCluster cr) {
    Map<String, String> annotations = cr.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(Labels.FENCED);
    Set<String> names = new HashSet<>();
    if (value != null) {
      for (String name : value.split("[,\\s]+")) {
        if (!name.isBlank()) {
          names.add(name.trim());
        }
      }
    }
    return names;
  }

  /**
   * The agents of the nodes of the datacenters pending rebuilds stream from. Only they are asked for the keyspaces:
   * a node of the new datacenter may not have pulled the schema yet right after it joined; it would report no user
   * keyspace at all, and the rebuild would start before the keyspaces replicate to it and stream nothing.
   */
  static List<NodeEndpoint> sourceEndpoints(List<KnownNode> known, List<Rebuild> rebuilds,
      List<NodeEndpoint> endpoints) {
    Set<String> sources = new HashSet<>();
    rebuilds.stream().filter(Rebuild::pending).forEach(r -> sources.add(r.source()));
    Set<String> nodes = new HashSet<>();
    known.stream().filter(n -> sources.contains(n.id().datacenter())).forEach(n -> nodes.add(n.name()));
    return endpoints.stream().filter(e -> nodes.contains(e.node())).toList();
  }

  /** Whether a rebuild may start now, but for the keyspaces: none runs and an added datacenter has all its nodes. */
  private static boolean rebuildDue(ClusterState base, List<Rebuild> rebuilds, Operation op) {
    return op == null && rebuilds.stream().filter(Rebuild::pending).anyMatch(r -> base.datacenter(r.datacenter())
        .map(dc -> dc.size() == base.knownIn(dc.name()).size()).orElse(false));
  }

  /** How the keyspaces replicate, as the first node with an answer last reported it; null when none has one. */
  private static List<KeyspaceReplication> keyspaces(List<NodeEndpoint> endpoints, Agents agents) {
    for (NodeEndpoint endpoint : endpoints) {
      try {
        return agents.keyspaces(endpoint).stream()
            .map(k -> new KeyspaceReplication(k.name(), k.system(), k.replicationFactors())).toList();
      } catch (NodeClientException e) {
        // the next node
      }
    }
    return null;
  }

  /**
   * The hash of the rendered cassandra.yaml as the pods are annotated with it, without the seed list: seeds are
   * read only when a node starts, so a seed that moves (a replacement, a new datacenter, a node added or removed)
   * must restart nobody.
   */
  public static String configHash(CassandraCluster cr) {
    return DesiredCluster.configHash(cr);
  }

  private static Supplier<String> memoized(Supplier<String> supplier) {
    String[] value = new String[1];
    return () -> value[0] != null ? value[0] : (value[0] = supplier.get());
  }

  static String restartReason(CassandraCluster cr, Pod pod, String desiredHash) {
    return restartReason(cr, pod, desiredHash, () -> null);
  }

  /**
   * Why the node must restart, or null. A pod without the runs-hash annotation (created by an operator before it
   * existed) is taken as running what it should: nothing restarts on an operator upgrade. Nor does a pod whose
   * runs-hash is the one of a build that still hashed the seed list ({@code legacyHash}, computed only when the
   * hash differs), as long as that list is unchanged.
   */
  static String restartReason(CassandraCluster cr, Pod pod, String desiredHash,
      Supplier<String> legacyHash) {
    if (pod == null) {
      return null;
    }
    String onPod = annotation(pod, Labels.RESTART);
    if (onPod != null) {
      return "restart asked on the pod (" + Labels.RESTART + "=" + onPod + ")";
    }
    String onCluster = NodePods.clusterRestart(cr);
    if (onCluster != null && !onCluster.equals(annotation(pod, Labels.RESTARTED_FOR))) {
      return "restart asked on the cluster (" + Labels.RESTART + "=" + onCluster + ")";
    }
    String runs = annotation(pod, Labels.RUNS_HASH);
    if (runs != null && !runs.equals(desiredHash) && !runs.equals(legacyHash.get())) {
      return "what the node runs changed (image, cassandra.yaml, JVM options, resources or pod template)";
    }
    return null;
  }

  /** Why the node must be replaced, or null: asked on its pod, or its pod cannot be scheduled for too long. */
  String replaceReason(Pod pod, Instant now) {
    if (pod == null) {
      return null;
    }
    String asked = annotation(pod, Labels.REPLACE);
    if (asked != null) {
      return "replacement asked on the pod (" + Labels.REPLACE + ")";
    }
    Duration after = config.replaceUnschedulableAfter();
    if (after.isZero() || pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return null;
    }
    for (PodCondition condition : pod.getStatus().getConditions()) {
      if ("PodScheduled".equals(condition.getType()) && "False".equals(condition.getStatus())
          && "Unschedulable".equals(condition.getReason()) && condition.getLastTransitionTime() != null) {
        Instant since = Instant.parse(condition.getLastTransitionTime());
        if (!now.isBefore(since.plus(after))) {
          return "its pod could not be scheduled since " + condition.getLastTransitionTime() + " ("
              + condition.getMessage() + ")";
        }
      }
    }
    return null;
  }

  private static JobFacts job(Operation op, List<NodeEndpoint> endpoints, Agents agents) {
    if (op == null || op.jobId() == null || op.node() == null) {
      return null;
    }
    NodeEndpoint endpoint = endpoints.stream().filter(e -> e.node().equals(op.node())).findFirst().orElse(null);
    return JobObservations.job(op.node(), endpoint, op.jobId(), agents);
  }

  /**
   * The tokens to compare the node's pod with: those recorded, except for a node adopted with the tokens it
   * reports, whose pod may have been started with others (its volume's stale record). initial_token acts on first
   * boot only, so that difference restarts nothing.
   */
  static List<Long> startedWith(KnownNode node, Pod pod) {
    if (node.identity() != KnownNode.Identity.NODE || pod == null) {
      return node.tokens();
    }
    List<Long> started = NodePods.startedWithTokens(pod);
    return started.size() == node.tokens().size() ? started : node.tokens();
  }

  static boolean deleteVolumes(CassandraCluster cr) {
    return cr.getSpec().getStorage() != null && cr.getSpec().getStorage().getReclaim() == ReclaimPolicy.Delete;
  }

  public static Optional<Long> wantedVolumeBytes(CassandraCluster cr) {
    try {
      return cr.getSpec().getStorage() == null || cr.getSpec().getStorage().getSize() == null ? Optional.empty()
          : Optional.of(SpecDefaults.bytes(new Quantity(cr.getSpec().getStorage().getSize())));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  static Optional<Long> requested(PersistentVolumeClaim claim) {
    Quantity q = VolumeResizes.requestedQuantity(claim);
    return q == null ? Optional.empty() : Optional.of(SpecDefaults.bytes(q));
  }

  static String annotation(Pod pod, String key) {
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(key);
    return value == null || value.isBlank() ? null : value;
  }
}
