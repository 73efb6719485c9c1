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
}
