package io.ringkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Ownership balance of one datacenter. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DatacenterRingStatus {
  @JsonPropertyDescription("Datacenter name.")
  private String name;

  @JsonPropertyDescription("Nodes of the datacenter in the ring.")
  private Integer nodes;

  @JsonPropertyDescription("Nodes of the datacenter that are ready.")
  private Integer readyNodes;

  @JsonPropertyDescription(
      "Largest over smallest effective ownership among the nodes of a rack, worst rack; 1.0 is perfect balance.")
  private Double ownershipSpread;

  @JsonPropertyDescription("Smallest effective ownership of a node of the datacenter.")
  private Double minOwnership;

  @JsonPropertyDescription("Largest effective ownership of a node of the datacenter.")
  private Double maxOwnership;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public Integer getNodes() {
    return nodes;
  }

  public void setNodes(Integer nodes) {
    this.nodes = nodes;
  }

  public Integer getReadyNodes() {
    return readyNodes;
  }

  public void setReadyNodes(Integer readyNodes) {
    this.readyNodes = readyNodes;
  }

  public Double getOwnershipSpread() {
    return ownershipSpread;
  }

  public void setOwnershipSpread(Double ownershipSpread) {
    this.ownershipSpread = ownershipSpread;
  }

  public Double getMinOwnership() {
    return minOwnership;
  }

  public void setMinOwnership(Double minOwnership) {
    this.minOwnership = minOwnership;
  }

  public Double getMaxOwnership() {
    return maxOwnership;
  }

  public void setMaxOwnership(Double maxOwnership) {
    this.maxOwnership = maxOwnership;
  }
}
