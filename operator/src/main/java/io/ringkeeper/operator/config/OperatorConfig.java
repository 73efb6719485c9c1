package io.ringkeeper.operator.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * The operator's settings, read once at start-up (command line options, see Main) and passed by hand to the
 * classes that need them.
 *
 * @param namespaces namespaces to watch; empty means every namespace
 * @param httpPort port of the health (and, with issue 9, metrics) endpoints; 0 picks a free port
 * @param logFormat text or json
 * @param leaderElection whether to hold a Lease before reconciling (needed with more than one replica)
 * @param leaseName name of the Lease
 * @param leaseNamespace namespace of the Lease; null means the operator's own namespace
 * @param pollInterval how often every node's agent is asked for its state
 * @param agentTimeout per-call timeout of an agent call
 * @param pollConcurrency agent calls in flight at once, over all clusters
 * @param agentPort port the node agents listen on
 * @param operatorImage image of the init container that places the agent jar in every Cassandra pod
 * @param reconcileThreads clusters reconciled in parallel
 * @param resyncInterval longest time between two reconciles of a cluster, as a safety net for missed events
 * @param replaceUnschedulableAfter a node whose pod cannot be scheduled this long is replaced (its node or zone
 *     is gone); zero turns automatic replacement off
 */
public record OperatorConfig(
    Set<String> namespaces,
    int httpPort,
    LogFormat logFormat,
    boolean leaderElection,
    String leaseName,
    String leaseNamespace,
    Duration pollInterval,
    Duration agentTimeout,
    int pollConcurrency,
    int agentPort,
    String operatorImage,
    int reconcileThreads,
    Duration resyncInterval,
    Duration replaceUnschedulableAfter) {

  public static final String DEFAULT_OPERATOR_IMAGE = "ghcr.io/ringkeeper/ringkeeper-operator:0.1.0";

  /** Log line format. */
  public enum LogFormat {
    text,
    json
  }

  public OperatorConfig {
    namespaces = Set.copyOf(namespaces);
    Objects.requireNonNull(logFormat, "logFormat");
    Objects.requireNonNull(leaseName, "leaseName");
    Objects.requireNonNull(pollInterval, "pollInterval");
    Objects.requireNonNull(agentTimeout, "agentTimeout");
    Objects.requireNonNull(operatorImage, "operatorImage");
    Objects.requireNonNull(resyncInterval, "resyncInterval");
    Objects.requireNonNull(replaceUnschedulableAfter, "replaceUnschedulableAfter");
    if (replaceUnschedulableAfter.isNegative()) {
      throw new IllegalArgumentException("--replace-unschedulable-after must not be negative, was "
          + replaceUnschedulableAfter);
    }
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("--poll-interval must be positive, was " + pollInterval);
    }
    if (agentTimeout.isNegative() || agentTimeout.isZero()) {
      throw new IllegalArgumentException("--agent-timeout must be positive, was " + agentTimeout);
    }
    if (pollConcurrency < 1) {
      throw new IllegalArgumentException("--poll-concurrency must be at least 1, was " + pollConcurrency);
    }
    if (agentPort < 1 || agentPort > 65535) {
      throw new IllegalArgumentException("--agent-port must be 1..65535, was " + agentPort);
    }
    if (httpPort < 0 || httpPort > 65535) {
      throw new IllegalArgumentException("--http-port must be 0..65535, was " + httpPort);
    }
    if (reconcileThreads < 1) {
      throw new IllegalArgumentException("--reconcile-threads must be at least 1, was " + reconcileThreads);
    }
  }

  /** Defaults for everything; Main overrides from options, tests from their needs. */
  public static OperatorConfig defaults() {
    return new OperatorConfig(Set.of(), 8080, LogFormat.text, false, "ringkeeper-operator", null,
        Duration.ofSeconds(10), Duration.ofSeconds(3), 32, 8778, DEFAULT_OPERATOR_IMAGE, 4, Duration.ofMinutes(5),
        Duration.ofMinutes(15));
  }

  public OperatorConfig withNamespaces(Set<String> value) {
    return new OperatorConfig(value, httpPort, logFormat, leaderElection, leaseName, leaseNamespace, pollInterval,
        agentTimeout, pollConcurrency, agentPort, operatorImage, reconcileThreads, resyncInterval,
        replaceUnschedulableAfter);
  }

  public OperatorConfig withHttpPort(int value) {
    return new OperatorConfig(namespaces, value, logFormat, leaderElection, leaseName, leaseNamespace, pollInterval,
        agentTimeout, pollConcurrency, agentPort, operatorImage, reconcileThreads, resyncInterval,
        replaceUnschedulableAfter);
  }

  public OperatorConfig withPollInterval(Duration value) {
    return new OperatorConfig(namespaces, httpPort, logFormat, leaderElection, leaseName, leaseNamespace, value,
        agentTimeout, pollConcurrency, agentPort, operatorImage, reconcileThreads, resyncInterval,
        replaceUnschedulableAfter);
  }

  public OperatorConfig withAgentTimeout(Duration value) {
    return new OperatorConfig(namespaces, httpPort, logFormat, leaderElection, leaseName, leaseNamespace,
        pollInterval, value, pollConcurrency, agentPort, operatorImage, reconcileThreads, resyncInterval,
        replaceUnschedulableAfter);
  }

  public OperatorConfig withLeaderElection(boolean value, String namespace) {
    return new OperatorConfig(namespaces, httpPort, logFormat, value, leaseName, namespace, pollInterval,
        agentTimeout, pollConcurrency, agentPort, operatorImage, reconcileThreads, resyncInterval,
        replaceUnschedulableAfter);
  }

  public OperatorConfig withReplaceUnschedulableAfter(Duration value) {
    return new OperatorConfig(namespaces, httpPort, logFormat, leaderElection, leaseName, leaseNamespace,
        pollInterval, agentTimeout, pollConcurrency, agentPort, operatorImage, reconcileThreads, resyncInterval,
        value);
  }

  public OperatorConfig withOperatorImage(String value) {
    return new OperatorConfig(namespaces, httpPort, logFormat, leaderElection, leaseName, leaseNamespace,
        pollInterval, agentTimeout, pollConcurrency, agentPort, value, reconcileThreads, resyncInterval,
        replaceUnschedulableAfter);
  }
}
