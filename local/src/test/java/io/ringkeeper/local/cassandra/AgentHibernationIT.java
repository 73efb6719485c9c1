package io.ringkeeper.local.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ringkeeper.operator.node.HibernationEnd;
import io.ringkeeper.operator.node.HttpNodeClient;
import io.ringkeeper.operator.node.NodeClientException;
import io.ringkeeper.operator.node.NodeEndpoint;
import io.ringkeeper.operator.node.NodeInfo;
import io.ringkeeper.operator.node.OperationMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A replacement at the address of the node it replaces, on three real Cassandra 5.0.9 nodes (127.0.9.11-13): while
 * it runs it hibernates in its peers' gossip; killed then, it stays hibernating there, and no peer gossips with a
 * hibernating node again (CASSANDRA-19580, seen in ChaosE2E: every later start failed with "Unable to contact any
 * seeds"; a start here fails so too). The agent of a peer reports it in {@code hibernatingNodes}, refuses to end the
 * hibernation while the replacement runs, ends it once it is gone, and the next start joins.
 */
class AgentHibernationIT {
  private static final int LOST = 2;
  private static final String SLOW_JOIN = "-Dcassandra.ring_delay_ms=20000";
  private static LocalTestCluster cluster;
  private static final HttpNodeClient client = new HttpNodeClient(Duration.ofSeconds(1), Duration.ofSeconds(5), 8);

  @BeforeAll
  static void startCluster() throws Exception {
    long started = System.nanoTime();
    cluster = LocalTestCluster.builder("hibernate", ItSupport.freshWorkDir("hibernation"))
        .addresses("127.0.9.11", "127.0.9.12", "127.0.9.13")
        .racks("r1", "r2", "r3")
        .build()
        .start(Duration.ofSeconds(240));
    System.out.printf("3-node cluster ready in %.1f s%n", (System.nanoTime() - started) / 1e9);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static NodeInfo info(int index) throws Exception {
    return client.nodeInfo(cluster.endpoint(index)).get(10, TimeUnit.SECONDS);
  }

  private static boolean hibernatingAtSeed() {
    try {
      return info(0).hibernatingNodes().contains(cluster.node(LOST).address());
    } catch (Exception e) {
      return false;
    }
  }

  private static HibernationEnd end(NodeEndpoint via) throws Exception {
    return client.endHibernation(via, cluster.node(LOST).address()).get(40, TimeUnit.SECONDS);
  }

  private static NodeClientException refusal(NodeEndpoint via) throws Exception {
    try {
      end(via);
      throw new AssertionError("expected a refusal");
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(NodeClientException.class);
      return (NodeClientException) e.getCause();
    }
  }

  private static String log(int index) throws Exception {
    Path file = cluster.node(index).spec().logDir().resolve("system.log");
    return Files.exists(file) ? Files.readString(file) : "";
  }

  @Test
  void aFailedReplacementLeftHibernatingIsEndedOnlyOnceItsProcessIsGoneAndItsNextStartJoins() throws Exception {
    String address = cluster.node(LOST).address();
    assertThat(info(0).hibernatingNodes()).isEmpty();
    assertThat(refusal(cluster.endpoint(0)).getMessage()).contains("NORMAL").contains("only a peer left hibernating");

    cluster.kill(LOST);
    cluster.wipe(LOST);
    long started = System.nanoTime();
    // A ring delay of 20 s keeps it hibernating long enough to be seen, asked and killed before it joins (with the
    // 3 s of the other nodes it could join within a second of being seen, before it was asked and killed).
    cluster.startReplacing(LOST, SLOW_JOIN);
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
        .until(AgentHibernationIT::hibernatingAtSeed);
    System.out.printf("the replacement hibernates at the seed %.1f s after its start%n",
        (System.nanoTime() - started) / 1e9);
    // While it runs, refused: its heartbeat advances. Asked of the other peer once gossip brought it the
    // replacement's state too (asked a moment before, it still held the old node NORMAL: a clean-clone CI run).
    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
        .until(() -> info(1).hibernatingNodes().contains(address));
    NodeClientException running = refusal(cluster.endpoint(1));
    assertThat(running.getMessage()).contains("heartbeat is advancing");
    assertThat(running.kind()).isEqualTo(NodeClientException.Kind.REFUSED);

    // Killed while it hibernates (its attempt failed): held so by its peers for good.
    assertThat(cluster.process(LOST).isAlive()).as("still joining").isTrue();
    assertThat(hibernatingAtSeed()).isTrue();
    cluster.kill(LOST);
    Thread.sleep(3000);
    assertThat(info(0).hibernatingNodes()).containsExactly(address);

    // The failure itself, as ChaosE2E met it: a start that knows no peer from an earlier attempt (an attempt that
    // met its peers saved them, and a start from that data lists them in its own gossip and is answered) learns of
    // none and exits.
    cluster.wipe(LOST);
    String beforeControl = log(LOST);
    cluster.startReplacing(LOST);
    if (!cluster.process(LOST).waitFor(Duration.ofSeconds(150))) {
      Process dump = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jstack").toString(),
          Long.toString(cluster.process(LOST).pid())).redirectErrorStream(true).start();
      System.out.println("still running after 150 s; its log since the start:\n"
          + log(LOST).substring(beforeControl.length()) + "\nits threads:\n"
          + new String(dump.getInputStream().readAllBytes()));
      throw new AssertionError("the start without help did not exit");
    }
    assertThat(log(LOST).substring(beforeControl.length())).contains("Unable to contact any seeds");
    System.out.println("started again without ending the hibernation: \"Unable to contact any seeds\"");
    assertThat(info(0).hibernatingNodes()).containsExactly(address);

    int attempts = 0;
    while (true) {
      attempts++;
      boolean first = true;
      for (int peer = 0; peer < LOST; peer++) {
        if (info(peer).hibernatingNodes().contains(address)) {
          HibernationEnd ended = end(cluster.endpoint(peer));
          assertThat(ended.status()).isEqualTo("shutdown");
          // The first peer marks it; the mark reaches the others by gossip, maybe while they watch.
          if (first) {
            assertThat(ended.changed()).isTrue();
          }
          first = false;
          assertThat(info(peer).hibernatingNodes()).doesNotContain(address);
          assertThat(end(cluster.endpoint(peer)).changed()).as("asked again").isFalse();
        }
      }
      String before = log(LOST);
      cluster.startReplacing(LOST);
      try {
        await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(500)).until(() -> {
          if (!cluster.process(LOST).isAlive()) {
            String since = log(LOST).substring(before.length());
            throw new IllegalStateException("the replacement exited: " + since.lines()
                .filter(l -> l.contains("Unable to contact any seeds")).findFirst()
                .orElse(since.lines().filter(l -> l.contains("Exception")).findFirst()
                    .orElse("(no exception logged)")));
          }
          try {
            return info(LOST).operationMode() == OperationMode.NORMAL;
          } catch (Exception e) {
            return false;
          }
        });
        break;
      } catch (org.awaitility.core.ConditionTimeoutException | IllegalStateException failed) {
        // Only the race CASSANDRA-19580 leaves (no peer gossiped with the start before it hibernated again, about
        // one start in eight here) may fail it; each failure leaves it hibernating, and it is ended again.
        String reason = failed.getMessage();
        System.out.println("attempt " + attempts + " failed: " + reason);
        assertThat(reason).contains("Unable to contact any seeds");
        assertThat(attempts).as("starts after the hibernation was ended").isLessThan(4);
        cluster.kill(LOST);
        await().atMost(Duration.ofSeconds(30)).until(AgentHibernationIT::hibernatingAtSeed);
      }
    }
    System.out.println("the replacement joined at start " + attempts + " after its hibernation was ended");
    cluster.awaitReady(Duration.ofSeconds(120));
    assertThat(info(0).hibernatingNodes()).isEmpty();
    assertThat(info(0).liveNodes()).contains(address);
  }
}
