package io.ringkeeper.operator.domain.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SafetyRulesTest {
  @Test
  void beforeTheRingFormsAnyRecordedNodeMayStartWithItsTokens() {
    assertThat(SafetyRules.mayStartWithRecordedTokens(false, NodeFacts.ABSENT)).isTrue();
  }

  @Test
  void afterTheRingFormedANodeStartsWithItsTokensOnlyWhenItsVolumeSurvived() {
    assertThat(SafetyRules.mayStartWithRecordedTokens(true, new NodeFacts(false, true, NodeHealth.DOWN))).isTrue();
    assertThat(SafetyRules.mayStartWithRecordedTokens(true, new NodeFacts(false, false, NodeHealth.DOWN))).isFalse();
  }

  @Test
  void anAllocationWithTheWrongNumberOfTokensIsRefused() {
    assertThatThrownBy(() -> SafetyRules.checkAllocation("n", List.of(1L, 2L), 3, Set.of()))
        .hasMessageContaining("gave node n 2 tokens, expected 3");
  }

  @Test
  void anAllocationWithDuplicateTokensIsRefused() {
    assertThatThrownBy(() -> SafetyRules.checkAllocation("n", List.of(1L, 1L), 2, Set.of()))
        .hasMessageContaining("duplicate");
  }

  @Test
  void anAllocationReusingAnotherNodesTokenIsRefused() {
    assertThatThrownBy(() -> SafetyRules.checkAllocation("n", List.of(1L, 2L), 2, Set.of(2L)))
        .hasMessageContaining("token 2 which another node already holds");
  }

  @Test
  void aCorrectAllocationPasses() {
    assertThatCode(() -> SafetyRules.checkAllocation("n", List.of(1L, 2L), 2, Set.of(3L))).doesNotThrowAnyException();
  }
}
