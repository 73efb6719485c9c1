package io.ringkeeper.operator.domain.upkeep;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringkeeper.operator.domain.upkeep.SstableUpgrade.Node;
import java.util.List;
import org.junit.jupiter.api.Test;

class SstableUpgradeTest {
  @Test
  void theFirstReleaseSeenIsRecordedWithoutRunningAnything() {
    SstableUpgrade.Decision d = SstableUpgrade.decide(List.of(new Node(true, "5.0.8"), new Node(true, "5.0.8")),
        null, false, false);
    assertThat(d).isEqualTo(new SstableUpgrade.Decision("5.0.8", false, false, null));
  }

  @Test
  void theUpgradeStartsOnceEveryNodeIsUpOnTheNewRelease() {
    List<Node> mixed = List.of(new Node(true, "5.0.9"), new Node(true, "5.0.8"));
    assertThat(SstableUpgrade.decide(mixed, "5.0.8", false, false).startNow()).isFalse();
    List<Node> oneDown = List.of(new Node(true, "5.0.9"), new Node(false, "5.0.9"));
    assertThat(SstableUpgrade.decide(oneDown, "5.0.8", false, false).startNow()).isFalse();
    SstableUpgrade.Decision d = SstableUpgrade.decide(List.of(new Node(true, "5.0.9"), new Node(true, "5.0.9")),
        "5.0.8", false, false);
    assertThat(d.startNow()).isTrue();
    assertThat(d.task()).isTrue();
    assertThat(d.recorded()).isEqualTo("5.0.9");
    assertThat(d.notice().reason()).isEqualTo("SSTableUpgradeStarted");
  }

  @Test
  void aRecordedRunKeepsTheTaskGoingUnlessTheSpecHasATaskOfThatName() {
    List<Node> same = List.of(new Node(true, "5.0.9"));
    assertThat(SstableUpgrade.decide(same, "5.0.9", true, false).task()).isTrue();
    assertThat(SstableUpgrade.decide(same, "5.0.9", true, true).task()).isFalse();
    assertThat(SstableUpgrade.decide(same, "5.0.9", false, false).task()).isFalse();
  }
}
