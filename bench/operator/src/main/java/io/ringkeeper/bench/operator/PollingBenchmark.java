package io.ringkeeper.bench.operator;

import static io.ringkeeper.bench.operator.OperatorBenchmarks.progress;

import io.ringkeeper.operator.node.AgentToken;
import io.ringkeeper.operator.node.ClusterKey;
import io.ringkeeper.operator.node.HttpNodeClient;
import io.ringkeeper.operator.node.NodeEndpoint;
import io.ringkeeper.operator.node.NodeObservation;
import io.ringkeeper.operator.node.NodePoller;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Benchmark 3: one poll round over 300 node agents, real HTTP: the operator's {@link HttpNodeClient} and
 * {@link NodePoller} (with Main's defaults: 16 calls in flight, connect timeout a third of the agent timeout)
 * against 300 JDK HttpServers on 127.8.1.1-127.8.2.50 answering {@code /v1/node} after 5-50 ms (seeded), 5 of
 * which hang (accept the request and never answer). Round time: from the start of a round until every
 * answering node has an observation from that round. Detection: a node that answered starts hanging; the time
 * until the poller's observation of it is a failure, against the poll interval.
 */
final class PollingBenchmark {
  static final int NODES = 300;
  static final int HANGING = 5;
  static final Duration INTERVAL = Duration.ofSeconds(2);
  static final Duration TIMEOUT = Duration.ofMillis(600);
  static final int ROUNDS = 10;
  static final int[] CONCURRENCY = {16, 32, 64};

  private PollingBenchmark() {}

  static void run() throws Exception {
    progress("polling: starting " + NODES + " agents on 127.8.1.x-127.8.2.x");
    Random random = new Random(10);
    List<String> addresses = new ArrayList<>();
    for (int i = 0; i < NODES; i++) {
      addresses.add(FakeAgents.address(1, i));
    }
    try (FakeAgents agents = FakeAgents.start(addresses, address -> FakeAgents.sampleInfo(address))) {
      for (String address : addresses) {
        agents.delay(address, Duration.ofMillis(5 + random.nextInt(46)));
      }
      System.out.println("### 3. Node polling: 300 agents over real HTTP, 5 hanging");
      System.out.println();
      System.out.println("NodePoller + HttpNodeClient, agent timeout " + TIMEOUT.toMillis() + " ms, interval "
          + INTERVAL.toMillis() + " ms; agents are JDK HttpServers on 127.8.x.y answering after 5-50 ms (seeded);"
          + " " + ROUNDS + " rounds per row, min / median / max in ms. Calls in flight: Main's --poll-concurrency.");
      System.out.println();
      System.out.println("| calls in flight | round: 295 answering nodes observed | round: 5 hung nodes reported too "
          + "| a node that stops answering is reported (5 nodes) |");
      System.out.println("|---:|---:|---:|---:|");
      for (int concurrency : CONCURRENCY) {
        progress("polling: " + concurrency + " calls in flight");
        System.out.println(measure(agents, addresses, concurrency, new Random(concurrency)));
      }
      System.out.println();
    }
  }

  private static String measure(FakeAgents agents, List<String> addresses, int concurrency, Random random)
      throws Exception {
    Set<String> hanging = Set.copyOf(addresses.subList(NODES - HANGING, NODES));
    addresses.forEach(a -> agents.hang(a, hanging.contains(a)));
    ClusterKey cluster = new ClusterKey("bench", "polling");
    List<NodeEndpoint> endpoints = addresses.stream()
        .map(a -> new NodeEndpoint("node-" + a, a, agents.port(), new AgentToken("t0ken"))).toList();
    Duration connect = TIMEOUT.dividedBy(3);
    HttpNodeClient client = new HttpNodeClient(connect, TIMEOUT.minus(connect), concurrency);
    NodePoller poller = new NodePoller(client, INTERVAL, TIMEOUT, concurrency, Clock.systemUTC());
    poller.track(cluster, endpoints); // asks every node once: the warm-up round (connections, JIT)
    awaitRound(poller, cluster, Instant.EPOCH, hanging, true);

    List<Double> rounds = new ArrayList<>();
    List<Double> roundsWithTimeouts = new ArrayList<>();
    for (int round = 0; round < ROUNDS; round++) {
      Thread.sleep(TIMEOUT.toMillis() + 100); // the previous round's hung calls have timed out
      Instant start = Instant.now();
      long t0 = System.nanoTime();
      poller.pollOnce();
      awaitRound(poller, cluster, start, hanging, false);
      rounds.add((System.nanoTime() - t0) / 1e6);
      awaitRound(poller, cluster, start, hanging, true);
      roundsWithTimeouts.add((System.nanoTime() - t0) / 1e6);
    }

    // Detection with the poller on its own schedule: a node stops answering at a random moment of the interval.
    poller.start();
    List<Double> detection = new ArrayList<>();
    List<String> answering = addresses.subList(0, NODES - HANGING);
    for (int i = 0; i < 5; i++) {
      String victim = answering.get(random.nextInt(answering.size()));
      Thread.sleep(random.nextInt((int) INTERVAL.toMillis()));
      long t0 = System.nanoTime();
      agents.hang(victim, true);
      while (true) {
        NodeObservation seen = poller.observations(cluster).get("node-" + victim);
        if (seen != null && !seen.answeredNow()) {
          break;
        }
        Thread.sleep(5);
      }
      detection.add((System.nanoTime() - t0) / 1e6);
      agents.hang(victim, false);
    }
    poller.close();
    return "| " + concurrency + " | " + Stats.of(rounds).mmm(0) + " | " + Stats.of(roundsWithTimeouts).mmm(0) + " | "
        + Stats.of(detection).mmm(0) + " |";
  }

  /** Waits until every node (hung ones too, or not) has an observation taken after {@code since}. */
  private static void awaitRound(NodePoller poller, ClusterKey cluster, Instant since, Set<String> hanging,
      boolean includeHanging) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      Map<String, NodeObservation> seen = poller.observations(cluster);
      boolean done = seen.size() == NODES;
      for (NodeObservation o : seen.values()) {
        boolean hung = hanging.contains(o.address());
        if ((includeHanging || !hung) && o.at().isBefore(since)) {
          done = false;
          break;
        }
      }
      if (done) {
        return;
      }
      Thread.sleep(2);
    }
    throw new IllegalStateException("the poll round did not finish within 60 s");
  }
}
