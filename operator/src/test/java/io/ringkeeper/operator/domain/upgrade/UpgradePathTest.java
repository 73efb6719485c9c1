package io.ringkeeper.operator.domain.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringkeeper.operator.domain.upgrade.UpgradePath.Decision;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UpgradePathTest {
  private static final String FIELD = "spec.cassandraVersion";

  private static Decision check(String from, String to) {
    return UpgradePath.check(from, to, FIELD);
  }

  @ParameterizedTest
  @CsvSource({"5.0.6,5.0.9", "5.0.8,5.0.9", "5.0.0,5.0.1", "4.1.3,4.1.10"})
  void aPatchUpgradeWithinALineIsAllowed(String from, String to) {
    assertThat(check(from, to).allowed()).isTrue();
  }

  @ParameterizedTest
  @CsvSource({"4.0.13,4.1.10", "3.0.30,3.11.17"})
  void aMinorUpgradeWithinAMajorIsAllowed(String from, String to) {
    assertThat(check(from, to).allowed()).isTrue();
  }

  @ParameterizedTest
  @CsvSource({"4.1.10,5.0.9", "4.1.0,5.0.0", "4.0.13,5.0.9"})
  void fourOneOrFourZeroToFiveZeroIsAllowed(String from, String to) {
    assertThat(check(from, to).allowed()).isTrue();
  }

  @Test
  void theSameVersionIsNoChangeAndAllowed() {
    assertThat(check("5.0.9", "5.0.9").allowed()).isTrue();
  }

  @ParameterizedTest
  @CsvSource({"5.0.9,5.0.8", "5.0.9,4.1.10", "4.1.5,4.0.13"})
  void aDowngradeIsRefusedNamingTheFieldAndTheVersionToSetBack(String from, String to) {
    Decision d = check(from, to);
    assertThat(d.allowed()).isFalse();
    assertThat(d.message()).startsWith(FIELD + ":").contains("downgrade").contains("set " + FIELD + " back to " + from);
  }

  @ParameterizedTest
  @CsvSource({"3.11.17,5.0.9", "3.0.30,5.0.0"})
  void skippingAMajorIsRefusedNamingTheMajorInBetween(String from, String to) {
    Decision d = check(from, to);
    assertThat(d.allowed()).isFalse();
    assertThat(d.message()).startsWith(FIELD + ":").contains("skips major 4").contains("latest 4.x release");
  }

  @ParameterizedTest
  @ValueSource(strings = {"5.1.0", "6.0.0", "4.2.0", "2.2.19"})
  void aTargetOnALineTheOperatorDoesNotKnowIsRefused(String to) {
    Decision d = check("5.0.9", to);
    assertThat(d.allowed()).isFalse();
    assertThat(d.message()).startsWith(FIELD + ":").contains("not a release line the operator knows")
        .contains("5.0.9");
  }

  @ParameterizedTest
  @ValueSource(strings = {"latest", "5.0", "5.0.9-jammy", "", "v5.0.9", "5.0.x"})
  void aMalformedTargetIsRefusedAsNotAReleaseVersion(String to) {
    Decision d = check("5.0.9", to);
    assertThat(d.allowed()).isFalse();
    assertThat(d.message()).startsWith(FIELD + ":").contains("is not a Cassandra release version");
  }

  @Test
  void aNodeReportingAMalformedVersionBlocksAnyChangeUntilItReportsARelease() {
    Decision d = check("5.0-SNAPSHOT", "5.0.9");
    assertThat(d.allowed()).isFalse();
    assertThat(d.message()).contains("'5.0-SNAPSHOT'").contains("keep " + FIELD);
  }

  @Test
  void theRefusalNamesTheFieldItWasGiven() {
    assertThat(UpgradePath.check("5.0.9", "5.0.8", "spec.image").message()).startsWith("spec.image:")
        .contains("set spec.image back to 5.0.9");
  }

  @Test
  void aRollbackWithinThePatchLineIsAllowedWhileTheUpgradeIsInProgressBeforeTheSecondNode() {
    assertThat(UpgradePath.rollbackAllowed("5.0.9", "5.0.8", true, 1, FIELD).allowed()).isTrue();
    assertThat(UpgradePath.rollbackAllowed("5.0.9", "5.0.6", true, 0, FIELD).allowed()).isTrue();
  }

  @Test
  void aRollbackAfterTheSecondNodeIsRefused() {
    Decision d = UpgradePath.rollbackAllowed("5.0.9", "5.0.8", true, 2, FIELD);
    assertThat(d.allowed()).isFalse();
    assertThat(d.message()).contains("2 nodes already run 5.0.9").contains("before the second node");
  }

  @Test
  void aRollbackWhenNoUpgradeIsInProgressIsRefused() {
    Decision d = UpgradePath.rollbackAllowed("5.0.9", "5.0.8", false, 1, FIELD);
    assertThat(d.allowed()).isFalse();
    assertThat(d.message()).contains("only while an upgrade is in progress");
  }

  @Test
  void aRollbackAcrossReleaseLinesIsRefused() {
    Decision d = UpgradePath.rollbackAllowed("5.0.9", "4.1.10", true, 1, FIELD);
    assertThat(d.allowed()).isFalse();
    assertThat(d.message()).contains("crosses release lines").contains("set " + FIELD + " back to 5.0.9");
  }

  @Test
  void aRollbackMustGoToAnOlderRelease() {
    assertThat(UpgradePath.rollbackAllowed("5.0.8", "5.0.9", true, 1, FIELD).allowed()).isFalse();
    assertThat(UpgradePath.rollbackAllowed("5.0.8", "5.0.8", true, 1, FIELD).allowed()).isFalse();
    assertThat(UpgradePath.rollbackAllowed("x", "5.0.8", true, 1, FIELD).message()).contains("'x'");
  }

  @Test
  void aClusterIsUpgradedFromTheOldestVersionItsNodesReport() {
    assertThat(UpgradePath.checkCluster(List.of("5.0.8", "5.0.9", "5.0.8"), "5.0.9", FIELD).allowed()).isTrue();
    assertThat(UpgradePath.checkCluster(List.of("3.11.17", "4.1.10"), "5.0.9", FIELD).message())
        .contains("3.11.17 -> 5.0.9 skips major 4");
  }

  @Test
  void aClusterWhoseNodesReportNoVersionYetHasNothingToCheckButAMalformedTarget() {
    assertThat(UpgradePath.checkCluster(List.of(), "5.0.9", FIELD).allowed()).isTrue();
    assertThat(UpgradePath.checkCluster(java.util.Arrays.asList(null, ""), "5.0.8", FIELD).allowed()).isTrue();
    assertThat(UpgradePath.checkCluster(List.of(), "latest", FIELD).allowed()).isFalse();
  }

  @Test
  void aClusterWhoseNodesAllRunTheNewerReleaseCannotGoBack() {
    Decision d = UpgradePath.checkCluster(List.of("5.0.9", "5.0.9", "5.0.9"), "5.0.8", FIELD);
    assertThat(d.allowed()).isFalse();
    assertThat(d.message()).contains("downgrade");
  }

  @Test
  void aClusterWithOnlyTheCanaryUpgradedMayGoBackToTheVersionTheOthersRun() {
    assertThat(UpgradePath.checkCluster(List.of("5.0.9", "5.0.8", "5.0.8"), "5.0.8", FIELD).allowed()).isTrue();
    Decision twoUpgraded = UpgradePath.checkCluster(List.of("5.0.9", "5.0.9", "5.0.8"), "5.0.8", FIELD);
    assertThat(twoUpgraded.allowed()).isFalse();
    assertThat(twoUpgraded.message()).contains("before the second node");
    assertThat(UpgradePath.checkCluster(List.of("5.0.9", "5.0.8"), "5.0.7", FIELD).message()).contains("downgrade");
  }

  @Test
  void releasesAreOrderedNumericallyNotAsText() {
    assertThat(check("5.0.9", "5.0.10").allowed()).isTrue();
    assertThat(check("5.0.10", "5.0.9").allowed()).isFalse();
  }
}
