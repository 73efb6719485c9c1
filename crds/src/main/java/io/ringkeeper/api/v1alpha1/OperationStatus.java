package io.ringkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** The operation in progress: recorded before each step, so a restarted operator resumes it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OperationStatus {
  @JsonPropertyDescription("Identifier of the operation.")
  private String id;

  @JsonPropertyDescription("Create, ScaleUp, Cleanup, ScaleDown, RollingRestart, Restart, Replace, ResizeStorage, Rebuild, Hibernate, Wake or Fence.")
  private OperationType type;

  @JsonPropertyDescription("Datacenter the operation works on.")
  private String datacenter;

  @JsonPropertyDescription("Node the current step works on.")
  private String node;

  @JsonPropertyDescription("The current step, e.g. Draining, Decommissioning, WaitingForNormal.")
  private String step;

  @JsonPropertyDescription("When the operation started (RFC 3339).")
  private String startedAt;

  @JsonPropertyDescription("When the current step started (RFC 3339).")
  private String since;

  @JsonPropertyDescription("Agent job id of the current step, when it runs as a job on the node.")
  private String jobId;

  @JsonPropertyDescription("Attempts of the current step.")
  private Integer attempts;

  @JsonPropertyDescription("Nodes the operation still has to visit, in order.")
  private List<String> pending = new ArrayList<>();

  @JsonPropertyDescription("Nodes the operation has finished with.")
  private List<String> done = new ArrayList<>();

  @JsonPropertyDescription("Last message of the step, e.g. the node's error.")
  private String message;

  @JsonPropertyDescription("Replace: the address of the lost node, passed as replace_address_first_boot.")
  private String address;

  public String getAddress() {
    return address;
  }

  public void setAddress(String address) {
    this.address = address;
  }

  public String getId() {
    return id;
  }

  public void setId(String id) {
    this.id = id;
  }

  public OperationType getType() {
    return type;
  }

  public void setType(OperationType type) {
    this.type = type;
  }

  public String getDatacenter() {
    return datacenter;
  }

  public void setDatacenter(String datacenter) {
    this.datacenter = datacenter;
  }

  public String getNode() {
    return node;
  }

  public void setNode(String node) {
    this.node = node;
  }

  public String getStep() {
    return step;
  }

  public void setStep(String step) {
    this.step = step;
  }

  public String getStartedAt() {
    return startedAt;
  }

  public void setStartedAt(String startedAt) {
    this.startedAt = startedAt;
  }

  public String getSince() {
    return since;
  }

  public void setSince(String since) {
    this.since = since;
  }

  public String getJobId() {
    return jobId;
  }

  public void setJobId(String jobId) {
    this.jobId = jobId;
  }

  public Integer getAttempts() {
    return attempts;
  }

  public void setAttempts(Integer attempts) {
    this.attempts = attempts;
  }

  public List<String> getPending() {
    return pending;
  }

  public void setPending(List<String> pending) {
    this.pending = pending;
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
}
