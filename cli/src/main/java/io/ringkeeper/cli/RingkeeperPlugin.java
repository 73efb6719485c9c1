package io.ringkeeper.cli;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.NodeState;
import io.ringkeeper.api.v1alpha1.NodeStatus;
import io.ringkeeper.operator.resources.Labels;
import io.ringkeeper.operator.resources.Names;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code kubectl ringkeeper}: the command line of Ringkeeper's users, as a kubectl plugin (an executable named
 * {@code kubectl-ringkeeper} on the PATH). It reaches the cluster the way kubectl does (the kubeconfig of
 * {@code --kubeconfig}, {@code $KUBECONFIG} or {@code ~/.kube/config}, its current context or {@code --context},
 * the context's namespace or {@code -n}) and asks the operator for actions only through the annotations it already
 * honours ({@code ringkeeper.io/restart}, {@code ringkeeper.io/replace}, {@code ringkeeper.io/repair},
 * {@code ringkeeper.io/fenced}) and {@code spec.stopped}: the plugin
 * never changes a node itself, so every safety rule of the operator still applies.
 *
 * <p>Bad input (an unknown command, option, cluster or node) is one line on stderr and exit code 2; a refusal of
 * the API server is one line and exit code 1. No stack traces.
 */
@Command(name = "kubectl ringkeeper", mixinStandardHelpOptions = true, version = "kubectl-ringkeeper 0.1.0",
    description = "Look after Ringkeeper's CassandraClusters: status, restart, replace, repair, report, logs, nodetool,"
        + " hibernate, fence.",
    subcommands = {RingkeeperPlugin.Status.class, RingkeeperPlugin.Restart.class, RingkeeperPlugin.Replace.class,
        RingkeeperPlugin.Repair.class, RingkeeperPlugin.Report.class, RingkeeperPlugin.Logs.class,
        RingkeeperPlugin.Nodetool.class, RingkeeperPlugin.Hibernate.class, RingkeeperPlugin.Fence.class})
public final class RingkeeperPlugin implements Runnable {
  /** Exit code of bad input: unknown command, option, cluster or node. */
  public static final int USAGE = 2;

  @Option(names = "--kubeconfig", paramLabel = "FILE", scope = CommandLine.ScopeType.INHERIT,
      description = "Path of the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config).")
  Path kubeconfig;

  @Option(names = "--context", paramLabel = "NAME", scope = CommandLine.ScopeType.INHERIT,
      description = "The kubeconfig context to use (default: its current context).")
  String context;

  @Option(names = {"-n", "--namespace"}, paramLabel = "NAMESPACE", scope = CommandLine.ScopeType.INHERIT,
      description = "Namespace of the cluster (default: the context's namespace, else default).")
  String namespace;

  @Option(names = "--agent-port", hidden = true, scope = CommandLine.ScopeType.INHERIT, defaultValue = "8778",
      description = "Port of the node agents at the pod IPs (tests run a fake agent elsewhere).")
  int agentPort;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  private final Function<RingkeeperPlugin, KubernetesClient> clients;
  final PrintStream out;
  final PrintStream err;

  RingkeeperPlugin(Function<RingkeeperPlugin, KubernetesClient> clients, PrintStream out, PrintStream err) {
    this.clients = clients;
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    System.exit(execute(args, System.out, System.err, RingkeeperPlugin::kubeconfigClient));
  }

  /** Runs one command line and returns its exit code; tests give their own client factory and streams. */
  public static int execute(String[] args, PrintStream out, PrintStream err,
      Function<RingkeeperPlugin, KubernetesClient> clients) {
    CommandLine line = new CommandLine(new RingkeeperPlugin(clients, out, err));
    line.setOut(new PrintWriter(out, true));
    line.setErr(new PrintWriter(err, true));
    line.setParameterExceptionHandler((e, a) -> {
      String message = e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()
          && e.getCommandLine().getCommandSpec().parent() == null && !u.getUnmatched().get(0).startsWith("-")
          ? "unknown command '" + u.getUnmatched().get(0) + "' (commands: " + String.join(", ",
              e.getCommandLine().getSubcommands().keySet()) + ")"
          : e.getMessage();
      err.println("error: " + message + "; see `kubectl ringkeeper " + (e.getCommandLine().getCommandSpec()
          .parent() == null ? "" : e.getCommandLine().getCommandName() + " ") + "--help`");
      return USAGE;
    });
    line.setExecutionExceptionHandler((e, cl, parsed) -> {
      if (e instanceof UsageException) {
        err.println("error: " + e.getMessage());
        return USAGE;
      }
      if (e instanceof Failure) {
        err.println("error: " + e.getMessage());
        return 1;
      }
      err.println("error: " + describe(e));
      return 1;
    });
    return line.execute(args);
  }

  /** One line for a failure: the API server's message when it answered, else what went wrong. */
  static String describe(Throwable e) {
    if (e instanceof KubernetesClientException k) {
      if (k.getStatus() != null && k.getStatus().getMessage() != null) {
        return "the API server refused (" + k.getCode() + "): " + k.getStatus().getMessage();
      }
      Throwable cause = k;
      while (cause.getCause() != null) {
        cause = cause.getCause();
      }
      return "cannot reach the Kubernetes API: " + (cause == k ? k.getMessage() : cause.getClass().getSimpleName()
          + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
    }
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  /** The client kubectl would use: kubeconfig (flag, $KUBECONFIG or ~/.kube/config), context, namespace. */
  public static KubernetesClient kubeconfigClient(RingkeeperPlugin options) {
    if (options.kubeconfig != null) {
      if (!options.kubeconfig.toFile().isFile()) {
        throw new UsageException("--kubeconfig " + options.kubeconfig + ": no such file");
      }
      System.setProperty(Config.KUBERNETES_KUBECONFIG_FILE, options.kubeconfig.toAbsolutePath().toString());
    }
    Config config = Config.autoConfigure(options.context);
    if (options.context != null && (config.getCurrentContext() == null
        || !options.context.equals(config.getCurrentContext().getName()))) {
      throw new UsageException("--context " + options.context + ": no such context in the kubeconfig");
    }
    config.setRequestRetryBackoffLimit(1);
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a command: " + String.join(", ",
        spec.commandLine().getSubcommands().keySet()));
  }

  /** Bad input found after parsing (an unknown cluster or node): exit code 2. */
  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }

  /** A command that could not do its work (an agent that does not answer, ...): exit code 1, its message. */
  static final class Failure extends RuntimeException {
    Failure(String message) {
      super(message);
    }
  }

  KubernetesClient client() {
    return clients.apply(this);
  }

  java.util.Optional<Agents> agents(KubernetesClient client, CassandraCluster cr) {
    return Agents.of(client, cr, agentPort);
  }

  String namespace(KubernetesClient client) {
    if (namespace != null) {
      return namespace;
    }
    String fromContext = client.getNamespace();
    return fromContext == null || fromContext.isBlank() ? "default" : fromContext;
  }

  /** The cluster, or bad input naming the namespace looked in and how to list what is there. */
  static CassandraCluster cluster(KubernetesClient client, String namespace, String name) {
    CassandraCluster cr = client.resources(CassandraCluster.class).inNamespace(namespace).withName(name).get();
    if (cr == null) {
      List<String> there = client.resources(CassandraCluster.class).inNamespace(namespace).list().getItems()
          .stream().map(c -> c.getMetadata().getName()).sorted().toList();
      throw new UsageException("no CassandraCluster " + name + " in namespace " + namespace
          + (there.isEmpty() ? " (it has none)" : " (it has: " + String.join(", ", there) + ")"));
    }
    return cr;
  }

  /** The cluster's Cassandra pods, by name. */
  static List<Pod> pods(KubernetesClient client, String namespace, String cluster) {
    List<Pod> pods = new ArrayList<>(client.pods().inNamespace(namespace).withLabels(Labels.nodeSelector(cluster))
        .list().getItems());
    pods.sort(Comparator.comparing(p -> p.getMetadata().getName()));
    return pods;
  }

  /**
   * The node a user named: its full name ({@code orders-dc1-r1-0}) or the part after the cluster's name
   * ({@code dc1-r1-0}), among the nodes in status and the cluster's pods.
   */
  static String node(CassandraCluster cr, List<Pod> pods, String given) {
    Set<String> known = new TreeSet<>();
    if (cr.getStatus() != null) {
      cr.getStatus().getNodes().forEach(n -> known.add(n.getName()));
    }
    pods.forEach(p -> known.add(p.getMetadata().getName()));
    String name = cr.getMetadata().getName();
    for (String candidate : List.of(given, name + "-" + given)) {
      if (known.contains(candidate)) {
        return candidate;
      }
    }
    throw new UsageException("cluster " + cr.getMetadata().getNamespace() + "/" + name + " has no node " + given
        + (known.isEmpty() ? " (it has no nodes yet)" : " (its nodes: " + String.join(", ", known) + ")"));
  }

  static Pod pod(List<Pod> pods, String node) {
    return pods.stream().filter(p -> p.getMetadata().getName().equals(node)).findFirst()
        .orElseThrow(() -> new UsageException("node " + node + " has no pod right now (the operator is recreating"
            + " it?); try again when `kubectl ringkeeper status` shows it"));
  }

  /** Warning events of the cluster itself and of its pods and volumes. */
  static List<Event> warnings(KubernetesClient client, CassandraCluster cr, List<Pod> pods) {
    return events(client, cr, pods).stream().filter(e -> "Warning".equals(e.getType())).toList();
  }

  /**
   * Events of the cluster itself and of the objects it owns, by their exact names: its nodes' pods and volumes (a
   * node's PVC has the node's name), services, config map and disruption budgets. A name prefix would also take
   * in another cluster's ("orders-eu-dc1-r1-0" starts with "orders-").
   */
  static List<Event> events(KubernetesClient client, CassandraCluster cr, List<Pod> pods) {
    String cluster = cr.getMetadata().getName();
    Set<String> owned = new java.util.HashSet<>();
    pods.forEach(p -> owned.add(p.getMetadata().getName()));
    if (cr.getStatus() != null) {
      cr.getStatus().getNodes().forEach(n -> owned.add(n.getName()));
    }
    owned.addAll(List.of(Names.peerService(cluster), Names.seedService(cluster), Names.clientService(cluster),
        Names.configMap(cluster)));
    if (cr.getSpec() != null && cr.getSpec().getDatacenters() != null) {
      cr.getSpec().getDatacenters().forEach(dc -> owned.add(Names.disruptionBudget(cluster, dc.getName())));
    }
    return client.v1().events().inNamespace(cr.getMetadata().getNamespace()).list().getItems().stream()
        .filter(e -> e.getInvolvedObject() != null && e.getInvolvedObject().getName() != null)
        .filter(e -> "CassandraCluster".equals(e.getInvolvedObject().getKind())
            ? cluster.equals(e.getInvolvedObject().getName()) : owned.contains(e.getInvolvedObject().getName()))
        .toList();
  }

  /** What a request annotation is set to: the time, to the second (any new value asks again). */
  static String now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
  }

  static void annotateCluster(KubernetesClient client, CassandraCluster cr, String key, String value) {
    client.resources(CassandraCluster.class).inNamespace(cr.getMetadata().getNamespace())
        .withName(cr.getMetadata().getName()).edit(c -> {
          if (c.getMetadata().getAnnotations() == null) {
            c.getMetadata().setAnnotations(new LinkedHashMap<>());
          }
          c.getMetadata().getAnnotations().put(key, value);
          return c;
        });
  }

  static void annotatePod(KubernetesClient client, Pod pod, String key, String value) {
    client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
        .edit(p -> new PodBuilder(p).editMetadata().addToAnnotations(key, value).endMetadata().build());
  }

  /** How {@code -o} prints data. */
  enum Output { table, json, yaml }

  static String print(Object object, Output output) {
    if (object instanceof HasMetadata m && m.getMetadata() != null) {
      m.getMetadata().setManagedFields(null);
    }
    return output == Output.yaml ? Serialization.asYaml(object) : Serialization.asJson(object) + "\n";
  }

  @Command(name = "status", mixinStandardHelpOptions = true, description = "A nodetool-status-like table per"
      + " datacenter, the current operation and repair with progress, conditions, PodDisruptionBudgets and recent"
      + " warnings.")
  static final class Status implements Callable<Integer> {
    @ParentCommand
    RingkeeperPlugin parent;

    @Parameters(paramLabel = "CLUSTER", description = "Name of the CassandraCluster.")
    String cluster;

    @Option(names = {"-w", "--watch"}, description = "Refresh until Ctrl-C.")
    boolean watch;

    @Option(names = "--interval", defaultValue = "2", description = "Seconds between refreshes with -w."
        + " Default: ${DEFAULT-VALUE}.")
    int interval;

    /** For tests: how many times -w shows the status before it returns (0: until Ctrl-C). */
    @Option(names = "--watch-rounds", hidden = true, defaultValue = "0")
    int rounds;

    @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table, json or yaml (the resource)."
        + " Default: ${DEFAULT-VALUE}.")
    Output output;

    @Override
    public Integer call() throws Exception {
      try (KubernetesClient client = parent.client()) {
        String ns = parent.namespace(client);
        int round = 0;
        while (true) {
          CassandraCluster cr = cluster(client, ns, cluster);
          String text;
          if (output != Output.table) {
            text = print(cr, output);
          } else {
            List<Pod> pods = pods(client, ns, cluster);
            List<PodDisruptionBudget> pdbs = client.policy().v1().podDisruptionBudget().inNamespace(ns)
                .withLabel(Labels.CLUSTER, cluster).list().getItems();
            text = StatusView.render(cr, parent.agents(client, cr).map(a -> a.metrics(cr))
                .orElseGet(Map::of), pdbs, warnings(client, cr, pods),
                Instant.now());
          }
          if (watch) {
            parent.out.print("\033[H\033[2J");
            parent.out.println(Instant.now().truncatedTo(ChronoUnit.SECONDS) + "   every " + interval
                + " s, Ctrl-C to leave");
          }
          parent.out.print(text);
          parent.out.flush();
          round++;
          if (!watch || (rounds > 0 && round >= rounds)) {
            return 0;
          }
          Thread.sleep(interval * 1000L);
        }
      }
    }
  }

  @Command(name = "restart", mixinStandardHelpOptions = true, description = "Restart every node of a cluster, one"
      + " at a time (ringkeeper.io/restart on the cluster), or one node (the same annotation on its pod). The"
      + " operator drains each node first and waits for it to be UN again.")
  static final class Restart implements Callable<Integer> {
    @ParentCommand
    RingkeeperPlugin parent;

    @Parameters(index = "0", paramLabel = "CLUSTER")
    String cluster;

    @Parameters(index = "1", arity = "0..1", paramLabel = "NODE", description = "A node, e.g. orders-dc1-r1-0 or"
        + " dc1-r1-0 (default: every node, one at a time).")
    String node;

    @Override
    public Integer call() {
      try (KubernetesClient client = parent.client()) {
        String ns = parent.namespace(client);
        CassandraCluster cr = cluster(client, ns, cluster);
        String value = now();
        if (node == null) {
          annotateCluster(client, cr, Labels.RESTART, value);
          parent.out.printf("cassandracluster.ringkeeper.io/%s annotated %s=%s: the operator restarts its nodes"
              + " one at a time%n", cluster, Labels.RESTART, value);
        } else {
          List<Pod> pods = pods(client, ns, cluster);
          Pod pod = pod(pods, node(cr, pods, node));
          annotatePod(client, pod, Labels.RESTART, value);
          parent.out.printf("pod/%s annotated %s=%s: the operator drains and restarts this node when no other node"
              + " of its datacenter is down or busy%n", pod.getMetadata().getName(), Labels.RESTART, value);
        }
        parent.out.printf("follow it with: kubectl ringkeeper status %s -n %s -w%n", cluster, ns);
        return 0;
      }
    }
  }

  @Command(name = "replace", mixinStandardHelpOptions = true, description = "Replace a node with an empty one that"
      + " takes its tokens and streams its data back from the other replicas (ringkeeper.io/replace on its pod).")
  static final class Replace implements Callable<Integer> {
    @ParentCommand
    RingkeeperPlugin parent;

    @Parameters(index = "0", paramLabel = "CLUSTER")
    String cluster;

    @Parameters(index = "1", paramLabel = "NODE")
    String node;

    @Option(names = "--force", description = "Replace a node that is up (UN) too: its data is thrown away and"
        + " streamed again.")
    boolean force;

    @Override
    public Integer call() {
      try (KubernetesClient client = parent.client()) {
        String ns = parent.namespace(client);
        CassandraCluster cr = cluster(client, ns, cluster);
        List<Pod> pods = pods(client, ns, cluster);
        String name = node(cr, pods, node);
        NodeStatus status = cr.getStatus() == null ? null : cr.getStatus().getNodes().stream()
            .filter(n -> n.getName().equals(name)).findFirst().orElse(null);
        if (!force && status != null && status.getState() == NodeState.UN) {
          throw new UsageException("node " + name + " is UN (up and normal): replacing it throws its data away"
              + " and streams it again; restart it instead, or add --force");
        }
        Pod pod = pod(pods, name);
        annotatePod(client, pod, Labels.REPLACE, "true");
        parent.out.printf("pod/%s annotated %s=true: the operator replaces this node when no other node of its"
            + " datacenter is down or busy%n", name, Labels.REPLACE);
        parent.out.printf("follow it with: kubectl ringkeeper status %s -n %s -w%n", cluster, ns);
        return 0;
      }
    }
  }

  /** {@code on} or {@code off}, or bad input naming what was given. */
  static boolean onOff(String given, String what) {
    return switch (given) {
      case "on" -> true;
      case "off" -> false;
      default -> throw new UsageException(what + ": '" + given + "' is neither on nor off");
    };
  }

  @Command(name = "hibernate", mixinStandardHelpOptions = true, description = "Stop every node of the cluster one"
      + " at a time, keeping volumes and tokens (on), or start them again (off): sets spec.stopped.")
  static final class Hibernate implements Callable<Integer> {
    @ParentCommand
    RingkeeperPlugin parent;

    @Parameters(index = "0", paramLabel = "on|off")
    String state;

    @Parameters(index = "1", paramLabel = "CLUSTER")
    String cluster;

    @Override
    public Integer call() {
      boolean stop = onOff(state, "hibernate");
      try (KubernetesClient client = parent.client()) {
        String ns = parent.namespace(client);
        CassandraCluster cr = cluster(client, ns, cluster);
        boolean now = cr.getSpec() != null && Boolean.TRUE.equals(cr.getSpec().getStopped());
        if (now == stop) {
          parent.out.printf("cassandracluster.ringkeeper.io/%s has spec.stopped=%s already; nothing changed%n",
              cluster, stop);
          return 0;
        }
        client.resources(CassandraCluster.class).inNamespace(ns).withName(cluster).edit(c -> {
          c.getSpec().setStopped(stop ? Boolean.TRUE : null);
          return c;
        });
        var op = cr.getStatus() == null ? null : cr.getStatus().getOperation();
        parent.out.printf("cassandracluster.ringkeeper.io/%s spec.stopped=%s: %s%n", cluster, stop, stop
            ? (op == null ? "the operator drains and stops every node, one at a time; volumes and tokens are kept"
                : "the cluster stops once the running " + op.getType() + " operation ended")
            : "the operator starts the stopped nodes again, one at a time, on their volumes and tokens");
        parent.out.printf("follow it with: kubectl ringkeeper status %s -n %s -w%n", cluster, ns);
        return 0;
      }
    }
  }

  @Command(name = "fence", mixinStandardHelpOptions = true, description = "Take one node out of service (on): it is"
      + " drained and its pod stopped, its volume kept; or bring it back (off). Names it in ringkeeper.io/fenced on"
      + " the cluster. Refused while another node of its datacenter is fenced or down.")
  static final class Fence implements Callable<Integer> {
    @ParentCommand
    RingkeeperPlugin parent;

    @Parameters(index = "0", paramLabel = "on|off")
    String state;

    @Parameters(index = "1", paramLabel = "CLUSTER")
    String cluster;

    @Parameters(index = "2", paramLabel = "NODE")
    String node;

    @Override
    public Integer call() {
      boolean on = onOff(state, "fence");
      try (KubernetesClient client = parent.client()) {
        String ns = parent.namespace(client);
        CassandraCluster cr = cluster(client, ns, cluster);
        String name = node(cr, pods(client, ns, cluster), node);
        Set<String> fenced = new TreeSet<>();
        String current = cr.getMetadata().getAnnotations() == null ? null
            : cr.getMetadata().getAnnotations().get(Labels.FENCED);
        if (current != null) {
          for (String n : current.split("[,\\s]+")) {
            if (!n.isBlank()) {
              fenced.add(n.trim());
            }
          }
        }
        if (on == fenced.contains(name)) {
          parent.out.printf("node %s is %s already; nothing changed%n", name, on ? "fenced" : "not fenced");
          return 0;
        }
        if (on) {
          String refusal = fenceRefusal(cr, name, fenced);
          if (refusal != null) {
            throw new UsageException("fence " + name + " refused: " + refusal);
          }
          fenced.add(name);
        } else {
          fenced.remove(name);
        }
        client.resources(CassandraCluster.class).inNamespace(ns).withName(cluster).edit(c -> {
          if (c.getMetadata().getAnnotations() == null) {
            c.getMetadata().setAnnotations(new LinkedHashMap<>());
          }
          if (fenced.isEmpty()) {
            c.getMetadata().getAnnotations().remove(Labels.FENCED);
          } else {
            c.getMetadata().getAnnotations().put(Labels.FENCED, String.join(",", fenced));
          }
          return c;
        });
        parent.out.printf("cassandracluster.ringkeeper.io/%s annotated %s=%s: %s%n", cluster, Labels.FENCED,
            String.join(",", fenced), on ? "the operator drains node " + name + " and stops its pod; its volume"
                + " and tokens are kept" : "the operator starts node " + name + " again on its volume and tokens");
        parent.out.printf("follow it with: kubectl ringkeeper status %s -n %s -w%n", cluster, ns);
        return 0;
      }
    }

    /**
     * Why fencing the node would take two replicas of a range down, as the operator would refuse it: another node of
     * its datacenter is fenced, or not up and normal in status. Null when it may be fenced.
     */
    static String fenceRefusal(CassandraCluster cr, String node, Set<String> fenced) {
      if (cr.getStatus() == null || cr.getStatus().getNodes() == null) {
        return null;
      }
      String dc = cr.getStatus().getNodes().stream().filter(n -> n.getName().equals(node))
          .map(NodeStatus::getDatacenter).findFirst().orElse(null);
      List<String> blocking = new ArrayList<>();
      for (NodeStatus other : cr.getStatus().getNodes()) {
        if (other.getName().equals(node) || !java.util.Objects.equals(other.getDatacenter(), dc)) {
          continue;
        }
        if (fenced.contains(other.getName())) {
          blocking.add(other.getName() + " is fenced");
        } else if (other.getState() != NodeState.UN) {
          blocking.add(other.getName() + " is " + other.getState());
        }
      }
      return blocking.isEmpty() ? null : String.join(", ", blocking) + " in datacenter " + dc + "; fencing " + node
          + " too would take two replicas of its ranges down";
    }
  }

  @Command(name = "repair", mixinStandardHelpOptions = true, description = "Start one repair run now"
      + " (ringkeeper.io/repair on the cluster): the keyspaces of --keyspace, else of spec.repair.keyspaces, by"
      + " default every non-system keyspace with RF > 1, segment by segment as spec.repair says.")
  static final class Repair implements Callable<Integer> {
    /** A CQL keyspace name: what Cassandra accepts unquoted. */
    static final java.util.regex.Pattern KEYSPACE_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_]{1,48}");

    @ParentCommand
    RingkeeperPlugin parent;

    @Parameters(paramLabel = "CLUSTER")
    String cluster;

    @Option(names = "--keyspace", paramLabel = "K", split = ",", description = "Repair only this keyspace (repeat,"
        + " or K1,K2); checked against the keyspaces a node's agent reports.")
    List<String> keyspaces = new ArrayList<>();

    @Override
    public Integer call() throws InterruptedException {
      for (String k : keyspaces) {
        if (!KEYSPACE_NAME.matcher(k).matches()) {
          throw new UsageException("--keyspace '" + k + "': not a keyspace name (1 to 48 letters, digits or _)");
        }
      }
      try (KubernetesClient client = parent.client()) {
        String ns = parent.namespace(client);
        CassandraCluster cr = cluster(client, ns, cluster);
        String value = now();
        if (!keyspaces.isEmpty()) {
          List<String> requested = new ArrayList<>(new java.util.LinkedHashSet<>(keyspaces));
          checkKeyspaces(client, cr, requested);
          value += io.ringkeeper.operator.domain.upkeep.RepairTriggers.KEYSPACES_PART + String.join(",", requested);
        }
        annotateCluster(client, cr, Labels.REPAIR_REQUEST, value);
        boolean running = cr.getStatus() != null && cr.getStatus().getRepair() != null
            && cr.getStatus().getRepair().getRunning() != null;
        parent.out.printf("cassandracluster.ringkeeper.io/%s annotated %s=%s: %s%n", cluster,
            Labels.REPAIR_REQUEST, value, running ? "a run is going (" + cr.getStatus().getRepair().getRunning()
                .getId() + "); the requested run starts when it ends" : "the operator starts a repair run");
        parent.out.printf("follow it with: kubectl ringkeeper status %s -n %s -w%n", cluster, ns);
        return 0;
      }
    }

    /**
     * Refuses a keyspace the cluster does not have, as the first node's agent that answers reports them. When no
     * agent answers (from outside the pod network) it says so and goes on: the operator skips a keyspace that does
     * not exist, with "does not exist" in status.repair.
     */
    private void checkKeyspaces(KubernetesClient client, CassandraCluster cr, List<String> requested)
        throws InterruptedException {
      java.util.Optional<Agents> agents = parent.agents(client, cr);
      String why = "cannot read the agent token Secret " + Names.agentTokenSecret(cluster);
      if (agents.isPresent() && cr.getStatus() != null) {
        for (NodeStatus node : cr.getStatus().getNodes()) {
          if (node.getPodIP() == null) {
            continue;
          }
          try {
            List<io.ringkeeper.operator.node.KeyspaceInfo> known = agents.get().client()
                .keyspaces(agents.get().endpoint(node)).get(5, java.util.concurrent.TimeUnit.SECONDS);
            Set<String> names = new TreeSet<>();
            known.forEach(k -> names.add(k.name()));
            List<String> missing = requested.stream().filter(k -> !names.contains(k)).toList();
            if (!missing.isEmpty()) {
              List<String> user = known.stream().filter(k -> !k.system()).map(k -> k.name()).sorted().toList();
              throw new UsageException("--keyspace " + String.join(",", missing) + ": cluster " + ns(cr) + " has no"
                  + " such keyspace (its keyspaces: " + (user.isEmpty() ? "none but the system ones"
                  : String.join(", ", user)) + ")");
            }
            return;
          } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            why = "the agent of " + node.getName() + " did not answer: " + describe(e instanceof
                java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e);
          }
        }
      }
      parent.err.println("note: could not check that keyspace " + String.join(", ", requested) + " exists (" + why
          + "); the operator skips a keyspace that does not exist");
    }

    private static String ns(CassandraCluster cr) {
      return cr.getMetadata().getNamespace() + "/" + cr.getMetadata().getName();
    }
  }

  @Command(name = "report", mixinStandardHelpOptions = true, description = "Write a tar.gz for a support request:"
      + " the resource, its events, pods, volumes, services, config maps, disruption budgets, the Secrets it"
      + " references (values redacted), each agent's /v1/node and /v1/metrics, and the pods' recent logs.")
  static final class Report implements Callable<Integer> {
    @ParentCommand
    RingkeeperPlugin parent;

    @Parameters(paramLabel = "CLUSTER")
    String cluster;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "Where to write it (default:"
        + " report-<namespace>-<cluster>-<time>.tar.gz here).")
    Path file;

    @Option(names = "--log-lines", defaultValue = "1000", description = "Lines of each pod's log; 0: none."
        + " Default: ${DEFAULT-VALUE}.")
    int logLines;

    @Override
    public Integer call() throws Exception {
      try (KubernetesClient client = parent.client()) {
        String ns = parent.namespace(client);
        CassandraCluster cr = cluster(client, ns, cluster);
        Path target = file != null ? file : Path.of("report-" + ns + "-" + cluster + "-"
            + now().replace(":", "").replace("-", "") + ".tar.gz");
        ClusterReport.Result result = ClusterReport.write(client, cr, parent.agents(client, cr),
            target, logLines);
        parent.out.println(target.toAbsolutePath());
        result.notes().forEach(n -> parent.err.println("note: " + n));
        return 0;
      }
    }
  }

  @Command(name = "logs", mixinStandardHelpOptions = true, description = "The Cassandra container's log of one node,"
      + " or of every node of the cluster (each line prefixed with its node).")
  static final class Logs implements Callable<Integer> {
    @ParentCommand
    RingkeeperPlugin parent;

    @Parameters(index = "0", paramLabel = "CLUSTER")
    String cluster;

    @Parameters(index = "1", arity = "0..1", paramLabel = "NODE")
    String node;

    @Option(names = "--tail", defaultValue = "-1", description = "Lines from the end (default: all).")
    int tail;

    @Option(names = {"-p", "--previous"}, description = "The log of the container's previous run (after a crash).")
    boolean previous;

    @Option(names = {"-f", "--follow"}, description = "Stream the log of one node until Ctrl-C (needs NODE).")
    boolean follow;

    @Option(names = {"-c", "--container"}, defaultValue = Names.CASSANDRA_CONTAINER,
        description = "Container (default: ${DEFAULT-VALUE}; the agent's init container is `agent`).")
    String container;

    @Override
    public Integer call() {
      try (KubernetesClient client = parent.client()) {
        String ns = parent.namespace(client);
        CassandraCluster cr = cluster(client, ns, cluster);
        List<Pod> pods = pods(client, ns, cluster);
        List<Pod> chosen = node == null ? pods : List.of(pod(pods, node(cr, pods, node)));
        if (chosen.isEmpty()) {
          throw new UsageException("cluster " + ns + "/" + cluster + " has no pods yet");
        }
        if (follow) {
          if (node == null || previous) {
            throw new UsageException("-f follows one node's current log: name a NODE, without -p");
          }
          return ClusterReport.follow(client, chosen.get(0), container, tail, parent.out);
        }
        int failed = 0;
        for (Pod pod : chosen) {
          String log;
          try {
            log = ClusterReport.log(client, pod, container, tail, previous);
          } catch (KubernetesClientException e) {
            if (node != null) {
              throw e;
            }
            // One pod without a log (not started yet, gone) does not hide the others'.
            parent.err.println("error: log of " + pod.getMetadata().getName() + ": " + describe(e));
            failed++;
            continue;
          }
          String prefix = node == null ? "[" + pod.getMetadata().getName() + "] " : "";
          log.lines().forEach(l -> parent.out.println(prefix + l));
        }
        parent.out.flush();
        return failed == 0 ? 0 : 1;
      }
    }
  }

  @Command(name = "nodetool", mixinStandardHelpOptions = true, description = "Read-only nodetool views of one node,"
      + " answered by its agent: status (the ring as this node sees it), info, tpstats (thread pools, dropped"
      + " messages) or compactionstats.")
  static final class Nodetool implements Callable<Integer> {
    /** The read-only subcommands, and the agent endpoint of the two that need their own call. */
    static final List<String> SUBCOMMANDS = List.of("status", "info", "tpstats", "compactionstats");

    @ParentCommand
    RingkeeperPlugin parent;

    @Parameters(index = "0", paramLabel = "CLUSTER")
    String cluster;

    @Parameters(index = "1", paramLabel = "NODE")
    String node;

    @Parameters(index = "2", paramLabel = "SUBCOMMAND", description = "status, info, tpstats or compactionstats.")
    String subcommand;

    @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table, json or yaml (the agent's"
        + " answer). Default: ${DEFAULT-VALUE}.")
    Output output;

    @Override
    public Integer call() throws Exception {
      if (!SUBCOMMANDS.contains(subcommand)) {
        throw new UsageException("nodetool " + subcommand + ": only the read-only " + String.join(", ", SUBCOMMANDS)
            + " are supported; anything that changes a node goes through the operator");
      }
      try (KubernetesClient client = parent.client()) {
        String ns = parent.namespace(client);
        CassandraCluster cr = cluster(client, ns, cluster);
        String name = node(cr, pods(client, ns, cluster), node);
        NodeStatus status = cr.getStatus().getNodes().stream().filter(n -> n.getName().equals(name)).findFirst()
            .orElseThrow(() -> new UsageException("node " + name + " is not in the cluster's status yet"));
        if (status.getPodIP() == null) {
          throw new UsageException("node " + name + " has no address yet");
        }
        Agents agents = parent.agents(client, cr).orElseThrow(() -> new Failure("cannot read the"
            + " agent token Secret " + Names.agentTokenSecret(cluster)));
        if (subcommand.equals("tpstats") || subcommand.equals("compactionstats")) {
          var answer = agents.get(status, subcommand.equals("tpstats") ? "/v1/threadpools" : "/v1/compactions");
          parent.out.print(output == Output.table ? (subcommand.equals("tpstats") ? NodetoolView.tpstats(answer)
              : NodetoolView.compactionstats(answer)) : print(answer, output));
          return 0;
        }
        var info = NodetoolView.ask(agents, status);
        parent.out.print(output == Output.table ? NodetoolView.render(subcommand, info) : print(info, output));
        return 0;
      }
    }
  }
}
