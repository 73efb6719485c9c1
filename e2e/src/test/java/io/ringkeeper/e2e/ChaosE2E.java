package io.ringkeeper.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.ConfigSpec;
import io.ringkeeper.api.v1alpha1.NodeState;
import io.ringkeeper.local.LocalEnvironment;
import io.ringkeeper.local.cassandra.CassandraProcess;
import io.ringkeeper.local.kubelet.ProcessKubelet;
import io.ringkeeper.operator.resources.Labels;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Chaos on one real cluster of 4 nodes on 3 racks through local mode (nodes on 127.90.0.x, RF 3, 4 tokens per
 * node): a client writes at QUORUM the whole time while random faults are injected, some while the operator is
 * still busy with the earlier ones: a node killed with SIGKILL, a node hung with SIGSTOP for 5-30 s, the operator
 * killed and started again, a pod deleted, a node's volume wiped and the node killed (then replaced, as a user
 * asks), the datacenter scaled down to 3 nodes or back up to 4, a configuration value changed (rolling restart), a
 * rolling restart asked by annotation. The harness faults at most one node at a time, and only while every node
 * serves, so QUORUM stays possible.
 *
 * <p>Checked: every acknowledged write reads back at ALL after the last fault (no acknowledged write lost); a
 * sampler (every 200 ms) records which nodes are down and says who took each one down: the operator never takes a
 * node down while another replica of one of its ranges is down (the ring as the driver sees it at that moment: on
 * 3 racks with RF 3 each range has one replica per rack, so the two nodes of rack r1 share no range), counted from
 * the moment the other went down plus the time the operator needs to see it (a planning race, reported as a near
 * miss, not a failure); the cluster converges to its spec (Ready, every node UN, as many nodes as spec asks, no
 * operation) within 10 minutes of the last fault.
 *
 * <p>{@code -Dchaos.seed=N -Dchaos.faults=K} replays one schedule ({@code -Dchaos.seed=random}: a new one). The timeline, the final status and the nodes'
 * logs are written under {@code target/chaos/seed-N/}.
 */
class ChaosE2E {
  static final String NAMESPACE = "default";
  static final String CLUSTER = "chaos";
  /** The nodes of the spec's 4: rack r1 holds two. */
  static final List<String> INITIAL = List.of("chaos-dc1-r1-0", "chaos-dc1-r1-1", "chaos-dc1-r2-0", "chaos-dc1-r3-0");
  /** The cluster's nodes now (its pods and the nodes its status records), sorted; refreshed every 5 s. */
  static volatile List<String> nodes = INITIAL;
  /** Every node the run had, for the report. */
  static final Set<String> everSeen = ConcurrentHashMap.newKeySet();
  static final String MANIFEST = """
      apiVersion: ringkeeper.io/v1alpha1
      kind: CassandraCluster
      metadata: {name: chaos}
      spec:
        cassandraVersion: "5.0.9"
        tokens: {numTokens: 4}
        datacenters:
          - name: dc1
            replicationFactor: 3
            size: 4
            racks: [{name: r1}, {name: r2}, {name: r3}]
        storage: {size: 1Gi, reclaim: Delete}
        jvm: {heapSize: 256Mi}
        # No pause between repair segments: the replacement's repair is waited for, not its pacing.
        repair: {intensity: 1.0}
      """;
  /** How long the operator may take to see a node go down before taking another one down counts against it. */
  static final Duration SEEING = Duration.ofSeconds(15);
  static final Duration CONVERGE = Duration.ofMinutes(10);
  /** e2e/pom.xml sets CI's schedule; {@code -Dchaos.seed=random} draws a new one. */
  static final long SEED = seed(System.getProperty("chaos.seed", "random"));
  static final int FAULTS = Integer.getInteger("chaos.faults", 8);

  private static long seed(String value) {
    return value.isBlank() || value.equals("random") ? new SecureRandom().nextLong() : Long.parseLong(value.trim());
  }
  static final E2eSupport.Phases PHASES = new E2eSupport.Phases("ChaosE2E");

  enum Fault {
    KILL_NODE(true, 3), HANG_NODE(true, 3), DELETE_POD(true, 2), WIPE_AND_REPLACE(true, 1),
    RESTART_OPERATOR(false, 2), CHANGE_CONFIG(false, 1), ANNOTATE_RESTART(false, 1), SCALE(false, 2);

