package io.ringkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** Repair schedule, the run in progress and each keyspace's last completed repair. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RepairStatus {
  @JsonPropertyDescription("When the last full repair run completed (RFC 3339).")
  private String lastCompleted;

  @JsonPropertyDescription("When the next scheduled run is due (RFC 3339).")
  private String next;

  @JsonPropertyDescription("The value of the ringkeeper.io/repair annotation last acted upon.")
  private String lastRequest;

  @JsonPropertyDescription(
      "The status.access.replicationChangedAt a repair of system_auth was started for (each change is repaired once).")
  private String lastAuthRepairFor;

  @JsonPropertyDescription("The run in progress, if any.")
  private RepairRunStatus running;

  @JsonPropertyDescription("Per keyspace: when its last repair completed.")
  private List<KeyspaceRepairStatus> keyspaces = new ArrayList<>();

  @JsonPropertyDescription("Result of the last finished run: Succeeded, or Failed when some segment failed after its retries.")
  private String lastResult;

  @JsonPropertyDescription("Detail of the last finished run.")
  private String lastMessage;

  @JsonPropertyDescription("Nodes that were down longer than max_hint_window and whose ranges are repaired by the next hint-window run.")
  private List<String> pendingHintRepairs = new ArrayList<>();

  public String getLastCompleted() {
    return lastCompleted;
  }

  public void setLastCompleted(String lastCompleted) {
    this.lastCompleted = lastCompleted;
  }

  public String getNext() {
    return next;
  }

  public void setNext(String next) {
    this.next = next;
  }

  public String getLastRequest() {
    return lastRequest;
  }

  public String getLastAuthRepairFor() {
    return lastAuthRepairFor;
  }

  public void setLastAuthRepairFor(String lastAuthRepairFor) {
    this.lastAuthRepairFor = lastAuthRepairFor;
  }

  public void setLastRequest(String lastRequest) {
    this.lastRequest = lastRequest;
  }

  public RepairRunStatus getRunning() {
    return running;
  }

  public void setRunning(RepairRunStatus running) {
    this.running = running;
  }

  public List<KeyspaceRepairStatus> getKeyspaces() {
    return keyspaces;
  }

  public void setKeyspaces(List<KeyspaceRepairStatus> keyspaces) {
    this.keyspaces = keyspaces;
  }

  public String getLastResult() {
    return lastResult;
  }

  public void setLastResult(String lastResult) {
    this.lastResult = lastResult;
  }

  public String getLastMessage() {
    return lastMessage;
  }

  public void setLastMessage(String lastMessage) {
    this.lastMessage = lastMessage;
  }

  public List<String> getPendingHintRepairs() {
    return pendingHintRepairs;
  }

  public void setPendingHintRepairs(List<String> pendingHintRepairs) {
    this.pendingHintRepairs = pendingHintRepairs;
  }
}
