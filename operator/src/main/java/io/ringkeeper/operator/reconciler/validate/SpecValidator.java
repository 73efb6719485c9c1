package io.ringkeeper.operator.reconciler.validate;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.CassandraClusterSpec;
import io.ringkeeper.api.v1alpha1.CassandraClusterStatus;
import io.ringkeeper.api.v1alpha1.CompactionThroughputWindow;
import io.ringkeeper.api.v1alpha1.DatacenterSpec;
import io.ringkeeper.api.v1alpha1.MaintenanceTask;
import io.ringkeeper.api.v1alpha1.NodeStatus;
import io.ringkeeper.api.v1alpha1.Patterns;
import io.ringkeeper.api.v1alpha1.RackSpec;
import io.ringkeeper.api.v1alpha1.TlsSpec;
import io.ringkeeper.operator.config.OperatorConfig;
import io.ringkeeper.operator.domain.schedule.CronSchedule;
import io.ringkeeper.operator.domain.schedule.Durations;
import io.ringkeeper.operator.domain.tls.CertificateAuthority;
import io.ringkeeper.operator.domain.upgrade.UpgradePath;
import io.ringkeeper.operator.resources.CassandraYaml;
import io.ringkeeper.operator.resources.Labels;
import io.ringkeeper.operator.resources.SpecDefaults;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The checks the API server's schema cannot make: relations between fields, values that need parsing (cron
 * expressions, time zones, quantities), operator-owned settings, and changes to fields that are immutable once
 * the cluster exists (compared with what status recorded and with the existing claims). Every problem names its
 * field and the fix. The schema's own checks are not repeated, except where a wrong value would make the
 * operator build broken objects.
 */
public final class SpecValidator {
  /** Cassandra 4.1 introduced the cassandra.settings.* system properties every node is configured with. */
  static final int MIN_MAJOR = 4;
  static final int MIN_MINOR = 1;
  private static final Pattern DNS_1035 = Pattern.compile("^[a-z]([-a-z0-9]*[a-z0-9])?$");
  private static final Pattern VERSION = Pattern.compile("^([0-9]+)\\.([0-9]+)\\.([0-9]+)$");

  private SpecValidator() {}

  /**
   * @param cr the cluster, with the status the operator recorded so far
   * @param claims the cluster's existing PVCs by name
   * @return the problems, empty when the spec is valid
   */
  public static List<Problem> validate(CassandraCluster cr, Map<String, PersistentVolumeClaim> claims) {
    return validate(cr, claims, OperatorConfig.defaults().agentPort());
  }

  /**
   * @param cr the cluster, with the status the operator recorded so far
   * @param claims the cluster's existing PVCs by name
   * @param agentPort the port the node agents listen on (no sidecar may take it)
   * @return the problems, empty when the spec is valid
   */
  public static List<Problem> validate(CassandraCluster cr, Map<String, PersistentVolumeClaim> claims,
      int agentPort) {
    List<Problem> problems = new ArrayList<>();
    CassandraClusterSpec spec = cr.getSpec();
    name(cr.getMetadata().getName(), problems);
    if (spec == null) {
      problems.add(new Problem("spec", "is missing; give at least spec.datacenters"));
      return problems;
    }
    version(spec, problems);
    upgradePath(cr, problems);
    datacenters(cr, claims, problems);
    immutables(cr, problems);
    schedules(spec, problems);
    config(spec, problems);
    jvm(spec, problems);
    storage(spec, claims, problems);
    auth(spec, problems);
    tls(spec, problems);
    PodTemplateRules.check(spec.getPodTemplate(), agentPort, problems);
    RetainedVolumes.check(cr, claims, problems);
    return problems;
  }

  /**
   * spec.tls: not both caSecretRef and secretRef (the CRD's CEL rule, repeated for clusters stored before it), and a
   * certificateLifetime that parses and is at least 10m (a shorter one renews every few minutes).
   */
  private static void tls(CassandraClusterSpec spec, List<Problem> problems) {
    TlsSpec tls = spec.getTls();
    if (tls == null) {
      return;
    }
    if (tls.getCaSecretRef() != null && !tls.getCaSecretRef().isBlank() && tls.getSecretRef() != null
        && !tls.getSecretRef().isBlank()) {
      problems.add(new Problem("spec.tls", "caSecretRef and secretRef are both set: give a CA to issue node"
          + " certificates from (caSecretRef) or one certificate for every node (secretRef); remove one"));
    }
    String lifetime = tls.getCertificateLifetime();
    if (lifetime != null && !lifetime.isBlank()) {
      try {
        Duration d = Durations.parse(lifetime);
        if (d.compareTo(CertificateAuthority.MIN_LIFETIME) < 0) {
          problems.add(new Problem("spec.tls.certificateLifetime", "'" + lifetime + "' is under 10m: certificates"
              + " are renewed at two thirds of their lifetime; give at least 10m, e.g. 2160h (90 days)"));
        }
      } catch (IllegalArgumentException e) {
        problems.add(new Problem("spec.tls.certificateLifetime", e.getMessage()));
      }
    }
  }

