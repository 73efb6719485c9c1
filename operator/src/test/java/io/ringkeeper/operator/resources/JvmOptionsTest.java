package io.ringkeeper.operator.resources;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JvmOptionsTest {
  private static final List<String> LOCAL_DEFAULTS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
      "-Dcassandra.ring_delay_ms=3000", "-Xlog:disable", "-Xss256k", "-XX:ReservedCodeCacheSize=64m");

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "-XX:+UseG1GC|collector", "-XX:-UseSerialGC|collector", "-XX:+UseShenandoahGC|collector",
      "-Xmx8G|heap.max", "-XX:MaxHeapSize=8g|heap.max", "-Xms1G|heap.initial", "-XX:InitialHeapSize=1g|heap.initial",
      "-Xmn100m|heap.young", "-XX:MaxNewSize=1g|heap.young", "-Xss512k|stack", "-XX:ThreadStackSize=512|stack",
      "-XX:ReservedCodeCacheSize=256m|-XX:ReservedCodeCacheSize", "-XX:+AlwaysPreTouch|-XX:AlwaysPreTouch",
      "-XX:-AlwaysPreTouch|-XX:AlwaysPreTouch", "-Dcassandra.ring_delay_ms=1|-Dcassandra.ring_delay_ms",
      "-Dflag|-Dflag", "-Xint|-Xint"})
  void everyOptionOfAFamilyNamesTheSameFamily(String option, String family) {
    assertThat(JvmOptions.family(option)).contains(family);
  }

  @ParameterizedTest
  @CsvSource({"-Xlog:gc*:file=/tmp/gc.log", "-verbose:gc", "-javaagent:/a.jar", "--add-opens=java.base/java.io=ALL-UNNAMED",
      "-XX:", "-XX:+", "-ea"})
  void optionsThatAddRatherThanSetHaveNoFamily(String option) {
    assertThat(JvmOptions.family(option)).isEmpty();
  }

  @Test
  void aCollectorChosenReplacesTheDefaultCollector() {
    assertThat(JvmOptions.compose(LOCAL_DEFAULTS, List.of("-XX:+UseG1GC", "-XX:MaxGCPauseMillis=300")))
        .doesNotContain("-XX:+UseSerialGC")
        .containsSubsequence("-XX:TieredStopAtLevel=1", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=300");
  }

  @Test
  void turningTheDefaultCollectorOffAlsoReplacesIt() {
    assertThat(JvmOptions.compose(LOCAL_DEFAULTS, List.of("-XX:-UseSerialGC", "-XX:+UseZGC")))
        .doesNotContain("-XX:+UseSerialGC").endsWith("-XX:-UseSerialGC", "-XX:+UseZGC");
  }

  @Test
  void aFlagHeapStackOrPropertyChosenReplacesItsDefault() {
    List<String> composed = JvmOptions.compose(LOCAL_DEFAULTS, List.of("-XX:TieredStopAtLevel=4",
        "-XX:MaxHeapSize=1g", "-XX:ThreadStackSize=1024", "-Dcassandra.ring_delay_ms=30000",
        "-XX:ReservedCodeCacheSize=256m"));
    assertThat(composed).doesNotContain("-XX:TieredStopAtLevel=1", "-Xss256k", "-Dcassandra.ring_delay_ms=3000",
        "-XX:ReservedCodeCacheSize=64m").contains("-XX:+UseSerialGC", "-Xlog:disable");
  }

  @Test
  void additiveOptionsAreKeptOnBothSides() {
    assertThat(JvmOptions.compose(List.of("-Xlog:disable", "-ea"), List.of("-Xlog:gc*:file=/tmp/gc.log", "-ea")))
        .containsExactly("-Xlog:disable", "-ea", "-Xlog:gc*:file=/tmp/gc.log", "-ea");
  }

  @Test
  void nothingChosenKeepsEveryDefault() {
    assertThat(JvmOptions.compose(LOCAL_DEFAULTS, List.of())).isEqualTo(LOCAL_DEFAULTS);
  }

  @Test
  void selectedCollectorIsReadOnlyFromAnEnablingFlag() {
    assertThat(JvmOptions.selectedCollector("-XX:+UseZGC")).contains("ZGC");
    assertThat(JvmOptions.selectedCollector("-XX:-UseZGC")).isEmpty();
    assertThat(JvmOptions.selectedCollector("-XX:UseZGC=true")).isEqualTo(Optional.empty());
  }
}
