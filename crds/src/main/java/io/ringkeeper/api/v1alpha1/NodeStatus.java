package io.ringkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** One Cassandra node: its identity, tokens, and what its agent last reported. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NodeStatus {
  @JsonPropertyDescription("Node (and Pod and PVC) name, <cluster>-<dc>-<rack>-<n>.")
  private String name;

  @JsonPropertyDescription("Datacenter of the node.")
  private String datacenter;

  @JsonPropertyDescription("Rack of the node.")
  private String rack;

  @JsonPropertyDescription("IP address of the node's pod.")
  private String podIP;

  @JsonPropertyDescription("Cassandra host id of the node.")
  private String hostId;

  @JsonPropertyDescription("UN, UJ, UL, UM, DN or Unknown, as in nodetool status.")
  private NodeState state;

  @JsonPropertyDescription("True when the node is up, normal, serving CQL and seen up by its peers.")
  private Boolean ready;

  @JsonPropertyDescription(
      "The node's tokens, chosen by the operator before the node first started (Murmur3, signed 64-bit).")
  private List<Long> tokens = new ArrayList<>();

  @JsonPropertyDescription(
      "True when the node was created with the cluster and started with auto_bootstrap false; false when it"
          + " joined an existing ring by bootstrapping.")
  private Boolean initial;

  @JsonPropertyDescription(
      "Set when the node's record in status was lost (status cleared, or the resource re-created while its volumes"
          + " were retained) and the operator adopted the node again: Volume while its tokens come from the record"
          + " on its volume, Node once the node itself reported them. Absent for nodes the operator created.")
  private String adoptedFrom;

  @JsonPropertyDescription("Effective ownership of the node in its datacenter, 0..1, given the replication factor.")
  private Double ownership;

  @JsonPropertyDescription("Data held by the node in bytes, as Cassandra reports it.")
  private Long loadBytes;

  @JsonPropertyDescription("Cassandra release the node runs.")
  private String version;

  @JsonPropertyDescription(
      "When the node's agent last answered (RFC 3339), shown while it does not answer. Empty while it answers:"
          + " status is rewritten only when something changes, not on every poll.")
  private String lastSeen;

  @JsonPropertyDescription("Since when the node has been down (RFC 3339); empty while it is up.")
  private String downSince;

  @JsonPropertyDescription("Why the node is not ready, when it is not.")
  private String message;

  @JsonPropertyDescription(
      "With spec.tls: when the node's certificate (Secret <node>-tls) expires (RFC 3339); the operator renews the"
          + " ones it issues at two thirds of their lifetime.")
  private String certificateNotAfter;

  @JsonPropertyDescription(
      "While the node is not ready and its Cassandra container has exited before: how it last ended (reason, exit"
          + " code and the end of its output).")
  private ContainerTermination lastTermination;

  public String getAdoptedFrom() {
    return adoptedFrom;
  }

  public void setAdoptedFrom(String adoptedFrom) {
    this.adoptedFrom = adoptedFrom;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getDatacenter() {
    return datacenter;
  }

  public void setDatacenter(String datacenter) {
    this.datacenter = datacenter;
  }

  public String getRack() {
    return rack;
  }

  public void setRack(String rack) {
    this.rack = rack;
  }

  public String getPodIP() {
    return podIP;
  }

  public void setPodIP(String podIP) {
    this.podIP = podIP;
  }

  public String getHostId() {
    return hostId;
  }

  public void setHostId(String hostId) {
    this.hostId = hostId;
  }

  public NodeState getState() {
    return state;
  }

  public void setState(NodeState state) {
    this.state = state;
  }

  public Boolean getReady() {
    return ready;
  }

  public void setReady(Boolean ready) {
    this.ready = ready;
  }

  public List<Long> getTokens() {
    return tokens;
  }

  public void setTokens(List<Long> tokens) {
    this.tokens = tokens;
  }

  public Boolean getInitial() {
    return initial;
  }

  public void setInitial(Boolean initial) {
    this.initial = initial;
  }

  public Double getOwnership() {
    return ownership;
  }

  public void setOwnership(Double ownership) {
    this.ownership = ownership;
  }

  public Long getLoadBytes() {
    return loadBytes;
  }

  public void setLoadBytes(Long loadBytes) {
    this.loadBytes = loadBytes;
  }

  public String getVersion() {
    return version;
  }

  public void setVersion(String version) {
    this.version = version;
  }

  public String getLastSeen() {
    return lastSeen;
  }

  public void setLastSeen(String lastSeen) {
    this.lastSeen = lastSeen;
  }

  public String getDownSince() {
    return downSince;
  }

  public void setDownSince(String downSince) {
    this.downSince = downSince;
  }

  public String getCertificateNotAfter() {
    return certificateNotAfter;
  }

  public void setCertificateNotAfter(String certificateNotAfter) {
    this.certificateNotAfter = certificateNotAfter;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  public ContainerTermination getLastTermination() {
    return lastTermination;
  }

  public void setLastTermination(ContainerTermination lastTermination) {
    this.lastTermination = lastTermination;
  }
}
