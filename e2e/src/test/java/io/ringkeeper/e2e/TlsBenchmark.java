package io.ringkeeper.e2e;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.local.LocalEnvironment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * TLS on against TLS off, in one run on real nodes (local mode, Cassandra 5.0.9): examples/minimal.yaml (3 nodes, RF 3)
 * with {@code spec.tls.enabled: false}, then as it is (TLS by default: internode, client Required, agents over
 * HTTPS), one cluster after the other on the same embedded API and operator, {@code rounds} times, alternating.
 * For each: apply to Ready (the operator's status says Ready 3/3), then a fixed CQL workload from one client, one
 * request at a time: 500 warm-up writes, then 3000 single-row INSERTs at QUORUM, each timed. Prints numbers and
 * asserts nothing about them. Not part of the normal build; run it with
 *
 * <pre>
 * mvn -o -q -B -pl e2e -am verify -Dit.test=TlsBenchmark -Dtest='None*' -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dfailsafe.failIfNoSpecifiedTests=false [-Dbenchmark.tls.rounds=1]
 * cat e2e/target/benchmarks/tls.md
 * </pre>
 *
 * Addresses 127.61.20.x.
 */
class TlsBenchmark {
  private static final int WARM_UP = 500;
  private static final int WRITES = 3000;

  private record Result(String mode, double readySeconds, double p50, double p99, double max, double perSecond) {}

  @Test
  void measure() throws Exception {
    int rounds = Integer.getInteger("benchmark.tls.rounds", 2);
    Path work = E2eSupport.freshWorkDir("tls-benchmark");
    String minimal = Files.readString(E2eSupport.example("minimal.yaml"));
    List<Result> results = new ArrayList<>();
    try (LocalEnvironment env = LocalEnvironment.builder(work).addressBase("127.61.20.0")
        .stopGrace(Duration.ofSeconds(20)).start()) {
      for (int round = 1; round <= rounds; round++) {
        for (boolean tls : new boolean[] {false, true}) {
          String name = (tls ? "tls" : "plain") + round;
          String manifest = minimal.replace("name: demo", "name: " + name)
              + (tls ? "" : "  tls:\n    enabled: false\n");
          long t0 = System.nanoTime();
          env.applyYaml(manifest);
          env.awaitReady("default", name, Duration.ofMinutes(8));
          double ready = (System.nanoTime() - t0) / 1e9;
          CassandraCluster cr = env.get("default", name);
          String address = cr.getStatus().getNodes().get(0).getPodIP();
          Result r;
          try (CqlSession session = E2eSupport.cql(env, "default", name, address, "dc1")) {
            r = workload(session, tls ? "TLS on (default)" : "TLS off", ready);
          }
          results.add(r);
          System.out.printf(Locale.ROOT, "TlsBenchmark round %d %s: Ready in %.1f s, write p50 %.2f ms p99 %.2f ms"
              + " max %.1f ms, %.0f writes/s%n", round, r.mode(), r.readySeconds(), r.p50(), r.p99(), r.max(),
              r.perSecond());
          env.client().resources(CassandraCluster.class).inNamespace("default").withName(name).delete();
          // Local mode has no garbage collector: the pods are deleted here, so the next cluster runs alone.
          env.client().pods().inNamespace("default").delete();
          long until = System.nanoTime() + Duration.ofMinutes(3).toNanos();
          while (!env.client().pods().inNamespace("default").list().getItems().isEmpty()
              && System.nanoTime() < until) {
            Thread.sleep(1000);
          }
          if (!env.client().pods().inNamespace("default").list().getItems().isEmpty()) {
            throw new IllegalStateException("the pods of " + name + " were not gone 3 minutes after their deletion");
          }
        }
      }
    }
    StringBuilder md = new StringBuilder();
    md.append("| round | mode | apply -> Ready | write p50 | write p99 | write max | writes/s |\n");
    md.append("|---|---|---|---|---|---|---|\n");
    for (int i = 0; i < results.size(); i++) {
      Result r = results.get(i);
      md.append(String.format(Locale.ROOT, "| %d | %s | %.1f s | %.2f ms | %.2f ms | %.1f ms | %.0f |%n", i / 2 + 1,
          r.mode(), r.readySeconds(), r.p50(), r.p99(), r.max(), r.perSecond()));
    }
    Path out = Path.of("target", "benchmarks", "tls.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, md.toString(), StandardCharsets.UTF_8);
    System.out.println(md);
  }

  private static Result workload(CqlSession session, String mode, double ready) {
    session.execute(SimpleStatement.newInstance("CREATE KEYSPACE IF NOT EXISTS bench WITH replication ="
        + " {'class': 'NetworkTopologyStrategy', 'dc1': 3}").setTimeout(Duration.ofSeconds(60)));
    session.execute(SimpleStatement.newInstance("CREATE TABLE IF NOT EXISTS bench.kv (k int PRIMARY KEY, v text)")
        .setTimeout(Duration.ofSeconds(60)));
    PreparedStatement insert = session.prepare("INSERT INTO bench.kv (k, v) VALUES (?, ?)");
    String value = "v".repeat(100);
    for (int i = 0; i < WARM_UP; i++) {
      session.execute(insert.bind(-i - 1, value).setConsistencyLevel(DefaultConsistencyLevel.QUORUM));
    }
    long[] nanos = new long[WRITES];
    long start = System.nanoTime();
    for (int i = 0; i < WRITES; i++) {
      long t = System.nanoTime();
      session.execute(insert.bind(i, value).setConsistencyLevel(DefaultConsistencyLevel.QUORUM));
      nanos[i] = System.nanoTime() - t;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Arrays.sort(nanos);
    return new Result(mode, ready, nanos[WRITES / 2] / 1e6, nanos[(int) (WRITES * 0.99)] / 1e6,
        nanos[WRITES - 1] / 1e6, WRITES / seconds);
  }
}