  /**
   * spec.auth.roles: each has a name Cassandra and the agent accept and a Secret, and no name is listed twice (one
   * role cannot have two passwords).
   */
  private static void auth(CassandraClusterSpec spec, List<Problem> problems) {
    if (spec.getAuth() == null || spec.getAuth().getRoles() == null) {
      return;
    }
    java.util.Set<String> seen = new java.util.HashSet<>();
    List<io.ringkeeper.api.v1alpha1.RoleSpec> roles = spec.getAuth().getRoles();
    for (int i = 0; i < roles.size(); i++) {
      io.ringkeeper.api.v1alpha1.RoleSpec role = roles.get(i);
      String field = "spec.auth.roles[" + i + "]";
      if (role == null || role.getName() == null || role.getName().isBlank()) {
        problems.add(new Problem(field + ".name", "is missing; give the role's name, e.g. orders_app"));
        continue;
      }
      if (!io.ringkeeper.operator.reconciler.observe.AccessFacts.ROLE.matcher(role.getName()).matches()) {
        problems.add(new Problem(field + ".name", "'" + role.getName() + "' is not a role name: letters, digits,"
            + " _ . @ - (starting with a letter, digit or _), at most 128"));
      } else if (!seen.add(role.getName())) {
        problems.add(new Problem(field + ".name", "role '" + role.getName() + "' is listed twice; give each role"
            + " one entry"));
      }
      if (role.getSecretRef() == null || role.getSecretRef().isBlank()) {
        problems.add(new Problem(field + ".secretRef", "is missing; name a Secret with key password"));
      }
    }
  }

  private static void name(String name, List<Problem> problems) {
    if (name.length() > Patterns.MAX_CLUSTER_NAME) {
      problems.add(new Problem("metadata.name", "'" + name + "' has " + name.length() + " characters; node names"
          + " <name>-<dc>-<rack>-<n> must fit a 63-character DNS label, so use at most " + Patterns.MAX_CLUSTER_NAME
          + " (spec.clusterName can still be longer-lived: it is Cassandra's cluster_name)"));
    }
    if (!DNS_1035.matcher(name).matches()) {
      problems.add(new Problem("metadata.name", "'" + name + "' must start with a lower-case letter (it prefixes"
          + " Service names, which are DNS-1035 labels); rename the cluster, e.g. c" + name));
    }
  }

  private static void version(CassandraClusterSpec spec, List<Problem> problems) {
    String version = spec.getCassandraVersion();
    Matcher m = version == null ? null : VERSION.matcher(version);
    if (m == null || !m.matches()) {
      problems.add(new Problem("spec.cassandraVersion", "'" + version + "' is not a release version; write e.g."
          + " 5.0.9"));
      return;
    }
    int major = Integer.parseInt(m.group(1));
    int minor = Integer.parseInt(m.group(2));
    if (major < MIN_MAJOR || (major == MIN_MAJOR && minor < MIN_MINOR)) {
      problems.add(new Problem("spec.cassandraVersion", version + " is not supported: Ringkeeper configures nodes"
          + " through cassandra.settings.* properties, which Cassandra reads since 4.1; use 4.1.0 or later"));
    }
  }

  /**
   * The version change a spec asks for must be an upgrade path the operator carries out ({@link UpgradePath}). The
   * "from" versions are those the nodes' agents report (status.nodes[].version): what actually runs, which a spec
   * edited twice before a reconcile, or an image whose tag differs from spec.cassandraVersion, would misstate. The
   * target is spec.image's tag when it is a release version (the image is what the nodes run), else
   * spec.cassandraVersion. A new cluster, or nodes that report no version yet, have nothing to check.
   */
  private static void upgradePath(CassandraCluster cr, List<Problem> problems) {
    CassandraClusterSpec spec = cr.getSpec();
    if (cr.getStatus() == null || cr.getStatus().getNodes() == null || cr.getStatus().getNodes().isEmpty()) {
      return;
    }
    String field = "spec.cassandraVersion";
    String target = spec.getCassandraVersion();
    String tag = releaseTag(spec.getImage());
    if (tag != null) {
      field = "spec.image";
      target = tag;
    } else if (target == null || !VERSION.matcher(target).matches()) {
      return; // version() reports it
    }
    List<String> running = cr.getStatus().getNodes().stream().map(NodeStatus::getVersion).toList();
    UpgradePath.Decision decision = UpgradePath.checkCluster(running, target, field);
    if (!decision.allowed()) {
      problems.add(new Problem(decision.field(), decision.reason()));
    }
  }

