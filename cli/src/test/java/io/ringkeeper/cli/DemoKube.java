package io.ringkeeper.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The tests' mock API server with {@link ClusterFixture}'s cluster in namespace "demo", kept running for trying the
 * plugin by hand and timing it: {@code java -cp ... io.ringkeeper.cli.DemoKube KUBECONFIG} writes a kubeconfig
 * whose current context points at it, then serves until killed.
 */
public final class DemoKube {
  private DemoKube() {}

  public static void main(String[] args) throws Exception {
    PluginKube kube = new PluginKube();
    try (var client = kube.client()) {
      ClusterFixture.create(client, "demo");
    }
    kube.logs().put("demo/orders-dc1-r1-0/cassandra", "INFO  [main] StorageService.java - Node is NORMAL\n");
    Files.writeString(Path.of(args[0]), """
        apiVersion: v1
        kind: Config
        clusters: [{name: demo, cluster: {server: "%s"}}]
        users: [{name: demo, user: {token: demo}}]
        contexts: [{name: demo, context: {cluster: demo, user: demo, namespace: demo}}]
        current-context: demo
        """.formatted(kube.url()));
    System.out.println("serving " + kube.url() + "; kubeconfig " + args[0]);
    Thread.currentThread().join();
  }
}