    final boolean node;
    final int weight;

    Fault(boolean node, int weight) {
      this.node = node;
      this.weight = weight;
    }

    static Fault draw(Random random) {
      int total = Stream.of(values()).mapToInt(f -> f.weight).sum();
      int pick = random.nextInt(total);
      for (Fault f : values()) {
        pick -= f.weight;
        if (pick < 0) {
          return f;
        }
      }
      throw new AssertionError();
    }
  }

  static LocalEnvironment env;
  static final Instant START = Instant.now();
  static final List<String> timeline = Collections.synchronizedList(new ArrayList<>());
  /** The node the harness has faulted and that has not served again since; null: none. */
  static final AtomicReference<String> harnessTarget = new AtomicReference<>();
  /** When the harness faulted {@link #harnessTarget}: it is not seen as served again before 3 s have passed. */
  static volatile Instant targetSince = Instant.now();
  static final Set<String> hung = ConcurrentHashMap.newKeySet();
  static final Map<String, Instant> downSince = new ConcurrentHashMap<>();
  static final Map<String, String> addresses = new ConcurrentHashMap<>();
  static final List<String> violations = Collections.synchronizedList(new ArrayList<>());
  static final List<String> nearMisses = Collections.synchronizedList(new ArrayList<>());
  static final AtomicBoolean running = new AtomicBoolean(true);
  /** A session for the ring only: which nodes replicate which ranges of keyspace chaos. */
  static CqlSession ring;

  @BeforeAll
  static void start() throws Exception {
    System.out.println("[e2e] ChaosE2E: seed " + SEED + ", " + FAULTS + " faults (rerun: -Dchaos.seed=" + SEED
        + " -Dchaos.faults=" + FAULTS + ")");
    env = LocalEnvironment.builder(E2eSupport.freshWorkDir("chaos"))
        .addressBase("127.90.0.0")
        .apiPort(17590)
        .stopGrace(Duration.ofSeconds(20))
        .start();
    env.applyYaml(MANIFEST);
    env.awaitReady(NAMESPACE, CLUSTER, Duration.ofMinutes(6));
    everSeen.addAll(INITIAL);
    PHASES.done("4 nodes on 3 racks on 127.90.0.x -> Ready");
  }

  @AfterAll
  static void stop() {
    running.set(false);
    for (String node : hung) {
      signal(node, "CONT");
    }
    if (ring != null) {
      ring.close();
    }
    if (env != null) {
      env.close();
    }
  }

