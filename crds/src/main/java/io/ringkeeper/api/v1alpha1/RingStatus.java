package io.ringkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** Balance of the token ring. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RingStatus {
  @JsonPropertyDescription("Ownership figures per datacenter.")
  private List<DatacenterRingStatus> datacenters = new ArrayList<>();

  public List<DatacenterRingStatus> getDatacenters() {
    return datacenters;
  }

  public void setDatacenters(List<DatacenterRingStatus> datacenters) {
    this.datacenters = datacenters;
  }
}
