package io.ringkeeper.operator.reconciler.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.CassandraClusterStatus;
import io.ringkeeper.api.v1alpha1.OperationStatus;
import io.ringkeeper.operator.domain.plan.Operation;
import io.ringkeeper.operator.domain.plan.OperationKind;
import io.ringkeeper.operator.domain.plan.OperationStep;
import io.ringkeeper.operator.reconciler.observe.OperationRecords;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** When a step with an effect counts as recorded, so that the reconcile may carry it out. */
class OperationStatusesTest {
  private static final Instant NOW = Instant.parse("2026-12-04T12:00:00.123Z");
  private final Operation drain = Operation.start(OperationKind.RollingRestart, "dc1", "demo-dc1-r1-0",
      OperationStep.Draining, NOW);

  @Test
  void aStepIsRecordedOnceItsOperationNodeStepAndAttemptAreInTheStatus() {
    OperationStatus written = OperationStatuses.write(drain, null, NOW);
    assertThat(OperationStatuses.stepRecorded(drain, written)).isTrue();
    // What the outcome adds (the agent's answer, a job id) does not make the step a new one.
    assertThat(OperationStatuses.stepRecorded(drain.withMessage("asked node demo-dc1-r1-0 to start drain"),
        written)).isTrue();
    assertThat(OperationStatuses.stepRecorded(drain.withJob("j1"), written)).isTrue();
  }

  @Test
  void aNewOperationStepNodeOrAttemptIsNotRecordedYet() {
    OperationStatus written = OperationStatuses.write(drain, null, NOW);
    assertThat(OperationStatuses.stepRecorded(drain, null)).as("nothing recorded").isFalse();
    assertThat(OperationStatuses.stepRecorded(drain.at(OperationStep.DeletingPod, NOW), written)).isFalse();
    assertThat(OperationStatuses.stepRecorded(drain.failed("refused", NOW), written)).as("a retry").isFalse();
    assertThat(OperationStatuses.stepRecorded(Operation.start(OperationKind.RollingRestart, "dc1",
        "demo-dc1-r2-0", OperationStep.Draining, NOW), written)).as("another node").isFalse();
    assertThat(OperationStatuses.stepRecorded(Operation.start(OperationKind.Replace, "dc1", "demo-dc1-r1-0",
        OperationStep.Draining, NOW), written)).as("another operation").isFalse();
    assertThat(OperationStatuses.stepRecorded(drain.withAddress("10.0.0.9"), written)).as("another address")
        .isFalse();
  }

  @Test
  void whatIsWrittenReadsBackAsTheSameOperationButForTheTimesWholeSeconds() {
    CassandraCluster cr = new CassandraCluster();
    cr.setStatus(new CassandraClusterStatus());
    cr.getStatus().setOperation(OperationStatuses.write(drain.withJob("j1"), null, NOW));
    Operation read = OperationRecords.read(cr);
    assertThat(read.withJob("j1")).usingRecursiveComparison().ignoringFields("since").isEqualTo(drain.withJob("j1"));
    assertThat(read.since()).isEqualTo(Instant.parse("2026-12-04T12:00:00Z"));
  }
}