  private static final Pattern IMAGE_RELEASE_TAG = Pattern.compile("^([0-9]+\\.[0-9]+\\.[0-9]+)(?:[-_.+].*)?$");

  /** The release version an image's tag starts with ({@code cassandra:5.0.8}, {@code r/c:5.0.8-jammy}), or null. */
  static String releaseTag(String image) {
    if (image == null || image.isBlank() || image.contains("@")) {
      return null;
    }
    int colon = image.lastIndexOf(':');
    if (colon < 0 || colon < image.lastIndexOf('/')) {
      return null;
    }
    Matcher m = IMAGE_RELEASE_TAG.matcher(image.substring(colon + 1));
    return m.matches() ? m.group(1) : null;
  }

  private static void datacenters(CassandraCluster cr, Map<String, PersistentVolumeClaim> claims,
      List<Problem> problems) {
    List<DatacenterSpec> dcs = cr.getSpec().getDatacenters();
    if (dcs == null || dcs.isEmpty()) {
      problems.add(new Problem("spec.datacenters", "is empty; list at least one datacenter with a name and a size"));
      return;
    }
    Set<String> names = new HashSet<>();
    Map<String, String> nodeNamePrefixes = new HashMap<>();
    for (int i = 0; i < dcs.size(); i++) {
      DatacenterSpec dc = dcs.get(i);
      String field = "spec.datacenters[" + i + "]";
      if (dc.getName() == null || dc.getName().isBlank()) {
        problems.add(new Problem(field + ".name", "is missing; give the datacenter a name, e.g. dc1"));
        continue;
      }
      if (!names.add(dc.getName())) {
        problems.add(new Problem(field + ".name", "datacenter '" + dc.getName() + "' is listed twice; datacenter"
            + " names must be unique, rename or merge one"));
      }
      int size = SpecDefaults.size(dc);
      int rf = SpecDefaults.replicationFactor(dc);
      if (size < 1) {
        problems.add(new Problem(field + ".size", "is " + size + "; a datacenter needs at least one node"));
      }
      long existing = claims.values().stream().filter(c -> c.getMetadata().getLabels() != null
          && dc.getName().equals(c.getMetadata().getLabels().get(Labels.DATACENTER))).count();
      if (rf > size && size >= 1 && existing > size) {
        problems.add(new Problem(field + ".size", size + " would take datacenter '" + dc.getName() + "' below its"
            + " replicationFactor " + rf + ": a datacenter never shrinks below its replication factor (each replica"
            + " needs its own node); set size to at least " + rf + ", or first lower the keyspaces' replication"
            + " and then replicationFactor"));
      } else if (rf > size) {
        problems.add(new Problem(field + ".replicationFactor", rf + " exceeds the datacenter's " + size
            + " nodes: every replica needs its own node; lower replicationFactor to at most " + size
            + " or raise size to at least " + rf));
      }
      List<RackSpec> racks = SpecDefaults.racks(dc);
      Set<String> rackNames = new HashSet<>();
      int zoned = 0;
      for (int j = 0; j < racks.size(); j++) {
        RackSpec rack = racks.get(j);
        String rackField = field + ".racks[" + j + "]";
        if (rack.getName() == null || rack.getName().isBlank()) {
          problems.add(new Problem(rackField + ".name", "is missing; give the rack a name, e.g. r" + (j + 1)));
          continue;
        }
        if (!rackNames.add(rack.getName())) {
          problems.add(new Problem(rackField + ".name", "rack '" + rack.getName() + "' is listed twice in datacenter"
              + " '" + dc.getName() + "'; rack names must be unique within a datacenter"));
        }
        if (rack.getZone() != null) {
          zoned++;
        }
        String prefix = cr.getMetadata().getName() + "-" + dc.getName() + "-" + rack.getName() + "-";
        String other = nodeNamePrefixes.putIfAbsent(prefix, dc.getName() + "/" + rack.getName());
        if (other != null && !other.equals(dc.getName() + "/" + rack.getName())) {
          problems.add(new Problem(rackField + ".name", "nodes of datacenter '" + dc.getName() + "' rack '"
              + rack.getName() + "' would get the same names (" + prefix + "<n>) as those of " + other
              + "; rename the rack or the datacenter"));
        }
      }
      if (zoned > 0 && zoned < racks.size()) {
        problems.add(new Problem(field + ".racks", zoned + " of " + racks.size() + " racks of datacenter '"
            + dc.getName() + "' set a zone; set a zone on every rack of the datacenter or on none, or the racks"
            + " without one may land in a zone that already holds a replica"));
      }
      if (size >= 1 && size < racks.size()) {
        problems.add(new Problem(field + ".size", size + " nodes cannot fill the datacenter's " + racks.size()
            + " racks; every rack needs at least one node: raise size to " + racks.size() + " or remove racks"));
      }
    }
  }

