package io.ringkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** State of one scheduled task. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MaintenanceTaskStatus {
  @JsonPropertyDescription("Name of the task.")
  private String name;

  @JsonPropertyDescription("When the last run started (RFC 3339).")
  private String lastStarted;

  @JsonPropertyDescription("When the last run finished (RFC 3339).")
  private String lastCompleted;

  @JsonPropertyDescription("Succeeded, Failed or Skipped, with the reason in message.")
  private String lastResult;

  @JsonPropertyDescription("When the task is next due (RFC 3339).")
  private String next;

  @JsonPropertyDescription("Node the run in progress works on.")
  private String node;

  @JsonPropertyDescription("Agent job id on that node.")
  private String jobId;

  @JsonPropertyDescription("Nodes done in the run in progress.")
  private List<String> done = new ArrayList<>();

  @JsonPropertyDescription("Detail of the last result.")
  private String message;

  @JsonPropertyDescription("Keyspace the job in progress works on (one job per keyspace and node).")
  private String keyspace;

  @JsonPropertyDescription("Whether a run of the task is in progress.")
  private Boolean running;

  @JsonPropertyDescription("Nodes on which the run in progress (or the last run) failed, each with the error.")
  private List<String> failed = new ArrayList<>();

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getLastStarted() {
    return lastStarted;
  }

  public void setLastStarted(String lastStarted) {
    this.lastStarted = lastStarted;
  }

  public String getLastCompleted() {
    return lastCompleted;
  }

  public void setLastCompleted(String lastCompleted) {
    this.lastCompleted = lastCompleted;
  }

  public String getLastResult() {
    return lastResult;
  }

  public void setLastResult(String lastResult) {
    this.lastResult = lastResult;
  }

  public String getNext() {
    return next;
  }

  public void setNext(String next) {
    this.next = next;
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

  public List<String> getDone() {
    return done;
  }

  public void setDone(List<String> done) {
    this.done = done;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  public String getKeyspace() {
    return keyspace;
  }

  public void setKeyspace(String keyspace) {
    this.keyspace = keyspace;
  }

  public Boolean getRunning() {
    return running;
  }

  public void setRunning(Boolean running) {
    this.running = running;
  }

  public List<String> getFailed() {
    return failed;
  }

  public void setFailed(List<String> failed) {
    this.failed = failed;
  }
}