  @Test
  void randomFaultsUnderAQuorumWorkloadLoseNoAcknowledgedWriteAndTheOperatorNeverTakesASecondReplicaDown()
      throws Exception {
    try (CqlSession session = E2eSupport.cql(env, NAMESPACE, CLUSTER, address(INITIAL.get(0)), "dc1")) {
      session.execute(SimpleStatement.newInstance("CREATE KEYSPACE IF NOT EXISTS chaos WITH replication ="
          + " {'class': 'NetworkTopologyStrategy', 'dc1': 3}"));
      session.execute(SimpleStatement.newInstance("CREATE TABLE IF NOT EXISTS chaos.writes (id bigint PRIMARY KEY,"
          + " value text)"));
    }
    Random random = new Random(SEED);
    List<Fault> schedule = new ArrayList<>();
    for (int i = 0; i < FAULTS; i++) {
      schedule.add(Fault.draw(random));
    }
    log("schedule " + schedule);
    ring = E2eSupport.cql(env, NAMESPACE, CLUSTER, address(INITIAL.get(0)), "dc1");

    Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
    AtomicLong failed = new AtomicLong();
    Thread writer = new Thread(() -> write(acknowledged, failed), "chaos-writer");
    Thread sampler = new Thread(ChaosE2E::sample, "chaos-sampler");
    List<Instant> injected = new ArrayList<>();
    Map<Integer, Duration> converged = new ConcurrentHashMap<>();
    Thread watcher = new Thread(() -> watch(injected, converged), "chaos-watcher");
    for (Thread t : List.of(writer, sampler, watcher)) {
      t.setDaemon(true);
      t.start();
    }
    String report = "target/chaos/seed-" + SEED;
    boolean passed = false;
    try {
      for (int i = 0; i < schedule.size(); i++) {
        Fault fault = schedule.get(i);
        if (fault.node) {
          awaitEveryNodeServing(Duration.ofMinutes(5));
        }
        if (fault == Fault.WIPE_AND_REPLACE) {
          awaitReplicated(i, Duration.ofMinutes(10));
        }
        // Drawn among the nodes there are now: a replay draws the same node while no scaling is under way.
        List<String> current = nodes;
        String node = current.get(random.nextInt(current.size()));
        synchronized (injected) {
          injected.add(Instant.now());
        }
        targetSince = Instant.now();
        inject(i, fault, node, random);
        Thread.sleep(5_000 + random.nextInt(15_000));
      }
      PHASES.done(FAULTS + " faults injected");
      CassandraCluster last = awaitConverged(CONVERGE);
      PHASES.done("converged after the last fault");
      running.set(false);
      writer.join(30_000);
      sampler.join(10_000);
      watcher.join(10_000);

      Set<Long> found = readBackAtAll();
      List<Long> lost = acknowledged.stream().filter(id -> !found.contains(id)).sorted().toList();
      PHASES.done("read back " + found.size() + " rows at ALL");
      List<Long> times = converged.values().stream().map(Duration::toMillis).sorted().toList();
      String summary = String.format("seed %d: %d faults %s; writes acknowledged %d, failed %d, lost %d; operator"
              + " took a second replica down %d time(s), near misses %d; converged after a fault p50 %.1f s, max %.1f s",
          SEED, FAULTS, schedule, acknowledged.size(), failed.get(), lost.size(), violations.size(), nearMisses.size(),
          times.isEmpty() ? 0.0 : times.get(times.size() / 2) / 1000.0,
          times.isEmpty() ? 0.0 : times.get(times.size() - 1) / 1000.0);
      log(summary);
      System.out.println("[e2e] ChaosE2E: " + summary);

      assertThat(lost.stream().limit(20).toList()).as(lost.size() + " acknowledged writes lost (the first 20)")
          .isEmpty();
      assertThat(violations).as("the operator took a node down while another was down").isEmpty();
      assertThat(acknowledged).as("writes acknowledged during the run").isNotEmpty();
      assertThat(last.getStatus().getOperation()).isNull();
      passed = true;
    } finally {
      running.set(false);
      writeReport(Paths.get(report), passed);
    }
  }

  // ---- faults ----

