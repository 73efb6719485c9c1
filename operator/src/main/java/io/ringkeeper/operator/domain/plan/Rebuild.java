package io.ringkeeper.operator.domain.plan;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A datacenter added to a running cluster: its nodes hold none of the data of the keyspaces that replicate to it
 * until they stream it with {@code rebuild} from an existing datacenter. Recorded in status when the datacenter's
 * first node is recorded, and marked completed once every node of it was rebuilt, so a datacenter is rebuilt once.
 *
 * @param datacenter the added datacenter
 * @param source the datacenter its nodes stream from: the first other datacenter in spec order that was not added
 *     after the cluster formed
 * @param completed when its last node finished rebuilding; null while pending
 */
public record Rebuild(String datacenter, String source, Instant completed) {
  public Rebuild {
    Objects.requireNonNull(datacenter, "datacenter");
    Objects.requireNonNull(source, "source");
  }

  public boolean pending() {
    return completed == null;
  }

  /** The rebuild of this datacenter among these, or null when it was not added to the running cluster. */
  public static Rebuild of(List<Rebuild> rebuilds, String datacenter) {
    return rebuilds.stream().filter(r -> r.datacenter().equals(datacenter)).findFirst().orElse(null);
  }
}
