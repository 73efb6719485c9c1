package io.ringkeeper.operator.resources;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Test;

class StaleWritesTest {
  private static KubernetesClientException refused(int code, boolean withCause) {
    StatusBuilder status = new StatusBuilder().withCode(code).withReason("Invalid")
        .withMessage("the server rejected our request due to an error in our request").withNewDetails().endDetails();
    if (withCause) {
      status.editDetails().addNewCause().withField("status.phase").withMessage("Unsupported value").endCause()
          .endDetails();
    }
    Status s = status.build();
    return new KubernetesClientException(s.getMessage(), code, s);
  }

  @Test
  void aGeneric422OfAGuardedPatchOnAnObjectThatMovedOnIsAConflict() {
    KubernetesClientException e = StaleWrites.asConflict(refused(422, false), "10", () -> "11");
    assertThat(e.getCode()).isEqualTo(409);
    assertThat(e.getMessage()).contains("resourceVersion 10, now 11");
  }

  @Test
  void aGeneric422OnAnObjectThatDidNotMoveStaysA422() {
    assertThat(StaleWrites.asConflict(refused(422, false), "10", () -> "10").getCode()).isEqualTo(422);
  }

  @Test
  void a422NamingAFieldIsInvalidInputNotAConflict() {
    assertThat(StaleWrites.asConflict(refused(422, true), "10", () -> "11").getCode()).isEqualTo(422);
  }

  @Test
  void otherErrorsAndUnguardedPatchesAreLeftAlone() {
    assertThat(StaleWrites.asConflict(refused(500, false), "10", () -> "11").getCode()).isEqualTo(500);
    assertThat(StaleWrites.asConflict(refused(422, false), null, () -> "11").getCode()).isEqualTo(422);
  }
}
