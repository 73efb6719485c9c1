package io.ringkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One repair segment that is running or failed. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RepairSegmentStatus {
  @JsonPropertyDescription("Index of the segment in the run.")
  private Integer index;

  @JsonPropertyDescription("Keyspace of the segment.")
  private String keyspace;

  @JsonPropertyDescription("Token range (start, end] of the segment.")
  private String range;

  @JsonPropertyDescription("Node coordinating the segment's repair.")
  private String node;

  @JsonPropertyDescription("Agent job id of the repair.")
  private String jobId;

  @JsonPropertyDescription("When the current attempt started (RFC 3339).")
  private String startedAt;

  @JsonPropertyDescription("Attempts made so far.")
  private Integer attempts;

  @JsonPropertyDescription("Last error, when an attempt failed.")
  private String message;

  public Integer getIndex() {
    return index;
  }

  public void setIndex(Integer index) {
    this.index = index;
  }

  public String getKeyspace() {
    return keyspace;
  }

  public void setKeyspace(String keyspace) {
    this.keyspace = keyspace;
  }

  public String getRange() {
    return range;
  }

  public void setRange(String range) {
    this.range = range;
  }

  public String getNode() {
    return node;
  }

  public void setNode(String node) {
    this.node = node;
  }

  public String getJobId() {
    return jobId;
  }

  public void setJobId(String jobId) {
    this.jobId = jobId;
  }

  public String getStartedAt() {
    return startedAt;
  }

  public void setStartedAt(String startedAt) {
    this.startedAt = startedAt;
  }

  public Integer getAttempts() {
    return attempts;
  }

  public void setAttempts(Integer attempts) {
    this.attempts = attempts;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }
}
