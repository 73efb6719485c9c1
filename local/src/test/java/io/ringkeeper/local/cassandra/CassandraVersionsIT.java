package io.ringkeeper.local.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringkeeper.local.LocalEnvironment;
import io.ringkeeper.operator.node.HttpNodeClient;
import io.ringkeeper.operator.node.NodeInfo;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A Cassandra release other than the bundled one, on a real node: fetched with Maven into the cache outside the
 * repository on first use (the time is printed), reused after, and the node's agent reports that release.
 */
class CassandraVersionsIT {
  static final String VERSION = System.getProperty("ringkeeper.it.cassandra.version", "5.0.8");
  private static final String ADDRESS = "127.90.0.1";
  private static LocalTestCluster cluster;

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aNodeOnAnOlderFiveZeroReleaseRunsFromTheFetchedJarsAndReportsThatRelease() throws Exception {
    CassandraDistribution bundled = CassandraDistribution.locate();
    String bundledVersion = LocalEnvironment.cassandraVersion(bundled);
    assertThat(VERSION).isNotEqualTo(bundledVersion);
    CassandraVersions versions = CassandraVersions.fetching(bundled, bundledVersion);
    boolean cached = CassandraVersions.isComplete(CassandraVersions.defaultCacheDir().resolve(VERSION));
    long started = System.nanoTime();
    CassandraDistribution release = versions.await(VERSION, Duration.ofMinutes(15));
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    System.out.printf("cassandra %s: %s in %d ms (%s)%n", VERSION, cached ? "reused from the cache" : "fetched",
        millis, release.libDir());
    assertThat(release.libDir()).startsWith(CassandraVersions.defaultCacheDir());
    assertThat(release.libDir().resolve("cassandra-all-" + VERSION + ".jar")).isRegularFile();
    try (var jars = Files.list(release.libDir())) {
      assertThat(jars.filter(p -> p.getFileName().toString().startsWith("cassandra-all-"))).hasSize(1);
    }
    // A second lookup (another local-mode process) reuses the directory without a fetch.
    long again = System.nanoTime();
    assertThat(CassandraVersions.fetching(bundled, bundledVersion).distributionFor("cassandra:" + VERSION).libDir())
        .isEqualTo(release.libDir());
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - again)).isLessThan(1000);

    cluster = LocalTestCluster.builder("versions", ItSupport.freshWorkDir("versions-" + VERSION))
        .distribution(release).addresses(ADDRESS).racks("r1").agentPort(40510)
        .extraJvmOptions("-Dcassandra.config.allow_system_properties=true",
            "-Dcassandra.settings.native_transport_port=40542", "-Dcassandra.settings.storage_port=40700")
        .build().start(Duration.ofMinutes(3));
    NodeInfo info = new HttpNodeClient(Duration.ofSeconds(1), Duration.ofSeconds(5), 4).nodeInfo(cluster.endpoint(0))
        .get(10, TimeUnit.SECONDS);
    assertThat(info.releaseVersion()).isEqualTo(VERSION);
  }
}
