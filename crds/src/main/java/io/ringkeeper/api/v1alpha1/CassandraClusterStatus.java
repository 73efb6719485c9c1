package io.ringkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What the operator observed and is doing. Written by the operator only. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CassandraClusterStatus {
  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription(
      "Creating, Ready, Scaling, Restarting, Replacing, Repairing, Degraded or Invalid. The conditions say why.")
  private ClusterPhase phase;

  @JsonPropertyDescription("Ready nodes over desired nodes, e.g. 3/3.")
  private String ready;

  @JsonPropertyDescription("Nodes that are up, normal and serving CQL.")
  private Integer readyNodes;

  @JsonPropertyDescription("Nodes the spec asks for, over all datacenters.")
  private Integer desiredNodes;

  @JsonPropertyDescription(
      "Ready, Progressing, Degraded and Valid, each with a reason and message, stamped with the generation"
          + " they describe.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("The Cassandra cluster_name the cluster was created with; changes are not applied.")
  private String clusterName;

  @JsonPropertyDescription("The token count per node the cluster was created with; changes are not applied.")
  private Integer numTokens;

  @JsonPropertyDescription(
      "True once the nodes created with the cluster formed its first ring; nodes added later bootstrap.")
  private Boolean ringFormed;

  @JsonPropertyDescription("Every node the operator manages, with its tokens and its last observed state.")
  private List<NodeStatus> nodes = new ArrayList<>();

  @JsonPropertyDescription("Balance of the token ring, per datacenter.")
  private RingStatus ring;

  @JsonPropertyDescription("Repair schedule and progress.")
  private RepairStatus repair;

  @JsonPropertyDescription(
      "The disruptive operation in progress (one at a time). Recorded before a step starts, so an operator"
          + " restart resumes it instead of repeating it.")
  private OperationStatus operation;

  @JsonPropertyDescription("Compaction throughput window and scheduled task state.")
  private MaintenanceStatus maintenance;

  @JsonPropertyDescription(
      "Datacenters added to the running cluster: each is rebuilt once (its nodes stream their data from the"
          + " source datacenter) after its keyspaces replicate to it.")
  private List<RebuildStatus> rebuilds;

  @JsonPropertyDescription("Roles and the replication of the keyspaces that hold them, as last set on the nodes.")
  private AccessStatus access;

  @JsonPropertyDescription("With spec.tls: where the node certificates come from and when the next one is renewed.")
  private TlsStatus tls;

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public ClusterPhase getPhase() {
    return phase;
  }

  public void setPhase(ClusterPhase phase) {
    this.phase = phase;
  }

  public String getReady() {
    return ready;
  }

  public void setReady(String ready) {
    this.ready = ready;
  }

  public Integer getReadyNodes() {
    return readyNodes;
  }

  public void setReadyNodes(Integer readyNodes) {
    this.readyNodes = readyNodes;
  }

  public Integer getDesiredNodes() {
    return desiredNodes;
  }

  public void setDesiredNodes(Integer desiredNodes) {
    this.desiredNodes = desiredNodes;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public String getClusterName() {
    return clusterName;
  }

  public void setClusterName(String clusterName) {
    this.clusterName = clusterName;
  }

  public Integer getNumTokens() {
    return numTokens;
  }

  public void setNumTokens(Integer numTokens) {
    this.numTokens = numTokens;
  }

  public Boolean getRingFormed() {
    return ringFormed;
  }

  public void setRingFormed(Boolean ringFormed) {
    this.ringFormed = ringFormed;
  }

  public List<NodeStatus> getNodes() {
    return nodes;
  }

  public void setNodes(List<NodeStatus> nodes) {
    this.nodes = nodes;
  }

  public RingStatus getRing() {
    return ring;
  }

  public void setRing(RingStatus ring) {
    this.ring = ring;
  }

  public RepairStatus getRepair() {
    return repair;
  }

  public void setRepair(RepairStatus repair) {
    this.repair = repair;
  }

  public OperationStatus getOperation() {
    return operation;
  }

  public void setOperation(OperationStatus operation) {
    this.operation = operation;
  }

  public MaintenanceStatus getMaintenance() {
    return maintenance;
  }

  public void setMaintenance(MaintenanceStatus maintenance) {
    this.maintenance = maintenance;
  }

  public List<RebuildStatus> getRebuilds() {
    return rebuilds;
  }

  public void setRebuilds(List<RebuildStatus> rebuilds) {
    this.rebuilds = rebuilds;
  }

  public TlsStatus getTls() {
    return tls;
  }

  public void setTls(TlsStatus tls) {
    this.tls = tls;
  }

  public AccessStatus getAccess() {
    return access;
  }

  public void setAccess(AccessStatus access) {
    this.access = access;
  }
}