  private static void inject(int i, Fault fault, String node, Random random) throws Exception {
    switch (fault) {
      case KILL_NODE -> {
        harnessTarget.set(node);
        log("fault " + i + ": kill -9 " + node);
        env.kubelet().kill(NAMESPACE, node);
      }
      case HANG_NODE -> {
        int seconds = 5 + random.nextInt(26);
        harnessTarget.set(node);
        hung.add(node);
        log("fault " + i + ": SIGSTOP " + node + " for " + seconds + " s");
        signal(node, "STOP");
        Thread.sleep(seconds * 1000L);
        signal(node, "CONT");
        hung.remove(node);
        log("fault " + i + ": SIGCONT " + node);
      }
      case DELETE_POD -> {
        harnessTarget.set(node);
        log("fault " + i + ": delete pod " + node);
        env.client().pods().inNamespace(NAMESPACE).withName(node).delete();
      }
      case WIPE_AND_REPLACE -> {
        harnessTarget.set(node);
        PersistentVolumeClaim claim = env.client().persistentVolumeClaims().inNamespace(NAMESPACE)
            .withLabel(Labels.CLUSTER, CLUSTER).list().getItems().stream()
            .filter(c -> c.getMetadata().getName().endsWith(node)).findFirst().orElseThrow();
        Path data = env.kubelet().claimDir(NAMESPACE, claim.getMetadata().getName());
        log("fault " + i + ": wipe " + data + " and kill -9 " + node);
        try (Stream<Path> files = Files.list(data)) {
          for (Path entry : files.toList()) {
            ProcessKubelet.deleteTree(entry);
          }
        }
        if (env.kubelet().process(NAMESPACE, node).isPresent()) {
          env.kubelet().kill(NAMESPACE, node);
        }
        env.await(NAMESPACE, CLUSTER, c -> c.getStatus().getNodes().stream()
            .anyMatch(n -> n.getName().equals(node) && !Boolean.TRUE.equals(n.getReady())),
            Duration.ofMinutes(2), node + " not ready");
        log("fault " + i + ": annotate " + node + " " + Labels.REPLACE);
        retried(() -> env.client().pods().inNamespace(NAMESPACE).withName(node).edit(p -> {
          p.getMetadata().getAnnotations().put(Labels.REPLACE, "chaos: disk lost");
          return p;
        }));
      }
      case RESTART_OPERATOR -> {
        log("fault " + i + ": operator killed and started again");
        env.restartOperator();
      }
      case CHANGE_CONFIG -> {
        int value = 32 + 2 * i;
        log("fault " + i + ": concurrent_reads " + value + " (rolling restart)");
        retried(() -> env.client().resources(CassandraCluster.class).inNamespace(NAMESPACE).withName(CLUSTER)
            .edit(c -> {
              ConfigSpec config = new ConfigSpec();
              config.setCassandraYaml(JsonNodeFactory.instance.objectNode().put("concurrent_reads", value));
              c.getSpec().setConfig(config);
              return c;
            }));
      }
      case SCALE -> {
        int size = env.get(NAMESPACE, CLUSTER).getSpec().getDatacenters().get(0).getSize();
        int to = size == 4 ? 3 : 4;
        log("fault " + i + ": dc1 size " + size + " -> " + to + (to < size ? " (a decommission)" : " (a bootstrap)"));
        retried(() -> env.client().resources(CassandraCluster.class).inNamespace(NAMESPACE).withName(CLUSTER)
            .edit(c -> {
              c.getSpec().getDatacenters().get(0).setSize(to);
              return c;
            }));
      }
      case ANNOTATE_RESTART -> {
        log("fault " + i + ": " + Labels.RESTART + "=chaos-" + i + " on the cluster");
        retried(() -> env.client().resources(CassandraCluster.class).inNamespace(NAMESPACE).withName(CLUSTER)
            .edit(c -> {
              c.getMetadata().getAnnotations().put(Labels.RESTART, "chaos-" + i);
              return c;
            }));
      }
      default -> throw new IllegalStateException("unknown fault " + fault);
    }
  }

