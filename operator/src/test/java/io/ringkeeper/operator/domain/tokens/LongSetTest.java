package io.ringkeeper.operator.domain.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LongSetTest {

  @Test
  void behavesLikeASetOfLongs() {
    long seed = System.nanoTime();
    System.out.println("behavesLikeASetOfLongs seed=" + seed);
    Random random = new Random(seed);
    LongSet set = new LongSet(4); // grows many times
    Set<Long> reference = new HashSet<>();
    for (int i = 0; i < 20_000; i++) {
      // Evenly spaced values (which differ only in high bits), random values, and repeats.
      long v = switch (i % 3) {
        case 0 -> Long.MIN_VALUE + (long) (i / 3) * (1L << 50);
        case 1 -> random.nextLong();
        default -> random.nextInt(100);
      };
      assertThat(set.add(v)).isEqualTo(reference.add(v));
    }
    for (int i = 0; i < 20_000; i++) {
      long v = i % 2 == 0 ? random.nextLong() : Long.MIN_VALUE + (long) i * (1L << 50);
      assertThat(set.contains(v)).isEqualTo(reference.contains(v));
    }
  }

  @Test
  void holdsTheValueItUsesToMarkEmptySlots() {
    LongSet set = new LongSet(1);
    assertThat(set.contains(Long.MIN_VALUE)).isFalse();
    assertThat(set.add(Long.MIN_VALUE)).isTrue();
    assertThat(set.add(Long.MIN_VALUE)).isFalse();
    assertThat(set.contains(Long.MIN_VALUE)).isTrue();
    assertThat(set.contains(0L)).isFalse();
  }
}
