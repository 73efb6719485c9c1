package io.ringkeeper.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import io.ringkeeper.operator.config.OperatorConfig;
import io.ringkeeper.operator.domain.tokens.TokenAllocator;
import io.ringkeeper.operator.node.NodeClient;
import io.ringkeeper.operator.node.NodePoller;
import io.ringkeeper.operator.reconciler.CassandraClusterReconciler;
import io.ringkeeper.operator.resources.Names;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * The operator, wired by hand: a JOSDK {@link Operator} with server-side apply turned off (every write is a
 * create or a JSON merge patch, the same in production and in tests), the {@link CassandraClusterReconciler}
 * and the {@link NodePoller}. Main builds one from command line options; tests build one against the mock API
 * server with a fake node fleet, and restart it to simulate an operator restart.
 */
public final class RingkeeperOperator implements AutoCloseable {
  private final Operator operator;
  private final NodePoller poller;
  private final CassandraClusterReconciler reconciler;

  public RingkeeperOperator(KubernetesClient client, OperatorConfig config, NodeClient nodeClient,
      TokenAllocator allocator, Clock clock) {
    Objects.requireNonNull(client, "client");
    this.poller = new NodePoller(nodeClient, config.pollInterval(), config.agentTimeout(), config.pollConcurrency(),
        clock);
    this.reconciler = new CassandraClusterReconciler(client, config, clock, poller, allocator);
    this.operator = new Operator(o -> {
      o.withKubernetesClient(client)
          .withUseSSAToPatchPrimaryResource(false)
          .withSSABasedCreateUpdateMatchForDependentResources(false)
          .withCloseClientOnStop(false)
          .withConcurrentReconciliationThreads(config.reconcileThreads())
          .withReconciliationTerminationTimeout(Duration.ofSeconds(30))
          .withStopOnInformerErrorDuringStartup(true);
      if (config.leaderElection()) {
        LeaderElectionConfigurationBuilder leader = LeaderElectionConfigurationBuilder
            .aLeaderElectionConfiguration(config.leaseName())
            .withIdentity(identity());
        if (config.leaseNamespace() != null) {
          leader.withLeaseNamespace(config.leaseNamespace());
        }
        o.withLeaderElectionConfiguration(leader.build());
      }
    });
    operator.register(reconciler, c -> {
      c.withFinalizer(Names.FINALIZER)
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

  /** Stops reconciling (waiting for reconciles in progress) and polling. */
  @Override
  public void close() {
    poller.close();
    operator.stop();
  }

  private static String identity() {
    try {
      return InetAddress.getLocalHost().getHostName() + "-" + UUID.randomUUID().toString().substring(0, 8);
    } catch (UnknownHostException e) {
      return "ringkeeper-" + UUID.randomUUID();
    }
  }
}