  /**
   * An edit, again on a conflict (the operator and the kubelet write the same objects) or while the object is
   * absent (a pod between its deletion by a rolling restart and its re-creation: seed 35, fault 3), for at most
   * 30 s.
   */
  private static void retried(Runnable edit) throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        edit.run();
        return;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if ((e.getCode() != 409 && e.getCode() != 404) || attempt == 150) {
          throw e;
        }
        Thread.sleep(200);
      }
    }
  }

  private static void signal(String node, String signal) {
    Optional<CassandraProcess> process = env.kubelet().process(NAMESPACE, node);
    if (process.isEmpty()) {
      return;
    }
    try {
      new ProcessBuilder("kill", "-" + signal, Long.toString(process.get().pid())).inheritIO().start().waitFor();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- the workload, the sampler, the watcher ----

  /** Writes one row at a time at QUORUM (5 s timeout, no retry): a write counts once it is acknowledged. */
  private static void write(Set<Long> acknowledged, AtomicLong failed) {
    try (CqlSession session = E2eSupport.cql(env, NAMESPACE, CLUSTER, address(INITIAL.get(0)), "dc1")) {
      PreparedStatement insert = session.prepare("INSERT INTO chaos.writes (id, value) VALUES (?, ?)");
      long id = 0;
      while (running.get()) {
        id++;
        try {
          session.execute(insert.bind(id, "value-" + id).setConsistencyLevel(DefaultConsistencyLevel.QUORUM)
              .setTimeout(Duration.ofSeconds(5)));
          acknowledged.add(id);
        } catch (DriverException e) {
          failed.incrementAndGet();
        }
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          return;
        }
      }
    } catch (RuntimeException e) {
      log("writer stopped: " + e);
      throw e;
    }
  }

  /**
   * Every 200 ms, which nodes serve (process alive, not hung, CQL port open); a node counts as down after two
   * failed samples in a row, from the first. A node that goes down while another is down, and that the harness did
   * not take down, was taken down by the operator (or Cassandra): a violation once the other had been down longer
   * than the operator needs to see it.
   */
  private static void sample() {
    Map<String, Integer> misses = new LinkedHashMap<>();
    Map<String, Instant> firstMiss = new LinkedHashMap<>();
    long round = 0;
    while (running.get()) {
      if (round++ % 25 == 0) {
        refreshAddresses();
      }
      for (String node : nodes) {
        boolean serving = serving(node);
        Instant now = Instant.now();
        if (serving) {
          misses.put(node, 0);
          firstMiss.remove(node);
          if (downSince.remove(node) != null) {
            log("up: " + node);
          }
          if (Duration.between(targetSince, now).toSeconds() >= 3) {
            clearTarget(node);
          }
          continue;
        }
        int missed = misses.merge(node, 1, Integer::sum);
        firstMiss.putIfAbsent(node, now);
        if (missed == 2 && !downSince.containsKey(node)) {
          Instant since = firstMiss.get(node);
          boolean byHarness = node.equals(harnessTarget.get());
          // Only a replica of one of its ranges counts: the two nodes of a rack share none.
          Map<String, Instant> replicasDown = downSince.entrySet().stream()
              .filter(e -> !e.getKey().equals(node) && sharesARange(node, e.getKey()))
              .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
          List<String> othersDown = replicasDown.entrySet().stream()
              .map(e -> e.getKey() + " (down " + Duration.between(e.getValue(), since).toMillis() + " ms)").toList();
          List<String> unrelated = downSince.keySet().stream()
              .filter(other -> !other.equals(node) && !replicasDown.containsKey(other)).toList();
          downSince.put(node, since);
          log("down: " + node + (byHarness ? " (by the harness)" : "") + (othersDown.isEmpty() ? ""
              : " while " + othersDown + " down") + (unrelated.isEmpty() ? ""
              : " (also down, sharing no range with it: " + unrelated + ")"));
          if (!byHarness && !othersDown.isEmpty()) {
            boolean seen = replicasDown.values().stream()
                .anyMatch(at -> Duration.between(at, since).compareTo(SEEING) > 0);
            String what = node + " went down at " + offset(since) + " while " + othersDown + " was down";
            (seen ? violations : nearMisses).add(what);
          }
        }
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /**
   * No harness target any more if it is {@code node}: compared by value, as the node names are read again from the
   * API every 5 s ({@code compareAndSet} compares references).
   */
  private static void clearTarget(String node) {
    harnessTarget.updateAndGet(target -> node.equals(target) ? null : target);
  }

  private static boolean serving(String node) {
    if (hung.contains(node) || env.kubelet().process(NAMESPACE, node).isEmpty()) {
      return false;
    }
    String address = addresses.get(node);
    if (address == null) {
      return false;
    }
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(address, 9042), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The pods' addresses, and the cluster's nodes: its pods and the nodes its status records (a node being added
   * has a status entry before its pod; a decommissioned one has neither once the scale-down is over, and is
   * forgotten).
   */
  private static void refreshAddresses() {
    try {
      Set<String> members = new java.util.TreeSet<>();
      for (Pod pod : env.client().pods().inNamespace(NAMESPACE).withLabel(Labels.CLUSTER, CLUSTER).list()
          .getItems()) {
        members.add(pod.getMetadata().getName());
        if (pod.getStatus() != null && pod.getStatus().getPodIP() != null) {
          addresses.put(pod.getMetadata().getName(), pod.getStatus().getPodIP());
        }
      }
      CassandraCluster cr = env.get(NAMESPACE, CLUSTER);
      if (cr != null && cr.getStatus() != null && cr.getStatus().getNodes() != null) {
        cr.getStatus().getNodes().forEach(n -> members.add(n.getName()));
      }
      if (members.isEmpty()) {
        return;
      }
      for (String gone : nodes) {
        if (!members.contains(gone)) {
          log("left: " + gone);
          downSince.remove(gone);
          clearTarget(gone);
        }
      }
      for (String added : members) {
        if (!nodes.contains(added)) {
          log("joined: " + added);
        }
      }
      everSeen.addAll(members);
      nodes = List.copyOf(members);
    } catch (RuntimeException e) {
      // the embedded API under load: next round
    }
  }

  /**
   * Whether two nodes replicate a common range of keyspace chaos, in the ring as the driver sees it now. A node
   * outside the ring (decommissioned, or not joined yet) shares none; without a ring yet, every pair does.
   */
  static boolean sharesARange(String a, String b) {
    String addressA = addresses.get(a);
    String addressB = addresses.get(b);
    var tokenMap = ring == null ? Optional.<com.datastax.oss.driver.api.core.metadata.TokenMap>empty()
        : ring.getMetadata().getTokenMap();
    if (addressA == null || addressB == null || tokenMap.isEmpty()) {
      return true;
    }
    var keyspace = com.datastax.oss.driver.api.core.CqlIdentifier.fromCql("chaos");
    for (var range : tokenMap.get().getTokenRanges()) {
      Set<String> replicas = tokenMap.get().getReplicas(keyspace, range).stream()
          .map(n -> n.getBroadcastRpcAddress().map(x -> x.getAddress().getHostAddress()).orElse(null))
          .collect(Collectors.toSet());
      if (replicas.isEmpty()) {
        return true; // the keyspace's replication is not known yet
      }
      if (replicas.contains(addressA) && replicas.contains(addressB)) {
        return true;
      }
    }
    return false;
  }

  /** Every second: when the cluster is converged, each fault injected since the last convergence has converged. */
  private static void watch(List<Instant> injected, Map<Integer, Duration> converged) {
    while (running.get()) {
      try {
        if (downSince.isEmpty() && isConverged(env.get(NAMESPACE, CLUSTER))) {
          Instant now = Instant.now();
          synchronized (injected) {
            for (int i = 0; i < injected.size(); i++) {
              Duration took = Duration.between(injected.get(i), now);
              if (took.toSeconds() >= 5) {
                converged.putIfAbsent(i, took);
              }
            }
          }
        }
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // the embedded API under load, or the operator restarting: next round
      }
    }
  }

  private static boolean isConverged(CassandraCluster c) {
    return c != null && c.getStatus() != null && LocalEnvironment.isReady(c) && c.getStatus().getOperation() == null
        && c.getMetadata().getGeneration().equals(c.getStatus().getObservedGeneration())
        && c.getStatus().getNodes().size() == c.getSpec().getDatacenters().get(0).getSize()
        && c.getStatus().getNodes().stream().allMatch(n -> n.getState() == NodeState.UN
            && Boolean.TRUE.equals(n.getReady()));
  }

  /** Converged and still so 10 s later (a restart asked may not have started at the first look). */
  private static CassandraCluster awaitConverged(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Instant stableSince = null;
    CassandraCluster last = null;
    while (System.nanoTime() < deadline) {
      try {
        last = env.get(NAMESPACE, CLUSTER);
      } catch (RuntimeException e) {
        Thread.sleep(1000);
        continue;
      }
      if (isConverged(last) && downSince.isEmpty() && harnessTarget.get() == null) {
        if (stableSince == null) {
          stableSince = Instant.now();
        } else if (Duration.between(stableSince, Instant.now()).toSeconds() >= 10) {
          return last;
        }
      } else {
        stableSince = null;
      }
      Thread.sleep(1000);
    }
    throw new AssertionError("not converged within " + timeout + " of the last fault; last status: "
        + (last == null ? null : Serialization.asJson(last.getStatus())));
  }

  /**
   * Before a disk is lost: until the last replacement's ranges were repaired. A replacement streams each range from
   * one replica, so a write only another replica held has one copy until that repair; a second lost disk before it
   * loses such a write whatever any operator does (RF 3 at QUORUM survives one lost replica at a time). The
   * 40-fault run of seed 1849467536926383856 lost 768 acknowledged writes so, before replacements were repaired.
   */
  private static void awaitReplicated(int fault, Duration timeout) throws InterruptedException {
    long started = System.nanoTime();
    long deadline = started + timeout.toNanos();
    while (true) {
      CassandraCluster cr = env.get(NAMESPACE, CLUSTER);
      var status = cr == null ? null : cr.getStatus();
      boolean replacing = status != null && status.getOperation() != null
          && status.getOperation().getType() == io.ringkeeper.api.v1alpha1.OperationType.Replace;
      var repair = status == null ? null : status.getRepair();
      boolean repairing = repair != null && (repair.getRunning() != null || !repair.getPendingHintRepairs().isEmpty());
      if (status != null && !replacing && !repairing) {
        long waited = java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        if (waited > 0) {
          log("fault " + fault + ": waited " + waited + " s for the last replacement's ranges to be repaired");
        }
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the last replacement's ranges were not repaired within " + timeout + ": "
            + (repair == null ? "no repair status" : "running " + (repair.getRunning() == null ? null
            : repair.getRunning().getId()) + ", pending " + repair.getPendingHintRepairs()));
      }
      Thread.sleep(1000);
    }
  }

  private static void awaitEveryNodeServing(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!(downSince.isEmpty() && harnessTarget.get() == null && nodes.stream().allMatch(ChaosE2E::serving))) {
      if (System.nanoTime() > deadline) {
        String sampler = Thread.getAllStackTraces().entrySet().stream()
            .filter(e -> e.getKey().getName().equals("chaos-sampler")).findFirst()
            .map(e -> e.getKey().getState() + " at " + java.util.Arrays.stream(e.getValue()).limit(12)
                .map(String::valueOf).collect(Collectors.joining(" < "))).orElse("not running");
        throw new AssertionError("not every node served again within " + timeout + "; down: " + downSince
            + ", harness target: " + harnessTarget.get() + ", nodes " + nodes + ", not serving: "
            + nodes.stream().filter(n -> !serving(n)).toList() + ", addresses " + addresses + "; sampler: " + sampler);
      }
      Thread.sleep(500);
    }
  }

  /** Every id at ALL, in pages (retried whole on a timeout). */
  private static Set<Long> readBackAtAll() throws InterruptedException {
    try (CqlSession session = E2eSupport.cql(env, NAMESPACE, CLUSTER, address(nodes.get(0)), "dc1")) {
      for (int attempt = 1; ; attempt++) {
        try {
          Set<Long> found = new HashSet<>();
          for (Row row : session.execute(SimpleStatement.newInstance("SELECT id FROM chaos.writes")
              .setConsistencyLevel(DefaultConsistencyLevel.ALL).setPageSize(2000).setTimeout(Duration.ofSeconds(30)))) {
            found.add(row.getLong("id"));
          }
          return found;
        } catch (DriverException e) {
          if (attempt == 5) {
            throw e;
          }
          Thread.sleep(3000);
        }
      }
    }
  }

  // ---- the report ----

  private static String address(String node) {
    refreshAddresses();
    return Optional.ofNullable(addresses.get(node)).orElseThrow(() -> new IllegalStateException(node + " has no IP"));
  }

  private static String offset(Instant at) {
    return String.format("+%.1fs", Duration.between(START, at).toMillis() / 1000.0);
  }

  private static void log(String line) {
    String entry = offset(Instant.now()) + " " + line;
    timeline.add(entry);
    System.out.println("[chaos] " + entry);
  }

  private static void writeReport(Path dir, boolean passed) {
    try {
      Files.createDirectories(dir);
      List<String> lines = new ArrayList<>(timeline);
      lines.add("violations: " + violations);
      lines.add("near misses: " + nearMisses);
      lines.add("result: " + (passed ? "passed" : "FAILED"));
      Files.write(dir.resolve("timeline.txt"), lines);
      try {
        Files.writeString(dir.resolve("status.json"), Serialization.asJson(env.get(NAMESPACE, CLUSTER)));
      } catch (RuntimeException e) {
        Files.writeString(dir.resolve("status.json"), "unavailable: " + e);
      }
      if (!passed) {
        for (String node : everSeen) {
          Path logs = env.kubelet().podDir(NAMESPACE, node);
          if (Files.isDirectory(logs)) {
            try (Stream<Path> walk = Files.walk(logs)) {
              for (Path log : walk.filter(p -> p.getFileName().toString().endsWith(".log")).toList()) {
                Files.copy(log, dir.resolve(node + "-" + log.getFileName()),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
              }
            }
          }
        }
      }
      System.out.println("[e2e] ChaosE2E: report in " + dir.toAbsolutePath() + " "
          + lines.stream().filter(l -> l.startsWith("violations") || l.startsWith("near")).collect(Collectors.joining("; ")));
    } catch (IOException | RuntimeException e) {
      System.out.println("[e2e] ChaosE2E: no report: " + e);
    }
  }
}
