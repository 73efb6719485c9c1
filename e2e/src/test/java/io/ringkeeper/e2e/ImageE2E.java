package io.ringkeeper.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.local.LocalEnvironment;
import io.ringkeeper.operator.resources.Names;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The operator image in a real container engine (Debian's dockerd, started by .ci/docker-engine with its own
 * root; the image built by .ci/operator-image with Jib), run as the chart runs it: the chart's arguments, JVM flags,
 * security context (uid 10001, read-only root filesystem, /tmp writable, no capabilities, no new privileges, the
 * engine's default seccomp filter; the running process is checked for each) and probes, with host
 * networking and a 192Mi memory limit (128Mi until stop 26: the operator's anonymous RSS with one 3-node cluster
 * grew to 118 MiB and the cgroup peaked at the limit, so a first start now and then thrashed in GC until its liveness
 * probe failed; 160Mi in stop 26, whose cgroup peaked at 159.6 MiB with 122.5 MiB anonymous once BouncyCastle and
 * the TLS code were in; the chart's default stays 384Mi). It talks to local mode's embedded API (no in-process operator) while the
 * process kubelet runs real Cassandra nodes on 127.60.0.x.
 *
 * <p>Never skipped: without an engine or the image it fails with the reason and the command that fixes it.
 * Addresses 127.60.0.0/16 (or -Dringkeeper.image.e2e.addressBase), API port 17560, operator HTTP port 17561.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ImageE2E {
  static final String IMAGE = System.getProperty("ringkeeper.image", "ghcr.io/ringkeeper/ringkeeper-operator:0.1.0");
  static final String CONTAINER = "ringkeeper-image-e2e";
  static final int API_PORT = 17560;
  static final int HTTP_PORT = 17561;
  static final long MEMORY_LIMIT = 192L * 1024 * 1024;
  static final String KUBECONFIG_IN_CONTAINER = "/etc/ringkeeper/kubeconfig";
  static final Duration READY = Duration.ofMinutes(12);
  /** The kubelet's addresses; another /16 (e.g. -Dringkeeper.image.e2e.addressBase=127.64.0.0) runs it beside others. */
  static final String ADDRESS_BASE = System.getProperty("ringkeeper.image.e2e.addressBase", "127.60.0.0");

  static DockerEngine docker;
  static Path repo;

  static Path repo() {
    Path dir = Paths.get("").toAbsolutePath();
    while (dir != null && !Files.isRegularFile(dir.resolve(".ci/docker-engine"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException(".ci/docker-engine not found above " + Paths.get("").toAbsolutePath());
    }
    return dir;
  }

  @BeforeAll
  static void theEngineRunsAndHoldsTheImage() {
    repo = repo();
    Path root = Paths.get(System.getProperty("ringkeeper.docker.root",
        System.getProperty("user.home") + "/.cache/ringkeeper/docker"));
    docker = DockerEngine.start(repo, root);
    DockerEngine.Result image = docker.tryRun(Duration.ofMinutes(1), "image", "inspect", IMAGE);
    if (image.code() != 0) {
      throw new IllegalStateException("the engine at " + docker.socket() + " has no image " + IMAGE
          + ": build it with `.ci/operator-image " + root + "` (" + image.err().strip() + ")");
    }
    docker.tryRun(Duration.ofMinutes(1), "rm", "-f", CONTAINER);
  }

  @AfterAll
  static void removeTheContainer() {
    if (docker != null) {
      docker.tryRun(Duration.ofMinutes(1), "rm", "-f", CONTAINER);
    }
  }

  @Test
  @Order(1)
  void theImageRunsAsUid10001AndItsAgentJarIsTheOneTheInitContainerCopies() throws Exception {
    assertThat(docker.run("image", "inspect", "--format", "{{.Config.User}}", IMAGE)).isEqualTo("10001:10001");
    long size = Long.parseLong(docker.run("image", "inspect", "--format", "{{.Size}}", IMAGE));
    System.out.printf("[image] %s: %.1f MB%n", IMAGE, size / 1e6);

    // The init container's own command, as NodePods writes it, into a volume, as uid 10001, read-only root.
    Path volume = Files.createTempDirectory("agent-volume");
    Files.setPosixFilePermissions(volume, PosixFilePermissions.fromString("rwxrwxrwx"));
    docker.run("run", "--rm", "--network", "none", "--user", "10001:10001", "--read-only", "--cap-drop", "ALL",
        "-v", volume + ":" + Names.AGENT_DIR, "--entrypoint", "cp", IMAGE,
        Names.AGENT_JAR_IN_OPERATOR_IMAGE, Names.AGENT_DIR + "/" + Names.AGENT_JAR);
    Path copied = volume.resolve(Names.AGENT_JAR);
    Path built = Paths.get(System.getProperty("ringkeeper.agent.jar"));
    assertThat(entries(copied)).as("the agent jar in the image has the entries of the one built")
        .isEqualTo(entries(built));
  }

  @Test
  @Order(2)
  void aThreeNodeClusterReachesReadyUnderTheContainerizedOperatorKilledAndRestartedMidCreation() throws Exception {
    E2eSupport.Phases phases = new E2eSupport.Phases("ImageE2E");
    Container chart = chartContainer();
    try (LocalEnvironment env = LocalEnvironment.builder(E2eSupport.freshWorkDir("image"))
        .addressBase(ADDRESS_BASE).apiPort(API_PORT).inProcessOperator(false)
        .stopGrace(Duration.ofSeconds(30)).start()) {
      // The cluster exists before the operator starts: its first status write is the first reconcile.
      env.apply(E2eSupport.example("minimal.yaml"));
      Path kubeconfig = readableCopy(env.kubeconfig());
      phases.done("local API and kubelet up, cluster applied");

      long started = System.nanoTime();
      String id = docker.run(runCommand(chart, kubeconfig));
      ContainerCgroup cgroup = ContainerCgroup.of(pid(id));
      assertThat(cgroup.memoryLimit()).as("the engine enforces the 192Mi limit").isEqualTo(MEMORY_LIMIT);
      ProbeRunner probes = new ProbeRunner(chart);
      try {
        env.await("default", "demo", c -> c.getStatus() != null && c.getStatus().getPhase() != null,
            Duration.ofMinutes(3), "reconciled once");
        double wall = (System.nanoTime() - started) / 1e9;
        double cpu = cgroup.cpuNanos() / 1e9;
        System.out.printf("[image] container start to first reconcile: %.1f s wall, %.1f s CPU%n", wall, cpu);
        phases.done("container started, first reconcile");

        // Kill it mid-creation (its pods made, their Cassandra nodes still starting), as an OOM kill would.
        awaitTrue(() -> !env.client().pods().inNamespace("default").list().getItems().isEmpty(), READY,
            "the operator creates the first pod");
        docker.run("kill", "--signal", "KILL", CONTAINER);
        assertThat(docker.run("inspect", "--format", "{{.State.Running}}", CONTAINER)).isEqualTo("false");
        CassandraCluster mid = env.get("default", "demo");
        assertThat(LocalEnvironment.isReady(mid)).as("the kill comes before the cluster is Ready").isFalse();
        Map<String, String> podsAtKill = podUids(env);
        phases.done("killed mid-creation (" + podsAtKill.size() + " pods, " + mid.getStatus().getReadyNodes()
            + " ready)");
        probes.containerRestarted();
        docker.run("start", CONTAINER);
        cgroup = ContainerCgroup.of(pid(id));
        awaitTrue(() -> get(probePath(chart.getReadinessProbe())) == 200, Duration.ofMinutes(3),
            "the restarted operator answers its readiness probe");
        phases.done("restarted operator ready");

        CassandraCluster ready = env.awaitReady("default", "demo", READY);
        assertThat(ready.getStatus().getReadyNodes()).isEqualTo(3);
        assertThat(podUids(env)).as("the restarted operator resumed: every pod made before the kill kept")
            .containsAllEntriesOf(podsAtKill);
        phases.done("restarted operator brought the cluster to Ready");

        assertThat(get(probePath(chart.getLivenessProbe()))).as("/healthz").isEqualTo(200);
        assertThat(get(probePath(chart.getReadinessProbe()))).as("/readyz").isEqualTo(200);
        assertThat(probes.livenessFailuresInARow()).as("consecutive liveness failures (the kubelet restarts at "
            + chart.getLivenessProbe().getFailureThreshold() + ")")
            .isLessThan(chart.getLivenessProbe().getFailureThreshold());
        assertThat(probes.readyOnceSinceRestart()).as("readiness passed since the restart").isTrue();
        // The pods the containerized operator made carry the init container that copies the agent out of it.
        Pod pod = env.client().pods().inNamespace("default").list().getItems().get(0);
        assertThat(pod.getSpec().getInitContainers()).anySatisfy(init -> {
          assertThat(init.getImage()).isEqualTo(IMAGE);
          assertThat(init.getCommand()).contains(Names.AGENT_JAR_IN_OPERATOR_IMAGE);
        });

        // A few poll cycles of steady state with one 3-node cluster, then the cgroup's figures.
        Thread.sleep(30_000);
        assertThat(docker.run("inspect", "--format", "{{.State.OOMKilled}} {{.State.Running}}", CONTAINER))
            .isEqualTo("false true");
        System.out.printf("[image] under the %d MiB limit with one 3-node cluster: cgroup RSS (anonymous) %.1f MiB,"
                + " cgroup usage %.1f MiB, cgroup peak %.1f MiB; the JVM's VmRSS %s, VmHWM %s%n",
            MEMORY_LIMIT >> 20, cgroup.rss() / 1048576.0, cgroup.memoryUsage() / 1048576.0,
            cgroup.memoryPeak() / 1048576.0, procStatus(pid(id), "VmRSS"), procStatus(pid(id), "VmHWM"));
        phases.done("probes and memory checked");

        // The process really runs restricted: as the chart's user, no capability, no new privileges, under a
        // seccomp filter, and its root filesystem refuses writes while /tmp takes them.
        long javaPid = pid(id);
        PodSecurityContext podContext = chartPodSecurityContext();
        assertThat(procStatus(javaPid, "Uid")).startsWith(podContext.getRunAsUser() + "\t");
        assertThat(procStatus(javaPid, "Gid")).startsWith(podContext.getRunAsGroup() + "\t");
        assertThat(procStatus(javaPid, "CapEff")).isEqualTo("0000000000000000");
        assertThat(procStatus(javaPid, "CapBnd")).isEqualTo("0000000000000000");
        assertThat(procStatus(javaPid, "NoNewPrivs")).isEqualTo("1");
        assertThat(procStatus(javaPid, "Seccomp")).as("2: a seccomp filter (the engine's default)").isEqualTo("2");
        DockerEngine.Result rootWrite = docker.tryRun(Duration.ofMinutes(1), "exec", CONTAINER, "touch",
            "/opt/ringkeeper/written");
        assertThat(rootWrite.code()).as("a write to the root filesystem").isNotZero();
        assertThat(rootWrite.out() + rootWrite.err()).contains("Read-only file system");
        assertThat(docker.tryRun(Duration.ofMinutes(1), "exec", CONTAINER, "touch", "/tmp/written").code())
            .as("a write to /tmp").isZero();
        phases.done("restrictions of the running process checked");
      } finally {
        probes.close();
        DockerEngine.Result log = docker.tryRun(Duration.ofMinutes(1), "logs", "--tail", "40", CONTAINER);
        System.out.println("[image] operator container log (last 40 lines):\n" + log.out() + log.err());
        docker.tryRun(Duration.ofMinutes(1), "rm", "-f", CONTAINER);
      }
    }
  }

  /** The operator container of the chart's Deployment, rendered for this image and these ports. */
  static Container chartContainer() {
    return chartDeployment().getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  /** The chart's Deployment, rendered for this image and these ports. */
  static Deployment chartDeployment() {
    String repository = IMAGE.substring(0, IMAGE.lastIndexOf(':'));
    String tag = IMAGE.substring(IMAGE.lastIndexOf(':') + 1);
    String rendered = new Helm(repo.resolve("helm/ringkeeper")).template().withName("ringkeeper")
        .withNamespace("ringkeeper-system").withKubeVersion("v1.31.0")
        .set("image.repository", repository).set("image.tag", tag).set("metrics.port", HTTP_PORT).call();
    for (String doc : rendered.split("(?m)^---\\s*$")) {
      if (doc.contains("kind: Deployment")) {
        return Serialization.unmarshal(doc, Deployment.class);
      }
    }
    throw new IllegalStateException("the chart renders no Deployment");
  }

  /** The pod security context of the chart's Deployment. */
  static PodSecurityContext chartPodSecurityContext() {
    return chartDeployment().getSpec().getTemplate().getSpec().getSecurityContext();
  }

  /**
   * `docker run` of the chart's container: what its pod spec asks a kubelet for, on the host network. Each of the
   * chart's restrictions becomes the engine's flag: runAsUser/runAsGroup --user, readOnlyRootFilesystem --read-only
   * (its emptyDirs --tmpfs), capabilities drop ALL --cap-drop ALL, allowPrivilegeEscalation false
   * --security-opt no-new-privileges, seccomp RuntimeDefault the engine's default profile (never unconfined).
   */
  static String[] runCommand(Container chart, Path kubeconfig) {
    PodSecurityContext pod = chartPodSecurityContext();
    SecurityContext container = chart.getSecurityContext();
    assertThat(pod.getRunAsNonRoot()).isTrue();
    assertThat(pod.getRunAsUser()).isNotZero();
    assertThat(pod.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(container.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(container.getAllowPrivilegeEscalation()).isFalse();
    List<String> command = new ArrayList<>(List.of("run", "-d", "--name", CONTAINER, "--network", "host",
        "--memory", String.valueOf(MEMORY_LIMIT), "--memory-swap", String.valueOf(MEMORY_LIMIT),
        "--user", pod.getRunAsUser() + ":" + pod.getRunAsGroup(), "--cap-drop", "ALL",
        "--security-opt", "no-new-privileges"));
    assertThat(container.getReadOnlyRootFilesystem()).isTrue();
    command.add("--read-only");
    for (VolumeMount mount : chart.getVolumeMounts()) {
      command.addAll(List.of("--tmpfs", mount.getMountPath())); // the chart's emptyDir volumes
    }
    for (EnvVar env : chart.getEnv()) {
      command.addAll(List.of("-e", env.getName() + "=" + env.getValue()));
    }
    // Local mode's API is plain HTTP: no h2c upgrade (the JDK client's, against the Vert.x mock, can hang).
    command.addAll(List.of("-e", "KUBERNETES_HTTP2_DISABLE=true"));
    command.addAll(List.of("-v", kubeconfig + ":" + KUBECONFIG_IN_CONTAINER + ":ro", chart.getImage()));
    command.addAll(chart.getArgs());
    command.add("--kubeconfig=" + KUBECONFIG_IN_CONTAINER);
    return command.toArray(String[]::new);
  }

  /** A line of /proc/PID/status (the container's java is its pid 1, seen here by its host pid). */
  static String procStatus(long pid, String field) throws IOException {
    return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
        .filter(l -> l.startsWith(field + ":")).map(l -> l.substring(field.length() + 1).strip())
        .findFirst().orElse("?");
  }

  static void awaitTrue(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException e) {
        // not yet: the API or the container may be starting
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("not within " + timeout + ": " + what);
      }
      Thread.sleep(200);
    }
  }

  static Map<String, String> podUids(LocalEnvironment env) {
    Map<String, String> uids = new TreeMap<>();
    for (Pod pod : env.client().pods().inNamespace("default").list().getItems()) {
      uids.put(pod.getMetadata().getName(), pod.getMetadata().getUid());
    }
    return uids;
  }

  static long pid(String container) {
    return Long.parseLong(docker.run("inspect", "--format", "{{.State.Pid}}", container));
  }

  /** The kubeconfig where uid 10001 can read it (the work directory may not be). */
  static Path readableCopy(Path kubeconfig) throws IOException {
    Path dir = Files.createTempDirectory("image-e2e");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path copy = Files.copy(kubeconfig, dir.resolve("kubeconfig"));
    Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
    return copy;
  }

  static String probePath(Probe probe) {
    HTTPGetAction get = probe.getHttpGet();
    assertThat(get.getPort().getStrVal()).isEqualTo("metrics");
    return get.getPath();
  }

  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  /** The status code of a GET on the operator's HTTP port, -1 when it does not answer (as a kubelet sees it). */
  static int get(String path) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + HTTP_PORT + path))
          .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** Probes as a kubelet does (the chart's paths, periods and initial delays; success is 200-399). */
  static final class ProbeRunner implements AutoCloseable {
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
    private final AtomicInteger livenessInARow = new AtomicInteger();
    private final AtomicInteger worstLiveness = new AtomicInteger();
    private final AtomicBoolean ready = new AtomicBoolean();
    private volatile long restartedAt = System.nanoTime();

    ProbeRunner(Container chart) {
      Probe liveness = chart.getLivenessProbe();
      Probe readiness = chart.getReadinessProbe();
      timer.scheduleAtFixedRate(() -> {
        if (!pastDelay(liveness)) {
          return;
        }
        if (ok(get(probePath(liveness)))) {
          livenessInARow.set(0);
        } else {
          worstLiveness.accumulateAndGet(livenessInARow.incrementAndGet(), Math::max);
        }
      }, 0, liveness.getPeriodSeconds(), TimeUnit.SECONDS);
      timer.scheduleAtFixedRate(() -> {
        if (pastDelay(readiness) && ok(get(probePath(readiness)))) {
          ready.set(true);
        }
      }, 0, readiness.getPeriodSeconds(), TimeUnit.SECONDS);
    }

    private boolean pastDelay(Probe probe) {
      return System.nanoTime() - restartedAt > TimeUnit.SECONDS.toNanos(probe.getInitialDelaySeconds());
    }

    private static boolean ok(int status) {
      return status >= 200 && status < 400;
    }

    /** A new container process: the kubelet waits the initial delays again and forgets the old failures. */
    void containerRestarted() {
      restartedAt = System.nanoTime();
      livenessInARow.set(0);
      ready.set(false);
    }

    int livenessFailuresInARow() {
      return worstLiveness.get();
    }

    boolean readyOnceSinceRestart() {
      return ready.get();
    }

    @Override
    public void close() {
      timer.shutdownNow();
    }
  }

  /** A jar's entries and their CRCs (timestamps differ between two builds of the same sources). */
  static TreeMap<String, Long> entries(Path jar) throws IOException {
    TreeMap<String, Long> entries = new TreeMap<>();
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
        ZipEntry entry = e.nextElement();
        if (!entry.isDirectory()) {
          entries.put(entry.getName(), entry.getCrc());
        }
      }
    }
    return entries;
  }
}
