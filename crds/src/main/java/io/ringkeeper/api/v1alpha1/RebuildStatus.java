package io.ringkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A datacenter added to the running cluster, and whether it was rebuilt from an existing one. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RebuildStatus {
  @JsonPropertyDescription("The added datacenter.")
  private String datacenter;

  @JsonPropertyDescription("The datacenter its nodes stream their data from.")
  private String sourceDatacenter;

  @JsonPropertyDescription("When its last node finished rebuilding (RFC 3339); absent while the rebuild is pending.")
  private String completedAt;

  public String getDatacenter() {
    return datacenter;
  }

  public void setDatacenter(String datacenter) {
    this.datacenter = datacenter;
  }

  public String getSourceDatacenter() {
    return sourceDatacenter;
  }

  public void setSourceDatacenter(String sourceDatacenter) {
    this.sourceDatacenter = sourceDatacenter;
  }

  public String getCompletedAt() {
    return completedAt;
  }

  public void setCompletedAt(String completedAt) {
    this.completedAt = completedAt;
  }
}
