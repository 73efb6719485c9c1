package io.ringkeeper.operator.resources;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.operator.config.OperatorConfig;
import io.ringkeeper.operator.domain.model.NodeId;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RunsHashesTest {
  private static final OperatorConfig CONFIG = OperatorConfig.defaults();

  private static DesiredNode node(int ordinal, boolean seed) {
    return new DesiredNode(new NodeId("orders", "eu", "r" + (ordinal % 3 + 1), ordinal / 3),
        List.of(-9000L + ordinal, 42L + ordinal), ordinal < 3, seed);
  }

  @BeforeEach
  void empty() {
    RunsHashes.clear();
  }

  @Test
  void aRememberedRunsHashIsTheOneNodePodsComputes() {
    CassandraCluster cr = Manifests.threeRacks();
    RunsHashes hashes = RunsHashes.forSpec(cr, CONFIG);
    for (int pass = 0; pass < 2; pass++) {
      for (int i = 0; i < 12; i++) {
        DesiredNode node = node(i, i % 4 == 0);
        assertThat(hashes.of(node, "cfg" + (i % 2))).isEqualTo(NodePods.runsHash(cr, node, "cfg" + (i % 2), CONFIG));
      }
    }
    assertThat(RunsHashes.size()).isEqualTo(12);
  }

  @Test
  void aChangedSpecNodeConfigurationOrOptionIsNeverAStaleHit() {
    CassandraCluster cr = Manifests.threeRacks();
    DesiredNode node = node(1, false);
    String before = RunsHashes.forSpec(cr, CONFIG).of(node, "cfg");

    cr.getSpec().setImage("cassandra:5.0.8");
    String imageChanged = RunsHashes.forSpec(cr, CONFIG).of(node, "cfg");
    assertThat(imageChanged).isNotEqualTo(before).isEqualTo(NodePods.runsHash(cr, node, "cfg", CONFIG));

    DesiredNode otherTokens = new DesiredNode(node.id(), List.of(1L, 2L), node.initial(), node.seed());
    assertThat(RunsHashes.forSpec(cr, CONFIG).of(otherTokens, "cfg"))
        .isEqualTo(NodePods.runsHash(cr, otherTokens, "cfg", CONFIG)).isNotEqualTo(imageChanged);
    assertThat(RunsHashes.forSpec(cr, CONFIG).of(node, "cfg2"))
        .isEqualTo(NodePods.runsHash(cr, node, "cfg2", CONFIG)).isNotEqualTo(imageChanged);
    OperatorConfig otherImage = CONFIG.withOperatorImage("ringkeeper/operator:other");
    assertThat(RunsHashes.forSpec(cr, otherImage).of(node, "cfg"))
        .isEqualTo(NodePods.runsHash(cr, node, "cfg", otherImage));
    assertThat(RunsHashes.size()).isEqualTo(5);
  }

  @Test
  void theReplaceAddressIsLeftOutAsInTheRunsHashItself() {
    CassandraCluster cr = Manifests.threeRacks();
    DesiredNode node = node(2, false);
    DesiredNode replacing = new DesiredNode(node.id(), node.tokens(), node.initial(), node.seed(), "10.0.0.9");
    RunsHashes hashes = RunsHashes.forSpec(cr, CONFIG);
    assertThat(hashes.of(replacing, "cfg")).isEqualTo(hashes.of(node, "cfg"))
        .isEqualTo(NodePods.runsHash(cr, replacing, "cfg", CONFIG));
    assertThat(RunsHashes.size()).isEqualTo(1);
  }

  @Test
  void theMemoryIsBoundedWhateverTheNumberOfNodes() {
    CassandraCluster cr = Manifests.threeRacks();
    RunsHashes hashes = RunsHashes.forSpec(cr, CONFIG);
    for (int i = 0; i < RunsHashes.CAPACITY + 500; i++) {
      hashes.of(node(i, false), "cfg");
    }
    assertThat(RunsHashes.size()).isEqualTo(RunsHashes.CAPACITY);
    DesiredNode first = node(0, false);
    assertThat(hashes.of(first, "cfg")).isEqualTo(NodePods.runsHash(cr, first, "cfg", CONFIG));
  }
}
