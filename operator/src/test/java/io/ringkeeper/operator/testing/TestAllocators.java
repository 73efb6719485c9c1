package io.ringkeeper.operator.testing;

import io.ringkeeper.operator.domain.tokens.TokenAllocator;

/** The token allocator tests run the operator with. */
public final class TestAllocators {
  private TestAllocators() {}

  public static TokenAllocator allocator() {
    return new EvenlySpacedTokens();
  }
}
