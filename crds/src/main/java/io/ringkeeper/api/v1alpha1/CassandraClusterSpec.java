package io.ringkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.ArrayList;
import java.util.List;

/** What the user asks for: the Cassandra version, the datacenters and how nodes run and are maintained. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CassandraClusterSpec {
  public static final String DEFAULT_VERSION = "5.0.9";

  @JsonPropertyDescription(
      "Cassandra release every node runs, e.g. 5.0.9. The image defaults to cassandra:<cassandraVersion>."
          + " Changing it restarts the nodes one at a time.")
  @Pattern(Patterns.VERSION)
  @Default(DEFAULT_VERSION)
  private String cassandraVersion = DEFAULT_VERSION;

  @JsonPropertyDescription(
      "Container image of the Cassandra nodes; overrides the default cassandra:<cassandraVersion>. It must run"
          + " the release named by cassandraVersion.")
  @Size(min = 1, max = 512)
  private String image;

  @JsonPropertyDescription("Pull policy of the Cassandra image: Always, IfNotPresent or Never.")
  @Default("IfNotPresent")
  private ImagePullPolicy imagePullPolicy = ImagePullPolicy.IfNotPresent;

  @JsonPropertyDescription("Secrets used to pull the Cassandra image from a private registry.")
  private List<LocalObjectReference> imagePullSecrets = new ArrayList<>();

  @JsonPropertyDescription(
      "Cassandra cluster_name. Defaults to metadata.name. Immutable: Cassandra refuses to start a node whose"
          + " cluster_name differs from the one stored on disk, so a change is reported and not applied.")
  @Pattern(Patterns.DNS_LABEL)
  @Size(max = Patterns.MAX_CLUSTER_NAME)
  private String clusterName;

  @JsonPropertyDescription("Token settings. Immutable after creation.")
  @Default("{}")
  private TokensSpec tokens = new TokensSpec();

  @JsonPropertyDescription(
      "The datacenters of the cluster. A datacenter's name is immutable; at least one datacenter is required.")
  @Required
  @Size(min = 1, max = 16)
  @ValidationRule(
      value = "self.all(d, self.exists_one(e, e.name == d.name))",
      reason = "FieldValueInvalid",
      message = "datacenter names must be unique: rename or merge the datacenters listed twice")
  @ValidationRule(
      value = "oldSelf.all(o, self.exists(d, d.name == o.name))",
      reason = "FieldValueInvalid",
      message = "datacenter names are immutable and a datacenter cannot be removed: list every datacenter of the"
          + " cluster again under its name (new datacenters may be added)")
  private List<DatacenterSpec> datacenters = new ArrayList<>();

  @JsonPropertyDescription("Persistent storage of every node: one PersistentVolumeClaim per node.")
  @Default("{}")
  private StorageSpec storage = new StorageSpec();

  @JsonPropertyDescription(
      "CPU and memory requests and limits of every Cassandra container. Changing them restarts the nodes one at"
          + " a time.")
  private ResourceRequirements resources;

  @JsonPropertyDescription("JVM settings of every node.")
  @Default("{}")
  private JvmSpec jvm = new JvmSpec();

  @JsonPropertyDescription("Overrides of Cassandra's own configuration.")
  @Default("{}")
  private ConfigSpec config = new ConfigSpec();

  @JsonPropertyDescription("How nodes are placed on Kubernetes nodes.")
  @Default("{}")
  private PlacementSpec placement = new PlacementSpec();

  @JsonPropertyDescription("Authentication: where the superuser's credentials live.")
  @Default("{}")
  private AuthSpec auth = new AuthSpec();

  @JsonPropertyDescription(
      "TLS between nodes, for CQL clients and for the node agents: certificates from a per-cluster CA the operator"
          + " runs, or from your Secrets.")
  @Default("{}")
  private TlsSpec tls = new TlsSpec();

  @JsonPropertyDescription("Anti-entropy repair run by the operator itself, on a schedule or on demand.")
  @Default("{}")
  private RepairSpec repair = new RepairSpec();

  @JsonPropertyDescription("Compaction throughput windows and scheduled node tasks.")
  @Default("{}")
  private MaintenanceSpec maintenance = new MaintenanceSpec();

  @JsonPropertyDescription(
      "Additions to every node pod: labels, annotations, priority class, service account, security context, env,"
          + " volumes and mounts, sidecars, init containers, topology spread. Fields the operator owns are refused."
          + " Changing it restarts the nodes one at a time.")
  private PodTemplate podTemplate;

  @JsonPropertyDescription(
      "Hibernation: true drains and stops every node one at a time, keeping their volumes and tokens (phase Stopped);"
          + " false starts the same nodes again one at a time. Waits for a running operation to end first.")
  private Boolean stopped;

  public Boolean getStopped() {
    return stopped;
  }

  public void setStopped(Boolean stopped) {
    this.stopped = stopped;
  }

  public String getCassandraVersion() {
    return cassandraVersion;
  }

  public void setCassandraVersion(String cassandraVersion) {
    this.cassandraVersion = cassandraVersion;
  }

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public ImagePullPolicy getImagePullPolicy() {
    return imagePullPolicy;
  }

  public void setImagePullPolicy(ImagePullPolicy imagePullPolicy) {
    this.imagePullPolicy = imagePullPolicy;
  }

  public List<LocalObjectReference> getImagePullSecrets() {
    return imagePullSecrets;
  }

  public void setImagePullSecrets(List<LocalObjectReference> imagePullSecrets) {
    this.imagePullSecrets = imagePullSecrets;
  }

  public String getClusterName() {
    return clusterName;
  }

  public void setClusterName(String clusterName) {
    this.clusterName = clusterName;
  }

  public TokensSpec getTokens() {
    return tokens;
  }

  public void setTokens(TokensSpec tokens) {
    this.tokens = tokens;
  }

  public List<DatacenterSpec> getDatacenters() {
    return datacenters;
  }

  public void setDatacenters(List<DatacenterSpec> datacenters) {
    this.datacenters = datacenters;
  }

  public StorageSpec getStorage() {
    return storage;
  }

  public void setStorage(StorageSpec storage) {
    this.storage = storage;
  }

  public ResourceRequirements getResources() {
    return resources;
  }

  public void setResources(ResourceRequirements resources) {
    this.resources = resources;
  }

  public JvmSpec getJvm() {
    return jvm;
  }

  public void setJvm(JvmSpec jvm) {
    this.jvm = jvm;
  }

  public ConfigSpec getConfig() {
    return config;
  }

  public void setConfig(ConfigSpec config) {
    this.config = config;
  }

  public PlacementSpec getPlacement() {
    return placement;
  }

  public void setPlacement(PlacementSpec placement) {
    this.placement = placement;
  }

  public AuthSpec getAuth() {
    return auth;
  }

  public void setAuth(AuthSpec auth) {
    this.auth = auth;
  }

  public TlsSpec getTls() {
    return tls;
  }

  public void setTls(TlsSpec tls) {
    this.tls = tls;
  }

  public RepairSpec getRepair() {
    return repair;
  }

  public void setRepair(RepairSpec repair) {
    this.repair = repair;
  }

  public MaintenanceSpec getMaintenance() {
    return maintenance;
  }

  public void setMaintenance(MaintenanceSpec maintenance) {
    this.maintenance = maintenance;
  }

  public PodTemplate getPodTemplate() {
    return podTemplate;
  }

  public void setPodTemplate(PodTemplate podTemplate) {
    this.podTemplate = podTemplate;
  }
}
