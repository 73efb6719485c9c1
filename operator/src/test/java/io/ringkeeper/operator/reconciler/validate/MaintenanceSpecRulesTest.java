package io.ringkeeper.operator.reconciler.validate;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Repair and maintenance rules of {@link SpecValidator}: each problem names the field and the fix. */
class MaintenanceSpecRulesTest {
  private static final String CLUSTER = """
      apiVersion: ringkeeper.io/v1alpha1
      kind: CassandraCluster
      metadata: {name: c}
      spec:
        cassandraVersion: "5.0.9"
        datacenters: [{name: dc1, replicationFactor: 3, size: 3}]
      %s
      """;

  private static List<Problem> problems(String extra) {
    return SpecValidator.validate(Serialization.unmarshal(CLUSTER.formatted(extra), CassandraCluster.class),
        Map.of());
  }

  @Test
  void aBadCronNamesTheFieldAndShowsAValidForm() {
    assertThat(problems("  repair: {schedule: \"0 1 * *\"}")).singleElement().hasToString(
        "spec.repair.schedule: '0 1 * *' has 4 fields; expected 5 (minute hour day-of-month month day-of-week),"
            + " e.g. '0 1 * * 0'");
    assertThat(problems("  maintenance: {tasks: [{name: gc, schedule: \"0 3 * * 8\", operation: Compact}]}"))
        .singleElement().satisfies(p -> assertThat(p.field()).isEqualTo("spec.maintenance.tasks[0].schedule"));
  }

  @Test
  void anEmptyRepairScheduleMeansNoScheduledRunsButBlanksAreRefused() {
    assertThat(problems("  repair: {schedule: \"\"}")).isEmpty();
    assertThat(problems("  repair: {schedule: \"   \"}")).singleElement()
        .satisfies(p -> assertThat(p.field()).isEqualTo("spec.repair.schedule"));
  }

  @Test
  void aCompactionWindowAsLongAsTheGapBetweenItsStartsIsRefused() {
    assertThat(problems("  maintenance: {compactionThroughput: [{schedule: \"0 22 * * *\", duration: 24h,"
        + " mibPerSecond: 256}]}")).singleElement().hasToString("spec.maintenance.compactionThroughput[0].duration:"
            + " is 24h but schedule '0 22 * * *' starts the window again after 24h, so it would never end and the"
            + " throughput never be restored; make the duration shorter than 24h");
    assertThat(problems("  maintenance: {compactionThroughput: [{schedule: \"0 22 * * 1-5\", duration: 23h,"
        + " mibPerSecond: 256}]}")).isEmpty();
    assertThat(problems("  maintenance: {compactionThroughput: [{schedule: \"*/30 * * * *\", duration: 45m,"
        + " mibPerSecond: 0}]}")).singleElement().satisfies(p -> assertThat(p.message()).contains("after 30m"));
  }
}
