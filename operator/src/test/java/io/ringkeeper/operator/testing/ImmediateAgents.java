package io.ringkeeper.operator.testing;

import io.ringkeeper.operator.node.Agents;
import io.ringkeeper.operator.node.ClusterKey;
import io.ringkeeper.operator.node.JobRequest;
import io.ringkeeper.operator.node.JobStatus;
import io.ringkeeper.operator.node.KeyspaceInfo;
import io.ringkeeper.operator.node.NoAnswerYet;
import io.ringkeeper.operator.node.NodeClient;
import io.ringkeeper.operator.node.NodeClientException;
import io.ringkeeper.operator.node.NodeEndpoint;
import io.ringkeeper.operator.node.NodeMetrics;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * {@link Agents} over a client whose calls complete on the caller's thread ({@link FakeJobs}): every read and
 * command is answered at once, as if the poller's last round had just seen it. Unit tests of the upkeep decisions
 * use it so one tick is one reconcile; a call that has not completed is {@link NoAnswerYet}, never waited for.
 */
public final class ImmediateAgents implements Agents {
  private final NodeClient client;

  public ImmediateAgents(NodeClient client) {
    this.client = client;
  }

  @Override
  public JobStatus job(NodeEndpoint node, String jobId) {
    return now(node, client.job(node, jobId));
  }

  @Override
  public List<KeyspaceInfo> keyspaces(NodeEndpoint node) {
    return now(node, client.keyspaces(node));
  }

  /** The client's keyspaces, asked now (the fake's schema is the cluster's, whichever node is asked). */
  @Override
  public Optional<List<KeyspaceInfo>> keyspaces(ClusterKey cluster) {
    CompletableFuture<List<KeyspaceInfo>> call = client.keyspaces(null);
    return call.isDone() && !call.isCompletedExceptionally() ? Optional.of(call.join()) : Optional.empty();
  }

  @Override
  public Optional<List<KeyspaceInfo>> keyspacesSince(ClusterKey cluster, Instant since) {
    return keyspaces(cluster); // asked now: always newer than since
  }

  @Override
  public NodeMetrics metrics(NodeEndpoint node) {
    return now(node, client.metrics(node));
  }

  @Override
  public JobStatus startJob(NodeEndpoint node, JobRequest request, String attempt) {
    return now(node, client.startJob(node, request));
  }

  @Override
  public int setCompactionThroughput(NodeEndpoint node, int mibPerSecond, String attempt) {
    return now(node, client.setCompactionThroughput(node, mibPerSecond));
  }

  @Override
  public io.ringkeeper.operator.node.AccessResult access(NodeEndpoint node,
      io.ringkeeper.operator.node.AccessRequest request, String attempt) {
    return now(node, client.access(node, request));
  }

  @Override
  public io.ringkeeper.operator.node.HibernationEnd endHibernation(NodeEndpoint via, String endpoint,
      String attempt) {
    return now(via, client.endHibernation(via, endpoint));
  }

  private static <T> T now(NodeEndpoint node, CompletableFuture<T> call) {
    if (!call.isDone()) {
      throw new NoAnswerYet(node.node(), "the call did not complete at once");
    }
    try {
      return call.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof NodeClientException nce) {
        throw nce;
      }
      throw new NodeClientException(NodeClientException.Kind.ERROR, node.node(), 0,
          String.valueOf(e.getCause()), e.getCause());
    }
  }
}
