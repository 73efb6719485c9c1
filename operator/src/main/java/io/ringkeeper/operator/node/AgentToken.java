package io.ringkeeper.operator.node;

import java.util.Objects;

/** The bearer token an agent requires. Never printed: {@link #toString()} is redacted. */
public record AgentToken(String value) {
  public AgentToken {
    Objects.requireNonNull(value, "value");
    if (value.isBlank()) {
      throw new IllegalArgumentException("an agent token must not be blank");
    }
  }

  @Override
  public String toString() {
    return "AgentToken[redacted]";
  }
}
