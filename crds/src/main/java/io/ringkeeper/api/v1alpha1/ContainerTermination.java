package io.ringkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** How a node's Cassandra container last ended, as its kubelet reported it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ContainerTermination {
  @JsonPropertyDescription("Exit code of the container's process (137: killed, 143: stopped by SIGTERM).")
  private Integer exitCode;

  @JsonPropertyDescription("The kubelet's reason: Error, OOMKilled, Completed, ...")
  private String reason;

  @JsonPropertyDescription(
      "The termination message: the end of the container's output (the last lines, at most 2 KiB), as with"
          + " terminationMessagePolicy FallbackToLogsOnError.")
  private String message;

  @JsonPropertyDescription("When it ended (RFC 3339).")
  private String finishedAt;

  @JsonPropertyDescription("How often the kubelet restarted the container so far.")
  private Integer restartCount;

  public Integer getExitCode() {
    return exitCode;
  }

  public void setExitCode(Integer exitCode) {
    this.exitCode = exitCode;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  public String getFinishedAt() {
    return finishedAt;
  }

  public void setFinishedAt(String finishedAt) {
    this.finishedAt = finishedAt;
  }

  public Integer getRestartCount() {
    return restartCount;
  }

  public void setRestartCount(Integer restartCount) {
    this.restartCount = restartCount;
  }
}
