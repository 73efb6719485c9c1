package io.ringkeeper.operator.domain.repair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RepairPlannerTest {
  private static final BigInteger RING = BigInteger.ONE.shiftLeft(64);

  static LongStream seeds() {
    return LongStream.range(1, 41);
  }

  /** A random ring: 1-2 datacenters of 2-9 nodes on 1-3 racks, 1-16 random tokens per node. */
  static List<RingMember> randomRing(Random random) {
    List<RingMember> ring = new ArrayList<>();
    Set<Long> used = new HashSet<>();
    int dcs = 1 + random.nextInt(2);
    int tokens = 1 + random.nextInt(16);
    for (int d = 1; d <= dcs; d++) {
      int nodes = 2 + random.nextInt(8);
      int racks = 1 + random.nextInt(3);
      for (int n = 0; n < nodes; n++) {
        List<Long> own = new ArrayList<>();
        while (own.size() < tokens) {
          long t = random.nextLong();
          if (t != Long.MIN_VALUE && used.add(t)) {
            own.add(t);
          }
        }
        ring.add(new RingMember("dc" + d + "-n" + n, "dc" + d, "r" + (n % racks), own));
      }
    }
    return ring;
  }

  static List<RepairKeyspace> schema() {
    return List.of(
        new RepairKeyspace("orders", false, "NetworkTopologyStrategy", Map.of("dc1", 3, "dc2", 2), 864000),
        new RepairKeyspace("users", false, "org.apache.cassandra.locator.SimpleStrategy", Map.of("*", 2), 864000),
        new RepairKeyspace("cache", false, "NetworkTopologyStrategy", Map.of("dc1", 1, "dc2", 1), 864000),
        new RepairKeyspace("system_distributed", true, "SimpleStrategy", Map.of("*", 3), 864000),
        new RepairKeyspace("system", true, "LocalStrategy", Map.of(), 0));
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void segmentsCoverTheWholeRingExactlyOncePerKeyspace(long seed) {
    Random random = new Random(seed);
    System.out.println("seed " + seed);
    List<RingMember> ring = randomRing(random);
    RepairPlan plan = RepairPlanner.plan(ring, schema(), List.of(), 1 + random.nextInt(40), Set.of());

    assertThat(plan.keyspaces()).containsExactly("orders", "users");
    for (String ks : plan.keyspaces()) {
      List<Segment> segments = plan.segments().stream().filter(s -> s.keyspace().equals(ks)).toList();
      Map<Long, Long> next = new HashMap<>();
      BigInteger total = BigInteger.ZERO;
      for (Segment s : segments) {
        assertThat(next.put(s.start(), s.end())).as("two segments start at %d", s.start()).isNull();
        total = total.add(width(s.start(), s.end()));
      }
      assertThat(total).as("segments of %s add up to the ring", ks).isEqualTo(RING);
      // Following end -> start from any segment returns to it after visiting each segment once: no overlap, no gap.
      long at = segments.get(0).start();
      for (int i = 0; i < segments.size(); i++) {
        at = next.get(at);
      }
      assertThat(at).isEqualTo(segments.get(0).start());
    }
    for (int i = 0; i < plan.size(); i++) {
      assertThat(plan.segments().get(i).index()).isEqualTo(i);
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void noSegmentCrossesANodeRangeBoundary(long seed) {
    Random random = new Random(seed);
    List<RingMember> ring = randomRing(random);
    RepairPlan plan = RepairPlanner.plan(ring, schema(), List.of(), 1 + random.nextInt(40), Set.of());
    TreeSet<Long> tokens = new TreeSet<>();
    ring.forEach(m -> tokens.addAll(m.tokens()));
    for (Segment s : plan.segments()) {
      for (long t : tokens) {
        boolean strictlyInside = t != s.end() && t != s.start()
            && width(s.start(), t).compareTo(width(s.start(), s.end())) < 0;
        assertThat(strictlyInside).as("token %d inside segment %s", t, s.range()).isFalse();
      }
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void everySegmentHasItsKeyspacesReplicasOnce(long seed) {
    Random random = new Random(seed);
    List<RingMember> ring = randomRing(random);
    RepairPlan plan = RepairPlanner.plan(ring, schema(), List.of(), 8, Set.of());
    Map<String, Long> perDc = new HashMap<>();
    ring.forEach(m -> perDc.merge(m.datacenter(), 1L, Long::sum));
    long expectedOrders = Math.min(3, perDc.get("dc1")) + Math.min(2, perDc.getOrDefault("dc2", 0L));
    for (Segment s : plan.segments()) {
      assertThat(new HashSet<>(s.replicas())).hasSameSizeAs(s.replicas());
      if (s.keyspace().equals("orders")) {
        assertThat(s.replicas()).hasSize((int) expectedOrders);
      } else {
        assertThat(s.replicas()).hasSize(2);
      }
    }
  }

  @Test
  void aNodesRangesGiveAboutSegmentsPerNodeSegments() {
    List<RingMember> ring = randomRing(new Random(7));
    int tokens = ring.get(0).tokens().size();
    RepairPlan plan = RepairPlanner.plan(ring, schema(), List.of("orders"), 64, Set.of());
    int perNode = Math.max(1, (64 + tokens - 1) / tokens) * tokens;
    assertThat(plan.size()).isEqualTo(perNode * ring.size());
  }

  @Test
  void simpleStrategyReplicasAreTheNextDistinctNodesClockwise() {
    List<RingMember> ring = List.of(
        new RingMember("a", "dc1", "r1", List.of(100L)),
        new RingMember("b", "dc2", "r1", List.of(200L)),
        new RingMember("c", "dc1", "r1", List.of(300L)));
    RepairKeyspace ks = new RepairKeyspace("k", false, "SimpleStrategy", Map.of("*", 2), 0);
    RepairPlan plan = RepairPlanner.plan(ring, List.of(ks), List.of(), 1, Set.of());
    assertThat(plan.segments()).extracting(Segment::range, Segment::replicas).containsExactly(
        org.assertj.core.groups.Tuple.tuple("(300,100]", List.of("a", "b")),
        org.assertj.core.groups.Tuple.tuple("(100,200]", List.of("b", "c")),
        org.assertj.core.groups.Tuple.tuple("(200,300]", List.of("c", "a")));
  }

  @Test
  void skipsKeyspacesWithReplicationFactorOneAndSystemKeyspacesUnlessListed() {
    List<RingMember> ring = randomRing(new Random(3));
    RepairPlan all = RepairPlanner.plan(ring, schema(), List.of(), 4, Set.of());
    assertThat(all.keyspaces()).containsExactly("orders", "users");
    assertThat(all.skipped()).containsOnlyKeys("cache");
    assertThat(all.skipped().get("cache")).contains("replication factor 1");

    RepairPlan listed = RepairPlanner.plan(ring, schema(), List.of("system_distributed", "cache", "nope", "system"),
        4, Set.of());
    assertThat(listed.keyspaces()).containsExactly("system_distributed");
    assertThat(listed.skipped()).containsOnlyKeys("cache", "nope", "system");
    assertThat(listed.skipped().get("nope")).isEqualTo("does not exist");
    assertThat(listed.skipped().get("system")).contains("LocalStrategy");
  }

  @Test
  void aHintWindowPlanHoldsOnlySegmentsTheNodeReplicates() {
    List<RingMember> ring = randomRing(new Random(11));
    String node = ring.get(1).name();
    RepairPlan plan = RepairPlanner.plan(ring, schema(), List.of(), 8, Set.of(node));
    assertThat(plan.segments()).isNotEmpty().allSatisfy(s -> assertThat(s.replicas()).contains(node));
    RepairPlan full = RepairPlanner.plan(ring, schema(), List.of(), 8, Set.of());
    assertThat(plan.size()).isLessThanOrEqualTo(full.size());
    assertThat(plan.fingerprint()).isNotEqualTo(full.fingerprint());
  }

  @Test
  void theSameInputsGiveTheSamePlanAndFingerprint() {
    List<RingMember> ring = randomRing(new Random(5));
    RepairPlan a = RepairPlanner.plan(ring, schema(), List.of(), 16, Set.of());
    List<RingMember> shuffled = new ArrayList<>(ring);
    java.util.Collections.reverse(shuffled);
    RepairPlan b = RepairPlanner.plan(shuffled, schema(), List.of(), 16, Set.of());
    assertThat(b.segments()).isEqualTo(a.segments());
    assertThat(b.fingerprint()).isEqualTo(a.fingerprint());
    RepairPlan c = RepairPlanner.plan(ring, schema(), List.of(), 17, Set.of());
    assertThat(c.fingerprint()).isNotEqualTo(a.fingerprint());
  }

  @Test
  void aRingOfOneTokenPerNodeAndAnEmptyRingArePlanned() {
    assertThat(RepairPlanner.plan(List.of(), schema(), List.of(), 4, Set.of()).segments()).isEmpty();
    List<RingMember> two = List.of(new RingMember("a", "dc1", "r1", List.of(5L)),
        new RingMember("b", "dc1", "r1", List.of(6L)));
    RepairPlan plan = RepairPlanner.plan(two, schema(), List.of("orders"), 4, Set.of());
    // (5,6] has one position: it cannot be cut in four.
    assertThat(plan.segments()).extracting(Segment::range).contains("(5,6]");
    BigInteger total = plan.segments().stream().map(s -> width(s.start(), s.end())).reduce(BigInteger.ZERO,
        BigInteger::add);
    assertThat(total).isEqualTo(RING);
  }

  @Test
  void rejectsFewerThanOneSegmentPerNode() {
    assertThatThrownBy(() -> RepairPlanner.plan(List.of(), schema(), List.of(), 0, Set.of()))
        .hasMessageContaining("segmentsPerNode");
  }

  static BigInteger width(long start, long end) {
    long d = end - start;
    return d == 0 ? RING : new BigInteger(Long.toUnsignedString(d));
  }
}
