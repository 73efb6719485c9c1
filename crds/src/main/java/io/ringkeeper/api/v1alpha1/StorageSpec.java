package io.ringkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** Persistent storage of each node. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StorageSpec {
  public static final String DEFAULT_SIZE = "10Gi";

  @JsonPropertyDescription(
      "Size of each node's PersistentVolumeClaim, e.g. 50Gi. It may grow (where the storage class allows"
          + " expansion) but never shrink.")
  @Pattern(Patterns.POSITIVE_QUANTITY)
  @Default(DEFAULT_SIZE)
  private String size = DEFAULT_SIZE;

  @JsonPropertyDescription("StorageClass of the claims; the cluster's default class when empty.")
  @Size(min = 1, max = 253)
  private String storageClassName;

  @JsonPropertyDescription(
      "What happens to a node's claim when the node is removed by a scale-down or the cluster is deleted:"
          + " Retain keeps it, Delete removes it once the node has decommissioned.")
  @Default("Retain")
  private ReclaimPolicy reclaim = ReclaimPolicy.Retain;

  public String getSize() {
    return size;
  }

  public void setSize(String size) {
    this.size = size;
  }

  public String getStorageClassName() {
    return storageClassName;
  }

  public void setStorageClassName(String storageClassName) {
    this.storageClassName = storageClassName;
  }

  public ReclaimPolicy getReclaim() {
    return reclaim;
  }

  public void setReclaim(ReclaimPolicy reclaim) {
    this.reclaim = reclaim;
  }
}
