package io.ringkeeper.operator.node;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Asynchronous access to one node's agent. Every future completes (normally or with a
 * {@link NodeClientException}) within the implementation's per-call timeout; none blocks the caller.
 */
public interface NodeClient {

  /** The node's own view: operation mode, identity, tokens, load, and its view of its peers and the ring. */
  CompletableFuture<NodeInfo> nodeInfo(NodeEndpoint node);

  /** Coordinator latencies, pending compactions and hints, dropped messages, heap. Cheap enough to poll. */
  CompletableFuture<NodeMetrics> metrics(NodeEndpoint node);

  /** Keyspaces with their replication settings, as this node sees the schema. */
  CompletableFuture<List<KeyspaceInfo>> keyspaces(NodeEndpoint node);

  /** Starts a long operation (decommission, drain, cleanup, repair...) and returns its job id at once. */
  CompletableFuture<JobStatus> startJob(NodeEndpoint node, JobRequest request);

  /** The state of a job started earlier on this node. Fails with kind NOT_FOUND when the node does not know it. */
  CompletableFuture<JobStatus> job(NodeEndpoint node, String jobId);

  /** Sets the node's compaction throughput in MiB/s (0 = unthrottled) and returns the previous value. */
  CompletableFuture<Integer> setCompactionThroughput(NodeEndpoint node, int mibPerSecond);

  /**
   * How long a call that does slow work may take, whatever the per-call timeout of reads. Setting access changes
   * the schema of up to three keyspaces and writes roles at QUORUM, seconds on a loaded node: bounded by the
   * per-call timeout (3 s by default) it timed out on a slow machine after doing its work, three times running
   * (CI, SecurityE2E). Ending a hibernation watches the peer's heartbeat for 6 s first.
   */
  Duration SLOW_CALL_TIMEOUT = Duration.ofSeconds(30);

  /**
   * Creates or alters roles, disables the default superuser, sets the replication of the auth keyspaces. Completes
   * within {@link #SLOW_CALL_TIMEOUT} or the per-call timeout, whichever is longer.
   */
  CompletableFuture<AccessResult> access(NodeEndpoint node, AccessRequest request);

  /**
   * Asks {@code via} to mark {@code endpoint}, which it holds in status hibernate and whose heartbeat does not
   * move, as shut down ({@code POST /v1/gossip/end-hibernation}): a replacement at the same address whose attempt
   * failed is then gossiped with again at its next start (CASSANDRA-19580). Refused (kind REFUSED) when the peer
   * is not hibernating there or its heartbeat advances. Completes within {@link #SLOW_CALL_TIMEOUT}.
   */
  CompletableFuture<HibernationEnd> endHibernation(NodeEndpoint via, String endpoint);
}
