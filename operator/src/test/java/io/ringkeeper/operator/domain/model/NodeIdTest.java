package io.ringkeeper.operator.domain.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NodeIdTest {
  @Test
  void aNodeIdIsAValueEqualByItsFourPartsAsARecordWas() {
    NodeId a = new NodeId("orders", "eu", "r1", 2);
    assertThat(a).isEqualTo(new NodeId("orders", "eu", "r1", 2)).hasSameHashCodeAs(new NodeId("orders", "eu", "r1", 2));
    for (NodeId other : List.of(new NodeId("orders2", "eu", "r1", 2), new NodeId("orders", "us", "r1", 2),
        new NodeId("orders", "eu", "r2", 2), new NodeId("orders", "eu", "r1", 3))) {
      assertThat(a).isNotEqualTo(other);
    }
    assertThat(a).isNotEqualTo("orders-eu-r1-2").isNotEqualTo(null);
  }

  @Test
  void theNameIsTheSingleDefinitionAndIsKeptOnceBuilt() {
    NodeId id = new NodeId("orders", "eu", "r1", 12);
    assertThat(id.name()).isEqualTo("orders-eu-r1-12").isEqualTo(id.toString()).isSameAs(id.name());
    assertThat(List.of(id.cluster(), id.datacenter(), id.rack())).containsExactly("orders", "eu", "r1");
    assertThat(id.index()).isEqualTo(12);
  }

  @Test
  void namesThatLookAlikeStayDistinctIdentities() {
    // "a-b" + "c" and "a" + "b-c" build the same name: the identity is the parts, not the string.
    NodeId first = new NodeId("a-b", "c", "r", 0);
    NodeId second = new NodeId("a", "b-c", "r", 0);
    assertThat(first.name()).isEqualTo(second.name());
    Set<NodeId> set = new HashSet<>(List.of(first, second));
    assertThat(set).hasSize(2);
  }

  @Test
  void missingPartsAndNegativeIndexesAreRefused() {
    assertThatThrownBy(() -> new NodeId(null, "eu", "r1", 0)).hasMessageContaining("cluster");
    assertThatThrownBy(() -> new NodeId("orders", null, "r1", 0)).hasMessageContaining("datacenter");
    assertThatThrownBy(() -> new NodeId("orders", "eu", null, 0)).hasMessageContaining("rack");
    assertThatThrownBy(() -> new NodeId("orders", "eu", "r1", -1)).hasMessageContaining("negative node index -1");
    assertThat(NodeId.ORDER.compare(new NodeId("o", "eu", "r1", 2), new NodeId("o", "eu", "r1", 10))).isNegative();
  }
}
