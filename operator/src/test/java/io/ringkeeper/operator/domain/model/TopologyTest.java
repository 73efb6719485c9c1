package io.ringkeeper.operator.domain.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TopologyTest {
  private static Datacenter dc(int size, String... racks) {
    return new Datacenter("dc1", 3, size, java.util.Arrays.stream(racks).map(Rack::of).toList());
  }

  @Test
  void aNewDatacentersNodesAreSpreadSoRackSizesDifferByAtMostOne() {
    List<NodeId> nodes = Topology.initialNodes("demo", dc(7, "r1", "r2", "r3"));
    assertThat(nodes).extracting(NodeId::name).containsExactly(
        "demo-dc1-r1-0", "demo-dc1-r2-0", "demo-dc1-r3-0", "demo-dc1-r1-1", "demo-dc1-r2-1", "demo-dc1-r3-1",
        "demo-dc1-r1-2");
  }

  @Test
  void seedsAreTheFirstNodeOfTheFirstTwoRacks() {
    List<NodeId> nodes = Topology.initialNodes("demo", dc(6, "r1", "r2", "r3"));
    assertThat(Topology.seeds(List.of("r1", "r2", "r3"), nodes)).extracting(NodeId::name)
        .containsExactly("demo-dc1-r1-0", "demo-dc1-r2-0");
  }

  @Test
  void aSingleRackDatacenterHasItsFirstTwoNodesAsSeeds() {
    List<NodeId> nodes = Topology.initialNodes("demo", dc(3, "rack1"));
    assertThat(Topology.seeds(List.of("rack1"), nodes)).extracting(NodeId::name)
        .containsExactly("demo-dc1-rack1-0", "demo-dc1-rack1-1");
  }

  @Test
  void aOneNodeDatacenterHasOneSeed() {
    List<NodeId> nodes = Topology.initialNodes("demo", dc(1, "rack1"));
    assertThat(Topology.seeds(List.of("rack1"), nodes)).extracting(NodeId::name).containsExactly("demo-dc1-rack1-0");
  }

  @Test
  void seedsStayTheSameAsTheDatacenterGrows() {
    List<String> racks = List.of("r1", "r2", "r3");
    List<NodeId> small = Topology.initialNodes("demo", dc(3, "r1", "r2", "r3"));
    List<NodeId> large = Topology.initialNodes("demo", dc(9, "r1", "r2", "r3"));
    assertThat(Topology.seeds(racks, large)).isEqualTo(Topology.seeds(racks, small));
  }

  @Test
  void aNodeIsNamedClusterDatacenterRackIndex() {
    assertThat(new NodeId("orders", "eu-west", "r2", 11).name()).isEqualTo("orders-eu-west-r2-11");
  }
}
