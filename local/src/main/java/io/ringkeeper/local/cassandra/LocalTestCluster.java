package io.ringkeeper.local.cassandra;

import io.ringkeeper.operator.node.AgentToken;
import io.ringkeeper.operator.node.HttpNodeClient;
import io.ringkeeper.operator.node.NodeEndpoint;
import io.ringkeeper.operator.node.NodeInfo;
import io.ringkeeper.operator.node.OperationMode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A small real Cassandra cluster on loopback addresses, each node its own JVM with the agent loaded: the
 * test support of local/ and e2e/. All nodes start together as a brand-new cluster (pre-set, evenly spaced
 * tokens and {@code auto_bootstrap: false}), one datacenter, racks assigned round-robin. The first node is
 * the seed. {@link #close()} kills every node it started.
 */
public final class LocalTestCluster implements AutoCloseable {
  /** JVM options of a small, fast-starting test node (see FACTS.md). */
  public static List<String> smallNodeOptions() {
    return List.of(
        "-Xms256m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Dcassandra.ring_delay_ms=3000", "-Dcassandra.skip_wait_for_gossip_to_settle=0",
        "-Dcassandra.superuser_setup_delay_ms=0");
  }

  /** One node of the cluster. */
  public record Node(int index, String name, String address, String datacenter, String rack, List<Long> tokens,
      CassandraNodeSpec spec) {}

  private final String clusterName;
  private final Path workDir;
  private final CassandraLauncher launcher;
  private final AgentToken token;
  private final int agentPort;
  private final boolean withAgent;
  private final List<Node> nodes;
  private final CassandraProcess[] processes;
  private final String seed;
  private final boolean passwordAuth;
  private final HttpNodeClient client = new HttpNodeClient(Duration.ofSeconds(1), Duration.ofSeconds(5), 16);

  private LocalTestCluster(Builder b) throws IOException {
    this.clusterName = b.clusterName;
    this.workDir = b.workDir.toAbsolutePath();
    this.launcher = new CassandraLauncher(b.distribution);
    this.agentPort = b.agentPort;
    this.withAgent = b.withAgent;
    byte[] secret = new byte[24];
    new SecureRandom().nextBytes(secret);
    this.token = new AgentToken(HexFormat.of().formatHex(secret));
    Path tokenFile = workDir.resolve("agent-token");
    Files.createDirectories(workDir);
    Files.writeString(tokenFile, token.value() + "\n", StandardCharsets.UTF_8);

    List<List<Long>> tokens = CassandraConfig.evenTokens(b.addresses.size(), b.tokensPerNode);
    this.seed = b.addresses.get(0);
    this.passwordAuth = b.passwordAuth;
    List<Node> list = new ArrayList<>();
    for (int i = 0; i < b.addresses.size(); i++) {
      String address = b.addresses.get(i);
      String name = clusterName + "-" + b.datacenter + "-" + i;
      String rack = b.racks.get(i % b.racks.size());
      Path nodeDir = workDir.resolve(name);
      List<String> options = new ArrayList<>(smallNodeOptions());
      if (b.withAgent) {
        options.add("-javaagent:" + b.distribution.agentJar() + "=address=" + address + ",port=" + agentPort
            + ",tokenFile=" + tokenFile);
      }
      options.addAll(b.extraJvmOptions);
      CassandraNodeSpec spec = new CassandraNodeSpec(name, address, nodeDir.resolve("conf"), nodeDir.resolve("data"),
          nodeDir.resolve("logs"), options);
      CassandraConfig.write(spec.configDir(), new CassandraConfig.NodeConfig(clusterName, List.of(seed), address,
          tokens.get(i), tokens.get(i).size(), false, b.passwordAuth), b.datacenter, rack);
      list.add(new Node(i, name, address, b.datacenter, rack, tokens.get(i), spec));
    }
    this.nodes = List.copyOf(list);
    this.processes = new CassandraProcess[nodes.size()];
  }

  public static Builder builder(String clusterName, Path workDir) {
    return new Builder(clusterName, workDir);
  }

  /** Starts every node at once and waits until each reports NORMAL, CQL up, and all nodes live and in the ring. */
  public LocalTestCluster start(Duration timeout) throws IOException, InterruptedException {
    for (Node node : nodes) {
      processes[node.index()] = launcher.start(node.spec());
    }
    awaitReady(timeout);
    return this;
  }

  /**
   * Waits until every running node reports NORMAL, native transport up, and every running node both live
   * and holding its tokens in the ring.
   */
  public void awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<String> expectedLive = new ArrayList<>();
    for (Node node : nodes) {
      if (processes[node.index()] != null && processes[node.index()].isAlive()) {
        expectedLive.add(node.address());
      }
    }
    for (Node node : nodes) {
      CassandraProcess process = processes[node.index()];
      if (process == null || !process.isAlive()) {
        continue;
      }
      if (!withAgent) {
        awaitCql(node, process, deadline, timeout);
        continue;
      }
      String last = "no answer yet";
      while (true) {
        if (!process.isAlive()) {
          throw new IllegalStateException(node.name() + " exited with " + process.exitCode().orElse(-1) + " while starting; see "
              + process.logFile() + " and " + process.stdoutFile() + "\n" + tail(process.stdoutFile(), 20));
        }
        try {
          NodeInfo info = client.nodeInfo(endpoint(node.index())).get(10, TimeUnit.SECONDS);
          // A peer is live (failure detector) before its tokens have reached this node's ring view;
          // ready means both, or the first ring a test reads can miss a node.
          if (info.operationMode() == OperationMode.NORMAL && info.nativeTransportRunning()
              && info.liveNodes().containsAll(expectedLive) && info.ring().values().containsAll(expectedLive)) {
            break;
          }
          last = info.operationMode() + ", native transport " + info.nativeTransportRunning() + ", live "
              + info.liveNodes() + ", in the ring " + new java.util.TreeSet<>(info.ring().values());
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
          last = String.valueOf(e.getCause() == null ? e : e.getCause().getMessage());
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(node.name() + " not ready within " + timeout + ": " + last + "; see "
              + process.logFile());
        }
        Thread.sleep(250);
      }
    }
  }

  /** Without the agent there is no node state to ask for: ready means the CQL port accepts connections. */
  private static void awaitCql(Node node, CassandraProcess process, long deadline, Duration timeout)
      throws InterruptedException {
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException(node.name() + " exited while starting; see " + process.logFile());
      }
      try (java.net.Socket socket = new java.net.Socket()) {
        socket.connect(new java.net.InetSocketAddress(node.address(), 9042), 1000);
        return;
      } catch (IOException notYet) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(node.name() + " did not open CQL within " + timeout);
        }
        Thread.sleep(250);
      }
    }
  }

  public List<Node> nodes() {
    return nodes;
  }

  public Node node(int index) {
    return nodes.get(index);
  }

  public CassandraProcess process(int index) {
    return processes[index];
  }

  public NodeEndpoint endpoint(int index) {
    Node node = nodes.get(index);
    return new NodeEndpoint(node.name(), node.address(), agentPort, token);
  }

  public AgentToken token() {
    return token;
  }

  public String clusterName() {
    return clusterName;
  }

  public Path workDir() {
    return workDir;
  }

  /** Kills one node (SIGKILL), as a crash would. */
  public int kill(int index) throws InterruptedException {
    return processes[index].kill();
  }

  /** Stops one node with SIGTERM (Cassandra drains), then SIGKILL after the grace period. */
  public int stop(int index, Duration gracePeriod) throws InterruptedException {
    return processes[index].stop(gracePeriod);
  }

  /** Starts a stopped node again on its existing data. */
  public CassandraProcess restart(int index) throws IOException {
    CassandraProcess old = processes[index];
    if (old != null && old.isAlive()) {
      throw new IllegalStateException(nodes.get(index).name() + " is still running");
    }
    processes[index] = launcher.start(nodes.get(index).spec());
    return processes[index];
  }

  /** Deletes everything a stopped node wrote (data, commit log, hints): a lost disk. */
  public void wipe(int index) throws IOException {
    CassandraProcess process = processes[index];
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(nodes.get(index).name() + " is still running");
    }
    Path data = nodes.get(index).spec().dataDir();
    if (Files.exists(data)) {
      try (java.util.stream.Stream<Path> walk = Files.walk(data)) {
        for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
          if (!p.equals(data)) {
            Files.delete(p);
          }
        }
      }
    }
  }

  /**
   * Starts a stopped node as the replacement of itself, as the operator starts a node whose disk was lost when it
   * keeps its address: auto_bootstrap on, {@code replace_address_first_boot} its own address, on whatever data it
   * has ({@link #wipe} first for an empty node; a start after a failed attempt resumes it).
   *
   * @param extraOptions JVM options after the node's own (a later {@code -D} wins)
   */
  public CassandraProcess startReplacing(int index, String... extraOptions) throws IOException {
    CassandraProcess old = processes[index];
    if (old != null && old.isAlive()) {
      throw new IllegalStateException(nodes.get(index).name() + " is still running");
    }
    Node node = nodes.get(index);
    CassandraNodeSpec spec = node.spec();
    CassandraConfig.write(spec.configDir(), new CassandraConfig.NodeConfig(clusterName, List.of(seed),
        node.address(), node.tokens(), node.tokens().size(), true, passwordAuth), node.datacenter(), node.rack());
    List<String> options = new ArrayList<>(spec.jvmOptions());
    options.add("-Dcassandra.replace_address_first_boot=" + node.address());
    options.addAll(List.of(extraOptions));
    processes[index] = launcher.start(new CassandraNodeSpec(spec.name(), spec.address(), spec.configDir(),
        spec.dataDir(), spec.logDir(), options));
    return processes[index];
  }

  /** Kills every node still running. Test data is throwaway, so there is no drain to wait for. */
  @Override
  public void close() {
    for (CassandraProcess process : processes) {
      if (process != null && process.isAlive()) {
        try {
          process.kill();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e.getMessage() + ")";
    }
  }

  /** Settings of a test cluster. */
  public static final class Builder {
    private final String clusterName;
    private final Path workDir;
    private CassandraDistribution distribution;
    private List<String> addresses = List.of("127.0.5.1", "127.0.5.2", "127.0.5.3");
    private String datacenter = "dc1";
    private List<String> racks = List.of("r1", "r2", "r3");
    private int tokensPerNode = 4;
    private int agentPort = NodeEndpoint.DEFAULT_PORT;
    private boolean withAgent = true;
    private boolean passwordAuth;
    private List<String> extraJvmOptions = List.of();

    private Builder(String clusterName, Path workDir) {
      this.clusterName = Objects.requireNonNull(clusterName);
      this.workDir = Objects.requireNonNull(workDir);
    }

    public Builder distribution(CassandraDistribution distribution) {
      this.distribution = distribution;
      return this;
    }

    /** The nodes' loopback addresses, one node each; the first is the seed. */
    public Builder addresses(String... addresses) {
      this.addresses = List.of(addresses);
      return this;
    }

    public Builder datacenter(String datacenter) {
      this.datacenter = datacenter;
      return this;
    }

    /** Racks, assigned to nodes round-robin. */
    public Builder racks(String... racks) {
      this.racks = List.of(racks);
      return this;
    }

    public Builder tokensPerNode(int tokensPerNode) {
      this.tokensPerNode = tokensPerNode;
      return this;
    }

    public Builder agentPort(int agentPort) {
      this.agentPort = agentPort;
      return this;
    }

    /** Whether the nodes load the agent (true by default; false for overhead comparisons). */
    /** PasswordAuthenticator and CassandraAuthorizer instead of allowing everyone (as the operator configures). */
    public Builder passwordAuth(boolean passwordAuth) {
      this.passwordAuth = passwordAuth;
      return this;
    }

    public Builder withAgent(boolean withAgent) {
      this.withAgent = withAgent;
      return this;
    }

    public Builder extraJvmOptions(String... options) {
      this.extraJvmOptions = List.of(options);
      return this;
    }

    public LocalTestCluster build() throws IOException {
      if (distribution == null) {
        distribution = CassandraDistribution.locate();
      }
      if (addresses.isEmpty() || racks.isEmpty() || tokensPerNode < 1) {
        throw new IllegalArgumentException("a test cluster needs addresses, racks and at least one token per node");
      }
      return new LocalTestCluster(this);
    }
  }
}
