package io.ringkeeper.operator.domain.tokens;

import java.util.Objects;

/** A node that needs tokens: its name and the rack it will run in. */
public record NewNode(String name, String rack) {
  public NewNode {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(rack, "rack");
  }
}
