package io.ringkeeper.operator.node;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a reconcile may know of the nodes' agents and ask of them without ever waiting: reads return what the
 * poller's last round saw, commands are fired and their answer recorded for a later reconcile. A call that has no
 * answer yet throws {@link NoAnswerYet} (a {@link NodeClientException} of kind TIMEOUT), so a node that does not
 * answer is an observation, never a wait; a finished command or a changed read triggers a reconcile of its cluster.
 */
public interface Agents {

  /** The last seen state of a job; asking for it makes the poller follow it each round while it is asked for. */
  JobStatus job(NodeEndpoint node, String jobId);

  /** The keyspaces as the node last reported them; followed each round while asked for. */
  List<KeyspaceInfo> keyspaces(NodeEndpoint node);

  /**
   * The cluster's keyspaces (names, replication, tables' gc grace) as one of its nodes last reported them: the
   * poller asks one node of every polled cluster each round (one that answered as NORMAL, else the first with an
   * address), so a reconcile reads them and never asks. Empty until a node answered; a node that stops answering
   * leaves the last answer.
   */
  Optional<List<KeyspaceInfo>> keyspaces(ClusterKey cluster);

  /**
   * The cluster's keyspaces as a node reported them in answer to a request sent at or after {@code since}: a
   * repair requested at {@code since} is planned from a schema at least that new (a keyspace created just before
   * the request is repaired). When the last answer is older, a request is sent at once (without waiting, rather
   * than at the next round) and the result is empty.
   */
  Optional<List<KeyspaceInfo>> keyspacesSince(ClusterKey cluster, Instant since);

  /** The node's figures of the poller's last round. */
  NodeMetrics metrics(NodeEndpoint node);

  /**
   * Starts a job: the first call sends the request and throws {@link NoAnswerYet}; a later call with the same
   * request and attempt returns the agent's answer once it arrived (or throws its failure), the same answer each
   * time, so a reconcile whose status write failed records the job it started instead of starting another.
   *
   * @param attempt what makes this start differ from an earlier one of the same request (e.g. the run, the
   *     segment and its attempt number): a new attempt sends the request again
   */
  JobStatus startJob(NodeEndpoint node, JobRequest request, String attempt);

  /** Sets the compaction throughput, fired and recorded like {@link #startJob}; returns the previous value. */
  int setCompactionThroughput(NodeEndpoint node, int mibPerSecond, String attempt);

  /** Sets roles and the auth keyspaces' replication, fired and recorded like {@link #startJob}. */
  AccessResult access(NodeEndpoint node, AccessRequest request, String attempt);

  /**
   * Asks {@code via} to mark its hibernating peer {@code endpoint} shut down, fired and recorded like
   * {@link #startJob} ({@link NodeClient#endHibernation}).
   */
  HibernationEnd endHibernation(NodeEndpoint via, String endpoint, String attempt);
}
