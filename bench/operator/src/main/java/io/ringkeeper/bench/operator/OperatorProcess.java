package io.ringkeeper.bench.operator;

import io.ringkeeper.operator.Main;
import io.ringkeeper.operator.RingkeeperOperator;
import io.ringkeeper.operator.config.OperatorConfig;
import io.ringkeeper.operator.domain.tokens.ReplicationAwareTokenAllocator;
import io.ringkeeper.operator.node.HttpNodeClient;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * The operator JVM of the scale benchmark: wired exactly as {@link Main} wires it (HttpNodeClient, the
 * replication-aware allocator, RingkeeperOperator without leader election), plus one line a second on stdout
 * with the number of reconciles so far ({@code RECONCILES <n>}), which Main does not expose. Arguments: the
 * kubeconfig file and the agent port. Runs until killed.
 */
public final class OperatorProcess {
  private OperatorProcess() {}

  public static void main(String[] args) throws Exception {
    Config kube = Config.fromKubeconfig(Files.readString(Path.of(args[0])));
    OperatorConfig d = OperatorConfig.defaults();
    OperatorConfig config = new OperatorConfig(d.namespaces(), 0, d.logFormat(), false, d.leaseName(), null,
        d.pollInterval(), d.agentTimeout(), d.pollConcurrency(), Integer.parseInt(args[1]), d.operatorImage(),
        d.reconcileThreads(), d.resyncInterval(), d.replaceUnschedulableAfter());
    KubernetesClient client = new KubernetesClientBuilder().withConfig(kube).build();
    Duration connect = config.agentTimeout().dividedBy(3);
    HttpNodeClient nodeClient = new HttpNodeClient(connect, config.agentTimeout().minus(connect),
        config.pollConcurrency());
    RingkeeperOperator operator = new RingkeeperOperator(client, config, nodeClient,
        new ReplicationAwareTokenAllocator(), Clock.systemUTC());
    operator.start();
    while (true) {
      System.out.println("RECONCILES " + operator.reconciler().reconciliations());
      System.out.flush();
      Thread.sleep(1000);
    }
  }
}
