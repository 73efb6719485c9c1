package io.ringkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Additions to the pods the operator builds. What the operator owns (the Cassandra container's name, command,
 * ports and probes, the agent's init container, the data, config and agent volumes and their mounts, the labels
 * and env vars it sets) cannot be changed here: such a template is refused with the field, and nothing changes.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class PodTemplate {
  @JsonPropertyDescription(
      "Extra labels of every node pod. Keys with the ringkeeper.io/ prefix and the app.kubernetes.io/ labels the"
          + " operator sets are refused.")
  private Map<String, String> labels = new LinkedHashMap<>();

  @JsonPropertyDescription("Extra annotations of every node pod. Keys with the ringkeeper.io/ prefix are refused.")
  private Map<String, String> annotations = new LinkedHashMap<>();

  @JsonPropertyDescription("PriorityClass of the node pods.")
  private String priorityClassName;

  @JsonPropertyDescription(
      "ServiceAccount the node pods run as (its token is still not mounted into the Cassandra container).")
  private String serviceAccountName;

  @JsonPropertyDescription(
      "Pod-level security context; each field set here wins. Left out: runAsNonRoot true, runAsUser, runAsGroup"
          + " and fsGroup 999 (the cassandra user of the official image), seccompProfile RuntimeDefault. It applies"
          + " to the operator's containers too, so runAsUser 0, runAsNonRoot false and Unconfined seccomp or"
          + " AppArmor profiles are refused. The Cassandra container must still be able to write its data volume.")
  private PodSecurityContext securityContext;

  @JsonPropertyDescription(
      "Extra environment variables of the Cassandra container. Names the operator sets (POD_IP, MAX_HEAP_SIZE,"
          + " HEAP_NEWSIZE, JVM_EXTRA_OPTS) are refused: use spec.jvm for JVM settings.")
  private List<EnvVar> env = new ArrayList<>();

  @JsonPropertyDescription(
      "Extra volumes of the node pods. The names data, config, agent, agent-token and tls are the operator's.")
  @Size(max = 64)
  @ValidationRule(
      value = "self.all(v, !has(v.name) || !(v.name in ['data', 'config', 'agent', 'agent-token', 'tls']))",
      reason = "FieldValueInvalid",
      message = "the volumes data, config, agent, agent-token and tls are the operator's; give the volume another"
          + " name")
  private List<Volume> volumes = new ArrayList<>();

  @JsonPropertyDescription(
      "Extra mounts of the Cassandra container, of volumes listed in volumes. Paths at or under the operator's"
          + " mounts (the data directory, the config and agent directories) are refused.")
  private List<VolumeMount> volumeMounts = new ArrayList<>();

  @JsonPropertyDescription(
      "Sidecar containers, run beside the Cassandra container. The name cassandra is the operator's.")
  @Size(max = 16)
  @ValidationRule(
      value = "self.all(c, !has(c.name) || (c.name != 'cassandra' && c.name != 'agent'))",
      reason = "FieldValueInvalid",
      message = "the containers cassandra and agent are the operator's; give the sidecar another name")
  private List<Container> containers = new ArrayList<>();

  @JsonPropertyDescription(
      "Init containers, run after the operator's agent init container and before Cassandra starts.")
  @Size(max = 16)
  @ValidationRule(
      value = "self.all(c, !has(c.name) || (c.name != 'cassandra' && c.name != 'agent'))",
      reason = "FieldValueInvalid",
      message = "the containers cassandra and agent are the operator's; give the init container another name")
  private List<Container> initContainers = new ArrayList<>();

  @JsonPropertyDescription("Topology spread constraints of the node pods, beside the rack zones and anti-affinity.")
  private List<TopologySpreadConstraint> topologySpreadConstraints = new ArrayList<>();

  public Map<String, String> getLabels() {
    return labels;
  }

  public void setLabels(Map<String, String> labels) {
    this.labels = labels;
  }

  public Map<String, String> getAnnotations() {
    return annotations;
  }

  public void setAnnotations(Map<String, String> annotations) {
    this.annotations = annotations;
  }

  public String getPriorityClassName() {
    return priorityClassName;
  }

  public void setPriorityClassName(String priorityClassName) {
    this.priorityClassName = priorityClassName;
  }

  public String getServiceAccountName() {
    return serviceAccountName;
  }

  public void setServiceAccountName(String serviceAccountName) {
    this.serviceAccountName = serviceAccountName;
  }

  public PodSecurityContext getSecurityContext() {
    return securityContext;
  }

  public void setSecurityContext(PodSecurityContext securityContext) {
    this.securityContext = securityContext;
  }

  public List<EnvVar> getEnv() {
    return env;
  }

  public void setEnv(List<EnvVar> env) {
    this.env = env;
  }

  public List<Volume> getVolumes() {
    return volumes;
  }

  public void setVolumes(List<Volume> volumes) {
    this.volumes = volumes;
  }

  public List<VolumeMount> getVolumeMounts() {
    return volumeMounts;
  }

  public void setVolumeMounts(List<VolumeMount> volumeMounts) {
    this.volumeMounts = volumeMounts;
  }

  public List<Container> getContainers() {
    return containers;
  }

  public void setContainers(List<Container> containers) {
    this.containers = containers;
  }

  public List<Container> getInitContainers() {
    return initContainers;
  }

  public void setInitContainers(List<Container> initContainers) {
    this.initContainers = initContainers;
  }

  public List<TopologySpreadConstraint> getTopologySpreadConstraints() {
    return topologySpreadConstraints;
  }

  public void setTopologySpreadConstraints(List<TopologySpreadConstraint> topologySpreadConstraints) {
    this.topologySpreadConstraints = topologySpreadConstraints;
  }
}
