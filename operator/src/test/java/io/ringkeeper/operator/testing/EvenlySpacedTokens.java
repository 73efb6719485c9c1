package io.ringkeeper.operator.testing;

import io.ringkeeper.operator.domain.tokens.NewNode;
import io.ringkeeper.operator.domain.tokens.RingNode;
import io.ringkeeper.operator.domain.tokens.TokenAllocator;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A simple, deterministic allocator for a new datacenter: nodes x numTokens tokens evenly spaced over the ring,
 * dealt to the nodes in turn, shifted to avoid tokens already in use (the textbook initial_token recipe).
 * Stands in for the replication-aware allocator of branch {@code tokens} until that is merged.
 */
public final class EvenlySpacedTokens implements TokenAllocator {
  private static final BigInteger RING = BigInteger.ONE.shiftLeft(64);
  private static final BigInteger MIN = BigInteger.ONE.shiftLeft(63).negate();

  @Override
  public Map<String, List<Long>> allocateNewDatacenter(List<NewNode> nodes, int numTokens, int replicationFactor,
      Set<Long> tokensInUse) {
    int total = nodes.size() * numTokens;
    Set<Long> used = new HashSet<>(tokensInUse);
    long offset = tokensInUse.size();
    Map<String, List<Long>> result = new LinkedHashMap<>();
    nodes.forEach(n -> result.put(n.name(), new ArrayList<>()));
    for (int i = 0; i < total; i++) {
      long token = MIN.add(RING.multiply(BigInteger.valueOf(i)).divide(BigInteger.valueOf(total))).longValue()
          + offset;
      while (!used.add(token)) {
        token++;
      }
      result.get(nodes.get(i % nodes.size()).name()).add(token);
    }
    result.values().forEach(list -> list.sort(Long::compare));
    return result;
  }

  @Override
  public List<Long> allocateNode(List<RingNode> datacenter, NewNode node, int numTokens, int replicationFactor,
      Set<Long> tokensInUse) {
    throw new UnsupportedOperationException("adding a node to a running ring needs the replication-aware allocator");
  }
}
