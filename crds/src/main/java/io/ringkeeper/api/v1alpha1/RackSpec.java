package io.ringkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A rack: a replica group of a datacenter, optionally pinned to one availability zone. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RackSpec {
  @JsonPropertyDescription(
      "Rack name as Cassandra sees it (cassandra-rackdc.properties rack). A DNS-1123 label of at most 16"
          + " characters, unique within the datacenter.")
  @Required
  @Pattern(Patterns.DNS_LABEL)
  @Size(min = 1, max = Patterns.MAX_RACK_NAME)
  private String name;

  @JsonPropertyDescription(
      "Availability zone of this rack. Its pods get a required node affinity on topology.kubernetes.io/zone."
          + " Set it on every rack of the datacenter or on none.")
  @Size(min = 1, max = 63)
  private String zone;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getZone() {
    return zone;
  }

  public void setZone(String zone) {
    this.zone = zone;
  }
}