  private static void immutables(CassandraCluster cr, List<Problem> problems) {
    CassandraClusterStatus status = cr.getStatus();
    if (status == null) {
      return;
    }
    if (status.getClusterName() != null && !status.getClusterName().equals(SpecDefaults.clusterName(cr))) {
      problems.add(new Problem("spec.clusterName", "is immutable: the cluster was created as '"
          + status.getClusterName() + "' and Cassandra refuses a node whose cluster_name differs from the one on"
          + " disk; set it back to '" + status.getClusterName() + "'"));
    }
    if (status.getNumTokens() != null && status.getNumTokens() != SpecDefaults.numTokens(cr)) {
      problems.add(new Problem("spec.tokens.numTokens", "is immutable: the cluster's nodes hold "
          + status.getNumTokens() + " tokens each and Cassandra cannot change that; set it back to "
          + status.getNumTokens()));
    }
    Map<String, Set<String>> recordedRacks = new java.util.TreeMap<>();
    for (NodeStatus node : status.getNodes()) {
      recordedRacks.computeIfAbsent(node.getDatacenter(), d -> new TreeSet<>()).add(node.getRack());
    }
    List<DatacenterSpec> dcs = cr.getSpec().getDatacenters() == null ? List.of() : cr.getSpec().getDatacenters();
    for (Map.Entry<String, Set<String>> recorded : recordedRacks.entrySet()) {
      Optional<DatacenterSpec> dc = dcs.stream().filter(d -> recorded.getKey().equals(d.getName())).findFirst();
      if (dc.isEmpty()) {
        problems.add(new Problem("spec.datacenters", "datacenter '" + recorded.getKey() + "' has nodes but is no"
            + " longer listed; datacenter names are immutable and removing a datacenter is not supported: list"
            + " '" + recorded.getKey() + "' again"));
        continue;
      }
      Set<String> specRacks = new LinkedHashSet<>();
      SpecDefaults.racks(dc.get()).forEach(r -> specRacks.add(r.getName()));
      for (String rack : recorded.getValue()) {
        if (!specRacks.contains(rack)) {
          problems.add(new Problem("spec.datacenters[" + dcs.indexOf(dc.get()) + "].racks", "rack '" + rack
              + "' has nodes but is no longer listed; racks with nodes cannot be renamed or removed: list '"
              + rack + "' again"));
        }
      }
    }
  }

