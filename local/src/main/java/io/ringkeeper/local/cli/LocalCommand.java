package io.ringkeeper.local.cli;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.NodeStatus;
import io.ringkeeper.cli.Agents;
import io.ringkeeper.cli.StatusTable;
import io.ringkeeper.local.LocalEnvironment;
import io.ringkeeper.local.kube.ApiState;
import io.ringkeeper.local.kube.EmbeddedKube;
import io.ringkeeper.operator.node.NodeMetrics;
import io.ringkeeper.operator.resources.Labels;
import io.ringkeeper.operator.resources.Secrets;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ringkeeper local}: runs Ringkeeper on this machine without Kubernetes. {@code up} starts a background
 * server process (the embedded API, the process kubelet and the operator: {@link LocalEnvironment}), applies a
 * manifest and follows the cluster until it is Ready, then shows a status table; {@code status}, {@code apply}
 * and {@code down} talk to that server through its API. Everything lives in the work directory
 * ({@code .ringkeeper/local} of the repository by default): data volumes, node logs, the server's log, its pid
 * and a kubeconfig.
 */
@Command(name = "ringkeeper local", mixinStandardHelpOptions = true, version = "ringkeeper 0.1.0",
    description = "Ringkeeper and real Cassandra nodes on this machine, no Kubernetes needed.",
    subcommands = {LocalCommand.Up.class, LocalCommand.Status.class, LocalCommand.Apply.class,
        LocalCommand.Credentials.class, LocalCommand.Down.class, LocalCommand.Server.class})
public final class LocalCommand implements Runnable {
  static final String HOME_PROPERTY = "ringkeeper.home";

  @Option(names = "--work-dir", description = "Where volumes, logs and the server's state live."
      + " Default: <repository>/.ringkeeper/local.")
  Path workDir;

  @Option(names = "--port", defaultValue = "" + LocalEnvironment.DEFAULT_API_PORT,
      description = "Port of the embedded Kubernetes API on 127.0.0.1. Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--metrics-port", defaultValue = "9464",
      description = "Port of the operator's /metrics (Prometheus) on this machine; -1: off. Default: ${DEFAULT-VALUE}.")
  int metricsPort;

