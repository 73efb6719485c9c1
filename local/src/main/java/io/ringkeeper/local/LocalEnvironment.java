package io.ringkeeper.local;

import com.sun.management.OperatingSystemMXBean;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.FieldValidateable.Validation;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.ClusterPhase;
import io.ringkeeper.local.cassandra.CassandraDistribution;
import io.ringkeeper.local.cassandra.CassandraVersions;
import io.ringkeeper.local.cassandra.CassandraLauncher;
import io.ringkeeper.local.kube.ApiState;
import io.ringkeeper.local.kube.EmbeddedKube;
import io.ringkeeper.local.kubelet.AddressPool;
import io.ringkeeper.local.kubelet.LocalScheduler;
import io.ringkeeper.local.kubelet.PodTranslator;
import io.ringkeeper.local.kubelet.ProcessKubelet;
import io.ringkeeper.operator.RingkeeperOperator;
import io.ringkeeper.operator.config.OperatorConfig;
import io.ringkeeper.operator.domain.tokens.ReplicationAwareTokenAllocator;
import io.ringkeeper.operator.node.HttpNodeClient;
import io.ringkeeper.operator.server.HealthServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local mode in one object: the embedded Kubernetes API ({@link EmbeddedKube}), the process kubelet
 * ({@link ProcessKubelet}) that runs every Cassandra pod as a real Cassandra JVM on a loopback address, and the
 * operator itself ({@link RingkeeperOperator}, unchanged) running in this JVM against that API. This is what
 * {@code ./ringkeeper local up} runs, and what the real-node end-to-end tests use:
 *
 * <pre>{@code
 * try (LocalEnvironment env = LocalEnvironment.builder(workDir).addressBase("127.20.0.0").start()) {
 *   CassandraCluster cr = env.apply(Path.of("examples/minimal.yaml"));         // create or update
 *   env.awaitReady("default", "demo", Duration.ofMinutes(3));                  // phase Ready, all nodes ready
 *   env.kubelet().kill("default", "demo-dc1-r1-0");                            // a node crashes
 *   env.await("default", "demo", c -> phaseIs(c, ClusterPhase.Degraded), Duration.ofSeconds(60), "Degraded");
 *   env.restartOperator();                                                     // new operator, same cluster
 * }
 * }</pre>
 *
 * <ul>
 *   <li>Work directory: {@code volumes/<ns>/<claim>} (the PVCs: Cassandra's data, kept across pods and runs),
 *       {@code api-state.json} with {@link Builder#keepApiState} (the API's objects, see {@link ApiState}),
 *       {@code pods/<ns>/<pod>} (config copies, {@code logs/system.log}), {@code kubeconfig},
 *       {@code addresses.properties} (pod addresses, stable across runs).
 *   <li>Addresses: pods get {@code base+1, base+2, ...} (default base {@value #DEFAULT_ADDRESS_BASE}); give every
 *       environment that may run at the same time its own base. The API listens on 127.0.0.1.
 *   <li>Needs Cassandra's jars and the agent jar ({@link CassandraDistribution#locate()}): a {@code mvn verify}
 *       of local/ puts them in local/target.
 *   <li>{@link #close()} stops the operator, then every node (SIGTERM, drain, then SIGKILL after the grace
 *       given to the builder), then the API. Data stays in the work directory.
 * </ul>
 */
public final class LocalEnvironment implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalEnvironment.class);
  public static final String DEFAULT_ADDRESS_BASE = "127.10.0.0";
  /** The API port of {@code ringkeeper local up}, so that status, apply and kubectl find it. */
  public static final int DEFAULT_API_PORT = 17443;

  /**
   * JVM options of every local node before the pod's own: what the image's jvm options files do in a container,
   * tuned for small nodes that start fast on a laptop (see FACTS.md: serial GC, C1 only, short ring delay).
   */
  public static final List<String> LOCAL_IMAGE_OPTIONS = List.of(
      "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dcassandra.ring_delay_ms=3000",
      "-Dcassandra.skip_wait_for_gossip_to_settle=0", "-Dcassandra.superuser_setup_delay_ms=0");

  /** The CPU a relaxed pod is counted for: 8 nodes per core, enough for a few small nodes on a laptop. */
  public static final long RELAXED_CPU_MILLIS = 125;

  private final Builder settings;
  private final Path workDir;
  private final EmbeddedKube kube;
  private final KubernetesClient client;
  private final ProcessKubelet kubelet;
  private final KubernetesClient kubeletClient;
  /** Restores and saves the kept API state; its writes are not a user's and pass no admission (see ValidatingWrites). */
  private final KubernetesClient stateClient;
  private final Path kubeconfig;
  private KubernetesClient operatorClient;
  private RingkeeperOperator operator;
  private final HealthServer http;
  private final ApiState state;

  private LocalEnvironment(Builder b) throws IOException {
    this.settings = b;
    this.workDir = b.workDir.toAbsolutePath();
    Files.createDirectories(workDir);
    CassandraDistribution distribution = b.distribution != null ? b.distribution : CassandraDistribution.locate();
    String version = cassandraVersion(distribution);
    this.kube = EmbeddedKube.start(b.apiHost, b.apiPort);
    kube.servePodLogs(workDir.resolve("pods")); // where ProcessKubelet keeps each pod's output
    try {
      this.kubeconfig = kube.writeKubeconfig(workDir.resolve("kubeconfig"));
      this.client = kube.client("ringkeeper-local");
      this.kubeletClient = kube.client("ringkeeper-kubelet");
      // Before the kubelet and the operator start: they find the objects as they were when local mode stopped.
      this.stateClient = kube.client(EmbeddedKube.RESTORE_AGENT);
      this.state = b.keepApiState ? ApiState.in(workDir, stateClient) : null;
      if (state != null) {
        state.restore();
        state.saveEvery(Duration.ofSeconds(1));
      }
      AddressPool pool = new AddressPool(b.addressBase, workDir.resolve("addresses.properties"));
      PodTranslator translator = new PodTranslator(CassandraVersions.fetching(distribution, version),
          distribution.agentJar(), b.nodeOptions, b.defaultHeap, pool);
      this.kubelet = new ProcessKubelet(kubeletClient, workDir, new CassandraLauncher(distribution), translator,
          b.restartBackoff, b.scheduler()).start();
      if (b.inProcessOperator) {
        startOperator();
      }
      // The operator's /metrics, /healthz and /readyz, as its pod serves them.
      this.http = b.metricsPort < 0 ? null : new HealthServer(b.metricsPort, this::operatorHealthy, this::scrape)
          .start();
    } catch (RuntimeException e) {
      kube.close();
      throw e;
    }
    LOG.info("local environment up: API {}, kubeconfig {}, node addresses from {}", kube.url(), kubeconfig,
        b.addressBase);
  }

  /** Settings for an environment whose files live in {@code workDir}. */
  public static Builder builder(Path workDir) {
    return new Builder(workDir);
  }

  /** The Cassandra version of a distribution, from its cassandra-all jar's name. */
  public static String cassandraVersion(CassandraDistribution distribution) {
    try (Stream<Path> files = Files.list(distribution.libDir())) {
      return files.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("cassandra-all-") && n.endsWith(".jar"))
          .map(n -> n.substring("cassandra-all-".length(), n.length() - ".jar".length()))
          .findFirst().orElseThrow(() -> new IllegalStateException("no cassandra-all jar in "
              + distribution.libDir()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts an operator (a fresh client, fresh caches, an empty poller) when none runs. */
  public synchronized void startOperator() {
    if (operator != null) {
      return;
    }
    OperatorConfig config = settings.operatorConfig;
    operatorClient = kube.client("ringkeeper-operator");
    Duration connect = config.agentTimeout().dividedBy(3);
    operator = new RingkeeperOperator(operatorClient, config,
        new HttpNodeClient(connect, config.agentTimeout().minus(connect), config.pollConcurrency()),
        new ReplicationAwareTokenAllocator(), Clock.systemUTC());
    operator.start();
  }

  private synchronized boolean operatorHealthy() {
    return operator != null && operator.isHealthy();
  }

  /** The running operator's metrics (empty while it is stopped, as when its pod restarts). */
  private String scrape() {
    RingkeeperOperator running = operator();
    return running == null ? "" : running.metrics().scrape();
  }

  /** Where the operator's Prometheus metrics are served; null without {@link Builder#metricsPort}. */
  public String metricsUrl() {
    return http == null ? null : "http://127.0.0.1:" + http.port() + "/metrics";
  }

  /** The operator running now (null while stopped): its metrics, poller and reconciler. */
  public synchronized RingkeeperOperator operator() {
    return operator;
  }

  /** Stops the operator (reconciles in progress finish); the nodes keep running. */
  public synchronized void stopOperator() {
    if (operator != null) {
      operator.close();
      operatorClient.close();
      operator = null;
    }
  }

  /** What an operator pod restart is: the old one stops, a new one starts from what the API holds. */
  public void restartOperator() {
    stopOperator();
    startOperator();
  }

  /** Creates the cluster of a manifest file, or replaces the spec of the existing one. */
  public CassandraCluster apply(Path manifest) throws IOException {
    return applyYaml(Files.readString(manifest));
  }

  /** Creates the cluster of a manifest (YAML or JSON), or replaces the spec of the existing one. */
  public CassandraCluster applyYaml(String manifest) {
    return apply(client, manifest, false);
  }

  /** Create-or-replace-spec of a cluster through any client. */
  public static CassandraCluster apply(KubernetesClient client, CassandraCluster cr) {
    return apply(client, Serialization.asJson(cr), false);
  }

  /**
   * Create-or-replace-spec of the cluster of a manifest (YAML or JSON) through any client, sent as written (not
   * through the Java model) so that the API refuses what is wrong in it as a real server does: a value of the
   * wrong type reaches the door instead of failing here. The CLI's {@code apply} and {@code up} use it.
   *
   * @param strict refuse fields the CRD does not declare ({@code fieldValidation=Strict}, as kubectl apply asks);
   *     otherwise they are dropped with a warning
   * @throws IllegalArgumentException when the manifest is not a CassandraCluster or has no name
   * @throws io.fabric8.kubernetes.client.KubernetesClientException when the API refuses it (422 naming the fields)
   */
  public static CassandraCluster apply(KubernetesClient client, String manifest, boolean strict) {
    GenericKubernetesResource cr;
    try {
      cr = Serialization.unmarshal(manifest, GenericKubernetesResource.class);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("the manifest is not YAML or JSON: " + e.getMessage(), e);
    }
    if (cr == null || !"CassandraCluster".equals(cr.getKind())) {
      throw new IllegalArgumentException("the manifest is not a CassandraCluster (kind: "
          + (cr == null ? null : cr.getKind()) + "): start it with `apiVersion: ringkeeper.io/v1alpha1` and "
          + "`kind: CassandraCluster`");
    }
    if (cr.getMetadata() == null || cr.getMetadata().getName() == null) {
      throw new IllegalArgumentException("the manifest has no metadata.name: name the cluster, e.g. `name: demo`");
    }
    if (cr.getMetadata().getNamespace() == null) {
      cr.getMetadata().setNamespace("default");
    }
    String namespace = cr.getMetadata().getNamespace();
    Validation validation = strict ? Validation.STRICT : Validation.WARN;
    var clusters = client.genericKubernetesResources(cr.getApiVersion(), cr.getKind()).inNamespace(namespace);
    GenericKubernetesResource applied;
    if (clusters.withName(cr.getMetadata().getName()).get() == null) {
      cr.getAdditionalProperties().remove("status");
      applied = clusters.resource(cr).fieldValidation(validation).create();
    } else {
      Object spec = cr.getAdditionalProperties().get("spec");
      String patch = Serialization.asJson(List.of(spec == null ? Map.of("op", "remove", "path", "/spec")
          : Map.of("op", "replace", "path", "/spec", "value", spec)));
      applied = clusters.withName(cr.getMetadata().getName()).fieldValidation(validation)
          .patch(PatchContext.of(PatchType.JSON), patch);
    }
    return Serialization.jsonMapper().convertValue(applied, CassandraCluster.class);
  }

  public CassandraCluster get(String namespace, String name) {
    return client.resources(CassandraCluster.class).inNamespace(namespace).withName(name).get();
  }

  /**
   * Waits until the cluster satisfies {@code condition}, checking every 500 ms.
   *
   * @param what what is awaited, for the timeout's message (which also shows the last status)
   * @throws IllegalStateException after {@code timeout}
   */
  public CassandraCluster await(String namespace, String name, Predicate<CassandraCluster> condition,
      Duration timeout, String what) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    CassandraCluster last = null;
    while (true) {
      try {
        last = get(namespace, name);
        if (last != null && condition.test(last)) {
          return last;
        }
      } catch (RuntimeException e) {
        LOG.debug("reading {}/{}: {}", namespace, name, e.toString());
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(namespace + "/" + name + " not " + what + " within " + timeout
            + "; last status: " + (last == null ? "none" : Serialization.asJson(last.getStatus())));
      }
      Thread.sleep(500);
    }
  }

  /** Waits for phase Ready with every desired node ready. */
  public CassandraCluster awaitReady(String namespace, String name, Duration timeout) throws InterruptedException {
    return await(namespace, name, LocalEnvironment::isReady, timeout, "Ready");
  }

  /** Phase Ready and every desired node ready. */
  public static boolean isReady(CassandraCluster cr) {
    return cr.getStatus() != null && cr.getStatus().getPhase() == ClusterPhase.Ready
        && cr.getStatus().getReadyNodes() != null
        && Objects.equals(cr.getStatus().getReadyNodes(), cr.getStatus().getDesiredNodes());
  }

  public static boolean phaseIs(CassandraCluster cr, ClusterPhase phase) {
    return cr.getStatus() != null && cr.getStatus().getPhase() == phase;
  }

  /** A client of the embedded API (user agent ringkeeper-local). */
  public KubernetesClient client() {
    return client;
  }

  public ProcessKubelet kubelet() {
    return kubelet;
  }

  public String apiUrl() {
    return kube.url();
  }

  public Path kubeconfig() {
    return kubeconfig;
  }

  public Path workDir() {
    return workDir;
  }

  @Override
  public void close() {
    if (http != null) {
      http.close();
    }
    stopOperator();
    kubelet.close(settings.stopGrace);
    if (state != null) {
      state.close();
    }
    kubeletClient.close();
    stateClient.close();
    client.close();
    kube.close();
  }

  /** Settings of a local environment; every one has a default. */
  public static final class Builder {
    private final Path workDir;
    private String addressBase = DEFAULT_ADDRESS_BASE;
    private String apiHost = "127.0.0.1";
    private int apiPort = 0;
    private CassandraDistribution distribution;
    private List<String> nodeOptions = LOCAL_IMAGE_OPTIONS;
    private String defaultHeap = "256M";
    private Duration restartBackoff = Duration.ofSeconds(10);
    private Duration stopGrace = Duration.ofSeconds(60);
    private int metricsPort = -1;
    private boolean relaxScheduling;
    private long nodeCpuMillis = Runtime.getRuntime().availableProcessors() * 1000L;
    private long nodeMemoryBytes = machineMemory();
    private Map<String, String> nodeLabels = Map.of();
    private boolean inProcessOperator = true;
    private boolean keepApiState;
    private OperatorConfig operatorConfig = OperatorConfig.defaults()
        .withPollInterval(Duration.ofSeconds(2))
        .withAgentTimeout(Duration.ofSeconds(3))
        .withHttpPort(0);

    private Builder(Path workDir) {
      this.workDir = Objects.requireNonNull(workDir, "workDir");
    }

    /** Pods get the addresses after this 127.x.y.0 address. Default {@value #DEFAULT_ADDRESS_BASE}. */
    public Builder addressBase(String value) {
      this.addressBase = value;
      return this;
    }

    /** Port of the embedded API on 127.0.0.1; 0 (the default) picks a free one. */
    public Builder apiPort(int value) {
      this.apiPort = value;
      return this;
    }

    public Builder distribution(CassandraDistribution value) {
      this.distribution = value;
      return this;
    }

    /** JVM options of every node before the pod's own. Default {@link #LOCAL_IMAGE_OPTIONS}. */
    public Builder nodeOptions(List<String> value) {
      this.nodeOptions = List.copyOf(value);
      return this;
    }

    /** Wait before restarting a node that exited (doubles per restart). Default 10 s, like a kubelet. */
    public Builder restartBackoff(Duration value) {
      this.restartBackoff = value;
      return this;
    }

    /** Serve the operator's /metrics (and /healthz, /readyz) on this port; 0 picks a free one. Default: off. */
    public Builder metricsPort(int value) {
      this.metricsPort = value;
      return this;
    }

    /**
     * Whether the operator runs in this JVM (the default). Off: the API and the kubelet only, for an operator run
     * elsewhere (a container with host networking, say) from {@link #kubeconfig()}; {@link #startOperator()}
     * still starts one here on demand.
     */
    public Builder inProcessOperator(boolean value) {
      this.inProcessOperator = value;
      return this;
    }

    /**
     * Keep the API's objects (clusters with their status, pods, volumes, config, secrets) in the work directory
     * across restarts and crashes, and restore them at start ({@link ApiState}). Default: off, every start begins
     * with an empty API (the CLI's server turns it on).
     */
    public Builder keepApiState(boolean value) {
      this.keepApiState = value;
      return this;
    }

    /** How long {@link #close()} lets nodes drain before SIGKILL. Default 60 s; tests may use less. */
    public Builder stopGrace(Duration value) {
      this.stopGrace = value;
      return this;
    }

    /** The operator's settings. Default: poll agents every 2 s, no leader election, health port 0. */
    public Builder operatorConfig(OperatorConfig value) {
      this.operatorConfig = value;
      return this;
    }

    /**
     * Bind pods a scheduler would refuse on this one machine: node selectors and required node affinity are
     * ignored and requests mapped down to a local node's size ({@value #RELAXED_CPU_MILLIS}m CPU, twice the default
     * heap of memory, the heap capped at half that), each pod saying so in a RelaxedScheduling event. Default: off,
     * a pod that does not fit stays Pending as Unschedulable.
     */
    public Builder relaxScheduling(boolean value) {
      this.relaxScheduling = value;
      return this;
    }

    /** The local node's allocatable CPU and memory. Default: this machine's cores and physical memory. */
    public Builder nodeCapacity(long cpuMillis, long memoryBytes) {
      this.nodeCpuMillis = cpuMillis;
      this.nodeMemoryBytes = memoryBytes;
      return this;
    }

    /** Labels of the local node besides its hostname, os and arch (e.g. a zone, for required zone affinity). */
    public Builder nodeLabels(Map<String, String> value) {
      this.nodeLabels = Map.copyOf(value);
      return this;
    }

    LocalScheduler scheduler() {
      Map<String, String> labels = new LinkedHashMap<>(LocalScheduler.defaultLabels());
      labels.putAll(nodeLabels);
      long heap = PodTranslator.heapBytes(defaultHeap);
      return new LocalScheduler(new LocalScheduler.Node(labels, nodeCpuMillis, nodeMemoryBytes), relaxScheduling,
          RELAXED_CPU_MILLIS, 2 * heap);
    }

    private static long machineMemory() {
      if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
        return os.getTotalMemorySize();
      }
      return Runtime.getRuntime().maxMemory() * 4;
    }

    public LocalEnvironment start() throws IOException {
      new AddressPool(addressBase, null); // refuses a bad base before anything starts
      return new LocalEnvironment(this);
    }
  }
}
