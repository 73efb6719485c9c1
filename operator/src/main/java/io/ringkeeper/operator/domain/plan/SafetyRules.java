package io.ringkeeper.operator.domain.plan;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The rules that keep a cluster's data safe, as small predicates the {@link Planner} relies on. Each has a test
 * named as the sentence it guarantees (SafetyRulesTest, PlannerTest).
 *
 * <p>Rules of this version:
 * <ul>
 *   <li>A node's Pod is created only after its tokens are recorded in status (the planner creates only recorded
 *       nodes), so an operator restart never re-allocates a started node's tokens.
 *   <li>A recorded node keeps its tokens for life: the planner allocates only when nothing is recorded.
 *   <li>Tokens are unique across the whole cluster, and every node gets exactly numTokens of them.
 *   <li>A node whose volume is gone after the ring formed is never started again with its old tokens and an
 *       empty disk: it would answer reads for ranges whose data it does not have.
 *   <li>A brand-new cluster's nodes are created together (they start with auto_bootstrap false in an empty
 *       ring, so no streaming and no join serialization is needed).
 * </ul>
 * Issue 7 adds here: one node joining, leaving, restarting or being replaced per datacenter at a time; nothing
 * disruptive while any node of the datacenter is not UN; never below the replication factor; decommission
 * before deleting a pod; delete a PVC only after its node decommissioned.
 */
public final class SafetyRules {
  private SafetyRules() {}

  /**
   * Whether a recorded node without a Pod may be (re)started with its recorded tokens: always before the ring
   * formed (nothing has been written yet), afterwards only when its volume still holds its data.
   */
  public static boolean mayStartWithRecordedTokens(boolean ringFormed, NodeFacts facts) {
    return !ringFormed || facts.volumeExists();
  }

  /**
   * Checks an allocation before it is recorded: exactly {@code numTokens} distinct tokens, none already used by
   * another node of the cluster.
   *
   * @throws IllegalStateException when the allocator broke its contract (a bug, never user input)
   */
  public static void checkAllocation(String node, List<Long> tokens, int numTokens, Set<Long> inUse) {
    if (tokens == null || tokens.size() != numTokens) {
      throw new IllegalStateException("the token allocator gave node " + node + " "
          + (tokens == null ? "no" : tokens.size()) + " tokens, expected " + numTokens);
    }
    Set<Long> distinct = new HashSet<>(tokens);
    if (distinct.size() != tokens.size()) {
      throw new IllegalStateException("the token allocator gave node " + node + " duplicate tokens");
    }
    for (Long token : tokens) {
      if (inUse.contains(token)) {
        throw new IllegalStateException("the token allocator gave node " + node + " token " + token
            + " which another node already holds");
      }
    }
  }
}