  @Option(names = "--address-base", defaultValue = LocalEnvironment.DEFAULT_ADDRESS_BASE,
      description = "Nodes get the loopback addresses after this one. Default: ${DEFAULT-VALUE}.")
  String addressBase;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(new CommandLine(new LocalCommand()).execute(args));
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a command: up, status, apply or down");
  }

  static Path home() {
    return Paths.get(System.getProperty(HOME_PROPERTY, ".")).toAbsolutePath().normalize();
  }

  Path work() {
    return (workDir != null ? workDir : home().resolve(".ringkeeper").resolve("local")).toAbsolutePath();
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  KubernetesClient client() {
    return new KubernetesClientBuilder().withConfig(EmbeddedKube.config(url(), "ringkeeper-cli")).build();
  }

  /** Whether a local server answers on the port. */
  boolean serverUp() {
    io.fabric8.kubernetes.client.Config config = EmbeddedKube.config(url(), "ringkeeper-cli");
    config.setRequestTimeout(2000);
    config.setConnectionTimeout(1000);
    config.setRequestRetryBackoffLimit(0);
    try (KubernetesClient c = new KubernetesClientBuilder().withConfig(config).build()) {
      c.resources(CassandraCluster.class).inAnyNamespace().list();
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  Optional<ProcessHandle> serverProcess() {
    Path pidFile = work().resolve("server.pid");
    try {
      long pid = Long.parseLong(Files.readString(pidFile).trim());
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** How the local node schedules pods; given to {@code up} and passed on to the server it starts. */
  static final class Scheduling {
    @Option(names = "--relax-scheduling", description = "Run pods a one-machine cluster could not: map their CPU and"
        + " memory requests down to a local node's size (heap capped to match) and ignore node selectors and"
        + " required node affinity (zones), saying so per pod. Default: off, such pods stay Pending"
        + " (Unschedulable) with the scheduler's reason.")
    boolean relax;

    @Option(names = "--node-label", paramLabel = "KEY=VALUE", description = "A label of the local node, e.g."
        + " topology.kubernetes.io/zone=eu-west-1a (repeatable).")
    List<String> labels = new ArrayList<>();

    Map<String, String> labelMap() {
      Map<String, String> map = new LinkedHashMap<>();
      for (String label : labels) {
        int eq = label.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("--node-label " + label + ": write KEY=VALUE, e.g."
              + " topology.kubernetes.io/zone=eu-west-1a");
        }
        map.put(label.substring(0, eq), label.substring(eq + 1));
      }
      return map;
    }

    List<String> args() {
      List<String> args = new ArrayList<>();
      if (relax) {
        args.add("--relax-scheduling");
      }
      labels.forEach(l -> {
        args.add("--node-label");
        args.add(l);
      });
      return args;
    }

    String describe() {
      return (relax ? "relaxed" : "strict") + (labels.isEmpty() ? "" : " " + String.join(",", labels));
    }
  }

  /** A Prometheus beside local mode; given to {@code up} and passed on to the server it starts. */
  static final class PrometheusOptions {
    @Option(names = "--prometheus", description = "Also run Debian's Prometheus (from .ci/prometheus-toolchain),"
        + " scraping the operator's /metrics every 5 s, and print its URL. It stops with `local down`.")
    boolean enabled;

    @Option(names = "--prometheus-port", defaultValue = "9090", description = "Its port on 127.0.0.1; 0: any free"
        + " port. Default: ${DEFAULT-VALUE}.")
    int port;

    List<String> args() {
      return enabled ? List.of("--prometheus", "--prometheus-port", String.valueOf(port)) : List.of();
    }
  }

  static final String PROMETHEUS_ERROR_FILE = "prometheus.error";

  static final String SCHEDULING_FILE = "scheduling";

  /** Runs the local environment in this process until it is stopped (SIGTERM from `down`, or Ctrl-C). */
  @Command(name = "server", hidden = true, description = "Runs the embedded API, kubelet and operator (used by up).")
  static final class Server implements Callable<Integer> {
    @ParentCommand
    LocalCommand parent;

    @CommandLine.Mixin
    Scheduling scheduling = new Scheduling();

    @CommandLine.Mixin
    PrometheusOptions prometheusOptions = new PrometheusOptions();

    @Override
    public Integer call() throws Exception {
      Path work = parent.work();
      LocalPrometheus.forget(work);
      Files.deleteIfExists(work.resolve(PROMETHEUS_ERROR_FILE));
      // SIGTERM (`down`, Ctrl-C) stops the nodes gracefully: they drain, so no commit log replays at the next up.
      io.ringkeeper.local.cassandra.CassandraProcess.setExitGrace(Duration.ofSeconds(60));
      LocalEnvironment env = LocalEnvironment.builder(work).addressBase(parent.addressBase).apiPort(parent.port)
          .metricsPort(parent.metricsPort).relaxScheduling(scheduling.relax).nodeLabels(scheduling.labelMap())
          .keepApiState(true).start();
      Files.writeString(work.resolve(SCHEDULING_FILE), scheduling.describe() + "\n", StandardCharsets.UTF_8);
      LocalPrometheus prometheus = prometheusOptions.enabled ? startPrometheus(work) : null;
      Files.writeString(work.resolve("server.pid"), ProcessHandle.current().pid() + "\n", StandardCharsets.UTF_8);
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        if (prometheus != null) {
          prometheus.close();
          try {
            LocalPrometheus.forget(work);
          } catch (IOException ignored) {
            // best effort
          }
        }
        System.out.println("ringkeeper local: stopping every node (they drain first)");
        env.close();
        try {
          Files.deleteIfExists(work.resolve("server.pid"));
        } catch (IOException ignored) {
          // best effort
        }
        System.out.println("ringkeeper local: stopped");
        stopped.countDown();
      }, "local-shutdown"));
      System.out.println("ringkeeper local: API " + env.apiUrl() + ", kubeconfig " + env.kubeconfig() + ", pid "
          + ProcessHandle.current().pid());
      stopped.await();
      return 0;
    }

    /** Local mode runs on without Prometheus when it cannot start; the reason is left for `up` to print. */
    private LocalPrometheus startPrometheus(Path work) throws IOException, InterruptedException {
      String reason;
      if (parent.metricsPort < 0) {
        reason = "--prometheus needs the operator's metrics: drop --metrics-port -1";
      } else {
        Optional<Path> binary = LocalPrometheus.binary(System.getenv(), Paths.get(System.getProperty("user.home")));
        if (binary.isEmpty()) {
          reason = "no prometheus binary in $RINGKEEPER_PROMETHEUS_HOME/bin, ~/.cache/ringkeeper/prometheus/bin or"
              + " on the PATH: run .ci/prometheus-toolchain (it unpacks Debian's prometheus package there)";
        } else {
          try {
            LocalPrometheus started = LocalPrometheus.start(binary.get(), work, prometheusOptions.port,
                parent.metricsPort, home().resolve("helm").resolve("ringkeeper"));
            System.out.println("ringkeeper local: Prometheus " + started.url());
            return started;
          } catch (IllegalStateException e) {
            reason = e.getMessage();
          }
        }
      }
      System.out.println("ringkeeper local: Prometheus not started: " + reason);
      Files.writeString(work.resolve(PROMETHEUS_ERROR_FILE), reason + "\n", StandardCharsets.UTF_8);
      return null;
    }
  }

  /** Starts local mode (when not running), applies a manifest, follows it to Ready, then shows its status. */
  @Command(name = "up", description = "Start local mode, apply a manifest (default examples/minimal.yaml), follow it"
      + " until Ready, then show a status table refreshed until Ctrl-C.")
  static final class Up implements Callable<Integer> {
    @ParentCommand
    LocalCommand parent;

    @Parameters(arity = "0..1", paramLabel = "MANIFEST", description = "CassandraCluster manifest.")
    Path manifest;

    @Option(names = "--timeout", defaultValue = "10m", description = "How long to wait for Ready. Default: 10m.")
    String timeout;

    @Option(names = "--no-watch", description = "Show the table once and return instead of refreshing it.")
    boolean noWatch;

    @CommandLine.Mixin
    Scheduling scheduling = new Scheduling();

    @CommandLine.Mixin
    PrometheusOptions prometheusOptions = new PrometheusOptions();

    @Override
    public Integer call() throws Exception {
      PrintStream out = System.out;
      Path file = manifest != null ? manifest.toAbsolutePath() : home().resolve("examples").resolve("minimal.yaml");
      // Without a manifest, what ran before `down` is resumed (the API's objects are kept in the work directory).
      boolean resumable = manifest == null && Files.isRegularFile(parent.work().resolve(ApiState.FILE));
      if (!resumable && !Files.isRegularFile(file)) {
        throw new CommandLine.ParameterException(new CommandLine(this), "no manifest at " + file
            + ": give the path of a CassandraCluster manifest, e.g. examples/minimal.yaml");
      }
      Instant began = Instant.now();
      if (parent.serverUp()) {
        String running = readScheduling(parent.work());
        out.println("local mode is already running on " + parent.url() + " (scheduling " + running + ")");
        if (!running.equals(scheduling.describe())) {
          out.println("  it was started with other scheduling than asked (" + scheduling.describe()
              + "); `./ringkeeper local down` first to change it");
        }
        Optional<String> prometheus = LocalPrometheus.runningUrl(parent.work());
        if (prometheus.isPresent()) {
          out.println("Prometheus: " + prometheus.get());
        } else if (prometheusOptions.enabled) {
          out.println("  it runs no Prometheus; `./ringkeeper local down` first, then `up --prometheus`");
        }
      } else {
        startServer(out);
      }
      try (KubernetesClient client = parent.client()) {
        List<CassandraCluster> running = resumable
            ? client.resources(CassandraCluster.class).inAnyNamespace().list().getItems() : List.of();
        CassandraCluster applied;
        if (!running.isEmpty()) {
          applied = running.get(0);
          out.printf("resumed %s (cassandraclusters.ringkeeper.io %s/%s) from %s%n", running.size() == 1
              ? "the cluster" : running.size() + " clusters, following the first", applied.getMetadata()
              .getNamespace(), applied.getMetadata().getName(), parent.work().resolve(ApiState.FILE));
        } else {
          try {
            applied = LocalEnvironment.apply(client, Files.readString(file), true);
          } catch (KubernetesClientException e) {
            out.println(Refusals.render(e));
            return 1;
          }
          out.printf("applied %s (cassandraclusters.ringkeeper.io %s/%s)%n", parent.home().relativize(file),
              applied.getMetadata().getNamespace(), applied.getMetadata().getName());
        }
        String namespace = applied.getMetadata().getNamespace();
        String name = applied.getMetadata().getName();
        Duration limit = io.ringkeeper.operator.domain.schedule.Durations.parse(timeout);
        CassandraCluster ready = follow(client, namespace, name, began, limit, out);
        List<Pod> pods = clusterPods(client, namespace, name);
        long unschedulable = pods.stream().filter(p -> PodLines.state(p) == PodLines.State.UNSCHEDULABLE).count();
        if (ready == null) {
          if (unschedulable > 0) {
            out.printf("%s/%s cannot become Ready on this machine: %d of %d pods are Pending (Unschedulable)%n",
                namespace, name, unschedulable, pods.size());
          } else {
            out.println("not Ready after " + timeout + "; `./ringkeeper local status` shows where it stands and "
                + parent.work().resolve("pods") + "/<ns>/<pod>/logs/stdout.log what a node printed");
          }
          printPods(client, namespace, pods, out);
          if (unschedulable > 0 && !scheduling.relax) {
            out.println("`./ringkeeper local down`, then `./ringkeeper local up --relax-scheduling "
                + parent.home().relativize(file) + "` runs them at a local node's size, ignoring node selectors"
                + " and zones (each pod says what was relaxed)");
          }
          return 1;
        }
        out.printf(Locale.ROOT, "%s/%s is Ready: %s nodes, %.1f s after `local up`%n", namespace, name,
            ready.getStatus().getReady(), Duration.between(began, Instant.now()).toMillis() / 1000.0);
        printPods(client, namespace, pods, out);
        out.println();
        showTable(parent, client, namespace, name, !noWatch && System.console() != null, out);
      }
      return 0;
    }

    private void startServer(PrintStream out) throws IOException, InterruptedException {
      Path work = parent.work();
      Files.createDirectories(work);
      Path log = work.resolve("server.log");
      List<String> command = new ArrayList<>();
      // Its own session: Ctrl-C on the table (SIGINT to the terminal's process group) must not stop the server.
      if (Files.isExecutable(Paths.get("/usr/bin/setsid")) || Files.isExecutable(Paths.get("/bin/setsid"))) {
        command.add("setsid");
      }
      command.add(ProcessHandle.current().info().command().orElse("java"));
      for (String key : List.of(HOME_PROPERTY, "ringkeeper.cassandra.lib", "ringkeeper.agent.jar",
          "ringkeeper.cassandra.java")) {
        if (System.getProperty(key) != null) {
          command.add("-D" + key + "=" + System.getProperty(key));
        }
      }
      command.addAll(List.of("-Xmx512m", "-cp", System.getProperty("java.class.path"), LocalCommand.class.getName(),
          "--work-dir", work.toString(), "--port", String.valueOf(parent.port), "--address-base", parent.addressBase,
          "--metrics-port", String.valueOf(parent.metricsPort), "server"));
      command.addAll(scheduling.args());
      command.addAll(prometheusOptions.args());
      Process server = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
      out.printf("starting local mode: embedded Kubernetes API on %s, kubelet and operator (pid %d, log %s)%n",
          parent.url(), server.pid(), log);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      // The API answers before the saved objects are restored; the server writes its pid file once they are.
      Path pidFile = work.resolve("server.pid");
      FileTime started = FileTime.from(Instant.now().minusSeconds(1));
      while (!parent.serverUp() || !Files.isRegularFile(pidFile)
          || Files.getLastModifiedTime(pidFile).compareTo(started) < 0) {
        if (!server.isAlive() || System.nanoTime() > deadline) {
          out.println("local mode did not start; the end of " + log + ":");
          tail(log, 20).forEach(line -> out.println("  " + line));
          throw new IllegalStateException("local mode did not start");
        }
        Thread.sleep(500);
      }
      out.println("kubeconfig of the embedded API: " + work.resolve("kubeconfig"));
      if (parent.metricsPort >= 0) {
        out.println("operator metrics: http://127.0.0.1:" + parent.metricsPort + "/metrics");
      }
      if (prometheusOptions.enabled) {
        Optional<String> prometheus = LocalPrometheus.runningUrl(work);
        if (prometheus.isPresent()) {
          out.println("Prometheus (scrapes the operator every 5 s): " + prometheus.get());
        } else {
          Path error = work.resolve(PROMETHEUS_ERROR_FILE);
          out.println("Prometheus not started: " + (Files.isRegularFile(error) ? Files.readString(error).trim()
              : "see " + log));
        }
      }
    }

    /** Prints what changes (phase, node states, events) until Ready; null on timeout. */
    private static CassandraCluster follow(KubernetesClient client, String namespace, String name, Instant began,
        Duration limit, PrintStream out) throws InterruptedException {
      Set<String> seenEvents = new HashSet<>();
      Map<String, String> nodeStates = new HashMap<>();
      String phase = null;
      String snapshot = null;
      long unchangedSince = System.nanoTime();
      long deadline = System.nanoTime() + limit.toNanos();
      while (System.nanoTime() < deadline) {
        CassandraCluster cr = client.resources(CassandraCluster.class).inNamespace(namespace).withName(name).get();
        String at = String.format(Locale.ROOT, "[%5.1fs]", Duration.between(began, Instant.now()).toMillis() / 1000.0);
        List<Event> events = new ArrayList<>(client.v1().events().inNamespace(namespace).list().getItems());
        events.sort(Comparator.comparing(e -> e.getLastTimestamp() == null ? "" : e.getLastTimestamp()));
        for (Event e : events) {
          String key = e.getMetadata().getName() + "#" + e.getCount();
          if (seenEvents.add(key)) {
            out.printf("%s %-8s %-20s %s%n", at, e.getInvolvedObject().getKind(), e.getReason(), e.getMessage());
          }
        }
        if (cr != null && cr.getStatus() != null) {
          String now = cr.getStatus().getPhase() + " " + (cr.getStatus().getReady() == null ? ""
              : cr.getStatus().getReady());
          if (!now.equals(phase)) {
            phase = now;
            out.printf("%s phase %s%n", at, now);
          }
          for (NodeStatus node : cr.getStatus().getNodes()) {
            String state = node.getState() + (node.getPodIP() == null ? "" : " at " + node.getPodIP())
                + (node.getMessage() == null ? "" : " (" + node.getMessage() + ")");
            if (!state.equals(nodeStates.put(node.getName(), state))) {
              out.printf("%s node %-16s %s%n", at, node.getName(), state);
            }
          }
          if (LocalEnvironment.isReady(cr)) {
            return cr;
          }
          // Pods no node can take, the others Ready, nothing changing: waiting longer would change nothing.
          List<PodLines.State> states = clusterPods(client, namespace, name).stream().map(PodLines::state).toList();
          String current = now + nodeStates + states;
          if (!current.equals(snapshot)) {
            snapshot = current;
            unchangedSince = System.nanoTime();
          } else if (states.contains(PodLines.State.UNSCHEDULABLE)
              && states.stream().allMatch(st -> st == PodLines.State.UNSCHEDULABLE || st == PodLines.State.READY)
              && System.nanoTime() - unchangedSince > SETTLED.toNanos()) {
            return null;
          }
        }
        Thread.sleep(1000);
      }
      return null;
    }
  }

  /** How long pods stay Unschedulable with nothing changing before {@code up} stops following. */
  static final Duration SETTLED = Duration.ofSeconds(20);

  static List<Pod> clusterPods(KubernetesClient client, String namespace, String name) {
    return client.pods().inNamespace(namespace).withLabel(Labels.CLUSTER, name).list().getItems();
  }

  static void printPods(KubernetesClient client, String namespace, List<Pod> pods, PrintStream out) {
    List<Event> events = client.v1().events().inNamespace(namespace).list().getItems();
    PodLines.lines(pods, events).forEach(out::println);
  }

  static String readScheduling(Path work) {
    try {
      return Files.readString(work.resolve(SCHEDULING_FILE)).trim();
    } catch (IOException e) {
      return "strict";
    }
  }

  /** Shows the status table of every cluster (or one). */
  @Command(name = "status", description = "Show a nodetool-status-like table of the local clusters.")
  static final class Status implements Callable<Integer> {
    @ParentCommand
    LocalCommand parent;

    @Parameters(arity = "0..1", paramLabel = "CLUSTER", description = "Cluster name (default: every cluster).")
    String cluster;

    @Option(names = {"-n", "--namespace"}, defaultValue = "default", description = "Default: ${DEFAULT-VALUE}.")
    String namespace;

    @Option(names = {"-w", "--watch"}, description = "Refresh every 2 s until Ctrl-C.")
    boolean watch;

    @Override
    public Integer call() throws Exception {
      if (!parent.serverUp()) {
        System.out.println("local mode is not running (no API on " + parent.url() + "); start it with"
            + " `./ringkeeper local up`");
        return 1;
      }
      try (KubernetesClient client = parent.client()) {
        List<CassandraCluster> clusters = client.resources(CassandraCluster.class).inNamespace(namespace).list()
            .getItems().stream().filter(c -> cluster == null || c.getMetadata().getName().equals(cluster)).toList();
        if (clusters.isEmpty()) {
          System.out.println("no CassandraCluster" + (cluster == null ? "" : " named " + cluster) + " in namespace "
              + namespace + "; create one with `./ringkeeper local apply examples/minimal.yaml`");
          return cluster == null ? 0 : 1;
        }
        if (clusters.size() == 1) {
          showTable(parent, client, namespace, clusters.get(0).getMetadata().getName(), watch, System.out);
        } else {
          for (CassandraCluster c : clusters) {
            System.out.println(StatusTable.render(c, metrics(client, c)));
          }
        }
      }
      return 0;
    }
  }

  /** Prints how to log in with CQL: a node's address and the superuser's name and password from its Secret. */
  @Command(name = "credentials", description = "Print the CQL address and the superuser of a local cluster (from"
      + " its Secret).")
  static final class Credentials implements Callable<Integer> {
    @ParentCommand
    LocalCommand parent;

    @Parameters(arity = "0..1", paramLabel = "CLUSTER", defaultValue = "demo", description = "Default: demo.")
    String cluster;

    @Option(names = {"-n", "--namespace"}, defaultValue = "default", description = "Default: ${DEFAULT-VALUE}.")
    String namespace;

    @Override
    public Integer call() throws Exception {
      if (!parent.serverUp()) {
        System.out.println("local mode is not running; start it with `./ringkeeper local up`");
        return 1;
      }
      try (KubernetesClient client = parent.client()) {
        CassandraCluster cr = client.resources(CassandraCluster.class).inNamespace(namespace).withName(cluster).get();
        if (cr == null) {
          System.out.println("no CassandraCluster " + cluster + " in namespace " + namespace);
          return 2;
        }
        String name = io.ringkeeper.operator.reconciler.observe.AccessFacts.superuserSecret(cr);
        Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
        if (secret == null) {
          System.out.println("Secret " + name + " does not exist yet" + (io.ringkeeper.operator.reconciler.observe
              .AccessFacts.generatesSuperuser(cr) ? " (the operator creates it with the cluster)"
              : " (spec.auth.superuserSecretRef: create it with keys username and password)"));
          return 1;
        }
        String address = cr.getStatus() == null || cr.getStatus().getNodes() == null
            ? null : cr.getStatus().getNodes().stream().map(n -> n.getPodIP()).filter(ip -> ip != null)
            .findFirst().orElse(null);
        boolean set = cr.getStatus() != null && cr.getStatus().getAccess() != null
            && cr.getStatus().getAccess().getDefaultSuperuser() != null;
        System.out.println("address:  " + (address == null ? "(no node has an address yet)" : address + ":9042"));
        System.out.println("username: " + Secrets.value(secret, "username"));
        System.out.println("password: " + Secrets.value(secret, "password"));
        System.out.println("secret:   " + namespace + "/" + name + (set ? "" : " (the role is not created yet:"
            + " wait for Ready)"));
        if (io.ringkeeper.operator.resources.SpecDefaults.tlsEnabled(cr.getSpec())) {
          printTls(client, cr, address, Secrets.value(secret, "username"));
        } else {
          System.out.println("tls:      off (spec.tls.enabled: false): CQL in plain text");
        }
      }
      return 0;
    }

    /** The cluster CA, written where a CQL client can read it, and how cqlsh connects with it. */
    private void printTls(KubernetesClient client, CassandraCluster cr, String address, String username)
        throws java.io.IOException {
      boolean required = io.ringkeeper.operator.resources.SpecDefaults.clientTlsRequired(cr.getSpec());
      System.out.println("tls:      " + (required ? "required (plain-text CQL is refused)"
          : "optional (spec.tls.client: Optional)"));
      String caName = cr.getSpec().getTls() != null && cr.getSpec().getTls().getCaSecretRef() != null
          ? cr.getSpec().getTls().getCaSecretRef() : io.ringkeeper.operator.resources.Names.caSecret(cluster);
      Secret ca = client.secrets().inNamespace(namespace).withName(caName).get();
      String pem = ca == null ? null : Secrets.value(ca, io.ringkeeper.operator.resources.Names.TLS_CA_KEY);
      if (pem == null || pem.isBlank()) {
        System.out.println("ca:       Secret " + namespace + "/" + caName + " has no "
            + io.ringkeeper.operator.resources.Names.TLS_CA_KEY + " yet (the operator writes it with the cluster)");
        return;
      }
      Path file = parent.work().resolve("tls").resolve(namespace + "-" + cluster + "-ca.crt");
      java.nio.file.Files.createDirectories(file.getParent());
      java.nio.file.Files.writeString(file, pem);
      System.out.println("ca:       " + file + " (from Secret " + namespace + "/" + caName + ", key "
          + io.ringkeeper.operator.resources.Names.TLS_CA_KEY + ")");
      System.out.println("cqlsh:    SSL_CERTFILE=" + file + " SSL_VALIDATE=true cqlsh --ssl -u " + username
          + " " + (address == null ? "<address>" : address) + " 9042");
    }
  }

  /** Creates a cluster, or replaces the spec of an existing one. */
  @Command(name = "apply", description = "Apply a CassandraCluster manifest to the running local mode.")
  static final class Apply implements Callable<Integer> {
    @ParentCommand
    LocalCommand parent;

    @Parameters(paramLabel = "MANIFEST", description = "CassandraCluster manifest.")
    Path manifest;

    @Override
    public Integer call() throws Exception {
      if (!parent.serverUp()) {
        System.out.println("local mode is not running; `./ringkeeper local up " + manifest + "` starts it and applies");
        return 1;
      }
      String text = Files.readString(manifest);
      try (KubernetesClient client = parent.client()) {
        GenericKubernetesResource before = Serialization.unmarshal(text, GenericKubernetesResource.class);
        boolean existed = before != null && before.getMetadata() != null && before.getMetadata().getName() != null
            && client.resources(CassandraCluster.class).inNamespace(before.getMetadata().getNamespace() == null
                ? "default" : before.getMetadata().getNamespace()).withName(before.getMetadata().getName())
            .get() != null;
        CassandraCluster applied;
        try {
          applied = LocalEnvironment.apply(client, text, true);
        } catch (KubernetesClientException e) {
          System.out.println(Refusals.render(e));
          return 1;
        }
        System.out.printf("cassandracluster.ringkeeper.io/%s %s%n", applied.getMetadata().getName(),
            existed ? "configured" : "created");
      }
      return 0;
    }
  }

  /** Stops the server and every node it started; keeps the data unless --wipe. */
  @Command(name = "down", description = "Stop local mode and every Cassandra node it started (they drain first).")
  static final class Down implements Callable<Integer> {
    @ParentCommand
    LocalCommand parent;

    @Option(names = "--wipe", description = "Also delete the work directory: data volumes, logs, addresses.")
    boolean wipe;

    @Override
    public Integer call() throws Exception {
      Optional<ProcessHandle> server = parent.serverProcess();
      if (server.isPresent()) {
        System.out.println("stopping local mode (pid " + server.get().pid() + "); nodes drain before they stop");
        server.get().destroy();
        server.get().onExit().get(3, TimeUnit.MINUTES);
      } else {
        System.out.println("local mode is not running");
      }
      // A server killed hard leaves its nodes behind: their pids are in the pod directories.
      int leftovers = 0;
      Path pods = parent.work().resolve("pods");
      if (Files.isDirectory(pods)) {
        try (Stream<Path> files = Files.walk(pods, 3)) {
          for (Path pidFile : files.filter(p -> p.getFileName().toString().equals("pid")).toList()) {
            Optional<ProcessHandle> node = readPid(pidFile).flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().orElse("").contains("ringkeeper.node="));
            if (node.isPresent()) {
              node.get().destroyForcibly();
              leftovers++;
            }
          }
        }
      }
      if (leftovers > 0) {
        System.out.println("killed " + leftovers + " node processes left behind");
      }
      if (wipe) {
        io.ringkeeper.local.kubelet.ProcessKubelet.deleteTree(parent.work());
        System.out.println("wiped " + parent.work());
      } else {
        System.out.println("data kept in " + parent.work().resolve("volumes") + " and the API's objects in "
            + parent.work().resolve(ApiState.FILE) + "; `./ringkeeper local up` resumes them (`down --wipe` deletes"
            + " both)");
      }
      return 0;
    }

    private static Optional<Long> readPid(Path file) {
      try {
        return Optional.of(Long.parseLong(Files.readString(file).trim()));
      } catch (IOException | NumberFormatException e) {
        return Optional.empty();
      }
    }
  }

  static void showTable(LocalCommand parent, KubernetesClient client, String namespace, String name, boolean watch,
      PrintStream out) throws InterruptedException {
    do {
      CassandraCluster cr = client.resources(CassandraCluster.class).inNamespace(namespace).withName(name).get();
      if (cr == null) {
        out.println("no cluster " + namespace + "/" + name);
        return;
      }
      String table = StatusTable.render(cr, metrics(client, cr)) + waitingPods(client, cr);
      if (watch) {
        out.print("\033[H\033[2J");
        out.println(Instant.now().toString().substring(0, 19).replace('T', ' ') + " UTC   (Ctrl-C to leave;"
            + " the cluster keeps running, `./ringkeeper local down` stops it)");
      }
      out.print(table);
      out.flush();
      if (watch) {
        Thread.sleep(2000);
      }
    } while (watch);
  }

  /** Pods of the cluster whose container waits for a reason (an image local mode cannot run, ...). */
  static String waitingPods(KubernetesClient client, CassandraCluster cr) {
    StringBuilder out = new StringBuilder();
    client.pods().inNamespace(cr.getMetadata().getNamespace())
        .withLabel(Labels.CLUSTER, cr.getMetadata().getName()).list().getItems()
        .forEach(pod -> {
          if (pod.getStatus() != null && pod.getStatus().getContainerStatuses() != null) {
            pod.getStatus().getContainerStatuses().stream()
                .filter(c -> c.getState() != null && c.getState().getWaiting() != null)
                .forEach(c -> out.append("  pod ").append(pod.getMetadata().getName()).append(" waits: ")
                    .append(c.getState().getWaiting().getReason()).append(": ")
                    .append(c.getState().getWaiting().getMessage()).append('\n'));
          }
        });
    return out.toString();
  }

  /** Every node's current metrics from its agent (the agent token is in the cluster's Secret). */
  static Map<String, NodeMetrics> metrics(KubernetesClient client, CassandraCluster cr) {
    return Agents.metrics(client, cr);
  }

  static List<String> tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      return all.subList(Math.max(0, all.size() - lines), all.size());
    } catch (IOException e) {
      return List.of("(cannot read " + file + ")");
    }
  }
}
