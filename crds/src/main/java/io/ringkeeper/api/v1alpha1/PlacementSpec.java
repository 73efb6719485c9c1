package io.ringkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Where Cassandra pods may run. Rack zones add a required zone affinity on top of this. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PlacementSpec {
  @JsonPropertyDescription(
      "Pod anti-affinity between the cluster's nodes on kubernetes.io/hostname: Required (default), Preferred"
          + " or None.")
  @Default("Required")
  private AntiAffinity podAntiAffinity = AntiAffinity.Required;

  @JsonPropertyDescription("Node labels a Kubernetes node must have to run a Cassandra pod.")
  private Map<String, String> nodeSelector = new LinkedHashMap<>();

  @JsonPropertyDescription("Tolerations of the Cassandra pods.")
  private List<Toleration> tolerations = new ArrayList<>();

  public AntiAffinity getPodAntiAffinity() {
    return podAntiAffinity;
  }

  public void setPodAntiAffinity(AntiAffinity podAntiAffinity) {
    this.podAntiAffinity = podAntiAffinity;
  }

  public Map<String, String> getNodeSelector() {
    return nodeSelector;
  }

  public void setNodeSelector(Map<String, String> nodeSelector) {
    this.nodeSelector = nodeSelector;
  }

  public List<Toleration> getTolerations() {
    return tolerations;
  }

  public void setTolerations(List<Toleration> tolerations) {
    this.tolerations = tolerations;
  }
}
