package io.ringkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/** One Cassandra datacenter: a set of nodes spread evenly over racks. */
@ValidationRule(
    value = "!has(self.replicationFactor) || self.size >= self.replicationFactor",
    fieldPath = ".replicationFactor",
    reason = "FieldValueInvalid",
    message = "exceeds the datacenter's size: every replica needs its own node; lower replicationFactor or raise"
        + " size to at least replicationFactor")
@ValidationRule(
    value = "!has(self.racks) || self.size >= size(self.racks)",
    fieldPath = ".size",
    reason = "FieldValueInvalid",
    message = "is below the number of racks: every rack needs at least one node; raise size or remove racks")
@ValidationRule(
    value = "!has(self.racks) || self.racks.all(r, has(r.zone)) || self.racks.all(r, !has(r.zone))",
    fieldPath = ".racks",
    reason = "FieldValueInvalid",
    message = "set a zone on every rack of the datacenter or on none: racks without one may land in a zone that"
        + " already holds a replica")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DatacenterSpec {
  @JsonPropertyDescription(
      "Datacenter name as Cassandra sees it (cassandra-rackdc.properties dc). A DNS-1123 label of at most 16"
          + " characters. Immutable.")
  @Required
  @Pattern(Patterns.DNS_LABEL)
  @Size(min = 1, max = Patterns.MAX_DC_NAME)
  private String name;

  @JsonPropertyDescription(
      "The replication factor keyspaces use in this datacenter. The token allocator balances ownership for it,"
          + " and the datacenter is never scaled below it.")
  @Min(1)
  @Max(16)
  @Default("3")
  private Integer replicationFactor = 3;

  @JsonPropertyDescription(
      "Number of Cassandra nodes in this datacenter, spread across its racks so that rack sizes differ by at"
          + " most one. Scaling changes it one node at a time.")
  @Required
  @Min(1)
  @Max(Patterns.MAX_NODES_PER_DC)
  private Integer size;

  @JsonPropertyDescription(
      "Racks of this datacenter. Cassandra places replicas on distinct racks; give each rack its own zone to"
          + " survive the loss of a zone. When empty, the datacenter has one rack named rack1.")
  @Size(max = 16)
  @ValidationRule(
      value = "self.all(r, self.exists_one(s, s.name == r.name))",
      reason = "FieldValueInvalid",
      message = "rack names must be unique within a datacenter: rename the rack listed twice")
  private List<RackSpec> racks = new ArrayList<>();

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public Integer getReplicationFactor() {
    return replicationFactor;
  }

  public void setReplicationFactor(Integer replicationFactor) {
    this.replicationFactor = replicationFactor;
  }

  public Integer getSize() {
    return size;
  }

  public void setSize(Integer size) {
    this.size = size;
  }

  public List<RackSpec> getRacks() {
    return racks;
  }

  public void setRacks(List<RackSpec> racks) {
    this.racks = racks;
  }
}
