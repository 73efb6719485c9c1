package io.ringkeeper.operator.domain.plan;

import io.ringkeeper.operator.domain.model.Datacenter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Everything the planner decides from: what the spec asks for, what the operator recorded in status, and what
 * it observed of every recorded node.
 *
 * @param cluster the CassandraCluster's metadata.name (the prefix of every node name)
 * @param numTokens tokens per node
 * @param datacenters the spec's datacenters in spec order
 * @param ringFormed whether the nodes created with the cluster have formed the ring once
 * @param known the nodes recorded in status, with their tokens
 * @param facts observations per node name; a node missing here was not observed at all
 * @param operation the operation recorded in status, or null
 * @param job what the node said about the operation's job, or null when there is none or it was not asked
 * @param deleteVolumes storage.reclaim is Delete: a decommissioned node's volume is deleted
 * @param volumes names of every volume of the cluster, including those of nodes no longer recorded (kept by
 *     reclaim Retain): a new node never takes such a name, it would find another node's data
 * @param now the reconcile's time
 * @param rebuilds the datacenters added to the running cluster, pending or rebuilt, as recorded in status
 * @param keyspaces how the keyspaces replicate, asked of a node while a rebuild may be due; null when unknown
 * @param access the roles wanted and set; null when the operator does not manage them (tests of other rules)
 * @param intents what the user asked to stop: the whole cluster (spec.stopped), fenced nodes
 */
public record ClusterState(
    String cluster,
    int numTokens,
    List<Datacenter> datacenters,
    boolean ringFormed,
    List<KnownNode> known,
    Map<String, NodeFacts> facts,
    Operation operation,
    JobFacts job,
    boolean deleteVolumes,
    Set<String> volumes,
    Instant now,
    List<Rebuild> rebuilds,
    List<KeyspaceReplication> keyspaces,
    Access access,
    Intents intents) {

  /**
   * What the user asked to take out of service.
   *
   * @param stopped spec.stopped: the whole cluster hibernates
   * @param fenced the nodes named in the cluster's fenced annotation (names as written, possibly unknown)
   */
  public record Intents(boolean stopped, Set<String> fenced) {
    public static final Intents NONE = new Intents(false, Set.of());

    public Intents {
      fenced = Set.copyOf(fenced);
    }
  }

  public ClusterState {
    Objects.requireNonNull(cluster, "cluster");
    datacenters = List.copyOf(datacenters);
    known = List.copyOf(known);
    facts = Map.copyOf(facts);
    volumes = Set.copyOf(volumes);
    Objects.requireNonNull(now, "now");
    rebuilds = rebuilds == null ? List.of() : List.copyOf(rebuilds);
    keyspaces = keyspaces == null ? null : List.copyOf(keyspaces);
    intents = intents == null ? Intents.NONE : intents;
  }

  public ClusterState(String cluster, int numTokens, List<Datacenter> datacenters, boolean ringFormed,
      List<KnownNode> known, Map<String, NodeFacts> facts, Operation operation, JobFacts job, boolean deleteVolumes,
      Set<String> volumes, Instant now, List<Rebuild> rebuilds, List<KeyspaceReplication> keyspaces, Access access) {
    this(cluster, numTokens, datacenters, ringFormed, known, facts, operation, job, deleteVolumes, volumes, now,
        rebuilds, keyspaces, access, Intents.NONE);
  }

  /** The same state with these stop requests. */
  public ClusterState withIntents(Intents asked) {
    return new ClusterState(cluster, numTokens, datacenters, ringFormed, known, facts, operation, job, deleteVolumes,
        volumes, now, rebuilds, keyspaces, access, asked);
  }

  /** spec.stopped: the cluster is to hibernate. */
  public boolean stopped() {
    return intents.stopped();
  }

  /** Whether the user asked for this node to be fenced. */
  public boolean fenced(String node) {
    return intents.fenced().contains(node);
  }

  public ClusterState(String cluster, int numTokens, List<Datacenter> datacenters, boolean ringFormed,
      List<KnownNode> known, Map<String, NodeFacts> facts, Operation operation, JobFacts job, boolean deleteVolumes,
      Set<String> volumes, Instant now, List<Rebuild> rebuilds, List<KeyspaceReplication> keyspaces) {
    this(cluster, numTokens, datacenters, ringFormed, known, facts, operation, job, deleteVolumes, volumes, now,
        rebuilds, keyspaces, null);
  }

  /** The same state with these roles wanted and set. */
  public ClusterState withAccess(Access wanted) {
    return new ClusterState(cluster, numTokens, datacenters, ringFormed, known, facts, operation, job, deleteVolumes,
        volumes, now, rebuilds, keyspaces, wanted, intents);
  }

  /** A state without added datacenters. */
  public ClusterState(String cluster, int numTokens, List<Datacenter> datacenters, boolean ringFormed,
      List<KnownNode> known, Map<String, NodeFacts> facts, Operation operation, JobFacts job, boolean deleteVolumes,
      Set<String> volumes, Instant now) {
    this(cluster, numTokens, datacenters, ringFormed, known, facts, operation, job, deleteVolumes, volumes, now,
        List.of(), null);
  }

  /** A state without an operation in progress. */
  public ClusterState(String cluster, int numTokens, List<Datacenter> datacenters, boolean ringFormed,
      List<KnownNode> known, Map<String, NodeFacts> facts) {
    this(cluster, numTokens, datacenters, ringFormed, known, facts, null, null, false, Set.of(), Instant.EPOCH);
  }

  /** The same state with these added datacenters and keyspaces. */
  public ClusterState withRebuilds(List<Rebuild> added, List<KeyspaceReplication> replication) {
    return new ClusterState(cluster, numTokens, datacenters, ringFormed, known, facts, operation, job, deleteVolumes,
        volumes, now, added, replication, access, intents);
  }

  /** The pending rebuild of a datacenter added to the running cluster, if it was not rebuilt yet. */
  public Optional<Rebuild> pendingRebuild(String datacenter) {
    return rebuilds.stream().filter(r -> r.datacenter().equals(datacenter) && r.pending()).findFirst();
  }

  public NodeFacts factsOf(String node) {
    return facts.getOrDefault(node, NodeFacts.ABSENT);
  }

  public List<KnownNode> knownIn(String datacenter) {
    return known.stream().filter(n -> n.id().datacenter().equals(datacenter)).toList();
  }

  public Optional<KnownNode> node(String name) {
    return known.stream().filter(n -> n.name().equals(name)).findFirst();
  }

  public Optional<Datacenter> datacenter(String name) {
    return datacenters.stream().filter(d -> d.name().equals(name)).findFirst();
  }

  public int datacenterIndex(String name) {
    for (int i = 0; i < datacenters.size(); i++) {
      if (datacenters.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }
}
