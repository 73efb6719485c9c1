package io.ringkeeper.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class PodLinesTest {
  static final String NO_ROOM = "0/1 nodes are available: 1 Insufficient memory. preemption: 0/1 nodes are"
      + " available: 1 Preemption is not helpful for scheduling.";

  static Pod unschedulable(String name) {
    return new PodBuilder().withNewMetadata().withName(name).endMetadata().withNewStatus().withPhase("Pending")
        .addNewCondition().withType("PodScheduled").withStatus("False").withReason("Unschedulable")
        .withMessage(NO_ROOM).endCondition().endStatus().build();
  }

  static Pod ready(String name, String ip) {
    return new PodBuilder().withNewMetadata().withName(name).endMetadata().withNewStatus().withPhase("Running")
        .withPodIP(ip).addNewCondition().withType("Ready").withStatus("True").endCondition()
        .addNewContainerStatus().withName("cassandra").withRestartCount(0).withNewState().withNewRunning()
        .endRunning().endState().endContainerStatus().endStatus().build();
  }

  static Pod crashing(String name) {
    return new PodBuilder().withNewMetadata().withName(name).endMetadata().withNewStatus().withPhase("Running")
        .addNewContainerStatus().withName("cassandra").withRestartCount(4).withNewState().withNewWaiting()
        .withReason("CrashLoopBackOff").endWaiting().endState().withNewLastState().withNewTerminated()
        .withExitCode(1).withReason("Error").withMessage("Error occurred during initialization of VM\n"
            + "Multiple garbage collectors selected").endTerminated().endLastState().endContainerStatus()
        .endStatus().build();
  }

  @Test
  void everyPodGetsOneLineSayingWhyItIsNotReady() {
    Event relaxed = new EventBuilder().withReason("RelaxedScheduling").withMessage("relaxed for local mode:"
        + " requests cpu 4 -> 125m").withNewInvolvedObject().withName("b").endInvolvedObject().build();
    List<String> lines = PodLines.lines(List.of(crashing("c"), ready("b", "127.41.0.2"), unschedulable("a")),
        List.of(relaxed));
    assertThat(lines).containsExactly(
        "pod a  Pending: Unschedulable: " + NO_ROOM,
        "pod b  Ready at 127.41.0.2 (relaxed for local mode: requests cpu 4 -> 125m)",
        "pod c  CrashLoopBackOff, restarts 4; last exit 1 (Error): Multiple garbage collectors selected");
  }

  @Test
  void statesTellPendingFromCrashingFromReady() {
    assertThat(PodLines.state(unschedulable("a"))).isEqualTo(PodLines.State.UNSCHEDULABLE);
    assertThat(PodLines.state(ready("b", "1.2.3.4"))).isEqualTo(PodLines.State.READY);
    assertThat(PodLines.state(crashing("c"))).isEqualTo(PodLines.State.CRASHING);
    assertThat(PodLines.state(new PodBuilder().withNewMetadata().withName("d").endMetadata().build()))
        .isEqualTo(PodLines.State.STARTING);
  }
}
