package io.ringkeeper.operator.reconciler.validate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class JvmOptionRulesTest {
  private static List<Problem> check(String... options) {
    return JvmOptionRules.check(Arrays.asList(options));
  }

  @ParameterizedTest
  @ValueSource(strings = {"-XX:+UseG1GC", "-XX:+UseZGC", "-XX:+UseShenandoahGC", "-XX:+UseParallelGC",
      "-XX:MaxGCPauseMillis=300", "-Xlog:gc*:file=/var/log/cassandra/gc.log:time,uptime::filecount=10,filesize=10m",
      "-Xlog:gc+heap=debug", "-verbose:gc", "-XX:+HeapDumpOnOutOfMemoryError", "-Xss512k",
      "-XX:ReservedCodeCacheSize=256m", "-Dcassandra.max_queued_native_transport_requests=4096",
      "-XX:+UnlockDiagnosticVMOptions", "-Djava.rmi.server.hostname=$(POD_IP)", "-XX:ErrorFile=/tmp/hs_err_%p.log",
      "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=*:5005"})
  void aSingleWellFormedOptionIsAccepted(String option) {
    assertThat(check(option)).isEmpty();
  }

  @Test
  void theProductionExampleOptionsAreAccepted() {
    assertThat(check("-XX:+UseG1GC", "-XX:MaxGCPauseMillis=300")).isEmpty();
  }

  @Test
  void twoCollectorsAreRefusedOnTheSecondWithTheFirstNamed() {
    assertThat(check("-XX:+UseG1GC", "-XX:MaxGCPauseMillis=200", "-XX:+UseZGC"))
        .singleElement().satisfies(p -> {
          assertThat(p.field()).isEqualTo("spec.jvm.extraOptions[2]");
          assertThat(p.message()).contains("ZGC", "spec.jvm.extraOptions[0]", "G1",
              "Multiple garbage collectors selected", "keep one");
        });
  }

  @Test
  void theSameCollectorTwiceIsNotAContradiction() {
    assertThat(check("-XX:+UseG1GC", "-XX:+UseG1GC")).isEmpty();
  }

  @Test
  void aCollectorSelectedAndTurnedOffIsRefused() {
    assertThat(check("-XX:+UseG1GC", "-XX:-UseG1GC")).singleElement()
        .satisfies(p -> assertThat(p.field()).isEqualTo("spec.jvm.extraOptions[1]"));
  }

  @Test
  void turningOffAnotherCollectorIsAllowed() {
    assertThat(check("-XX:-UseG1GC", "-XX:+UseParallelGC")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"-Xmx4g", "-Xms4g", "-Xmn800m", "-XX:MaxHeapSize=4g", "-XX:InitialHeapSize=1g",
      "-XX:MaxRAMPercentage=75", "-XX:NewSize=100m", "-XX:MaxNewSize=1g", "-XX:MaxRAM=8g"})
  void everySpellingOfAHeapSizeIsRefusedInFavourOfHeapSize(String option) {
    assertThat(check("-XX:+UseG1GC", option)).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("spec.jvm.extraOptions[1]");
      assertThat(p.message()).contains("spec.jvm.heapSize");
    });
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "-XX:+UseConcMarkSweepGC|-XX:+UseG1GC", "-XX:+UseParNewGC|-XX:+UseG1GC",
      "-XX:CMSInitiatingOccupancyFraction=75|-XX:+UseG1GC", "-XX:+PrintGCDateStamps|-Xlog",
      "-XX:+UseGCLogFileRotation|filecount", "-XX:NumberOfGCLogFiles=10|filecount", "-XX:+PrintTenuringDistribution|-Xlog",
      "-Xloggc:/var/log/gc.log|-Xlog:gc*"})
  void gcFlagsJdk17NoLongerKnowsAreRefusedWithTheirReplacement(String option, String replacement) {
    assertThat(check(option)).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("spec.jvm.extraOptions[0]");
      assertThat(p.message()).contains(replacement);
    });
  }

  @Test
  void epsilonIsRefused() {
    assertThat(check("-XX:+UseEpsilonGC")).singleElement()
        .satisfies(p -> assertThat(p.message()).contains("never frees memory"));
  }

  @Test
  void aFlagGivenTwoValuesIsRefused() {
    assertThat(check("-XX:MaxGCPauseMillis=200", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=500"))
        .singleElement().satisfies(p -> {
          assertThat(p.field()).isEqualTo("spec.jvm.extraOptions[2]");
          assertThat(p.message()).contains("spec.jvm.extraOptions[0]", "keep one");
        });
    assertThat(check("-XX:+AlwaysPreTouch", "-XX:-AlwaysPreTouch")).hasSize(1);
    assertThat(check("-Dfoo=1", "-Dfoo=2")).hasSize(1);
    assertThat(check("-Xss256k", "-XX:ThreadStackSize=512")).hasSize(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"-XX:", "-XX:+", "-XX:UseG1GC", "-XX:+Use G1GC", "-XX:=3", "-XX:+1abc", "-XX:Foo=", "-XX:UseZGC=true"})
  void aMalformedXxOptionIsRefused(String option) {
    assertThat(check(option)).singleElement()
        .satisfies(p -> assertThat(p.field()).isEqualTo("spec.jvm.extraOptions[0]"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"UseG1GC", "org.example.Main", "$(rm -rf /)", "-Dx=`id`", "-Dx=$(HOME)", "-Dx=a;reboot",
      "-Dx=a|b", "-Dx=\"quoted\"", "-Dx='q'", "-Dx=a&&b", "-Dx=>/etc/passwd", "-Dx=\u0000", "-Dx=a\nb", " -ea",
      "-Dx=${HOME}", "", "   "})
  void oddAndMaliciousValuesAreRefusedNamingTheField(String option) {
    assertThat(check("-XX:+UseG1GC", option)).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("spec.jvm.extraOptions[1]");
      assertThat(p.message()).isNotBlank();
    });
  }

  @Test
  void aNullItemIsRefused() {
    assertThat(JvmOptionRules.check(Arrays.asList("-ea", null))).singleElement()
        .satisfies(p -> assertThat(p.field()).isEqualTo("spec.jvm.extraOptions[1]"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"-javaagent:/tmp/x.jar", "-Dcassandra.initial_token=1", "-Dcassandra.replace_address=1.2.3.4",
      "-Dcassandra.config=file:///x", "-Dcassandra.settings.num_tokens=4"})
  void optionsTheOperatorOwnsAreRefused(String option) {
    assertThat(check(option)).singleElement().satisfies(p -> assertThat(p.message()).contains("set by the operator"));
  }
}
