package io.ringkeeper.operator;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.ringkeeper.operator.config.OperatorConfig;
import io.ringkeeper.operator.config.OperatorConfig.LogFormat;
import io.ringkeeper.operator.domain.schedule.Durations;
import io.ringkeeper.operator.domain.tokens.ReplicationAwareTokenAllocator;
import io.ringkeeper.operator.node.HttpNodeClient;
import io.ringkeeper.operator.server.HealthServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The operator's entry point: parses options, configures logging, connects to the API server (kubeconfig or
 * in-cluster service account), wires the operator by hand and runs until SIGTERM, then stops gracefully:
 * reconciles in progress finish, the Lease is released, the process exits.
 */
@Command(name = "ringkeeper-operator", mixinStandardHelpOptions = true, version = "ringkeeper-operator 0.1.0",
    description = "Kubernetes operator for Apache Cassandra.", sortOptions = false)
public final class Main implements Callable<Integer> {
  @Option(names = "--namespaces", split = ",", paramLabel = "NS",
      description = "Namespaces to watch, comma-separated. Default: every namespace.")
  List<String> namespaces = List.of();

  @Option(names = "--http-port", defaultValue = "8080",
      description = "Port of /healthz, /readyz and /metrics. Default: ${DEFAULT-VALUE}.")
  int httpPort;

  @Option(names = "--log-format", defaultValue = "text",
      description = "Log line format: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
  LogFormat logFormat;

  @Option(names = "--leader-election", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Reconcile only while holding a Lease (needed with more than one replica). Default: on.")
  boolean leaderElection;

  @Option(names = "--lease-name", defaultValue = "ringkeeper-operator",
      description = "Name of the leader-election Lease. Default: ${DEFAULT-VALUE}.")
  String leaseName;

  @Option(names = "--lease-namespace",
      description = "Namespace of the Lease. Default: the operator's own namespace.")
  String leaseNamespace;

  @Option(names = "--poll-interval", defaultValue = "10s",
      description = "How often every node's agent is asked for its state, e.g. 10s. Default: ${DEFAULT-VALUE}.")
  String pollInterval;

  @Option(names = "--agent-timeout", defaultValue = "3s",
      description = "Timeout of one agent call, e.g. 3s. Default: ${DEFAULT-VALUE}.")
  String agentTimeout;

  @Option(names = "--poll-concurrency", defaultValue = "32",
      description = "Agent calls in flight at once. Default: ${DEFAULT-VALUE}.")
  int pollConcurrency;

  @Option(names = "--agent-port", defaultValue = "8778",
      description = "Port the node agents listen on. Default: ${DEFAULT-VALUE}.")
  int agentPort;

  @Option(names = "--operator-image", defaultValue = OperatorConfig.DEFAULT_OPERATOR_IMAGE,
      description = "Image of the init container that places the agent jar in Cassandra pods."
          + " Default: ${DEFAULT-VALUE}.")
  String operatorImage;

  @Option(names = "--reconcile-threads", defaultValue = "4",
      description = "Clusters reconciled in parallel. Default: ${DEFAULT-VALUE}.")
  int reconcileThreads;

  @Option(names = "--resync-interval", defaultValue = "5m",
      description = "Longest time between two reconciles of a cluster. Default: ${DEFAULT-VALUE}.")
  String resyncInterval;

  @Option(names = "--replace-unschedulable-after", defaultValue = "15m",
      description = "Replace a node whose pod cannot be scheduled this long (its node or zone is gone); 0s turns it"
          + " off. Default: ${DEFAULT-VALUE}")
  String replaceUnschedulableAfter;

  @Option(names = "--kubeconfig",
      description = "Kubeconfig file. Default: in-cluster service account, else $KUBECONFIG or ~/.kube/config.")
  Path kubeconfig;

  private final CountDownLatch stopped = new CountDownLatch(1);

  public static void main(String[] args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    System.exit(cli.execute(args));
  }

  @Override
  public Integer call() throws Exception {
    // Chosen before the first logger exists, so logback reads the right configuration.
    if (logFormat == LogFormat.json) {
      System.setProperty("logback.configurationFile", "logback-json.xml");
    }
    Logger log = LoggerFactory.getLogger(Main.class);
    OperatorConfig config = config();
    KubernetesClient client = new KubernetesClientBuilder().withConfig(kubernetesConfig()).build();
    if (config.leaderElection() && config.leaseNamespace() == null && client.getNamespace() == null) {
      throw new CommandLine.ParameterException(new CommandLine(this),
          "--lease-namespace is needed: the operator's own namespace is unknown outside a pod");
    }
    // Connect and answer together within --agent-timeout, the poller's bound for one call.
    Duration connect = config.agentTimeout().dividedBy(3);
    HttpNodeClient nodeClient = new HttpNodeClient(connect, config.agentTimeout().minus(connect),
        config.pollConcurrency());
    // Losing the Lease: exit from a fresh thread (never from the elector's, which the shutdown waits for).
    RingkeeperOperator operator = new RingkeeperOperator(client, config, nodeClient,
        new ReplicationAwareTokenAllocator(), Clock.systemUTC(),
        () -> new Thread(() -> System.exit(1), "exit").start());
    HealthServer health = new HealthServer(config.httpPort(), operator::isHealthy,
        operator.metrics()::scrape).start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("stopping");
      operator.close();
      health.close();
      client.close();
      stopped.countDown();
    }, "shutdown"));
    log.info("starting: namespaces {}, leader election {}, health and metrics on port {}",
        config.namespaces().isEmpty() ? "all" : config.namespaces(), config.leaderElection(), health.port());
    operator.start();
    stopped.await();
    return 0;
  }

  OperatorConfig config() {
    return new OperatorConfig(new LinkedHashSet<>(namespaces), httpPort, logFormat, leaderElection, leaseName,
        leaseNamespace, duration("--poll-interval", pollInterval), duration("--agent-timeout", agentTimeout),
        pollConcurrency, agentPort, operatorImage, reconcileThreads, duration("--resync-interval", resyncInterval),
        duration("--replace-unschedulable-after", replaceUnschedulableAfter));
  }

  private Duration duration(String option, String value) {
    try {
      return Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(new CommandLine(this), option + ": " + e.getMessage());
    }
  }

  private Config kubernetesConfig() {
    if (kubeconfig == null) {
      return Config.autoConfigure(null);
    }
    try {
      return Config.fromKubeconfig(Files.readString(kubeconfig));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read --kubeconfig " + kubeconfig, e);
    }
  }
}
