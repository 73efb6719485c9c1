package io.ringkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Repair history of one keyspace. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class KeyspaceRepairStatus {
  @JsonPropertyDescription("Keyspace name.")
  private String name;

  @JsonPropertyDescription("When the keyspace was last fully repaired (RFC 3339).")
  private String lastCompleted;

  @JsonPropertyDescription("Smallest gc_grace_seconds of the keyspace's tables: it must be repaired at least this often.")
  private Integer gcGraceSeconds;

  @JsonPropertyDescription("True when the keyspace has not completed a repair within gc_grace_seconds (deleted data may come back).")
  private Boolean overdue;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getLastCompleted() {
    return lastCompleted;
  }

  public void setLastCompleted(String lastCompleted) {
    this.lastCompleted = lastCompleted;
  }

  public Integer getGcGraceSeconds() {
    return gcGraceSeconds;
  }

  public void setGcGraceSeconds(Integer gcGraceSeconds) {
    this.gcGraceSeconds = gcGraceSeconds;
  }

  public Boolean getOverdue() {
    return overdue;
  }

  public void setOverdue(Boolean overdue) {
    this.overdue = overdue;
  }
}
