package io.ringkeeper.operator.domain.plan;

import io.ringkeeper.operator.domain.model.Datacenter;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

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
 */
public record ClusterState(
    String cluster,
    int numTokens,
    List<Datacenter> datacenters,
    boolean ringFormed,
    List<KnownNode> known,
    Map<String, NodeFacts> facts) {

  public ClusterState {
    Objects.requireNonNull(cluster, "cluster");
    datacenters = List.copyOf(datacenters);
    known = List.copyOf(known);
    facts = Map.copyOf(facts);
  }

  public NodeFacts factsOf(String node) {
    return facts.getOrDefault(node, NodeFacts.ABSENT);
  }

  public List<KnownNode> knownIn(String datacenter) {
    return known.stream().filter(n -> n.id().datacenter().equals(datacenter)).toList();
  }

  public Optional<Datacenter> datacenter(String name) {
    return datacenters.stream().filter(d -> d.name().equals(name)).findFirst();
  }
}
