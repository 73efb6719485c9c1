package io.ringkeeper.local.kubelet;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.ringkeeper.local.cassandra.CassandraLauncher;
import io.ringkeeper.local.cassandra.CassandraProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A kubelet for local mode: it watches the Pods of the embedded API and runs each as a real Cassandra JVM on its
 * own loopback address ({@link PodTranslator} says how a pod becomes a node), then reports back what a kubelet
 * reports: phase, pod IP, container state, restart count, and readiness from the pod's own readiness probe.
 *
 * <ul>
 *   <li>A pod is first scheduled on the one local node by {@link LocalScheduler}: a pod that does not fit (its
 *       requests, node selector or required node affinity) stays Pending with condition PodScheduled=False,
 *       reason Unschedulable and the scheduler's message, and a FailedScheduling event; it is retried when a
 *       pod bound here goes away. A pod bound by relaxing gets a RelaxedScheduling event saying what was relaxed.
 *   <li>A pod that cannot run here (an unknown image, ...) stays Pending with the reason in its container's
 *       waiting state and a Warning event; nothing is started.
 *   <li>A node process that exits while its pod exists is restarted after a back-off (restartPolicy Always),
 *       with the restart counted in the container status and the last exit code in its lastState; that
 *       state's reason and message say why, as {@code terminationMessagePolicy: FallbackToLogsOnError} does: the
 *       last {@value #MESSAGE_LINES} lines (at most {@value #MESSAGE_BYTES} bytes) of what the run printed.
 *   <li>Deleting a pod sends SIGTERM (Cassandra drains) and waits up to the pod's grace period, then SIGKILL.
 *       A pod recreated under the same name starts only once the old process is gone.
 *   <li>A PersistentVolumeClaim is a directory under {@code <workDir>/volumes/<namespace>/<claim>} that outlives
 *       its pods; it is deleted with the claim. Bound, it reports its request as its capacity, also after the
 *       request grew (as an expandable storage class does).
 * </ul>
 */
public final class ProcessKubelet implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessKubelet.class);
  private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
  private static final Duration WAIT_RETRY = Duration.ofSeconds(2);
  /** Kubernetes' bounds of a termination message taken from the logs (FallbackToLogsOnError). */
  static final int MESSAGE_LINES = 80;
  static final int MESSAGE_BYTES = 2048;

  private final KubernetesClient client;
  private final Path workDir;
  private final CassandraLauncher launcher;
  private final PodTranslator translator;
  private final Duration restartBackoff;
  private final LocalScheduler scheduler;
  private final Map<String, PodRuntime> pods = new ConcurrentHashMap<>();
  private final Map<String, Integer> lastStopExitCodes = new ConcurrentHashMap<>();
  private final ScheduledExecutorService executor;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  /** Probes with {@code scheme: HTTPS}: TLS without verifying the certificate, as a kubelet probes. */
  private final HttpClient insecureHttps = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1))
      .sslContext(trustingEveryCertificate()).build();
  private final AtomicLong eventCounter = new AtomicLong();
  private SharedIndexInformer<Pod> podInformer;
  private SharedIndexInformer<PersistentVolumeClaim> claimInformer;
  private SharedIndexInformer<Secret> secretInformer;
  private volatile boolean closed;

  /**
   * @param restartBackoff the first wait before restarting a node that exited (doubling up to 5 minutes, as a
   *     kubelet's CrashLoopBackOff)
   */
  public ProcessKubelet(KubernetesClient client, Path workDir, CassandraLauncher launcher, PodTranslator translator,
      Duration restartBackoff) {
    this(client, workDir, launcher, translator, restartBackoff, new LocalScheduler(
        new LocalScheduler.Node(LocalScheduler.defaultLabels(), Long.MAX_VALUE / 4, Long.MAX_VALUE / 4), false, 0, 0));
  }

  /** @param scheduler decides which pods this machine runs (as the only node of a cluster would) */
  public ProcessKubelet(KubernetesClient client, Path workDir, CassandraLauncher launcher, PodTranslator translator,
      Duration restartBackoff, LocalScheduler scheduler) {
    this.scheduler = Objects.requireNonNull(scheduler);
    this.client = Objects.requireNonNull(client);
    this.workDir = workDir.toAbsolutePath();
    this.launcher = Objects.requireNonNull(launcher);
    this.translator = Objects.requireNonNull(translator);
    this.restartBackoff = Objects.requireNonNull(restartBackoff);
    this.executor = Executors.newScheduledThreadPool(4, r -> {
      Thread t = new Thread(r, "kubelet");
      t.setDaemon(true);
      return t;
    });
  }

  /** Starts watching pods and claims. */
  public ProcessKubelet start() {
    podInformer = client.pods().inAnyNamespace().inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Pod pod) {
        seen(pod);
      }

      @Override
      public void onUpdate(Pod before, Pod pod) {
        seen(pod);
      }

      @Override
      public void onDelete(Pod pod, boolean unknown) {
        PodRuntime runtime = pods.get(key(pod));
        if (runtime != null && runtime.uid.equals(pod.getMetadata().getUid())) {
          executor.execute(() -> runtime.terminate("the pod was deleted"));
        }
      }
    });
    claimInformer = client.persistentVolumeClaims().inAnyNamespace().inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(PersistentVolumeClaim claim) {
        executor.execute(() -> bind(claim));
      }

      @Override
      public void onUpdate(PersistentVolumeClaim before, PersistentVolumeClaim claim) {
        executor.execute(() -> expand(claim));
      }

      @Override
      public void onDelete(PersistentVolumeClaim claim, boolean unknown) {
        executor.execute(() -> release(claim));
      }
    });
    // A Secret mounted by a running pod is rewritten in its volume when it changes (certificate renewal reaches
    // running nodes), as a kubelet does about a minute later; ConfigMaps are not refreshed (a restart picks them up).
    secretInformer = client.secrets().inAnyNamespace().inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Secret secret) {
        executor.execute(() -> refreshSecret(secret));
      }

      @Override
      public void onUpdate(Secret before, Secret secret) {
        executor.execute(() -> refreshSecret(secret));
      }

      @Override
      public void onDelete(Secret secret, boolean unknown) {
        // a kubelet keeps the last files of a deleted Secret: so does local mode
      }
    });
    return this;
  }

  /** Writes the informer's copy of every Secret a pod mounts into its volumes (those that differ). */
  private void refreshSecretsOf(PodRuntime runtime) {
    if (secretInformer == null || runtime.pod.getSpec().getVolumes() == null) {
      return;
    }
    for (Volume volume : runtime.pod.getSpec().getVolumes()) {
      if (volume.getSecret() != null) {
        Secret secret = secretInformer.getStore().getByKey(runtime.namespace + "/"
            + volume.getSecret().getSecretName());
        if (secret != null) {
          refreshSecret(secret);
        }
      }
    }
  }

  /**
   * Rewrites the volumes of running pods that mount this Secret, file by file, each atomically. One at a time, and
   * from the informer's latest copy: two events handled out of order on the executor's threads still leave the
   * newest content.
   */
  synchronized void refreshSecret(Secret changed) {
    Secret latest = secretInformer == null ? null : secretInformer.getStore().get(changed);
    Secret secret = latest != null ? latest : changed;
    String namespace = secret.getMetadata().getNamespace();
    String name = secret.getMetadata().getName();
    for (PodRuntime runtime : pods.values()) {
      if (!runtime.namespace.equals(namespace) || runtime.translation == null || runtime.terminating
          || runtime.pod.getSpec().getVolumes() == null) {
        continue;
      }
      for (Volume volume : runtime.pod.getSpec().getVolumes()) {
        if (volume.getSecret() == null || !name.equals(volume.getSecret().getSecretName())) {
          continue;
        }
        Path dir = podDir(namespace, runtime.name).resolve("volumes").resolve(volume.getName());
        try {
          if (writeVolume(dir, PodTranslator.secretFiles(volume, secret))) {
            LOG.info("pod {}/{}: Secret {} changed; rewrote volume {}", namespace, runtime.name, name,
                volume.getName());
          }
        } catch (IOException | RuntimeException e) {
          LOG.warn("pod {}/{}: cannot rewrite volume {} from Secret {}: {}", namespace, runtime.name,
              volume.getName(), name, e.toString());
        }
      }
    }
  }

  /**
   * Makes a volume directory hold exactly these files: each changed one written to a temporary file in the same
   * directory and renamed over the old one (a reader sees the old or the new file, never a half-written one);
   * files no longer in the Secret removed. True when something changed.
   */
  static boolean writeVolume(Path dir, Map<String, byte[]> files) throws IOException {
    boolean changed = false;
    Files.createDirectories(dir);
    for (Map.Entry<String, byte[]> file : files.entrySet()) {
      Path target = dir.resolve(file.getKey()).normalize();
      if (!target.startsWith(dir)) {
        throw new IOException("Secret item path " + file.getKey() + " leaves its volume");
      }
      if (Files.isRegularFile(target) && java.util.Arrays.equals(Files.readAllBytes(target), file.getValue())) {
        continue;
      }
      Files.createDirectories(target.getParent());
      Path temp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
      try {
        Files.write(temp, file.getValue());
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(temp);
      }
      changed = true;
    }
    try (Stream<Path> present = Files.list(dir)) {
      for (Path old : present.filter(Files::isRegularFile).toList()) {
        String fileName = old.getFileName().toString();
        boolean kept = files.keySet().stream().anyMatch(k -> dir.resolve(k).normalize().equals(old));
        if (!fileName.startsWith(".") && !kept) {
          Files.deleteIfExists(old);
          changed = true;
        }
      }
    }
    return changed;
  }

  private static SSLContext trustingEveryCertificate() {
    X509ExtendedTrustManager all = new X509ExtendedTrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) {}

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) {}

      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    };
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {all}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("TLS is missing from the JDK", e);
    }
  }

  /** What decides which pods this machine runs. */
  public LocalScheduler scheduler() {
    return scheduler;
  }

  /** The directory of a claim's volume. */
  public Path claimDir(String namespace, String claim) {
    return workDir.resolve("volumes").resolve(namespace).resolve(claim);
  }

  /** The directory of a pod (config copies, logs). */
  public Path podDir(String namespace, String pod) {
    return workDir.resolve("pods").resolve(namespace).resolve(pod);
  }

  /** The node process of a pod, while one runs. */
  public Optional<CassandraProcess> process(String namespace, String pod) {
    PodRuntime runtime = pods.get(namespace + "/" + pod);
    return runtime == null ? Optional.empty() : Optional.ofNullable(runtime.process).filter(CassandraProcess::isAlive);
  }

  /** Kills a pod's node process with SIGKILL, as a crash would; the kubelet then restarts it. */
  public int kill(String namespace, String pod) throws InterruptedException {
    CassandraProcess process = process(namespace, pod)
        .orElseThrow(() -> new IllegalStateException("no node runs for pod " + namespace + "/" + pod));
    LOG.info("killing the node of pod {}/{} (pid {})", namespace, pod, process.pid());
    return process.kill();
  }

  /**
   * The exit code of the last node process of that pod that the kubelet stopped because its pod went away (143:
   * it drained and exited on SIGTERM; 137: killed after the grace period), if any.
   */
  public Optional<Integer> lastStopExitCode(String namespace, String pod) {
    return Optional.ofNullable(lastStopExitCodes.get(namespace + "/" + pod));
  }

  /** The pods that have a runtime here, by namespace/name. */
  public List<String> pods() {
    return pods.keySet().stream().sorted().toList();
  }

  private void seen(Pod pod) {
    if (closed) {
      return;
    }
    String key = key(pod);
    String uid = pod.getMetadata().getUid();
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      PodRuntime runtime = pods.get(key);
      if (runtime != null) {
        executor.execute(() -> runtime.terminate("the pod is being deleted"));
      }
      return;
    }
    PodRuntime current = pods.get(key);
    if (current != null && current.uid.equals(uid)) {
      return;
    }
    PodRuntime fresh = new PodRuntime(pod);
    PodRuntime previous = pods.put(key, fresh);
    CompletableFuture<Void> before = previous == null ? CompletableFuture.completedFuture(null)
        : previous.terminate("replaced by a new pod of the same name");
    before.whenComplete((v, e) -> executor.execute(fresh::start));
  }

  private void bind(PersistentVolumeClaim claim) {
    try {
      Files.createDirectories(claimDir(claim.getMetadata().getNamespace(), claim.getMetadata().getName()));
      if (claim.getStatus() == null || !"Bound".equals(claim.getStatus().getPhase())) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("phase", "Bound");
        if (claim.getSpec() != null) {
          status.put("accessModes", claim.getSpec().getAccessModes());
          if (claim.getSpec().getResources() != null && claim.getSpec().getResources().getRequests() != null) {
            status.put("capacity", claim.getSpec().getResources().getRequests());
          }
        }
        writeClaimStatus(claim, status);
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot bind claim {}/{}: {}", claim.getMetadata().getNamespace(), claim.getMetadata().getName(),
          e.toString());
    }
  }

  /**
   * A bound claim whose storage request grew gets that request as its capacity, as a storage class with
   * allowVolumeExpansion reports a volume it expanded (a directory has no size to grow). It never shrinks.
   */
  private void expand(PersistentVolumeClaim claim) {
    if (claim.getStatus() == null || !"Bound".equals(claim.getStatus().getPhase()) || claim.getSpec() == null
        || claim.getSpec().getResources() == null || claim.getSpec().getResources().getRequests() == null) {
      return;
    }
    Quantity requested = claim.getSpec().getResources().getRequests().get("storage");
    Quantity capacity = claim.getStatus().getCapacity() == null ? null
        : claim.getStatus().getCapacity().get("storage");
    if (requested == null || (capacity != null
        && Quantity.getAmountInBytes(capacity).compareTo(Quantity.getAmountInBytes(requested)) >= 0)) {
      return;
    }
    try {
      writeClaimStatus(claim, Map.of("capacity", Map.of("storage", requested)));
      LOG.info("expanded the volume of claim {}/{} to {}", claim.getMetadata().getNamespace(),
          claim.getMetadata().getName(), requested);
    } catch (RuntimeException e) {
      LOG.warn("cannot expand claim {}/{}: {}", claim.getMetadata().getNamespace(), claim.getMetadata().getName(),
          e.toString());
    }
  }

  private void writeClaimStatus(PersistentVolumeClaim claim, Map<String, Object> status) {
    client.persistentVolumeClaims().inNamespace(claim.getMetadata().getNamespace())
        .withName(claim.getMetadata().getName()).subresource("status")
        .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(Map.of("status", status)));
  }

  /** A deleted claim's directory goes (the reclaim policy of a dynamically provisioned volume is Delete). */
  private void release(PersistentVolumeClaim claim) {
    String namespace = claim.getMetadata().getNamespace();
    String name = claim.getMetadata().getName();
    boolean inUse = pods.values().stream().anyMatch(p -> p.namespace.equals(namespace) && p.usesClaim(name)
        && p.process != null && p.process.isAlive());
    if (inUse) {
      LOG.warn("claim {}/{} was deleted while a node still uses it; its directory is kept", namespace, name);
      return;
    }
    deleteTree(claimDir(namespace, name));
    LOG.info("deleted the volume of claim {}/{}", namespace, name);
  }

  /** Stops every node: SIGTERM to all at once, then waits up to {@code grace} for each before SIGKILL. */
  @Override
  public void close() {
    close(Duration.ofSeconds(60));
  }

  public void close(Duration grace) {
    closed = true;
    if (podInformer != null) {
      podInformer.close();
    }
    if (claimInformer != null) {
      claimInformer.close();
    }
    if (secretInformer != null) {
      secretInformer.close();
    }
    List<CompletableFuture<Void>> stops = new ArrayList<>();
    for (PodRuntime runtime : pods.values()) {
      stops.add(runtime.stopProcess(grace, false));
    }
    try {
      CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).get(grace.toMillis() + 15_000,
          TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.warn("nodes did not all stop in time: {}", e.toString());
    }
    executor.shutdownNow();
  }

  private static String key(Pod pod) {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }

  /** One pod's life on this kubelet. Its methods run on the kubelet's executor and synchronize on the runtime. */
  private final class PodRuntime {
    final String namespace;
    final String name;
    final String uid;
    final Pod pod;
    final CompletableFuture<Void> terminated = new CompletableFuture<>();
    volatile PodTranslator.Translation translation;
    volatile CassandraProcess process;
    volatile boolean terminating;
    int restarts;
    Boolean ready;
    int probeFailures;
    Instant startedAt;
    Map<String, Object> lastTermination;
    ScheduledFuture<?> prober;
    boolean scheduled;
    Long heapCap;
    String unschedulableMessage;
    long stdoutOffset;
    long systemLogOffset;

    PodRuntime(Pod pod) {
      this.pod = pod;
      this.namespace = pod.getMetadata().getNamespace();
      this.name = pod.getMetadata().getName();
      this.uid = pod.getMetadata().getUid() == null ? "" : pod.getMetadata().getUid();
    }

    boolean usesClaim(String claim) {
      return pod.getSpec().getVolumes() != null && pod.getSpec().getVolumes().stream()
          .anyMatch(v -> v.getPersistentVolumeClaim() != null && claim.equals(v.getPersistentVolumeClaim().getClaimName()));
    }

    synchronized void start() {
      if (terminating || closed) {
        return;
      }
      if (!scheduled && !schedule()) {
        return;
      }
      PodTranslator.Translation t;
      try {
        t = translator.translate(pod, lookup(), podDir(namespace, name), c -> claimDir(namespace, c), heapCap);
      } catch (PodTranslator.Refusal refusal) {
        patchStatus(pendingStatus(refusal.reason(), refusal.getMessage()));
        if (refusal.waiting()) {
          executor.schedule(this::start, WAIT_RETRY.toMillis(), TimeUnit.MILLISECONDS);
        } else {
          LOG.warn("cannot run pod {}/{}: {}", namespace, name, refusal.getMessage());
          event("Warning", refusal.reason(), refusal.getMessage());
        }
        return;
      }
      try {
        for (Map.Entry<Path, byte[]> file : t.files().entrySet()) {
          Files.createDirectories(file.getKey().getParent());
          Files.write(file.getKey(), file.getValue());
        }
        Files.createDirectories(t.spec().configDir());
        stdoutOffset = size(t.spec().logDir().resolve("stdout.log"));
        systemLogOffset = size(t.spec().logDir().resolve("system.log"));
        process = launcher.start(t.spec(), t.distribution());
        Files.writeString(podDir(namespace, name).resolve("pid"), process.pid() + "\n", StandardCharsets.UTF_8);
      } catch (IOException | RuntimeException e) {
        LOG.warn("cannot start pod {}/{}: {}", namespace, name, e.toString());
        patchStatus(pendingStatus("StartFailed", e.getMessage()));
        event("Warning", "Failed", "Error: " + e.getMessage());
        scheduleRestart();
        return;
      }
      translation = t;
      // A Secret that changed between its read for this start and now was skipped by refreshSecret (the pod had
      // no translation yet): the informer's copy is written once more.
      executor.execute(() -> refreshSecretsOf(this));
      startedAt = Instant.now();
      ready = false;
      probeFailures = 0;
      LOG.info("started pod {}/{} at {} (pid {}, restarts {})", namespace, name, t.address(), process.pid(), restarts);
      event("Normal", "Started", "Started container cassandra at " + t.address() + " (pid " + process.pid() + ")");
      for (String left : t.notRun()) {
        LOG.info("pod {}/{}: {}", namespace, name, left);
        event("Warning", "NotRunLocally", left);
      }
      patchStatus(runningStatus());
      CassandraProcess started = process;
      started.onExit().thenAccept(p -> executor.execute(() -> exited(started)));
      if (t.readiness() != null) {
        prober = executor.scheduleWithFixedDelay(this::probe, 1000, t.readiness().period().toMillis(),
            TimeUnit.MILLISECONDS);
      }
    }

    /** Binds the pod to the local node, or leaves it Pending as a scheduler would; true when bound. */
    private boolean schedule() {
      LocalScheduler.Decision decision = scheduler.schedule(namespace + "/" + name, pod);
      if (!decision.scheduled()) {
        if (!decision.message().equals(unschedulableMessage)) {
          unschedulableMessage = decision.message();
          LOG.info("pod {}/{} is unschedulable: {}", namespace, name, decision.message());
          patchStatus(unschedulableStatus(decision.message()));
          event("Warning", "FailedScheduling", decision.message(), "default-scheduler");
        }
        return false;
      }
      scheduled = true;
      unschedulableMessage = null;
      heapCap = decision.heapCap();
      event("Normal", "Scheduled", "Successfully assigned " + namespace + "/" + name + " to "
          + LocalScheduler.NODE_NAME, "default-scheduler");
      if (decision.relaxed() != null) {
        String line = "relaxed for local mode: " + decision.relaxed();
        LOG.info("pod {}/{} {}", namespace, name, line);
        event("Normal", "RelaxedScheduling", line, "local-scheduler");
      }
      return true;
    }

    boolean waitsForANode() {
      return !scheduled && unschedulableMessage != null && !terminating;
    }

    private synchronized void exited(CassandraProcess which) {
      if (which != process || terminating || closed) {
        return;
      }
      int code = which.exitCode().orElse(-1);
      cancelProber();
      Map<String, Object> terminatedState = new LinkedHashMap<>();
      terminatedState.put("exitCode", code);
      terminatedState.put("reason", code == 0 ? "Completed" : "Error");
      String message = lastOutput(which);
      if (!message.isEmpty()) {
        terminatedState.put("message", message);
      }
      terminatedState.put("startedAt", startedAt == null ? null : startedAt.toString());
      terminatedState.put("finishedAt", Instant.now().toString());
      lastTermination = terminatedState;
      restarts++;
      ready = false;
      LOG.warn("the node of pod {}/{} exited with {}; restarting it (restart {})", namespace, name, code, restarts);
      event("Warning", "BackOff", "Back-off restarting failed container cassandra (exit code " + code + ")");
      patchStatus(crashStatus());
      scheduleRestart();
    }

    private void scheduleRestart() {
      long factor = 1L << Math.min(Math.max(restarts - 1, 0), 10);
      Duration wait = restartBackoff.multipliedBy(factor);
      if (wait.compareTo(MAX_BACKOFF) > 0) {
        wait = MAX_BACKOFF;
      }
      executor.schedule(this::start, wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void probe() {
      PodTranslator.Translation t = translation;
      CassandraProcess p = process;
      if (t == null || p == null || !p.isAlive()) {
        return;
      }
      boolean ok;
      try {
        HttpResponse<Void> response = (t.readiness().https() ? insecureHttps : http).send(HttpRequest.newBuilder(
            URI.create((t.readiness().https() ? "https://" : "http://") + t.address() + ":" + t.readiness().port()
                + t.readiness().path()))
            .timeout(t.readiness().timeout()).GET().build(), HttpResponse.BodyHandlers.discarding());
        ok = response.statusCode() >= 200 && response.statusCode() < 400;
      } catch (IOException e) {
        ok = false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      synchronized (this) {
        if (terminating || p != process) {
          return;
        }
        probeFailures = ok ? 0 : probeFailures + 1;
        // Like a kubelet: one success makes the pod Ready, failureThreshold failures in a row make it not Ready.
        boolean next = ok || (Boolean.TRUE.equals(ready) && probeFailures < t.readiness().failureThreshold());
        if (Boolean.valueOf(next).equals(ready)) {
          return;
        }
        ready = next;
        patchStatus(runningStatus());
      }
    }

    private void cancelProber() {
      if (prober != null) {
        prober.cancel(false);
        prober = null;
      }
    }

    /** Stops the node (if one runs) and forgets the pod; completes when the process is gone. */
    CompletableFuture<Void> terminate(String why) {
      synchronized (this) {
        if (terminating) {
          return terminated;
        }
        terminating = true;
        cancelProber();
      }
      Duration grace = translation == null ? Duration.ofSeconds(30) : translation.gracePeriod();
      CompletableFuture<Void> stopped = stopProcess(grace, true);
      stopped.whenComplete((v, e) -> {
        pods.remove(namespace + "/" + name, this);
        if (scheduled) {
          scheduler.release(namespace + "/" + name);
          // What this pod held is free again: pods waiting for the node get another try, as after a
          // scheduler's "pod deleted" event.
          pods.values().stream().filter(PodRuntime::waitsForANode).forEach(p -> executor.execute(p::start));
        }
        // emptyDirs and ConfigMap/Secret copies go with the pod; logs stay for a post-mortem.
        deleteTree(podDir(namespace, name).resolve("volumes"));
        terminated.complete(null);
      });
      LOG.info("stopping pod {}/{}: {}", namespace, name, why);
      return terminated;
    }

    CompletableFuture<Void> stopProcess(Duration grace, boolean withEvent) {
      CassandraProcess p = process;
      if (p == null || !p.isAlive()) {
        return CompletableFuture.completedFuture(null);
      }
      terminating = true;
      if (withEvent) {
        event("Normal", "Killing", "Stopping container cassandra (grace period " + grace.toSeconds() + "s)");
      }
      return CompletableFuture.runAsync(() -> {
        try {
          long began = System.nanoTime();
          int code = p.stop(grace);
          lastStopExitCodes.put(namespace + "/" + name, code);
          LOG.info("node of pod {}/{} stopped with exit code {} after {} ms", namespace, name, code,
              (System.nanoTime() - began) / 1_000_000);
        } catch (InterruptedException e) {
          p.onExit(); // interrupted while draining: the shutdown hook of CassandraProcess kills what is left
          Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
          LOG.warn("stopping {}/{}: {}", namespace, name, e.toString());
        }
      });
    }

    private Map<String, Object> runningStatus() {
      String now = Instant.now().toString();
      Map<String, Object> container = containerBase();
      container.put("ready", Boolean.TRUE.equals(ready));
      container.put("started", true);
      container.put("state", Map.of("running", Map.of("startedAt", startedAt.toString())));
      Map<String, Object> status = podBase("Running");
      status.put("conditions", conditions(Boolean.TRUE.equals(ready), now));
      status.put("containerStatuses", List.of(container));
      return status;
    }

    private Map<String, Object> crashStatus() {
      String now = Instant.now().toString();
      Map<String, Object> container = containerBase();
      container.put("ready", false);
      container.put("started", false);
      container.put("state", Map.of("waiting", Map.of("reason", "CrashLoopBackOff", "message",
          "back-off restarting failed container cassandra")));
      Map<String, Object> status = podBase("Running");
      status.put("conditions", conditions(false, now));
      status.put("containerStatuses", List.of(container));
      return status;
    }

    /** A pod no node can take: Pending, no container status, PodScheduled=False with the scheduler's reason. */
    private Map<String, Object> unschedulableStatus(String message) {
      Map<String, Object> status = new LinkedHashMap<>();
      status.put("phase", "Pending");
      status.put("conditions", List.of(Map.of("type", "PodScheduled", "status", "False", "reason", "Unschedulable",
          "message", message, "lastTransitionTime", Instant.now().toString())));
      return status;
    }

    /**
     * The end of what this run printed, as a kubelet takes a termination message from the container's log:
     * its stdout and stderr, else (a JVM that logs only to its file) Cassandra's own log.
     */
    private String lastOutput(CassandraProcess which) {
      String out = tail(which.stdoutFile(), stdoutOffset);
      return out.isBlank() ? tail(which.logFile(), systemLogOffset) : out;
    }

    private Map<String, Object> pendingStatus(String reason, String message) {
      Map<String, Object> container = containerBase();
      container.put("ready", false);
      container.put("started", false);
      container.put("state", Map.of("waiting", Map.of("reason", reason, "message", message == null ? "" : message)));
      Map<String, Object> status = podBase("Pending");
      status.put("message", message);
      status.put("reason", reason);
      status.put("containerStatuses", List.of(container));
      return status;
    }

    private Map<String, Object> containerBase() {
      Map<String, Object> container = new LinkedHashMap<>();
      container.put("name", pod.getSpec().getContainers().get(0).getName());
      container.put("image", pod.getSpec().getContainers().get(0).getImage());
      container.put("imageID", "local://cassandra-all");
      container.put("restartCount", restarts);
      if (lastTermination != null) {
        container.put("lastState", Map.of("terminated", lastTermination));
      }
      return container;
    }

    private Map<String, Object> podBase(String phase) {
      Map<String, Object> status = new LinkedHashMap<>();
      status.put("phase", phase);
      status.put("hostIP", "127.0.0.1");
      if (translation != null) {
        // A pod keeps its IP while its container restarts.
        status.put("podIP", translation.address());
        status.put("podIPs", List.of(Map.of("ip", translation.address())));
      }
      status.put("startTime", startedAt == null ? Instant.now().toString() : startedAt.toString());
      return status;
    }

    private List<Map<String, Object>> conditions(boolean isReady, String now) {
      List<Map<String, Object>> list = new ArrayList<>();
      for (String type : List.of("PodScheduled", "Initialized", "ContainersReady", "Ready")) {
        boolean value = type.equals("PodScheduled") || type.equals("Initialized") || isReady;
        list.add(Map.of("type", type, "status", value ? "True" : "False", "lastTransitionTime", now));
      }
      return list;
    }

    private void patchStatus(Map<String, Object> status) {
      try {
        writeStatus(client, namespace, name, status);
      } catch (RuntimeException e) {
        LOG.debug("status of pod {}/{} not written (deleted meanwhile?): {}", namespace, name, e.toString());
      }
    }

    private void event(String type, String reason, String message) {
      event(type, reason, message, "kubelet");
    }

    private void event(String type, String reason, String message, String component) {
      try {
        String now = Instant.now().toString();
        client.v1().events().inNamespace(namespace).resource(new EventBuilder()
            .withNewMetadata().withName(name + "." + Long.toHexString(System.currentTimeMillis())
                + eventCounter.incrementAndGet()).withNamespace(namespace).endMetadata()
            .withInvolvedObject(new ObjectReferenceBuilder().withKind("Pod").withApiVersion("v1")
                .withName(name).withNamespace(namespace).withUid(uid).build())
            .withType(type).withReason(reason).withMessage(message)
            .withNewSource().withComponent(component).withHost(LocalScheduler.NODE_NAME).endSource()
            .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
            .build()).create();
      } catch (RuntimeException e) {
        LOG.debug("event on pod {}/{} not recorded: {}", namespace, name, e.toString());
      }
    }
  }

  /**
   * Replaces a pod's whole status, as a kubelet's status manager does. A JSON patch rather than a merge patch:
   * the mock API server merges arrays element by element instead of replacing them (RFC 7386), so a merge patch
   * would keep stale container statuses.
   */
  public static void writeStatus(KubernetesClient client, String namespace, String name, Map<String, Object> status) {
    client.pods().inNamespace(namespace).withName(name).subresource("status").patch(PatchContext.of(PatchType.JSON),
        Serialization.asJson(List.of(Map.of("op", "add", "path", "/status", "value", status))));
  }

  private PodTranslator.Lookup lookup() {
    return new PodTranslator.Lookup() {
      @Override
      public ConfigMap configMap(String namespace, String name) {
        return client.configMaps().inNamespace(namespace).withName(name).get();
      }

      @Override
      public Secret secret(String namespace, String name) {
        return client.secrets().inNamespace(namespace).withName(name).get();
      }

      @Override
      public PersistentVolumeClaim claim(String namespace, String name) {
        return client.persistentVolumeClaims().inNamespace(namespace).withName(name).get();
      }
    };
  }

  private static long size(Path file) {
    try {
      return Files.exists(file) ? Files.size(file) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  /**
   * The last {@value #MESSAGE_LINES} lines, at most {@value #MESSAGE_BYTES} bytes, of what a file gained after
   * {@code offset}; empty when it cannot be read.
   */
  static String tail(Path file, long offset) {
    try {
      if (!Files.exists(file)) {
        return "";
      }
      long size = Files.size(file);
      long from = Math.max(offset, size - MESSAGE_BYTES * 4L);
      if (from >= size) {
        return "";
      }
      byte[] bytes;
      try (SeekableByteChannel channel = Files.newByteChannel(file)) {
        channel.position(from);
        ByteBuffer buffer = ByteBuffer.allocate((int) (size - from));
        while (buffer.hasRemaining() && channel.read(buffer) > 0) {
          // read until full
        }
        bytes = buffer.array();
      }
      return boundedTail(new String(bytes, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return "";
    }
  }

  /** The end of a text within {@value #MESSAGE_LINES} lines and {@value #MESSAGE_BYTES} UTF-8 bytes. */
  static String boundedTail(String text) {
    String trimmed = text.strip();
    List<String> lines = List.of(trimmed.split("\\R", -1));
    String joined = String.join("\n", lines.subList(Math.max(0, lines.size() - MESSAGE_LINES), lines.size()));
    byte[] utf8 = joined.getBytes(StandardCharsets.UTF_8);
    if (utf8.length <= MESSAGE_BYTES) {
      return joined;
    }
    // Cut at a character boundary: skip continuation bytes (10xxxxxx) at the start of the kept part.
    int start = utf8.length - MESSAGE_BYTES;
    while (start < utf8.length && (utf8[start] & 0xC0) == 0x80) {
      start++;
    }
    return new String(utf8, start, utf8.length - start, StandardCharsets.UTF_8);
  }

  /** Deletes a directory tree; a failure is logged, not thrown. */
  public static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      LOG.warn("cannot delete {}: {}", dir, e.toString());
    }
  }
}
