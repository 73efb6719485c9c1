package io.ringkeeper.operator.domain.tokens;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Chooses Murmur3 tokens for Cassandra nodes before they first start. Implementations are deterministic: the
 * same input gives the same tokens. Invalid input (numTokens outside 1..256, replicationFactor below 1, duplicate
 * names or tokens, a joining node already in the datacenter) throws {@link IllegalArgumentException} naming the
 * parameter. See {@link ReplicationAwareTokenAllocator} for the algorithm.
 */
public interface TokenAllocator {

  /**
   * Tokens for every node of a brand-new datacenter, chosen together.
   *
   * @param nodes the datacenter's nodes with their racks
   * @param numTokens tokens per node, 1..256
   * @param replicationFactor the datacenter's replication factor
   * @param tokensInUse tokens of other datacenters of the cluster, which must not be reused
   * @return tokens per node name, each list sorted
   */
  Map<String, List<Long>> allocateNewDatacenter(
      List<NewNode> nodes, int numTokens, int replicationFactor, Set<Long> tokensInUse);

  /**
   * Tokens for one node joining an existing datacenter ring.
   *
   * @param datacenter the datacenter's current nodes with their tokens
   * @param node the joining node and its rack
   * @param numTokens tokens per node, 1..256
   * @param replicationFactor the datacenter's replication factor
   * @param tokensInUse tokens of every node of the cluster, all datacenters, which must not be reused
   * @return the new node's tokens, sorted
   */
  List<Long> allocateNode(
      List<RingNode> datacenter, NewNode node, int numTokens, int replicationFactor, Set<Long> tokensInUse);
}
