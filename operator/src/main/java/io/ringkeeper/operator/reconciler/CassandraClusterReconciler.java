package io.ringkeeper.operator.reconciler;

import io.ringkeeper.operator.reconciler.status.AccessRecords;
import io.ringkeeper.operator.reconciler.status.OperationStatuses;
import io.ringkeeper.operator.reconciler.status.StatusWriter;
import io.ringkeeper.operator.reconciler.observe.ClusterMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.CassandraClusterStatus;
import io.ringkeeper.api.v1alpha1.DatacenterSpec;
import io.ringkeeper.api.v1alpha1.ReclaimPolicy;
import io.ringkeeper.operator.config.OperatorConfig;
import io.ringkeeper.operator.domain.model.NodeId;
import io.ringkeeper.operator.domain.plan.Adoption;
import io.ringkeeper.operator.domain.plan.Held;
import io.ringkeeper.operator.domain.plan.KnownNode;
import io.ringkeeper.operator.domain.plan.NodeHealth;
import io.ringkeeper.operator.domain.plan.OperationKind;
import io.ringkeeper.operator.domain.plan.OperationStep;
import io.ringkeeper.operator.domain.plan.Plan;
import io.ringkeeper.operator.domain.plan.Planner;
import io.ringkeeper.operator.domain.plan.Rebuild;
import io.ringkeeper.operator.domain.plan.Step;
import io.ringkeeper.operator.domain.tokens.TokenAllocator;
import io.ringkeeper.operator.reconciler.upkeep.UpkeepStage;
import io.ringkeeper.operator.node.ClusterKey;
import io.ringkeeper.operator.node.NodeEndpoint;
import io.ringkeeper.operator.node.NodeObservation;
import io.ringkeeper.operator.node.NodePoller;
import io.ringkeeper.operator.node.OperationMode;
import io.ringkeeper.operator.reconciler.act.KubeWriter;
import io.ringkeeper.operator.reconciler.act.KubeWriter.Scope;
import io.ringkeeper.operator.reconciler.events.ClusterEvent;
import io.ringkeeper.operator.reconciler.events.EventRecorder;
import io.ringkeeper.operator.reconciler.events.Milestones;
import io.ringkeeper.operator.reconciler.observe.Identities;
import io.ringkeeper.operator.reconciler.observe.ObservedState;
import io.ringkeeper.operator.reconciler.observe.Observer;
import io.ringkeeper.operator.reconciler.act.NodeOperations;
import io.ringkeeper.operator.reconciler.observe.OperationFacts;
import io.ringkeeper.operator.reconciler.observe.OperationRecords;
import io.ringkeeper.operator.reconciler.observe.VolumeResizes;
import io.ringkeeper.operator.reconciler.status.NodeStates;
import io.ringkeeper.operator.reconciler.observe.NodeView;
import io.ringkeeper.operator.reconciler.status.StatusBuilder;
import io.ringkeeper.operator.reconciler.validate.CaChange;
import io.ringkeeper.operator.reconciler.validate.Problem;
import io.ringkeeper.operator.reconciler.validate.SpecValidator;
import io.ringkeeper.operator.resources.CassandraYaml;
import io.ringkeeper.operator.resources.ConfigMaps;
import io.ringkeeper.operator.resources.DesiredCluster;
import io.ringkeeper.operator.resources.DesiredNode;
import io.ringkeeper.operator.resources.DisruptionBudgets;
import io.ringkeeper.operator.resources.Labels;
import io.ringkeeper.operator.resources.Names;
import io.ringkeeper.operator.resources.NodePods;
import io.ringkeeper.operator.resources.NodeVolumes;
import io.ringkeeper.operator.resources.Secrets;
import io.ringkeeper.operator.resources.Labels;
import io.ringkeeper.operator.reconciler.observe.AccessFacts;
import io.ringkeeper.operator.reconciler.act.AccessSync;
import io.ringkeeper.operator.reconciler.act.TlsSync;
import io.ringkeeper.operator.reconciler.validate.TlsSecrets;
import io.ringkeeper.operator.reconciler.validate.TlsSwitch;
import io.ringkeeper.api.v1alpha1.AccessStatus;
import io.ringkeeper.operator.reconciler.events.ClusterEvent;
import io.ringkeeper.operator.resources.Services;
import io.ringkeeper.operator.resources.SpecDefaults;
import java.net.HttpURLConnection;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles a CassandraCluster in named steps: {@link #observe observe} (informer caches and the node poller's
 * last round, never the API server or a node) -> {@link SpecValidator validate} -> {@link Planner plan} ->
 * {@link #apply apply} (shared objects, then at most one step on the nodes; a step with an effect is recorded in
 * status by one reconcile and carried out by the next, see {@link #operate}) -> {@link StatusBuilder status}
 * (patched at most once, only when it changed) -> {@link Milestones events}. A reconcile with nothing to do writes
 * nothing.
 */
public final class CassandraClusterReconciler implements Reconciler<CassandraCluster>, Cleaner<CassandraCluster> {
  private static final Logger LOG = LoggerFactory.getLogger(CassandraClusterReconciler.class);

  private final KubernetesClient client;
  private final OperatorConfig config;
  private final Clock clock;
  private final NodePoller poller;
  private final Planner planner;
  private final Observer observer;
  private final KubeWriter writer;
  private final StatusWriter statusWriter;
  private final EventRecorder events;
  private final UpkeepStage upkeep;
  private final NodeOperations operations;
  private final OperationFacts operationFacts;
  private final AccessSync accessSync;
  private final TlsSync tlsSync;
  private final SecureRandom random = new SecureRandom();
  private final AtomicLong reconciliations = new AtomicLong();
  private volatile BiConsumer<ClusterKey, CassandraClusterStatus> statusListener = (key, status) -> {};

  private InformerEventSource<Pod, CassandraCluster> pods;
  private InformerEventSource<PersistentVolumeClaim, CassandraCluster> volumes;
  private InformerEventSource<Service, CassandraCluster> services;
  private InformerEventSource<ConfigMap, CassandraCluster> configMaps;
  private InformerEventSource<Secret, CassandraCluster> secrets;
  private InformerEventSource<PodDisruptionBudget, CassandraCluster> budgets;
  private final SimpleInboundEventSource<CassandraCluster> nodeChanges = new SimpleInboundEventSource<>("nodes");

  public CassandraClusterReconciler(KubernetesClient client, OperatorConfig config, Clock clock, NodePoller poller,
      TokenAllocator allocator) {
    this.client = Objects.requireNonNull(client, "client");
    this.config = Objects.requireNonNull(config, "config");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.poller = Objects.requireNonNull(poller, "poller");
    this.planner = new Planner(allocator);
    this.observer = new Observer(poller);
    this.writer = new KubeWriter(client);
    this.statusWriter = new StatusWriter(client);
    this.events = new EventRecorder(client, clock);
    this.upkeep = new UpkeepStage(poller.agents(), config.pollInterval());
    this.operations = new NodeOperations(client, writer, config, clock);
    this.accessSync = new AccessSync(clock);
    this.tlsSync = new TlsSync(writer, clock);
    this.operationFacts = new OperationFacts(config);
    poller.setListener(this::nodesChanged);
  }

  @Override
  public List<EventSource<?, CassandraCluster>> prepareEventSources(EventSourceContext<CassandraCluster> context) {
    pods = informer(Pod.class, context);
    volumes = informer(PersistentVolumeClaim.class, context);
    services = informer(Service.class, context);
    configMaps = informer(ConfigMap.class, context);
    secrets = informer(Secret.class, context);
    budgets = informer(PodDisruptionBudget.class, context);
    return List.of(pods, volumes, services, configMaps, secrets, budgets, nodeChanges);
  }

  // Objects map to their cluster by label, not owner reference: PVCs have no owner (storage.reclaim).
  private static <R extends HasMetadata> InformerEventSource<R, CassandraCluster> informer(Class<R> type,
      EventSourceContext<CassandraCluster> context) {
    return new InformerEventSource<>(InformerEventSourceConfiguration.from(type, CassandraCluster.class)
        .withName(type.getSimpleName())
        .withLabelSelector(Labels.MANAGED_SELECTOR)
        .withNamespacesInheritedFromController()
        .withSecondaryToPrimaryMapper(object -> {
          Map<String, String> labels = object.getMetadata().getLabels();
          String cluster = labels == null ? null : labels.get(Labels.CLUSTER);
          return cluster == null ? Set.of() : Set.of(new ResourceID(cluster, object.getMetadata().getNamespace()));
        })
        .build(), context);
  }

  /** Who to tell the status each reconcile computes (null: the cluster was deleted); the operator's metrics. */
  public void setStatusListener(BiConsumer<ClusterKey, CassandraClusterStatus> listener) {
    this.statusListener = Objects.requireNonNull(listener, "listener");
  }

  /** Reconciles triggered so far (a cheap liveness signal for tests and, later, metrics). */
  public long reconciliations() {
    return reconciliations.get();
  }

  /** Asks for a reconcile of a cluster, as the poller does when a node changed. */
  public void requestReconcile(ClusterKey cluster) {
    nodesChanged(cluster);
  }

  private void nodesChanged(ClusterKey cluster) {
    if (nodeChanges.isRunning()) {
      nodeChanges.propagateEvent(new ResourceID(cluster.name(), cluster.namespace()));
    }
  }

  @Override
  public UpdateControl<CassandraCluster> reconcile(CassandraCluster cr, Context<CassandraCluster> context) {
    reconciliations.incrementAndGet();
    ObservedState observed = observe(cr, context);
    // Status is a cache: nodes it lost are adopted from their volumes' records and the nodes' own reports.
    Adoption.Result adoption = Identities.known(cr, observed);
    List<KnownNode> known = adoption.known();
    Map<String, NodeView> views = views(cr, known, observed);
    boolean ringFormed = ClusterMapper.ringFormed(cr) || adoption.ringFormed() || ringFormsNow(known, views);
    track(cr, observed, known);
    Milestones.forAdoption(adoption, node -> ClusterMapper.previous(cr, node).isPresent())
        .forEach(e -> events.record(cr, e));

    List<Problem> problems = new ArrayList<>(SpecValidator.validate(cr, observed.volumes(), config.agentPort()));
    problems.addAll(TlsSwitch.check(cr, observed.pods().values()));
    if (!problems.isEmpty()) {
      LOG.info("spec is invalid: {}", problems);
      finish(cr, context, new StatusBuilder.Inputs(cr, observed, problems, known, views, ringFormed, null,
          clock.instant()), null);
      return UpdateControl.noUpdate();
    }

    // The shared configuration the cluster should have, rendered once for this reconcile.
    DesiredCluster desired = DesiredCluster.of(cr, ClusterMapper.seeds(cr, known));
    Map<String, Secret> roleSecrets = userSecrets(cr, observed);
    // TLS: the Secrets the certificates come from must be usable before anything is changed.
    TlsSecrets.Certificates tls = TlsSecrets.of(cr, roleSecrets, ids(known), clock.instant());
    // ... and a change of CA must keep old and new nodes trusting each other.
    List<Problem> tlsProblems = tls == null ? List.of() : !tls.problems().isEmpty() ? tls.problems()
        : CaChange.check(cr, tls, observed.pods().values(), observed.secrets());
    if (!tlsProblems.isEmpty()) {
      LOG.info("TLS Secrets are not usable: {}", tlsProblems);
      Map<String, java.time.Instant> notAfter = TlsSecrets.notAfter(observed.secrets(), ids(known));
      io.ringkeeper.api.v1alpha1.TlsStatus previousTls = cr.getStatus() == null ? null : cr.getStatus().getTls();
      finish(cr, context, new StatusBuilder.Inputs(cr, observed, tlsProblems, known, views, ringFormed, null,
          clock.instant()), null, status -> StatusBuilder.withTls(status, previousTls, notAfter));
      // A Secret that does not exist yet is not watched: looked for again.
      return UpdateControl.<CassandraCluster>noUpdate().rescheduleAfter(config.pollInterval());
    }
    Plan plan = planner.plan(operationFacts.state(cr, known, ringFormed, observed, views,
        poller.endpoints(Observer.key(cr)), poller.agents(), desired, clock.instant())
        .withAccess(AccessFacts.of(cr, roleSecrets)));
    Step step = plan.step();
    // Every node's TLS Secret is written before its pod can be created (also a node the step adds).
    TlsSync.Result certificates = tls == null ? null : tlsSync.ensure(cr, observed.secrets(), tls,
        ids(union(known, NodeOperations.knownAfter(known, step))), secrets);
    java.util.function.Consumer<CassandraClusterStatus> tlsStatus = status -> StatusBuilder.withTls(status,
        tls == null || certificates == null ? null
            : io.ringkeeper.operator.reconciler.status.TlsRecords.of(tls.caSecret(), tls.issues(),
                certificates.notAfter(), certificates.nextRenewal()),
        certificates == null ? Map.of() : certificates.notAfter());
    if (certificates != null) {
      certificates.events().forEach(e -> events.record(cr, e));
      if (!certificates.complete()) {
        // The CA Secret exists but is not in the cache yet: no pod is created before its certificate is.
        finish(cr, context, new StatusBuilder.Inputs(cr, observed, problems, known, views, ringFormed, plan,
            clock.instant()), null, tlsStatus);
        return UpdateControl.<CassandraCluster>noUpdate().rescheduleAfter(Duration.ofSeconds(1));
      }
    }
    if (step instanceof Step.AssignInitialTokens assign) {
      // Recorded before any pod exists: a restarted operator finds the same tokens and never re-allocates.
      List<KnownNode> recorded = new ArrayList<>(known);
      assign.tokens().forEach((id, tokens) -> recorded.add(new KnownNode(id, tokens, true)));
      finish(cr, context, new StatusBuilder.Inputs(cr, observed, problems, recorded, views, false, plan,
          clock.instant()), step, tlsStatus);
      return UpdateControl.<CassandraCluster>noUpdate().rescheduleAfter(Duration.ZERO);
    }
    if (NodeOperations.handles(step)) {
      return operate(cr, context, observed, problems, known, views, ringFormed, plan, desired, tlsStatus);
    }
    List<ClusterEvent> stepEvents = new ArrayList<>();
    AccessStatus accessBefore = cr.getStatus() == null ? null : cr.getStatus().getAccess();
    AccessStatus access = step instanceof Step.SetAccess set
        ? AccessRecords.of(accessBefore, accessSync.carryOut(cr, roleSecrets, set, accessBefore,
            poller.endpoints(Observer.key(cr)), poller.agents(), stepEvents))
        : null;
    apply(cr, observed, known, step, desired);
    Duration recheck = finish(cr, context, new StatusBuilder.Inputs(cr, observed, problems, known, views,
        ringFormed, plan, clock.instant()), step, status -> {
          StatusBuilder.withAccess(status, access);
          tlsStatus.accept(status);
        });
    stepEvents.forEach(e -> events.record(cr, e));
    boolean operating = cr.getStatus() != null && cr.getStatus().getOperation() != null;
    // E.g. a rebuild waiting for the user to alter the keyspaces, a refused volume resize waiting for its retry:
    // no Kubernetes or node event tells when that is due.
    boolean recheckHeld = plan.held().stream().anyMatch(Held::recheck);
    if ((operating || recheckHeld) && (recheck == null || recheck.compareTo(config.pollInterval()) > 0)) {
      recheck = config.pollInterval();
    }
    // The agent's answer triggers a reconcile that records it; one more then sees the roles set (Ready).
    if (step instanceof Step.SetAccess && (recheck == null || recheck.compareTo(Duration.ofSeconds(1)) > 0)) {
      recheck = Duration.ofSeconds(1);
    }
    // No event tells when a certificate is due for renewal.
    if (certificates != null && certificates.nextRenewal() != null) {
      Duration untilRenewal = Duration.between(clock.instant(), certificates.nextRenewal());
      untilRenewal = untilRenewal.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : untilRenewal;
      if (recheck == null || untilRenewal.compareTo(recheck) < 0) {
        recheck = untilRenewal;
      }
    }
    return recheck == null ? UpdateControl.noUpdate()
        : UpdateControl.<CassandraCluster>noUpdate().rescheduleAfter(recheck);
  }

  /**
   * A step of a day-2 operation, in one status write per reconcile. A step with an effect on the cluster (a job
   * started, a pod or volume deleted, a node created) is recorded in status.operation before it is carried out, so
   * that an operator stopped at any point finds the step recorded and resumes it instead of repeating it blindly or
   * losing track of it: the reconcile that plans such a step only writes it (with the events of the transition)
   * and asks for the next reconcile at once; that one finds it recorded, carries it out and writes its outcome. A
   * crash between the two writes leaves the step recorded (the next reconcile carries it out); a crash after the
   * step and before its outcome is written leaves the step recorded too, and the planner resumes from the record
   * (a deleted pod is seen gone, a started job is asked for again under the same attempt). A step without an
   * effect of its own (recording an operation, waiting) and a step already recorded are carried out and written at
   * once.
   */
  private UpdateControl<CassandraCluster> operate(CassandraCluster cr, Context<CassandraCluster> context,
      ObservedState observed, List<Problem> problems, List<KnownNode> known, Map<String, NodeView> views,
      boolean ringFormed, Plan plan, DesiredCluster desiredForKnown,
      java.util.function.Consumer<CassandraClusterStatus> tlsStatus) {
    Step step = plan.step();
    List<KnownNode> recorded = NodeOperations.knownAfter(known, step);
    // A step that adds or forgets a node moves the seeds: rendered again for the nodes it leaves.
    DesiredCluster desired = recorded.equals(known) ? desiredForKnown
        : DesiredCluster.of(cr, ClusterMapper.seeds(cr, recorded));
    io.ringkeeper.operator.domain.plan.Operation before = OperationRecords.read(cr);
    apply(cr, observed, recorded, step, desired);
    if (step instanceof Step.Recorded r && NodeOperations.hasEffect(step)
        && !OperationStatuses.stepRecorded(r.operation(), cr.getStatus() == null ? null
            : cr.getStatus().getOperation())) {
      finish(cr, context, new StatusBuilder.Inputs(cr, observed, problems, recorded, views, ringFormed, plan,
          clock.instant(), operationStatus(cr, r.operation())), step, tlsStatus);
      NodeOperations.transitionEvents(before, r.operation()).forEach(e -> events.record(cr, e));
      return UpdateControl.<CassandraCluster>noUpdate().rescheduleAfter(Duration.ZERO);
    }
    NodeOperations.Result result = operations.carryOut(cr, observed, recorded, step, before,
        poller.endpoints(Observer.key(cr)), poller.agents(),
        new NodeOperations.Caches(pods, volumes), desired);
    finish(cr, context, new StatusBuilder.Inputs(cr, observed, problems, result.known(), views, ringFormed,
        plan, clock.instant(), operationStatus(cr, result.operation())), step, tlsStatus);
    result.events().forEach(e -> events.record(cr, e));
    return UpdateControl.<CassandraCluster>noUpdate().rescheduleAfter(config.pollInterval());
  }

  private java.util.Optional<io.ringkeeper.api.v1alpha1.OperationStatus> operationStatus(CassandraCluster cr,
      io.ringkeeper.operator.domain.plan.Operation op) {
    return java.util.Optional.ofNullable(op == null ? null : OperationStatuses.write(op,
        cr.getStatus() == null ? null : cr.getStatus().getOperation(), clock.instant()));
  }

  private ObservedState observe(CassandraCluster cr, Context<CassandraCluster> context) {
    return observer.observe(cr, context);
  }

  private Map<String, NodeView> views(CassandraCluster cr, List<KnownNode> known, ObservedState observed) {
    Map<String, java.util.Set<String>> peers = NodeStates.unreachableBy(observed.nodes().values());
    Map<String, NodeView> views = new HashMap<>();
    for (KnownNode node : known) {
      views.put(node.name(), NodeStates.classify(node, observed.pods().get(node.name()),
          observed.nodes().get(node.name()), ClusterMapper.previous(cr, node.name()).orElse(null), peers));
    }
    return views;
  }

  private static boolean ringFormsNow(List<KnownNode> known, Map<String, NodeView> views) {
    return !known.isEmpty() && known.stream().filter(KnownNode::initial).allMatch(n -> {
      NodeView view = views.get(n.name());
      return view != null && view.health() == NodeHealth.UP_NORMAL && view.identityProblem() == null;
    });
  }

  /** Tells the poller which agents to ask: recorded nodes whose pod has an IP (over HTTPS when TLS is on). */
  private void track(CassandraCluster cr, ObservedState observed, List<KnownNode> known) {
    List<NodeEndpoint> endpoints = AgentEndpoints.of(cr, observed, known, config.agentPort());
    poller.track(Observer.key(cr), endpoints);
  }

  /** Makes the shared objects match the spec, then carries out the step. */
  private void apply(CassandraCluster cr, ObservedState observed, List<KnownNode> known, Step step,
      DesiredCluster desiredCluster) {
    String cluster = cr.getMetadata().getName();
    String yaml = desiredCluster.cassandraYaml();
    String configHash = desiredCluster.configHash();

    ensureSecrets(cr, observed);
    writer.ensure(ConfigMaps.desired(cr, yaml, extraRacks(cr, known)),
        observed.configMaps().get(Names.configMap(cluster)), Scope.ALL, configMaps);
    writer.ensure(Services.peers(cr, config.agentPort()), observed.services().get(Names.peerService(cluster)),
        Scope.ALL, services);
    writer.ensure(Services.seeds(cr), observed.services().get(Names.seedService(cluster)), Scope.ALL, services);
    writer.ensure(Services.client(cr), observed.services().get(Names.clientService(cluster)), Scope.ALL, services);
    for (DatacenterSpec dc : cr.getSpec().getDatacenters()) {
      writer.ensure(DisruptionBudgets.desired(cr, dc.getName()),
          observed.budgets().get(Names.disruptionBudget(cluster, dc.getName())), Scope.ALL, budgets);
    }
    Set<NodeId> seedSet = desiredCluster.seedSet();
    // A refused resize recorded for a size the spec no longer asks for (or that the volume has) is forgotten.
    java.util.Optional<Long> wantedVolume = OperationFacts.wantedVolumeBytes(cr);
    List<Rebuild> recordedRebuilds = OperationRecords.rebuilds(cr, observed);
    for (KnownNode node : known) {
      DesiredNode desired = new DesiredNode(node.id(), node.tokens(), node.initial(), seedSet.contains(node.id()));
      Pod pod = observed.pods().get(node.name());
      if (pod != null && pod.getMetadata().getDeletionTimestamp() == null) {
        // Labels only (the seed label may move); spec and annotations describe what the pod was created with.
        // Built from the labels alone: rendering and hashing every desired pod was most of a no-op reconcile.
        writer.ensure(labelsOnly(pod, NodePods.labels(desired)), pod, Scope.METADATA, pods);
      }
      PersistentVolumeClaim claim = observed.volumes().get(node.name());
      if (claim != null) {
        Map<String, String> identity = NodeVolumes.identityUpdate(claim,
            Identities.report(observed.nodes().get(node.name())), SpecDefaults.numTokens(cr), node.initial(),
            leftRing(cr, observed, node.name()), Rebuild.of(recordedRebuilds, node.id().datacenter()),
            clock.instant());
        // Built from the labels and the identity update alone, not from a whole desired claim.
        PersistentVolumeClaim updated = writer.ensure(labelsOnly(claim, NodeVolumes.labels(desired), identity), claim,
            Scope.METADATA, volumes);
        if (VolumeResizes.stale(claim, wantedVolume)) {
          writer.removeAnnotations(updated != null ? updated : claim, VolumeResizes.KEYS, volumes);
        }
      }
    }

    if (step instanceof Step.CreateNodes create) {
      for (NodeId id : create.nodes()) {
        KnownNode node = known.stream().filter(k -> k.id().equals(id)).findFirst().orElseThrow();
        DesiredNode desired = new DesiredNode(id, node.tokens(), node.initial(), seedSet.contains(id));
        if (!observed.volumes().containsKey(id.name())) {
          writer.create(NodeVolumes.desired(cr, desired, Rebuild.of(recordedRebuilds, id.datacenter())), volumes);
        }
        if (!observed.pods().containsKey(id.name())) {
          writer.create(NodePods.desired(cr, desired, configHash, config), pods);
        }
      }
      Milestones.forStep(step).forEach(e -> events.record(cr, e));
    } else if (!(step instanceof Step.Wait) && !(step instanceof Step.Idle) && !(step instanceof Step.SetAccess)
        && !NodeOperations.handles(step)) {
      throw new IllegalStateException("no way to apply step " + step);
    }
  }

  private static List<NodeId> ids(Collection<KnownNode> nodes) {
    return nodes.stream().map(KnownNode::id).toList();
  }

  private static List<KnownNode> union(List<KnownNode> a, List<KnownNode> b) {
    List<KnownNode> all = new ArrayList<>(a);
    b.stream().filter(n -> a.stream().noneMatch(k -> k.name().equals(n.name()))).forEach(all::add);
    return all;
  }

  /** status.tls from what this reconcile wrote (or found). */
  /**
   * The Secrets the spec names for roles and TLS, by name. A user's Secret not labelled for the cluster yet is read once and
   * labelled, so the Secret informer sees it (and its changes trigger a reconcile) from then on.
   */
  private Map<String, Secret> userSecrets(CassandraCluster cr, ObservedState observed) {
    Map<String, Secret> result = new java.util.TreeMap<>(observed.secrets());
    String cluster = cr.getMetadata().getName();
    Set<String> referenced = new LinkedHashSet<>(AccessFacts.referencedSecrets(cr));
    referenced.addAll(TlsSecrets.referencedSecrets(cr));
    for (String name : referenced) {
      if (result.containsKey(name)
          || (AccessFacts.generatesSuperuser(cr) && name.equals(AccessFacts.superuserSecret(cr)))) {
        continue;
      }
      Secret secret = client.secrets().inNamespace(cr.getMetadata().getNamespace()).withName(name).get();
      if (secret == null) {
        continue;
      }
      Map<String, String> labels = new java.util.LinkedHashMap<>(
          secret.getMetadata().getLabels() == null ? Map.of() : secret.getMetadata().getLabels());
      labels.putAll(Labels.cluster(cluster));
      Secret labelled = new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata().withName(name)
          .withNamespace(cr.getMetadata().getNamespace()).withLabels(labels).endMetadata().build();
      writer.ensure(labelled, secret, Scope.METADATA, secrets);
      result.put(name, secret);
    }
    return result;
  }

  private void ensureSecrets(CassandraCluster cr, ObservedState observed) {
    String cluster = cr.getMetadata().getName();
    Secret agent = observed.secrets().get(Names.agentTokenSecret(cluster));
    if (agent == null) {
      writer.create(Secrets.agentToken(cr, randomToken()), secrets);
    } else {
      writer.ensure(labelsOnly(Secrets.agentToken(cr, "unused")), agent, Scope.METADATA, secrets);
    }
    String ref = cr.getSpec().getAuth() == null ? null : cr.getSpec().getAuth().getSuperuserSecretRef();
    if (ref == null || ref.isBlank()) {
      Secret superuser = observed.secrets().get(Names.superuserSecret(cluster));
      if (superuser == null) {
        writer.create(Secrets.superuser(cr, randomToken()), secrets);
      } else {
        writer.ensure(labelsOnly(Secrets.superuser(cr, "unused")), superuser, Scope.METADATA, secrets);
      }
    }
  }

  /** Builds and writes the status; returns when to reconcile again for repair and maintenance (or null). */
  private Duration finish(CassandraCluster cr, Context<CassandraCluster> context, StatusBuilder.Inputs inputs,
      Step applied) {
    return finish(cr, context, inputs, applied, status -> {});
  }

  /** As above, with what the step itself recorded put into the status built ({@code amend}). */
  private Duration finish(CassandraCluster cr, Context<CassandraCluster> context, StatusBuilder.Inputs inputs,
      Step applied, java.util.function.Consumer<CassandraClusterStatus> amend) {
    CassandraClusterStatus before = cr.getStatus();
    CassandraClusterStatus status = StatusBuilder.build(inputs);
    amend.accept(status);
    // A cluster that stops, is stopped or starts again runs no repair, compaction window or node task: the
    // previous records stand until it runs again.
    boolean hibernating = Boolean.TRUE.equals(cr.getSpec().getStopped()) || (status.getOperation() != null
        && (status.getOperation().getType() == io.ringkeeper.api.v1alpha1.OperationType.Hibernate
            || status.getOperation().getType() == io.ringkeeper.api.v1alpha1.OperationType.Wake));
    UpkeepStage.Outcome upkeep = hibernating ? new UpkeepStage.Outcome(List.of(), null) : upkeep(cr, status, inputs);
    if (inputs.plan() != null && !hibernating && Boolean.TRUE.equals(status.getRingFormed())) {
      StatusBuilder.withUpkeep(status, upkeep.repair(), upkeep.maintenance(), upkeep.repairOverdue());
    }
    statusListener.accept(Observer.key(cr), status);
    CassandraCluster written = statusWriter.write(cr, status, context);
    List<ClusterEvent> milestones = new ArrayList<>(upkeep.events());
    if (applied instanceof Step.AssignInitialTokens) {
      milestones.addAll(Milestones.forStep(applied));
    }
    if (written != null) {
      LOG.debug("status updated: phase {}, ready {}", status.getPhase(), status.getReady());
      milestones.addAll(Milestones.forTransition(before, status));
    }
    milestones.forEach(e -> events.record(written != null ? written : cr, e));
    return upkeep.recheckAfter();
  }

  /**
   * The upkeep stage: repair, compaction windows and node tasks from the poller's last round (observe), decided by
   * the domain planners (plan), fired by the executor without waiting (act); its records go to the status stage.
   * Not run on a cluster whose spec is invalid (no plan).
   */
  private UpkeepStage.Outcome upkeep(CassandraCluster cr, CassandraClusterStatus status, StatusBuilder.Inputs inputs) {
    return inputs.plan() == null ? new UpkeepStage.Outcome(List.of(), null)
        : upkeep.update(cr, status, poller.endpoints(Observer.key(cr)), inputs.observed().nodes(), inputs.now());
  }

  private static Collection<List<String>> extraRacks(CassandraCluster cr, List<KnownNode> known) {
    Set<List<String>> racks = new LinkedHashSet<>();
    for (KnownNode node : known) {
      racks.add(List.of(node.id().datacenter(), node.id().rack()));
    }
    return racks;
  }

  private static Pod labelsOnly(Pod pod, Map<String, String> labels) {
    return new PodBuilder().withNewMetadata().withName(pod.getMetadata().getName())
        .withNamespace(pod.getMetadata().getNamespace()).withLabels(labels)
        .endMetadata().build();
  }

  private static PersistentVolumeClaim labelsOnly(PersistentVolumeClaim claim, Map<String, String> labels,
      Map<String, String> annotations) {
    return new PersistentVolumeClaimBuilder().withNewMetadata().withName(claim.getMetadata().getName())
        .withNamespace(claim.getMetadata().getNamespace()).withLabels(labels)
        .withAnnotations(annotations.isEmpty() ? null : annotations)
        .endMetadata().build();
  }

  /** The node left the ring: it reports so, or its recorded scale-down is past the decommission. */
  private static boolean leftRing(CassandraCluster cr, ObservedState observed, String node) {
    NodeObservation observation = observed.nodes().get(node);
    if (observation != null && observation.answeredNow()
        && observation.info().operationMode() == OperationMode.DECOMMISSIONED) {
      return true;
    }
    io.ringkeeper.operator.domain.plan.Operation op = OperationRecords.read(cr);
    return op != null && op.kind() == OperationKind.ScaleDown && node.equals(op.node())
        && (op.step() == OperationStep.DeletingPod || op.step() == OperationStep.DeletingVolume);
  }

  private static Secret labelsOnly(Secret secret) {
    return new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata()
        .withName(secret.getMetadata().getName()).withNamespace(secret.getMetadata().getNamespace())
        .withLabels(secret.getMetadata().getLabels()).withOwnerReferences(secret.getMetadata().getOwnerReferences())
        .endMetadata().build();
  }

  private String randomToken() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  @Override
  public ErrorStatusUpdateControl<CassandraCluster> updateErrorStatus(CassandraCluster cr,
      Context<CassandraCluster> context, Exception e) {
    boolean conflict = e instanceof KubernetesClientException kce && kce.getCode() == HttpURLConnection.HTTP_CONFLICT;
    if (conflict) {
      LOG.debug("the cluster changed while it was reconciled; retrying with the new version");
    } else {
      LOG.warn("reconcile failed: {}", e.toString());
      events.record(cr, ClusterEvent.warning("ReconcileFailed", "", "Reconcile failed and will be retried: "
          + e.getMessage()));
    }
    return ErrorStatusUpdateControl.noStatusUpdate();
  }

  /**
   * Deleting a cluster: Kubernetes' garbage collector removes everything the cluster owns (pods, services,
   * config, secrets, budgets). PVCs have no owner; they are deleted here when storage.reclaim is Delete and kept
   * otherwise.
   */
  @Override
  public DeleteControl cleanup(CassandraCluster cr, Context<CassandraCluster> context) {
    poller.forget(Observer.key(cr));
    upkeep.forget(cr);
    statusListener.accept(Observer.key(cr), null);
    ReclaimPolicy reclaim = cr.getSpec().getStorage() == null || cr.getSpec().getStorage().getReclaim() == null
        ? ReclaimPolicy.Retain : cr.getSpec().getStorage().getReclaim();
    Map<String, PersistentVolumeClaim> claims = observe(cr, context).volumes();
    if (reclaim == ReclaimPolicy.Delete) {
      for (PersistentVolumeClaim claim : claims.values()) {
        if (claim.getMetadata().getDeletionTimestamp() == null) {
          client.resource(claim).delete();
        }
      }
      events.record(cr, ClusterEvent.normal("VolumesDeleted", "", "Deleted " + claims.size()
          + " volumes (storage.reclaim Delete)"));
    } else if (!claims.isEmpty()) {
      events.record(cr, ClusterEvent.normal("VolumesRetained", "", "Kept " + claims.size()
          + " volumes (storage.reclaim Retain); delete the PVCs labelled " + Labels.CLUSTER + "="
          + cr.getMetadata().getName() + " to free them"));
    }
    events.forget(cr);
    return DeleteControl.defaultDelete();
  }
}
