package io.ringkeeper.operator;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.operator.config.OperatorConfig;
import io.ringkeeper.operator.domain.tokens.TokenAllocator;
import io.ringkeeper.operator.metrics.OperatorMetrics;
import io.ringkeeper.operator.node.NodeClient;
import io.ringkeeper.operator.node.NodePoller;
import io.ringkeeper.operator.reconciler.CassandraClusterReconciler;
import io.ringkeeper.operator.resources.Labels;
import io.ringkeeper.operator.resources.Names;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator, wired by hand: a JOSDK {@link Operator} with server-side apply turned off (every write is a
 * create or a JSON merge patch, the same in production and in tests), the {@link CassandraClusterReconciler}
 * and the {@link NodePoller}. Main builds one from command line options; tests build one against the mock API
 * server with a fake node fleet, and restart it to simulate an operator restart.
 */
public final class RingkeeperOperator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RingkeeperOperator.class);
  private final Operator operator;
  private final NodePoller poller;
  private final CassandraClusterReconciler reconciler;
  private final OperatorMetrics metrics;

  private final AtomicBoolean closing = new AtomicBoolean();
  private final KubernetesClient client;
  private final OperatorConfig config;
  private final String identity = identity();

  /** An operator whose loss of the Lease is only logged (tests); Main passes a handler that exits. */
  public RingkeeperOperator(KubernetesClient client, OperatorConfig config, NodeClient nodeClient,
      TokenAllocator allocator, Clock clock) {
    this(client, config, nodeClient, allocator, clock, () -> { });
  }

  /**
   * @param onLeadershipLost called when the Lease is lost while the operator is not closing: another replica
   *     may now reconcile, so this one must stop at once (Main exits the process and lets Kubernetes restart it)
   */
  public RingkeeperOperator(KubernetesClient client, OperatorConfig config, NodeClient nodeClient,
      TokenAllocator allocator, Clock clock, Runnable onLeadershipLost) {
    this.client = Objects.requireNonNull(client, "client");
    this.config = Objects.requireNonNull(config, "config");
    this.poller = new NodePoller(nodeClient, config.pollInterval(), config.agentTimeout(), config.pollConcurrency(),
        clock);
    this.metrics = new OperatorMetrics(poller, clock);
    this.reconciler = new CassandraClusterReconciler(client, config, clock, poller, allocator);
    reconciler.setStatusListener(metrics.clusters()::statusChanged);
    this.operator = new Operator(o -> {
      o.withKubernetesClient(client)
          .withMetrics(metrics.josdk())
          .withUseSSAToPatchPrimaryResource(false)
          .withSSABasedCreateUpdateMatchForDependentResources(false)
          .withCloseClientOnStop(false)
          .withConcurrentReconciliationThreads(config.reconcileThreads())
          .withReconciliationTerminationTimeout(Duration.ofSeconds(30))
          .withStopOnInformerErrorDuringStartup(true);
      if (config.leaderElection()) {
        // JOSDK would call System.exit itself when leading stops, also during a graceful stop, where exiting
        // from inside the shutdown hook blocks forever. The callback below tells the two cases apart.
        LeaderElectionConfigurationBuilder leader = LeaderElectionConfigurationBuilder
            .aLeaderElectionConfiguration(config.leaseName())
            .withIdentity(identity)
            .withExitOnStopLeading(false)
            .withLeaderCallbacks(new LeaderCallbacks(() -> LOG.info("leading: reconciling starts"), () -> {
              if (!closing.get()) {
                LOG.error("lost the Lease {}; stopping", config.leaseName());
                onLeadershipLost.run();
              }
            }, leaderName -> LOG.info("leader is {}", leaderName)));
        if (config.leaseNamespace() != null) {
          leader.withLeaseNamespace(config.leaseNamespace());
        }
        o.withLeaderElectionConfiguration(leader.build());
      }
    });
    operator.register(reconciler, c -> {
      c.withFinalizer(Names.FINALIZER)
          .withGenerationAware(false)
          .withOnUpdateFilter(RingkeeperOperator::worthReconciling)
          .withReconciliationMaxInterval(config.resyncInterval())
          .withRetry(new GenericRetry().setInitialInterval(1000).setIntervalMultiplier(2).setMaxInterval(60_000)
              .setMaxAttempts(Integer.MAX_VALUE));
      if (config.namespaces().isEmpty()) {
        c.watchingAllNamespaces();
      } else {
        c.settingNamespaces(config.namespaces());
      }
    });
  }

  /**
   * Which updates of a cluster trigger a reconcile: what generation-aware processing lets through (a spec change,
   * deletion, the finalizer appearing) plus a new value of the {@code ringkeeper.io/repair} or
   * {@code ringkeeper.io/restart} annotation, which ask for a repair run or a restart without changing the spec, a
   * change of the {@code ringkeeper.io/fenced} annotation (a node fenced or unfenced),
   * and a status that lost its nodes (it is rebuilt from the volumes and the nodes). JOSDK ANDs this filter with its own, so generation-aware
   * processing is off and this filter does its job.
   */
  static boolean worthReconciling(CassandraCluster now, CassandraCluster before) {
    return !java.util.Objects.equals(now.getMetadata().getGeneration(), before.getMetadata().getGeneration())
        || now.isMarkedForDeletion()
        || !java.util.Objects.equals(now.getMetadata().getFinalizers(), before.getMetadata().getFinalizers())
        || !java.util.Objects.equals(annotation(now, Labels.REPAIR_REQUEST), annotation(before, Labels.REPAIR_REQUEST))
        || !java.util.Objects.equals(annotation(now, Labels.RESTART), annotation(before, Labels.RESTART))
        || !java.util.Objects.equals(annotation(now, Labels.FENCED), annotation(before, Labels.FENCED))
        || (hasNodes(before) && !hasNodes(now));
  }

  /** Whether a status records nodes: one that lost them (cleared by a patch) is rebuilt at once, not later. */
  private static boolean hasNodes(CassandraCluster cr) {
    return cr.getStatus() != null && cr.getStatus().getNodes() != null && !cr.getStatus().getNodes().isEmpty();
  }

  private static String annotation(CassandraCluster cr, String key) {
    return cr.getMetadata().getAnnotations() == null ? null : cr.getMetadata().getAnnotations().get(key);
  }

  /** Starts watching and reconciling (after winning the Lease, with leader election), and the node poller. */
  public void start() {
    operator.start();
    poller.start();
  }

  public boolean isStarted() {
    return operator.getRuntimeInfo().isStarted();
  }

  /** Whether the informers are connected (a basis for /readyz). */
  public boolean isHealthy() {
    return operator.getRuntimeInfo().isStarted() && operator.getRuntimeInfo().allEventSourcesAreHealthy();
  }

  public CassandraClusterReconciler reconciler() {
    return reconciler;
  }

  public NodePoller poller() {
    return poller;
  }

  /** The registry behind {@code /metrics}. */
  public OperatorMetrics metrics() {
    return metrics;
  }

  /** Stops reconciling (waiting for reconciles in progress) and polling. */
  @Override
  public void close() {
    closing.set(true);
    poller.close();
    operator.stop();
    if (config.leaderElection()) {
      releaseLease();
    }
    metrics.close();
  }

  /**
   * Hands the Lease back after a graceful stop, so a standby or the replacement pod takes over at its next try
   * instead of waiting for the Lease to expire. JOSDK does not release it (it elects with releaseOnCancel off).
   * The patch first tests that this operator still holds the Lease, so it never clears another leader's.
   */
  private void releaseLease() {
    String namespace = config.leaseNamespace() != null ? config.leaseNamespace() : client.getNamespace();
    try {
      Lease lease = client.leases().inNamespace(namespace).withName(config.leaseName()).get();
      if (lease == null || lease.getSpec() == null || !identity.equals(lease.getSpec().getHolderIdentity())) {
        return;
      }
      String patch = "[{\"op\":\"test\",\"path\":\"/spec/holderIdentity\",\"value\":\"" + identity + "\"},"
          + "{\"op\":\"replace\",\"path\":\"/spec/holderIdentity\",\"value\":\"\"},"
          + "{\"op\":\"replace\",\"path\":\"/spec/leaseDurationSeconds\",\"value\":1}]";
      client.resource(lease).patch(PatchContext.of(PatchType.JSON), patch);
      LOG.info("released the Lease {}", config.leaseName());
    } catch (RuntimeException e) {
      LOG.warn("could not release the Lease {} (a standby takes over when it expires): {}", config.leaseName(),
          e.getMessage());
    }
  }

  private static String identity() {
    try {
      return InetAddress.getLocalHost().getHostName() + "-" + UUID.randomUUID().toString().substring(0, 8);
    } catch (UnknownHostException e) {
      return "ringkeeper-" + UUID.randomUUID();
    }
  }
}
