package io.ringkeeper.operator.domain.plan;

import java.time.Instant;
import java.util.Objects;

/**
 * Where a node's volume stands in growing to spec.storage.size, beyond "its request is below it"
 * ({@link NodeFacts#volumeBelowSpec()}).
 */
public final class VolumeResize {
  private VolumeResize() {}

  /**
   * The volume's request is the wanted size but the storage class has not expanded it yet.
   *
   * @param capacity the capacity the claim reports (status.capacity.storage)
   * @param wanted spec.storage.size
   */
  public record Growing(String capacity, String wanted) {
    public Growing {
      Objects.requireNonNull(capacity, "capacity");
      Objects.requireNonNull(wanted, "wanted");
    }
  }

  /**
   * The API server refused to grow the volume to {@code size}, recorded on the volume itself so an operator restart
   * does not forget it. Only a record for the size the spec asks for now is a fact; an older one is stale.
   *
   * @param size the size the volume was to grow to (spec.storage.size at the time)
   * @param current the volume's request, which it keeps
   * @param at when the last attempt was refused
   * @param attempts how many attempts were refused in a row
   * @param message the API server's message
   */
  public record Refused(String size, String current, Instant at, int attempts, String message) {
    public Refused {
      Objects.requireNonNull(size, "size");
      Objects.requireNonNull(at, "at");
      if (attempts < 1) {
        throw new IllegalArgumentException("attempts must be at least 1, got " + attempts);
      }
    }
  }
}