  private static void schedules(CassandraClusterSpec spec, List<Problem> problems) {
    if (spec.getRepair() != null) {
      String schedule = spec.getRepair().getSchedule();
      // Empty means no scheduled runs (documented on the field); anything else must be a valid cron.
      cron("spec.repair.schedule", schedule == null || schedule.isEmpty() ? null : schedule, problems);
      String zone = spec.getRepair().getTimeZone();
      if (zone != null) {
        try {
          ZoneId.of(zone);
        } catch (DateTimeException e) {
          problems.add(new Problem("spec.repair.timeZone", "'" + zone + "' is not a time zone; use an IANA name"
              + " such as UTC or Europe/Paris"));
        }
      }
      duration("spec.repair.segmentTimeout", spec.getRepair().getSegmentTimeout(), problems);
    }
    if (spec.getMaintenance() == null) {
      return;
    }
    List<CompactionThroughputWindow> windows = spec.getMaintenance().getCompactionThroughput();
    for (int i = 0; windows != null && i < windows.size(); i++) {
      cron("spec.maintenance.compactionThroughput[" + i + "].schedule", windows.get(i).getSchedule(), problems);
      duration("spec.maintenance.compactionThroughput[" + i + "].duration", windows.get(i).getDuration(), problems);
      windowFitsItsSchedule("spec.maintenance.compactionThroughput[" + i + "]", windows.get(i), problems);
    }
    List<MaintenanceTask> tasks = spec.getMaintenance().getTasks();
    Set<String> taskNames = new HashSet<>();
    for (int i = 0; tasks != null && i < tasks.size(); i++) {
      MaintenanceTask task = tasks.get(i);
      String field = "spec.maintenance.tasks[" + i + "]";
      if (task.getName() != null && !taskNames.add(task.getName())) {
        problems.add(new Problem(field + ".name", "task '" + task.getName() + "' is listed twice; task names must"
            + " be unique, status reports progress under them"));
      }
      cron(field + ".schedule", task.getSchedule(), problems);
      int keyspaces = task.getKeyspaces() == null ? 0 : task.getKeyspaces().size();
      if (task.getTables() != null && !task.getTables().isEmpty() && keyspaces != 1) {
        problems.add(new Problem(field + ".tables", "names tables but " + keyspaces + " keyspaces are given;"
            + " tables belong to exactly one keyspace: list one keyspace or remove tables"));
      }
    }
  }

  /** A window as long as the gap between two of its starts would never end (its throughput never restored). */
  private static void windowFitsItsSchedule(String field, CompactionThroughputWindow window, List<Problem> problems) {
    Duration length;
    CronSchedule cron;
    try {
      cron = CronSchedule.parse(window.getSchedule());
      length = Durations.parse(window.getDuration());
    } catch (IllegalArgumentException | NullPointerException e) {
      return; // reported by the field checks
    }
    java.time.ZonedDateTime t = java.time.ZonedDateTime.of(2001, 1, 1, 0, 0, 0, 0, ZoneId.of("UTC"));
    Optional<java.time.ZonedDateTime> previous = cron.next(t);
    Duration shortest = null;
    for (int i = 0; i < 64 && previous.isPresent(); i++) {
      Optional<java.time.ZonedDateTime> next = cron.next(previous.get());
      if (next.isEmpty()) {
        break;
      }
      Duration gap = Duration.between(previous.get(), next.get());
      shortest = shortest == null || gap.compareTo(shortest) < 0 ? gap : shortest;
      previous = next;
    }
    if (shortest != null && length.compareTo(shortest) >= 0) {
      problems.add(new Problem(field + ".duration", "is " + window.getDuration() + " but schedule '"
          + window.getSchedule() + "' starts the window again after " + Durations.format(shortest)
          + ", so it would never end and the throughput never be restored; make the duration shorter than "
          + Durations.format(shortest)));
    }
  }

  private static void cron(String field, String expression, List<Problem> problems) {
    if (expression == null) {
      return;
    }
    try {
      CronSchedule.parse(expression);
    } catch (IllegalArgumentException e) {
      problems.add(new Problem(field, e.getMessage()));
    }
  }

  private static void duration(String field, String text, List<Problem> problems) {
    if (text == null) {
      return;
    }
    try {
      Duration d = Durations.parse(text);
      if (d.isZero()) {
        problems.add(new Problem(field, "is zero; give a positive duration, e.g. 30m"));
      }
    } catch (IllegalArgumentException | ArithmeticException e) {
      problems.add(new Problem(field, e.getMessage() == null ? "is not a duration; write e.g. 30m" : e.getMessage()));
    }
  }

  private static void config(CassandraClusterSpec spec, List<Problem> problems) {
    JsonNode yaml = spec.getConfig() == null ? null : spec.getConfig().getCassandraYaml();
    if (yaml == null || yaml.isNull()) {
      return;
    }
    if (!yaml.isObject()) {
      problems.add(new Problem("spec.config.cassandraYaml", "must be a map of cassandra.yaml keys to values, e.g."
          + " {concurrent_reads: 64}"));
      return;
    }
    Iterator<String> keys = yaml.fieldNames();
    while (keys.hasNext()) {
      String key = keys.next();
      if (CassandraYaml.OPERATOR_OWNED_KEYS.contains(key)) {
        problems.add(new Problem("spec.config.cassandraYaml." + key, "is set by the operator (" + ownedBy(key)
            + "); remove it from spec.config.cassandraYaml"));
      } else if (TLS_OWNED_KEYS.contains(key) && SpecDefaults.tlsEnabled(spec)) {
        problems.add(new Problem("spec.config.cassandraYaml." + key, "is set by the operator while TLS is on"
            + " (spec.tls: the certificates and encryption of every node); remove it from spec.config.cassandraYaml,"
            + " or set spec.tls.enabled: false to configure encryption yourself"));
      }
    }
  }

