package io.ringkeeper.local.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kubelet's termination message: the end of what the run printed, bounded as FallbackToLogsOnError does. */
class TerminationMessageTest {
  @TempDir
  Path dir;

  @Test
  void onlyWhatThisRunPrintedIsTakenNotAnEarlierRunsOutput() throws IOException {
    Path log = dir.resolve("stdout.log");
    Files.writeString(log, "earlier run\ncrashed differently\n");
    long offset = Files.size(log);
    Files.writeString(log, "Error occurred during initialization of VM\nMultiple garbage collectors selected\n",
        StandardOpenOption.APPEND);
    assertThat(ProcessKubelet.tail(log, offset))
        .isEqualTo("Error occurred during initialization of VM\nMultiple garbage collectors selected");
  }

  @Test
  void atMostTheLast80LinesAnd2KiBAreKept() throws IOException {
    Path log = dir.resolve("stdout.log");
    Files.writeString(log, IntStream.rangeClosed(1, 500).mapToObj(i -> "line " + i).collect(Collectors.joining("\n")));
    String message = ProcessKubelet.tail(log, 0);
    assertThat(message.lines().count()).isEqualTo(80);
    assertThat(message).endsWith("line 500").startsWith("line 421");
    String wide = IntStream.rangeClosed(1, 40).mapToObj(i -> "x".repeat(100) + i).collect(Collectors.joining("\n"));
    assertThat(ProcessKubelet.boundedTail(wide).getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(2048);
    assertThat(ProcessKubelet.boundedTail(wide)).endsWith("x40");
  }

  @Test
  void aCutNeverSplitsACharacter() {
    String text = "é".repeat(3000);
    String kept = ProcessKubelet.boundedTail(text);
    assertThat(kept.getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(2048);
    assertThat(kept).matches("é+");
  }

  @Test
  void aMissingOrEmptyLogGivesNoMessage() throws IOException {
    assertThat(ProcessKubelet.tail(dir.resolve("none.log"), 0)).isEmpty();
    Path log = Files.writeString(dir.resolve("empty.log"), "old\n");
    assertThat(ProcessKubelet.tail(log, Files.size(log))).isEmpty();
  }
}
