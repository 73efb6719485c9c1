package io.ringkeeper.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Request validation that needs no Cassandra; the jobs themselves run against real nodes in local/. */
class JobsTest {

  @Test
  void rangesAcceptTokensAsStringsOrIntegers() throws Exception {
    List<long[]> ranges = Jobs.ranges(List.of(
        Map.of("start", "-9223372036854775808", "end", -5L),
        Map.of("start", 10L, "end", "9223372036854775807")));
    assertThat(ranges).hasSize(2);
    assertThat(ranges.get(0)).containsExactly(Long.MIN_VALUE, -5L);
    assertThat(ranges.get(1)).containsExactly(10L, Long.MAX_VALUE);
  }

  @Test
  void malformedRangesAreRefusedNamingTheField() {
    assertThatThrownBy(() -> Jobs.ranges(List.of(Map.of("start", "abc", "end", 1L))))
        .isInstanceOf(ApiException.class).hasMessageContaining("ranges[0].start must be a Murmur3 token");
    assertThatThrownBy(() -> Jobs.ranges(List.of(Map.of("start", 1L, "end", 1L))))
        .hasMessageContaining("ranges[0] is empty");
    assertThatThrownBy(() -> Jobs.ranges(List.of(Map.of("start", 1L))))
        .hasMessageContaining("ranges[0].end must be a Murmur3 token");
    assertThatThrownBy(() -> Jobs.ranges(List.of(Map.of("start", 1L, "end", 2L, "step", 3L))))
        .hasMessageContaining("unknown field \"step\"");
    assertThatThrownBy(() -> Jobs.ranges("1:2")).hasMessageContaining("must be a list");
    assertThatThrownBy(() -> Jobs.ranges(List.of(Map.of("start", "99999999999999999999", "end", 1L))))
        .hasMessageContaining("64-bit");
  }

  @Test
  void parallelismNamesMapToCassandrasOptions() throws Exception {
    assertThat(Jobs.parallelism(null)).isEqualTo("sequential");
    assertThat(Jobs.parallelism("PARALLEL")).isEqualTo("parallel");
    assertThat(Jobs.parallelism("datacenter_aware")).isEqualTo("dc_parallel");
    assertThatThrownBy(() -> Jobs.parallelism("FAST")).isInstanceOf(ApiException.class)
        .hasMessageContaining("SEQUENTIAL, PARALLEL or DATACENTER_AWARE");
  }

  @Test
  void endpointsLoseTheirPort() {
    assertThat(Cassandra.host("10.0.0.5:7000")).isEqualTo("10.0.0.5");
    assertThat(Cassandra.host("/10.0.0.5")).isEqualTo("10.0.0.5");
    assertThat(Cassandra.host("[fd00::1]:7000")).isEqualTo("fd00::1");
    assertThat(Cassandra.host("fd00::1")).isEqualTo("fd00::1");
  }

  @Test
  void replicationFactorsParseFullReplicas() {
    assertThat(Cassandra.replicationFactor("3")).isEqualTo(3);
    assertThat(Cassandra.replicationFactor("3/1")).isEqualTo(3);
    assertThat(Cassandra.replicationFactor("org.apache.Foo")).isNull();
  }
}
