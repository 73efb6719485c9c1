package io.ringkeeper.operator.domain.upkeep;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringkeeper.operator.domain.repair.RepairKeyspace;
import io.ringkeeper.operator.domain.upkeep.RepairDeadlines.KeyspaceRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RepairDeadlinesTest {
  private static final Instant CREATED = Instant.parse("2026-01-01T00:00:00Z");

  private static RepairKeyspace ks(String name, int gcGrace) {
    return new RepairKeyspace(name, false, RepairKeyspace.NETWORK_TOPOLOGY, Map.of("dc1", 3), gcGrace);
  }

  @Test
  void aKeyspaceNeverRepairedIsOverdueOnceGcGraceHasPassedSinceTheClusterWasCreated() {
    RepairDeadlines.Overdue within = RepairDeadlines.overdue(List.of(), List.of("orders"), List.of(ks("orders", 3600)),
        CREATED, CREATED.plusSeconds(3600));
    assertThat(within.overdue()).isEmpty();
    assertThat(within.keyspaces()).containsExactly(new KeyspaceRecord("orders", null, 3600, false));
    assertThat(RepairDeadlines.nextDeadline(within.keyspaces(), CREATED)).hasValue(CREATED.plusSeconds(3600));

    RepairDeadlines.Overdue late = RepairDeadlines.overdue(within.keyspaces(), List.of("orders"),
        List.of(ks("orders", 3600)), CREATED, CREATED.plusSeconds(3601));
    assertThat(late.overdue()).containsExactly("orders (never repaired, gc_grace_seconds 3600)");
    assertThat(RepairDeadlines.nextDeadline(late.keyspaces(), CREATED)).isEmpty();
  }

  @Test
  void entriesStaySortedAndAKeyspaceNoLongerRepairedIsDroppedUnlessItWasRepairedOnce() {
    Instant repaired = CREATED.plusSeconds(60);
    List<KeyspaceRecord> before = List.of(new KeyspaceRecord("gone", null, 10, false),
        new KeyspaceRecord("kept", repaired, 10, false));
    RepairDeadlines.Overdue out = RepairDeadlines.overdue(before, List.of("b", "a"), List.of(ks("b", 0), ks("a", 0)),
        CREATED, CREATED.plusSeconds(120));
    assertThat(out.keyspaces()).extracting(KeyspaceRecord::name).containsExactly("a", "b", "kept");
    assertThat(out.overdue()).isEmpty();
  }
}