  /** cassandra.yaml keys the operator writes when TLS is on; left to the user with spec.tls.enabled false. */
  static final java.util.Set<String> TLS_OWNED_KEYS = java.util.Set.of("server_encryption_options",
      "client_encryption_options");

  private static String ownedBy(String key) {
    return switch (key) {
      case "cluster_name" -> "from spec.clusterName";
      case "num_tokens", "initial_token", "allocate_tokens_for_keyspace",
          "allocate_tokens_for_local_replication_factor" -> "tokens are chosen by the operator, see spec.tokens";
      case "data_file_directories", "commitlog_directory", "saved_caches_directory", "hints_directory",
          "cdc_raw_directory", "local_system_data_file_directory" -> "data lives on the node's volume";
      case "seed_provider" -> "seeds are chosen by the operator";
      case "auto_bootstrap" -> "the operator decides how each node joins";
      default -> "nodes, Services and probes depend on it";
    };
  }

  private static void jvm(CassandraClusterSpec spec, List<Problem> problems) {
    problems.addAll(JvmOptionRules.check(spec.getJvm() == null ? null : spec.getJvm().getExtraOptions()));
    Optional<Long> limit = SpecDefaults.memoryLimitBytes(spec.getResources());
    Optional<Long> request = SpecDefaults.memoryRequestBytes(spec.getResources());
    if (limit.isPresent() && request.isPresent() && request.get() > limit.get()) {
      problems.add(new Problem("spec.resources.requests.memory", "exceeds spec.resources.limits.memory; a"
          + " container cannot request more than its limit, lower the request or raise the limit"));
    }
    if (spec.getJvm() != null && spec.getJvm().getHeapSize() != null) {
      long heap;
      try {
        heap = SpecDefaults.bytes(new Quantity(spec.getJvm().getHeapSize()));
      } catch (RuntimeException e) {
        problems.add(new Problem("spec.jvm.heapSize", "'" + spec.getJvm().getHeapSize() + "' is not a quantity;"
            + " write e.g. 4Gi"));
        return;
      }
      if (limit.isPresent() && heap >= limit.get()) {
        problems.add(new Problem("spec.jvm.heapSize", spec.getJvm().getHeapSize() + " is not below the memory"
            + " limit " + spec.getResources().getLimits().get("memory") + "; Cassandra also needs off-heap memory"
            + " (memtables, bloom filters, page cache): keep the heap at about half the limit"));
      }
    }
  }

  private static void storage(CassandraClusterSpec spec, Map<String, PersistentVolumeClaim> claims,
      List<Problem> problems) {
    if (spec.getStorage() == null || claims.isEmpty()) {
      return;
    }
    long wanted;
    try {
      wanted = SpecDefaults.bytes(new Quantity(spec.getStorage().getSize()));
    } catch (RuntimeException e) {
      problems.add(new Problem("spec.storage.size", "'" + spec.getStorage().getSize() + "' is not a quantity;"
          + " write e.g. 50Gi"));
      return;
    }
    for (PersistentVolumeClaim claim : claims.values()) {
      Quantity requested = claim.getSpec() == null || claim.getSpec().getResources() == null
          || claim.getSpec().getResources().getRequests() == null
          ? null : claim.getSpec().getResources().getRequests().get("storage");
      if (requested != null && SpecDefaults.bytes(requested) > wanted) {
        problems.add(new Problem("spec.storage.size", spec.getStorage().getSize() + " is smaller than the "
            + requested + " of existing claim " + claim.getMetadata().getName() + "; volumes never shrink, set"
            + " it to at least " + requested));
        break;
      }
    }
    String storageClass = spec.getStorage().getStorageClassName();
    for (PersistentVolumeClaim claim : claims.values()) {
      String existing = claim.getSpec() == null ? null : claim.getSpec().getStorageClassName();
      if (storageClass != null && existing != null && !storageClass.equals(existing)) {
        problems.add(new Problem("spec.storage.storageClassName", "is '" + storageClass + "' but the nodes' claims"
            + " use '" + existing + "', and a claim's class cannot change; set it back to '" + existing + "'"));
        break;
      }
    }
  }
}
