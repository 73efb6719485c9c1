package io.ringkeeper.operator.node;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * PLACEHOLDER until HttpNodeClient (branch agent) is merged: every call fails with kind ERROR and a message
 * saying so, which status then shows on every node. Main uses it only while no real client is wired in; tests
 * never do.
 */
public final class UnwiredNodeClient implements NodeClient {
  private static final String MESSAGE = "no node client is wired in this build (HttpNodeClient comes with the agent)";

  @Override
  public CompletableFuture<NodeInfo> nodeInfo(NodeEndpoint node) {
    return fail(node);
  }

  @Override
  public CompletableFuture<NodeMetrics> metrics(NodeEndpoint node) {
    return fail(node);
  }

  @Override
  public CompletableFuture<List<KeyspaceInfo>> keyspaces(NodeEndpoint node) {
    return fail(node);
  }

  @Override
  public CompletableFuture<JobStatus> startJob(NodeEndpoint node, JobRequest request) {
    return fail(node);
  }

  @Override
  public CompletableFuture<JobStatus> job(NodeEndpoint node, String jobId) {
    return fail(node);
  }

  @Override
  public CompletableFuture<Integer> setCompactionThroughput(NodeEndpoint node, int mibPerSecond) {
    return fail(node);
  }

  private static <T> CompletableFuture<T> fail(NodeEndpoint node) {
    return CompletableFuture.failedFuture(new NodeClientException(NodeClientException.Kind.ERROR, node.node(), MESSAGE));
  }
}
